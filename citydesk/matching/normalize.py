"""Normalisation of Vietnamese text for claim matching: one canonical form, plus a folded one.

Steps: Unicode NFC, one tone-mark placement per syllable ("hoà" → "hòa"), lower case, URLs
canonicalised (tracking parameters dropped, host lower-cased), Vietnamese phone numbers to E.164,
teencode and abbreviations expanded where the token is not a real syllable ("ko" → "không" but
"gia" stays), numbers kept as tokens, whitespace collapsed; and a diacritics-folded form.
"""

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import phonenumbers

from citydesk.core import weburl
from citydesk.core.text import fold

from .syllables import is_syllable

_DATA = Path(__file__).with_name("data")
_SPACES = re.compile(r"\s+")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+")
_PHONE = re.compile(r"(?<![\w+])(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?!\w)")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|zarsrc|zx_\w+|_hsenc|_hsmi|mc_cid|mc_eid|igshid|si|ref|ref_src)$"
)

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_QUALITY = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn: â ê ô ă ơ ư
_VOWELS = set("aeiouy")

# Corrections and additions to the teencode list, checked by hand.
_OWN_TEENCODE = {
    "ko": "không",
    "k": "không",
    "kh": "không",
    "hok": "không",
    "khg": "không",
    "k0": "không",
    "dc": "được",
    "đc": "được",
    "dk": "được",
    "j": "gì",
    "vs": "với",
    "cx": "cũng",
    "ng": "người",
    "mn": "mọi người",
    "ae": "anh em",
    "sdt": "số điện thoại",
    "đt": "điện thoại",
    "tp": "thành phố",
    "ubnd": "ủy ban nhân dân",
    "ntn": "như thế nào",
    "z": "vậy",
    "v": "vậy",
    "r": "rồi",
    "bt": "biết",
    "bik": "biết",
    "ms": "mới",
    "ck": "chuyển khoản",
    "tk": "tài khoản",
    "stk": "số tài khoản",
    "bs": "bác sĩ",
    "bv": "bệnh viện",
}
NEGATIONS = {"không", "chưa", "chẳng", "chả", "đừng", "chớ", "không phải", "sai"}


@lru_cache(maxsize=1)
def _teencode() -> dict[str, str]:
    raw = json.loads((_DATA / "teencode.json").read_text(encoding="utf-8"))
    # Keys with their tone placed as normalize() places it on the text it looks up.
    table = {" ".join(place_tone(part) for part in key.split(" ")): value for key, value in raw.items()}
    table.update(_OWN_TEENCODE)
    return table


