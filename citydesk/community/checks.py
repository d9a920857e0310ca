"""Signals a moderator sees beside a pending post, all offline on CPU. They point; people decide.

- links, phone numbers and account numbers, checked against claims the desk marked as scams or
  impersonation and against the verified accounts directory (a look-alike of an official address, or an
  official name beside an address that is not in the directory, is a sign of impersonation): the desk's
  own implementation, `desk.indicators`;
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

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from citydesk.core.text import fold_diacritics
from citydesk.desk import indicators

from . import classifier
from .training import terms_pattern

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


links = indicators.links
phones = indicators.phones


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


def _claim_message(address: str, claim_id: int) -> str:
    return _("%(address)s — scam claim #%(claim)s") % {"address": address, "claim": claim_id}


def _scam_signals(found: list[indicators.Found]) -> list[Signal]:
    """The desk's scam and impersonation claims carrying the same link, phone or account number."""
    signals = []
    for match in indicators.scam_matches(found):
        category = "impersonation" if match.claim.category == "impersonation" else "scam"
        link = f"/admin/desk/claims/{match.claim.pk}/"
        signals.append(Signal(category, _claim_message(match.found.value, match.claim.pk), link=link))
    return signals


def _impersonation_signals(text: str, found: list[indicators.Found]) -> list[Signal]:
    """Look-alikes of an official account, and unofficial addresses in a text that names an office."""
    signals = []
    names_an_office = indicators.names_an_office(text)
    for item in found:
        if item.kind not in (indicators.LINK, indicators.PHONE):
            continue
        directory = indicators.directory_check(item)
        if directory.official is not None:
            continue
        host = fold_diacritics(item.value).lower()
        looks_official = "gov" in host or "chinhphu" in host or "congan" in host
        if directory.lookalike_of is not None:
            signals.append(Signal("impersonation", f"{item.value} ~ {directory.lookalike_of.name}"))
        elif looks_official or names_an_office:
            signals.append(Signal("impersonation", item.value))
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
    found = indicators.extract(text)
    signals = _scam_signals(found)
    signals += _impersonation_signals(text, found)
    harassing = harassment(text)
    local = local_model_score(text)
    if harassing.held or (local is not None and local >= 0.5):
        terms = ", ".join(text[a:b] for a, b in harassing.spans)
        message = f"{harassing.score:.2f}" + (f" — {terms}" if terms else "")
        if local is not None:
            message += " (" + _("local model %(score)s") % {"score": f"{local:.2f}"} + ")"
        signals.append(Signal("harassment", message, max(harassing.score, local or 0.0), harassing.spans))
    spam = spam_score(text)
    if known_spam and fingerprint(text) in known_spam:
        signals.append(Signal("spam", _("near-duplicate of rejected spam"), 1.0))
    elif spam >= 0.5:
        signals.append(Signal("spam", _("links, phone numbers or advertising phrases"), spam))
    signals += _false_information_signals(text)
    return signals
