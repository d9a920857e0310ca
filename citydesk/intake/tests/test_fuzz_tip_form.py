"""Fuzzing the public tip form over HTTP with hypothesis: odd texts, hostile links, bad e-mails,
decompression bombs and random bytes as the photo. No response >= 500; a refused form stores nothing."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from citydesk.desk.models import Claim, Report

from .fakes import jpeg_with_exif
from .test_fuzz_webhooks import FUZZ, TIP, links, mostly

pytestmark = pytest.mark.django_db


def _png(side: int, mode: str = "1") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (side, side)).save(out, format="PNG")
    return out.getvalue()


IMAGES = {
    "photo": jpeg_with_exif(),
    "bomb": _png(7000),
    "screenshot": _png(300, "RGB"),
    "truncated": _png(300, "RGB")[:200],
    "html": b"<html><script>alert(1)</script></html>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
}

tip_forms = st.fixed_dictionaries(
    {
        "text": mostly(
            st.sampled_from(["", "   ", TIP, TIP + "\x00", "a" * 5001, "<script>alert(1)</script>"]),
            st.text(max_size=80),
            out_of=2,
        ),
        "url": mostly(st.just(""), links | st.text(max_size=30), out_of=2),
        "email": mostly(st.just(""), st.sampled_from(["ban@example.vn", "not-an-email", "a@b", "x" * 300]), out_of=2),
        "consent": st.sampled_from(["", "on", "yes"]),
        "website": mostly(st.just(""), st.text(min_size=1, max_size=5), out_of=8),
    }
)


@given(form=tip_forms, image=st.none() | st.sampled_from(sorted(IMAGES)) | st.binary(max_size=200))
@hypothesis_settings(FUZZ, max_examples=120)
def test_tip_form_never_fails_and_a_refused_form_stores_nothing(client, form, image):
    cache.clear()  # the per-address limit would otherwise answer every body after the fifth
    data = dict(form)
    if image is not None:
        content = IMAGES[image] if isinstance(image, str) else image
        data["image"] = SimpleUploadedFile("anh.png", content, content_type="image/png")
    before = (Report.objects.count(), Claim.objects.count())
    response = client.post("/hoi-dap-kiem-chung/", data)
    assert response.status_code < 500
    if response.status_code >= 400 or form["website"]:
        assert (Report.objects.count(), Claim.objects.count()) == before
    else:
        assert Report.objects.count() == before[0] + 1
        report = Report.objects.latest("pk")
        assert report.claim_id is not None and "\x00" not in report.text
        assert not report.url or report.url.startswith(("http://", "https://"))
