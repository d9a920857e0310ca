"""Images sent by the public: type checked by content, size and pixel count limited before anything
is decoded, metadata (EXIF, GPS) stripped."""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # phone photos arrive as HEIC; Wagtail's dependency pillow-heif reads them
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - optional
    pass

ACCEPTED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "png", "HEIF": "jpg", "MPO": "jpg"}
JPEG_KINDS = ("JPEG", "MPO")
MAX_JPEG_SCALE = 8  # libjpeg decodes at 1/2, 1/4 or 1/8 of the size for the cost of the smaller image


def _too_many_pixels() -> ValidationError:
    limit = settings.CITYDESK_IMAGE_MAX_PIXELS
    return ValidationError(
        _("The image has too many pixels (at most %(megapixels)d megapixels).")
        % {"megapixels": max(1, limit // 1_000_000)}
    )


def _jpeg_scale(pixels: int, limit: int) -> int:
    """The smallest libjpeg scale (1, 2, 4, 8) that brings a JPEG under the limit, or 0 if none does."""
    scale = 1
    while pixels > limit * scale * scale:
        scale *= 2
        if scale > MAX_JPEG_SCALE:
            return 0
    return scale


def _open_within_limit(data: bytes) -> tuple[Image.Image, str]:
    """Open the image and make sure decoding it costs at most CITYDESK_IMAGE_MAX_PIXELS pixels.

    Only the header has been read when the size is checked: a 160 KB PNG that says 7000×7000 is
    refused before a single row is inflated. Large phone JPEGs are decoded at a reduced scale instead.
    """
    limit = settings.CITYDESK_IMAGE_MAX_PIXELS
    with Image.open(io.BytesIO(data)) as probe:
        kind, (width, height) = probe.format, probe.size
        if kind not in ACCEPTED:
            raise ValidationError(_("Send a photo (JPEG, PNG, WebP, GIF or HEIC)."))
        scale = _jpeg_scale(width * height, limit) if kind in JPEG_KINDS else int(width * height <= limit)
        if not scale:
            raise _too_many_pixels()
        probe.verify()
    image = Image.open(io.BytesIO(data))
    if scale > 1:
        image.draft("RGB", (width // scale, height // scale))
    if image.width * image.height > limit:
        raise _too_many_pixels()
    return image, kind


def clean_image(data: bytes) -> ContentFile:
    """A re-encoded copy of the image without its metadata; ValidationError if it is not a usable image."""
    if len(data) > settings.CITYDESK_TIP_MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is too large (at most %(mb)d MB).")
            % {"mb": settings.CITYDESK_TIP_MAX_IMAGE_BYTES // (1024 * 1024)}
        )
    try:
        image, kind = _open_within_limit(data)
        image = ImageOps.exif_transpose(image)  # keep what the camera meant by "up", then drop the tags
        if kind in ("GIF", "PNG") or image.mode not in ("RGB", "L"):
            image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
        extension = ACCEPTED[kind]
        if extension == "jpg" and image.mode != "RGB":
            image = image.convert("RGB")
        # A fresh image has no info dict: no EXIF, GPS, XMP, ICC comments or text chunks survive.
        clean = Image.new(image.mode, image.size)
        clean.paste(image)
        out = io.BytesIO()
        if extension == "jpg":
            clean.save(out, format="JPEG", quality=90)
        elif extension == "webp":
            clean.save(out, format="WEBP", quality=90)
        else:
            clean.save(out, format="PNG", optimize=True)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None  # Pillow's own ceiling, far above ours: only the absurd reach it
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("The file is not an image we can read.")) from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")
