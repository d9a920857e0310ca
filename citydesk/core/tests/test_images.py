"""core.images.clean_image: the pixel limit is applied from the header, before decoding."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from citydesk.core.images import clean_image


def encoded(size: tuple[int, int], fmt: str, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 128 if mode == "L" else (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def test_a_png_over_the_pixel_limit_is_refused_in_vietnamese(settings):
    settings.CITYDESK_IMAGE_MAX_PIXELS = 10_000
    with pytest.raises(ValidationError) as refused:
        clean_image(encoded((101, 100), "PNG"))
    assert "quá nhiều điểm ảnh" in refused.value.messages[0]
    assert clean_image(encoded((100, 100), "PNG")).size > 0


def test_a_large_jpeg_is_decoded_at_a_reduced_scale_instead_of_refused(settings):
    settings.CITYDESK_IMAGE_MAX_PIXELS = 10_000
    with Image.open(clean_image(encoded((400, 200), "JPEG"))) as cleaned:  # 8× the limit: decoded at ¼
        assert cleaned.size == (100, 50)


def test_a_jpeg_beyond_an_eighth_of_the_limit_is_refused(settings):
    settings.CITYDESK_IMAGE_MAX_PIXELS = 1_000
    with pytest.raises(ValidationError):
        clean_image(encoded((1000, 1000), "JPEG", mode="L"))  # 1,000× the limit: even ⅛ is too large
