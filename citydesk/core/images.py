"""Images sent by the public: type checked by content, size limited, metadata (EXIF, GPS) stripped."""

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
MAX_PIXELS = 50_000_000


def clean_image(data: bytes) -> ContentFile:
    """A re-encoded copy of the image without its metadata; ValidationError if it is not a usable image."""
    if len(data) > settings.CITYDESK_TIP_MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is too large (at most %(mb)d MB).")
            % {"mb": settings.CITYDESK_TIP_MAX_IMAGE_BYTES // (1024 * 1024)}
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        if kind not in ACCEPTED:
            raise ValidationError(_("Send a photo (JPEG, PNG, WebP, GIF or HEIC)."))
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError(_("The image has too many pixels."))
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
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("The file is not an image we can read.")) from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")
