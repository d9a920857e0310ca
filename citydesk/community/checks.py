"""Signals a moderator sees beside a pending post, all offline on CPU. They point; people decide.

- links and phone numbers, checked against claims the desk marked as scams and against the verified
  accounts directory (a look-alike of an official address, or an official name beside an address that
  is not in the directory, is a sign of impersonation);
- harassment or hate: the shipped comment classifier's score (trained on ViHOS train, MIT; a trusted
  member's post is held at `CITYDESK_MODERATION_HOLD_AT`), with the lexicon's offensive terms
  highlighted; a term that is an ordinary word in clean text is highlighted only inside a held comment,
  and no term holds a comment by itself;
- spam: link and phone density, money-and-contact phrases, shouting, and near-duplicates of posts
  already rejected as spam;
- a match against the office's published clarifications rated false or misleading (the matcher), so a
  false health or disaster claim is answered with the clarification's link.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import phonenumbers
from django.conf import settings

from citydesk.core.text import fold_diacritics
from citydesk.matching.normalize import canonical_url

from . import classifier
from .training import terms_pattern

URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:vn|com|net|org|info|xyz|top|site)\b[^\s]*", re.I
)
OFFICIAL_NAMES = re.compile(
    r"\b(ubnd|ủy ban|uỷ ban|công an|sở [^\s]+|bộ [^\s]+|chính phủ|cổng thông tin|điện lực|bảo hiểm xã hội)\b", re.I
)
SPAM_PHRASES = [
    "khuyến mãi", "giảm giá", "inbox", "ib ngay", "liên hệ ngay", "vay tiền", "lãi suất", "kiếm tiền",
    "thu nhập", "đặt hàng", "mua ngay", "nhắn tin", "kết bạn zalo", "free ship", "sale", "link dưới",
]  # fmt: skip
LEXICON = Path(__file__).resolve().parent / "data" / "offensive_terms.json"


@dataclass
class Signal:
    category: str  # a ModerationCategory value
    message: str
    score: float = 1.0
    spans: list[tuple[int, int]] = field(default_factory=list)
    link: str = ""


def links(text: str) -> list[str]:
    return [match.group().rstrip(".,;:!?)") for match in URL.finditer(text)]


def phones(text: str) -> list[str]:
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, "VN"):
        found.append(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    return found


@lru_cache(maxsize=1)
def _terms() -> tuple[re.Pattern | None, re.Pattern | None]:
    """(every term, the terms that are not ordinary words in clean text)."""
    lexicon = json.loads(LEXICON.read_text(encoding="utf-8"))
    ordinary = set(lexicon.get("ordinary", []))
    return terms_pattern(lexicon["terms"]), terms_pattern([term for term in lexicon["terms"] if term not in ordinary])


def offensive_spans(text: str, *, with_ordinary: bool = True) -> list[tuple[int, int]]:
    """Where the lexicon's terms are; without the ordinary words unless asked for."""
    pattern = _terms()[0 if with_ordinary else 1]
    return [(m.start(), m.end()) for m in pattern.finditer(text)] if pattern else []


@dataclass
class Harassment:
    score: float  # the shipped classifier's probability that the text is offensive or hateful
    held: bool  # score >= CITYDESK_MODERATION_HOLD_AT
    spans: list[tuple[int, int]]


def harassment(text: str) -> Harassment:
    """The classifier's score and the spans a moderator sees: every term if the comment is held,
    else only the terms that are not ordinary words."""
    score = classifier.shipped().score(text)
    held = score >= settings.CITYDESK_MODERATION_HOLD_AT
    return Harassment(score, held, offensive_spans(text, with_ordinary=held))


def spam_score(text: str) -> float:
    lowered = text.lower()
    score = 0.25 * len(links(text)) + 0.25 * len(phones(text))
    score += 0.2 * sum(phrase in lowered for phrase in SPAM_PHRASES)
    letters = [c for c in text if c.isalpha()]
    if len(letters) > 20 and sum(c.isupper() for c in letters) / len(letters) > 0.6:
        score += 0.3
    if re.search(r"(.)\1{5,}", text):
        score += 0.2
    return min(1.0, score)


