"""Demo pictures drawn with Pillow, so the demo needs no download and no stock photos."""

from io import BytesIO

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw


def draw_banner(colour: tuple[int, int, int], seed: int) -> ImageFile:
    """A 1200×675 picture: a gradient sky, a sea line and a few buildings."""
    width, height = 1200, 675
    picture = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        mix = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(c * (1 - mix) + 235 * mix) for c in colour))
    for i in range(9):
        left = 40 + i * 130 + (seed * 37 + i * 53) % 40
        top = 250 + (seed * 71 + i * 97) % 220
        draw.rectangle([left, top, left + 90, 560], fill=tuple(max(0, c - 60) for c in colour))
    draw.rectangle([0, 560, width, height], fill=(30, 80, 130))
    buffer = BytesIO()
    picture.save(buffer, format="JPEG", quality=80)
    buffer.seek(0)  # read from the start: a caller's read() otherwise got b"" (the demo's 0-byte story photos)
    return ImageFile(buffer, name=f"demo-{seed}.jpg")