def place_tone(word: str) -> str:
    """Put the tone mark of one syllable on the vowel the traditional rule chooses ("hoà" → "hòa")."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in TONES]
    if len(tones) != 1:
        return word
    # Letters with their quality marks, tone removed.
    letters: list[str] = []
    for ch in decomposed:
        if ch in TONES:
            continue
        if unicodedata.combining(ch) and letters:
            letters[-1] += ch
        else:
            letters.append(ch)
    base = [unicodedata.normalize("NFD", letter)[0].lower() for letter in letters]
    start = 0
    if (len(base) > 2 and base[0] == "q" and base[1] == "u") or (
        len(base) > 2 and base[0] == "g" and base[1] == "i" and base[2] in _VOWELS
    ):
        start = 2
    while start < len(base) and base[start] not in _VOWELS:
        start += 1
    end = start
    while end < len(base) and base[end] in _VOWELS:
        end += 1
    if start == end:
        return word
    nucleus = list(range(start, end))
    marked = [i for i in nucleus if any(mark in letters[i] for mark in _QUALITY)]
    if marked:
        target = marked[-1]
    elif len(nucleus) == 1:
        target = nucleus[0]
    elif (end < len(base) and base[end].isalpha()) or len(nucleus) == 3:
        # A final consonant (not a full stop: "bảy." stays "bảy.") or three vowels: the second vowel
        # ("hoàn", "ngoài").
        target = nucleus[1]
    else:
        target = nucleus[0]  # two vowels, open syllable: the first ("hòa", "mùa", "thủy")
    letters[target] += tones[0]
    return unicodedata.normalize("NFC", "".join(letters))


def canonical_url(url: str) -> str:
    """The URL with scheme, lower-case host without "www.", no tracking parameters, no fragment."""
    if url.lower().startswith("www."):
        url = "https://" + url
    url = url.rstrip(".,;:!?)")
    parts = urlsplit(url)
    browser = weburl.parse(url)
    if browser is not None and browser.is_web and browser.host != weburl.host_of(f"http://{parts.hostname or ''}/"):
        # urllib and a browser disagree on where the link goes ("https://evil.com\\@danang.gov.vn/x"):
        # the key follows the browser, so a phishing link never shares the key of the page it imitates.
        parts = urlsplit(browser.geturl())
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:  # out of range or not a number: kept as written, so it never shares a real page's key
        port = parts.netloc.rpartition(":")[2]
    if port:
        host = f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("https" if parts.scheme in ("http", "https", "") else parts.scheme, host, path, query, ""))


def canonical_phone(raw: str) -> str | None:
    """A Vietnamese phone number in E.164 (+849…), or None if it is not a valid one."""
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True)
class Normalized:
    """A text in canonical form, its folded form, and what was pulled out of it."""

    text: str
    folded: str
    urls: tuple[str, ...] = field(default=())
    phones: tuple[str, ...] = field(default=())
    numbers: tuple[str, ...] = field(default=())
    has_diacritics: bool = False
    restored: bool = False  # typed without marks, marks put back (restore.py): words it lacked stay bare

    @classmethod
    def from_canonical(cls, text: str) -> "Normalized":
        """Rebuild from text normalize() already produced (fast: no second normalisation)."""
        folded = fold(text)
        return cls(
            text=text,
            folded=folded,
            numbers=tuple(_NUMBER.findall(text)),
            has_diacritics=folded != text,
        )

    @property
    def tokens(self) -> list[str]:
        """Folded word tokens, numbers included, URLs and phones as single tokens."""
        return [*_WORD.findall(self.folded), *self.urls, *self.phones]


def _expand(word: str) -> str:
    """The standard form of a teencode token; real syllables ("gia", "ban", "nay") are left alone."""
    lower = word.lower()
    if any(ch.isdigit() for ch in lower) and lower != "k0":
        return word  # numbers stay numbers (the list would turn "1" into "một")
    if lower in _OWN_TEENCODE:
        return _OWN_TEENCODE[lower]
    if len(word) > 1 and word.isupper():
        return word  # "HN", "SG", "BMT": written in capitals, a name (Hà Nội), not teencode ("hôm nay")
    table = _teencode()
    if lower in table and not is_syllable(fold(lower)):
        return table[lower]
    return word


def normalize(text: str) -> Normalized:
    """Normalise text for matching; never raises on any string."""
    text = unicodedata.normalize("NFC", text or "")
    urls = tuple(dict.fromkeys(canonical_url(match) for match in _URL.findall(text)))
    text = _URL.sub(" ", text)
    phones = []
    for match in _PHONE.findall(text):
        phone = canonical_phone(match)
        if phone:
            phones.append(phone)
            text = text.replace(match, " ")
    has_diacritics = fold(text) != text.lower()
    words = []
    for word in _SPACES.split(text.strip()):
        if not word:
            continue
        core = word.strip(".,;:!?\"'()[]{}…“”‘’«»-–—*")
        if core and _WORD.fullmatch(core):
            # Tone placed first, so the lookup sees what a second pass would see ("eý" → "éy").
            toned = place_tone(core)  # one word: _WORD has no spaces
            word = word.replace(core, toned)
            core = expanded = toned
            # What an entry expands to may itself be an entry ("cê" → "c" → "cậu"); most words are none.
            for _ in range(4):
                again = _expand(expanded)
                if again == expanded:
                    break
                expanded = again
            word = word.replace(core, expanded) if expanded != core else word
        words.append(" ".join(place_tone(part) for part in word.split(" ")))
    canonical = _SPACES.sub(" ", " ".join(words)).strip().lower()
    numbers = tuple(_NUMBER.findall(canonical))
    return Normalized(
        text=canonical,
        folded=fold(canonical),
        urls=urls,
        phones=tuple(dict.fromkeys(phones)),
        numbers=numbers,
        has_diacritics=has_diacritics,
    )
