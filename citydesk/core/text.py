"""Plain-text helpers shared by search and matching; no Django imports (citydesk.matching uses them)."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# đ/Đ are letters of their own, not d plus a combining mark, so NFD alone does not fold them.
_LETTER_FOLDS = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """Return text lower-cased, without Vietnamese tone and vowel marks (đ → d); spacing kept."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTER_FOLDS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def fold_diacritics(text: str) -> str:
    """Return text folded (see fold) with spaces collapsed."""
    return _SPACES.sub(" ", fold(text)).strip()
