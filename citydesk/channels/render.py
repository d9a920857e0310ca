"""Each platform's version of a publication: its limits and formatting."""

from dataclasses import dataclass
from html import escape

from .models import ChannelKind, Publication

TELEGRAM_CAPTION = 1024
LIMITS = {ChannelKind.TELEGRAM: 4096, ChannelKind.FACEBOOK: 63_206, ChannelKind.ZALO: 2000, ChannelKind.EMAIL: 100_000}
ZALO_TITLE, ZALO_DESCRIPTION = 150, 300


@dataclass(frozen=True)
class Rendered:
    text: str  # the message (Telegram: HTML; others: plain text)
    title: str = ""
    link: str = ""
    image_url: str = ""
    caption: str = ""  # Telegram's photo caption (at most 1,024 characters)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…" if limit > 0 else ""


def render(publication: Publication, kind: str) -> Rendered:
    title, summary, link = publication.title.strip(), publication.summary.strip(), publication.link
    image = publication.image_url
    if kind == ChannelKind.TELEGRAM:
        head, tail = f"<b>{escape(_cut(title, 200))}</b>\n\n", f"\n\n{escape(link)}"
        text = head + escape(_cut(summary, LIMITS[kind] - len(head) - len(tail))) + tail
        caption = head + escape(_cut(summary, max(0, TELEGRAM_CAPTION - len(head) - len(tail)))) + tail
        return Rendered(text, title=title, link=link, image_url=image, caption=caption[:TELEGRAM_CAPTION])
    if kind == ChannelKind.FACEBOOK:
        message = f"{title}\n\n{summary}" + (f"\n\n{link}" if image else "")  # a photo post has no link field
        return Rendered(_cut(message, LIMITS[kind]), title=title, link=link, image_url=image)
    if kind == ChannelKind.ZALO:
        return Rendered(
            _cut(summary, LIMITS[kind]),
            title=_cut(title, ZALO_TITLE),
            link=link,
            image_url=publication.image_url,
        )
    body = f"{summary}\n\n{link}"
    return Rendered(_cut(body, LIMITS[kind]), title=_cut(title, 200), link=link)
