"""A suggested harm category for a new claim, from its scam signals, a small lexicon of content words, and the
categories of similar claims the desk already handled. A suggestion only: the verifier confirms it with one
click (services.claim_confirm_category); nothing here changes a claim's category.

Content categories only (health, disaster/safety, scam/fraud, impersonation, public services, other); the
words are about topics, never about people or opinions. `bench/category_suggestion.py` prints how often
the suggestion is right on the demo's claims and on a labelled set (`data/category_eval.jsonl`).
"""

import re
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from citydesk.core.text import fold_diacritics

from . import indicators

# Folded words (no marks), matched as whole words. Kept short and topical; "other" has none. No word that
# folds onto a common one ("nổ"/"nợ" → "no", "sập"/"sắp" → "sap"): those only in longer phrases.
LEXICON = {
    "health": (
        "vac xin|tiem chung|tiem|benh|sot|sot xuat huyet|dich|virus|thuoc|bac si|benh vien|y te|chua khoi|chua benh"
        "|ung thu|tieu duong|tu ky|nhiem khuan|ngo doc|thuc pham chuc nang|khau trang|covid|cum"
    ),
    "disaster": (
        "bao so \\d+|con bao|sieu bao|ap thap|lu quet|ngap|dong dat|song than|so tan|vo dap|xa lu|sat lo"
        "|thuy dien|chay|hoa hoan|vu no|sap do"
        "|loc xoay|mua lon|trieu cuong|canh bao thien tai"
    ),
    "scam": (
        "lua dao|chuyen khoan|chuyen tien|trung thuong|nhan qua|ma otp|otp|vay tien|giai ngan|lai suat|hoan tien"
        "|phi xac minh|phi ho so|dat coc|tai khoan tam giu|dau tu|sinh loi|viec nhe luong cao|nap tien"
    ),
    "impersonation": ("gia danh|gia mao|mao danh|mao nhan|xung la|tu xung|trang gia|tai khoan gia|fanpage gia|gia lam"),
    "public_services": (
        "can cuoc|cccd|ho chieu|ho so|thu tuc|le phi|dich vu cong|xe buyt|dien|nuoc may|truong hoc|hoc sinh"
        "|bao hiem|luong huu|tro cap|giay phep|dang ky|cat dien|cat nuoc|giao thong|phi"
    ),
}
_PATTERNS = {category: re.compile(rf"\b(?:{words})\b") for category, words in LEXICON.items()}
# Words that fold onto common ones ("bão"/"báo"/"bảo" → "bao", "lũ"/"lú" → "lu"): matched with their marks.
_MARKED = {"disaster": re.compile(r"(?<!\w)(bão|lũ|lụt|nổ|sập)(?!\w)", re.I)}
MIN_SCORE = 1.0  # below this the suggestion is "other"


@dataclass(frozen=True)
class Suggestion:
    category: str
    score: float
    reasons: tuple[str, ...]


def suggest(
    *,
    text: str,
    found: list | None = None,
    similar: list | None = None,
    scam_claims: list | None = None,
    lookalikes: list | None = None,
) -> Suggestion:
    """The likeliest harm category of text. found: indicators.extract(text) if already known; similar:
    (category, score) of similar handled claims (the matcher's candidates); scam_claims: the claims its
    signals match (indicators.scam_matches, looked up when None); lookalikes: names of official accounts
    its addresses imitate."""
    folded = fold_diacritics(text or "")
    found = indicators.extract(text or "") if found is None else found
    scores: dict[str, float] = defaultdict(float)
    reasons: dict[str, list[str]] = defaultdict(list)
    for category, pattern in _PATTERNS.items():
        words = sorted(
            set(pattern.findall(folded)) | set(_MARKED[category].findall(text or "") if category in _MARKED else [])
        )
        if words:
            scores[category] += len(words)
            reasons[category].append(", ".join(words))
    kinds = {item.kind for item in found}
    if indicators.MONEY in kinds and kinds & {indicators.PHONE, indicators.BANK_ACCOUNT, indicators.LINK}:
        scores["scam"] += 1.5
        reasons["scam"].append(_("money with a contact"))
    if indicators.BANK_ACCOUNT in kinds:
        scores["scam"] += 1
    claims = [m.claim for m in indicators.scam_matches(found)] if scam_claims is None else scam_claims
    for claim in {claim.pk: claim for claim in claims}.values():
        scores[claim.category] += 3
        reasons[claim.category].append(f"#{claim.pk}")
    for name in dict.fromkeys(lookalikes or []):
        scores["impersonation"] += 3
        reasons["impersonation"].append(_("looks like %(name)s") % {"name": name})
    if indicators.names_an_office(text) and (kinds & {indicators.LINK, indicators.PHONE} or scores["scam"]):
        scores["impersonation"] += 1
        reasons["impersonation"].append(_("an office named"))
    for category, score in similar or []:
        if category != "other":
            scores[category] += 2 * score
            reasons[category].append(_("similar claim %(score).2f") % {"score": score})
    if not scores:
        return Suggestion("other", 0.0, ())
    best = max(scores, key=lambda category: (scores[category], category == "scam"))
    if scores[best] < MIN_SCORE:
        return Suggestion("other", scores[best], ())
    return Suggestion(best, scores[best], tuple(reasons[best]))


def suggest_for_claim(claim) -> Suggestion:
    """The suggestion for a claim: its wording and reports, and the claims the matcher found similar."""
    texts = [claim.statement, *claim.reports.values_list("text", flat=True)[:20]]
    text = "\n".join(dict.fromkeys(t for t in texts if t))
    rows = list(claim.indicators.all())
    found = [indicators.Found(row.kind, row.value, row.key) for row in rows]
    similar = [(s.candidate.category, s.score) for s in claim.suggestions.select_related("candidate")[:5]]
    lookalikes = [row.lookalike_name for row in rows if row.lookalike_name]
    return suggest(text=text, found=found, similar=similar, lookalikes=lookalikes)
