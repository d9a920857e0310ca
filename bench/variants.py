"""Query forms for the evaluation: as written, typed without marks, and in teencode."""

import re

from citydesk.matching.normalize import fold

# The most common shortenings, applied the way people type them (reverse of the normaliser's table).
TEENCODE = {
    "không": "ko",
    "được": "dc",
    "gì": "j",
    "với": "vs",
    "người": "ng",
    "biết": "bik",
    "cũng": "cx",
    "mọi người": "mn",
    "anh em": "ae",
    "như thế nào": "ntn",
    "vậy": "z",
    "rồi": "r",
    "mới": "ms",
    "thành phố": "tp",
    "điện thoại": "dt",
    "bác sĩ": "bs",
    "bệnh viện": "bv",
}
_PHRASES = re.compile(r"\b(" + "|".join(sorted(map(re.escape, TEENCODE), key=len, reverse=True)) + r")\b", re.I)


def no_diacritics(text: str) -> str:
    """The text typed without tone or vowel marks."""
    return fold(text)


def teencode(text: str) -> str:
    """The text in teencode: common words shortened, the rest typed without marks."""
    return fold(_PHRASES.sub(lambda match: TEENCODE[match.group(0).lower()], text))