def fingerprint(text: str) -> str:
    """A hash of the text's words without marks, case, punctuation and numbers: copies of one spam
    share it (stored on each post, so rejected spam is found by one indexed query)."""
    words = " ".join(re.findall(r"[a-z]+", fold_diacritics(text).lower()))
    return hashlib.blake2b(words.encode(), digest_size=16).hexdigest()


def _scam_signals(found_links: list[str], found_phones: list[str]) -> list[Signal]:
    from citydesk.desk.models import Claim, HarmCategory, Report

    signals = []
    for link in found_links:
        canonical = canonical_url(link if "://" in link else "http://" + link)
        report = (
            Report.objects.filter(url_key=canonical, claim__category=HarmCategory.SCAM).select_related("claim").first()
        )
        if report is not None:
            signals.append(
                Signal("scam", f"{link} — claim #{report.claim_id}", link=f"/admin/desk/claims/{report.claim_id}/")
            )
    for phone in found_phones:
        national = "0" + phone[3:] if phone.startswith("+84") else phone
        claim = (
            Claim.objects.filter(category=HarmCategory.SCAM)
            .filter(statement__contains=national[-9:])
            .only("pk")
            .first()
        )
        if claim is not None:
            signals.append(Signal("scam", f"{phone} — claim #{claim.pk}", link=f"/admin/desk/claims/{claim.pk}/"))
    return signals


def _impersonation_signals(text: str, found_links: list[str], found_phones: list[str]) -> list[Signal]:
    from citydesk.intake import official

    signals = []
    names_an_office = bool(OFFICIAL_NAMES.search(text))
    for address in [*found_links, *found_phones]:
        verdict = official.lookup(address)
        if verdict.official:
            continue
        host = fold_diacritics(address).lower()
        looks_official = "gov" in host or "chinhphu" in host or "congan" in host
        if looks_official or names_an_office:
            signals.append(Signal("impersonation", address))
    return signals


def _false_information_signals(text: str) -> list[Signal]:
    from citydesk.desk.matcher import matcher
    from citydesk.desk.models import ClaimStatus, ClarificationPage

    if not settings.CITYDESK_MATCHING or len(text.split()) < 5:
        return []
    signals = []
    for match in matcher.candidates(text, limit=3):
        claim = match.claim
        if claim.status != ClaimStatus.PUBLISHED:
            continue
        verdict = claim.verdicts.filter(approved_at__isnull=False).order_by("-approved_at").first()
        page = ClarificationPage.objects.filter(claim=claim).live().first()
        if verdict and verdict.rating in ("false", "misleading") and page is not None:
            signals.append(Signal("false_information", claim.statement, score=match.score, link=page.url))
    return signals


@lru_cache(maxsize=1)
def _local_model(path: str):
    """The operator's own model (train_moderation_model), if there is one."""
    if not Path(path).is_file():
        return None
    import joblib

    return joblib.load(path)


def local_model_score(text: str) -> float | None:
    """Probability that the text is offensive or hateful, from the locally trained model (or None)."""
    model = _local_model(settings.CITYDESK_MODERATION_MODEL)
    return None if model is None else float(model.predict_proba([text])[0][1])


def signals_for(text: str, *, known_spam: set[str] | None = None) -> list[Signal]:
    """Every signal for a post's text, strongest kinds first."""
    found_links, found_phones = links(text), phones(text)
    signals = _scam_signals(found_links, found_phones)
    signals += _impersonation_signals(text, found_links, found_phones)
    found = harassment(text)
    local = local_model_score(text)
    if found.held or (local is not None and local >= 0.5):
        terms = ", ".join(text[a:b] for a, b in found.spans)
        message = f"{found.score:.2f}" + (f" — {terms}" if terms else "")
        if local is not None:
            message += f" (local model {local:.2f})"
        signals.append(Signal("harassment", message, max(found.score, local or 0.0), found.spans))
    spam = spam_score(text)
    if known_spam and fingerprint(text) in known_spam:
        signals.append(Signal("spam", "near-duplicate of rejected spam", 1.0))
    elif spam >= 0.5:
        signals.append(Signal("spam", "links, phone numbers or advertising phrases", spam))
    signals += _false_information_signals(text)
    return signals
