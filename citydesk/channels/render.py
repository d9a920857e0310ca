"""Each platform's version of a publication: its limits and formatting."""

from dataclasses import dataclass
from html import escape

from .models import ChannelKind, Publication

LIMITS = {ChannelKind.TELEGRAM: 4096, ChannelKind.FACEBOOK: 63_206, ChannelKind.ZALO: 2000, ChannelKind.EMAIL: 100_000}
ZALO_TITLE, ZALO_DESCRIPTION = 150, 300


@dataclass(frozen=True)
class Rendered:
    text: str  # the message (Telegram: HTML; others: plain text)
    title: str = ""
    link: str = ""
    image_url: str = ""


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render(publication: Publication, kind: str) -> Rendered:
    title, summary, link = publication.title.strip(), publication.summary.strip(), publication.link
    if kind == ChannelKind.TELEGRAM:
        head, tail = f"<b>{escape(title)}</b>\n\n", f"\n\n{escape(link)}"
        room = LIMITS[kind] - len(head) - len(tail)
        return Rendered(head + escape(_cut(summary, room)) + tail, title=title, link=link)
    if kind == ChannelKind.FACEBOOK:
        return Rendered(_cut(f"{title}\n\n{summary}", LIMITS[kind]), title=title, link=link)
    if kind == ChannelKind.ZALO:
        return Rendered(
            _cut(summary, LIMITS[kind]),
            title=_cut(title, ZALO_TITLE),
            link=link,
            image_url=publication.image_url,
        )
    body = f"{summary}\n\n{link}"
    return Rendered(_cut(body, LIMITS[kind]), title=_cut(title, 200), link=link)
