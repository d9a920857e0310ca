"""Signals a moderator sees beside a pending post, all offline on CPU. They point; people decide.

- links and phone numbers, checked against claims the desk marked as scams and against the verified
  accounts directory (a look-alike of an official address, or an official name beside an address that
  is not in the directory, is a sign of impersonation);
- offensive terms (a lexicon built from ViHOS train, MIT) with their spans highlighted;
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
from django.utils.translation import gettext_lazy as _

from citydesk.core.text import fold_diacritics
from citydesk.matching.normalize import canonical_url

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

    @property
    def category_label(self) -> str:
        """The category's name as moderators read it ("Lừa đảo hoặc giả mạo…", not "scam")."""
        from .models import ModerationCategory

        return ModerationCategory(self.category).label


def links(text: str) -> list[str]:
    return [match.group().rstrip(".,;:!?)") for match in URL.finditer(text)]


def phones(text: str) -> list[str]:
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, "VN"):
        found.append(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    return found


@lru_cache(maxsize=1)
def _terms() -> re.Pattern | None:
    terms = json.loads(LEXICON.read_text(encoding="utf-8"))["terms"]
    if not terms:
        return None
    alternatives = sorted((re.escape(term) for term in terms), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(alternatives) + r")(?!\w)", re.I)


def offensive_spans(text: str) -> list[tuple[int, int]]:
    pattern = _terms()
    return [(m.start(), m.end()) for m in pattern.finditer(text)] if pattern else []


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
                Signal("scam", _claim_message(link, report.claim_id), link=f"/admin/desk/claims/{report.claim_id}/")
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
            signals.append(Signal("scam", _claim_message(phone, claim.pk), link=f"/admin/desk/claims/{claim.pk}/"))
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
    spans = offensive_spans(text)
    score = local_model_score(text)
    if spans or (score is not None and score >= 0.5):
        terms = ", ".join(text[a:b] for a, b in spans)
        if score is None:
            message = terms
        else:
            model = _("local model %(score)s") % {"score": f"{score:.2f}"}
            message = f"{terms} ({model})" if terms else model
        strength = max(min(1.0, 0.4 * len(spans)), score or 0.0)
        signals.append(Signal("harassment", message, strength, spans))
    spam = spam_score(text)
    if known_spam and fingerprint(text) in known_spam:
        signals.append(Signal("spam", _("near-duplicate of rejected spam"), 1.0))
    elif spam >= 0.5:
        signals.append(Signal("spam", _("links, phone numbers or advertising phrases"), spam))
    signals += _false_information_signals(text)
    return signals
