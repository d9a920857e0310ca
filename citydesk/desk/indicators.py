"""Scam signals of a text, one implementation for the desk (every report and claim), the tiplines and the
community queue (`community.checks`): what is in the text, and what it matches.

Extracted, offline: links, phone numbers (E.164), bank-account-like numbers (digits next to a bank word),
money phrases and urgency phrases. Matched against the desk's scam and impersonation claims (a link, phone
number or account number seen on one of them) and against the verified accounts directory (an official
address, or a look-alike of one: "giả mạo <official account>?").

Links on known URL shorteners are unshortened by the worker (`unshorten`), through `core.fetch` (public
http(s) only, every hop checked): the final address is stored and matched too. Nothing else is fetched:
opening a scam link from a tip could tell the scammer that the message was read.
"""

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

import phonenumbers
from django.conf import settings
from django.db import transaction
from django_tasks import task

from citydesk.core import weburl
from citydesk.core.text import fold, fold_diacritics
from citydesk.matching.normalize import canonical_url

LINK = "link"
PHONE = "phone"
BANK_ACCOUNT = "bank_account"
MONEY = "money"
URGENCY = "urgency"
MATCHABLE = (LINK, PHONE, BANK_ACCOUNT)  # kinds whose exact value ties two claims together

URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:vn|com|net|org|info|xyz|top|site|online|shop"
    r"|club|vip|cc|icu|link|live|ly|gd|gl|co|me|io|to|id)\b[^\s<>\"']*",
    re.I,
)
OFFICIAL_NAMES = re.compile(
    r"\b(ubnd|ủy ban|uỷ ban|công an|sở [^\s]+|bộ [^\s]+|chính phủ|cổng thông tin|điện lực|bảo hiểm xã hội)\b", re.I
)
# On the folded text (no marks): "ngân hàng" and "ngan hang" alike. A number counts as an account only
# when one of these words comes shortly before it.
_BANK_WORD = re.compile(
    r"\b(?:stk|so tai khoan|tai khoan|so tk|tk|ngan hang|account|vietcombank|vcb|techcombank|tcb|bidv|agribank"
    r"|vietinbank|mbbank|mb bank|vpbank|acb|tpbank|sacombank|shb|hdbank|momo|vi dien tu)\b"
)
_ACCOUNT_NUMBER = re.compile(r"(?<![\d+])\d(?:[ .-]?\d){5,18}(?!\d)")
_MONEY = re.compile(
    r"\b\d+(?:[.,]\d+)*\s?(?:k|tr|trieu|ty|ti|dong|d|vnd|nghin|ngan|usd)\b"
    r"|\b(?:chuyen khoan|chuyen tien|nop phi|dong phi|phi ho so|phi xac minh|nap tien|hoan tien|trung thuong"
    r"|nhan thuong|nhan qua|ma otp|otp|vay tien|giai ngan|lai suat|tai khoan tam giu|ho tro tien|phat tien"
    r"|thanh toan|dat coc)\b"
)
# Folded where the phrase is unambiguous without marks; "gấp" (urgent) and "gặp" (meet) fold alike.
_URGENCY_FOLDED = re.compile(
    r"\b(?:khan cap|ngay lap tuc|trong (?:vong )?\d+ (?:gio|phut|tieng|ngay)|truoc \d+ ?(?:h|gio)|het han"
    r"|bi khoa|se bi (?:khoa|cat|phat|truy to|bat)|neu khong|lan cuoi|cuoi cung|duy nhat hom nay|ngay hom nay)\b"
)
_URGENCY_MARKED = re.compile(r"(?<!\w)(?:gấp|khẩn|hỏa tốc|ngay bây giờ)(?!\w)", re.I)
_HOMOGLYPHS = str.maketrans({"0": "o", "1": "l", "3": "e", "5": "s", "@": "a", "$": "s"})


@dataclass(frozen=True)
class Found:
    """One thing pulled out of a text: kind, as written, and its comparable key."""

    kind: str
    value: str
    key: str


def links(text: str) -> list[str]:
    return [match.group().rstrip(".,;:!?)") for match in URL.finditer(text or "")]


def phones(text: str) -> list[str]:
    """Phone numbers in E.164 (Vietnamese numbers may be written in any local format)."""
    return [
        phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        for match in phonenumbers.PhoneNumberMatcher(text or "", "VN")
    ]


def _fold_in_place(text: str) -> str:
    """text folded (core.text.fold) one character at a time, so that a span of the result is the same span
    of text: a phrase found without marks is shown as it was written."""
    return "".join((fold(ch) or ch)[:1] for ch in text)


def link_key(link: str) -> str:
    return canonical_url(link if "://" in link else "http://" + link)


def extract(text: str, url: str = "") -> list[Found]:
    """Everything the signals look at in a report's text and link, each once, in reading order."""
    text = text or ""
    found: list[Found] = []
    for link in [*([url] if url else []), *links(text)]:
        found.append(Found(LINK, link[:1000], link_key(link)[:1000]))
    phone_digits = set()
    for phone in phones(text):
        found.append(Found(PHONE, phone, phone))
        phone_digits.add(phone.removeprefix("+84"))
    text = unicodedata.normalize("NFC", text)
    folded = _fold_in_place(text)
    link_spans = [m.span() for m in URL.finditer(folded)]
    for word in _BANK_WORD.finditer(folded):
        window = folded[word.end() : word.end() + 40]
        number = _ACCOUNT_NUMBER.search(window)
        if number is None:
            continue
        start = word.end() + number.start()
        digits = re.sub(r"\D", "", number.group())
        inside_link = any(a <= start < b for a, b in link_spans)
        if not inside_link and digits.lstrip("0") not in phone_digits:
            found.append(Found(BANK_ACCOUNT, digits, digits))
    for kind, pattern in ((MONEY, _MONEY), (URGENCY, _URGENCY_FOLDED)):
        for match in pattern.finditer(folded):
            found.append(Found(kind, text[match.start() : match.end()], " ".join(match.group().split())))
    for match in _URGENCY_MARKED.finditer(text):
        found.append(Found(URGENCY, match.group(), fold_diacritics(match.group())))
    unique, seen = [], set()
    for item in found:
        if (item.kind, item.key) not in seen:
            seen.add((item.kind, item.key))
            unique.append(item)
    return unique


def is_shortener(link: str) -> bool:
    parsed = weburl.parse_typed(link)
    host = (parsed.host if parsed else "").lower().removeprefix("www.")
    return host in settings.CITYDESK_LINK_SHORTENERS


def unshorten(link: str) -> str | None:
    """Where a shortened link leads (its redirects followed through core.fetch), or None when it is not a
    known shortener or the shortener did not answer with a redirect to a public address."""
    from citydesk.core import fetch

    if not is_shortener(link):
        return None
    try:
        # Only the shorteners' own hops are requested; the address they lead to is never opened.
        final = fetch.final_url(link if "://" in link else "http://" + link, deadline_seconds=10, follow=is_shortener)
    except fetch.FetchError:
        return None
    return final if link_key(final) != link_key(link) else None


def _skeleton(text: str) -> str:
    """A key with look-alike characters and separators taken out: "s0yte-thanhpho" → "soytethanhpho"."""
    text = text.lower().translate(_HOMOGLYPHS).replace("rn", "m").replace("vv", "w")
    return re.sub(r"[^a-z0-9]", "", text)


def _lookalike_of(kind: str, key: str, accounts: list):
    """The official account this address imitates, if it is close to one of the same kind but not it."""
    mine = _skeleton(key)
    if len(mine) < 5:
        return None
    for account in accounts:
        if account.kind != kind or account.key == key:
            continue
        theirs = _skeleton(account.key)
        if len(theirs) < 5:
            continue
        if mine == theirs or theirs in mine or SequenceMatcher(None, mine, theirs).ratio() >= 0.85:
            return account
    return None


@dataclass(frozen=True)
class Directory:
    """What the verified accounts directory says about one address."""

    official: object = None  # the OfficialAccount it is
    lookalike_of: object = None  # the OfficialAccount it imitates


def directory_check(found: Found) -> Directory:
    """Is this link or phone number an official account, or a look-alike of one?"""
    from citydesk.intake import selectors as intake_selectors
    from citydesk.intake.models import OfficialAccount

    if found.kind not in (LINK, PHONE):
        return Directory()
    verdict = intake_selectors.lookup(found.value)
    if verdict.official:
        return Directory(official=verdict.accounts[0])
    query = verdict.query
    if query.kind is None or query.key is None or found.kind == PHONE:
        return Directory()
    accounts = list(OfficialAccount.objects.filter(is_active=True, kind=query.kind))
    return Directory(lookalike_of=_lookalike_of(query.kind, query.key, accounts))


def names_an_office(text: str) -> bool:
    return bool(OFFICIAL_NAMES.search(text or ""))


@dataclass(frozen=True)
class ScamMatch:
    """A scam or impersonation claim of the desk that carries the same link, number or account."""

    found: Found
    claim: object
    page: object  # its live ClarificationPage, when published


def scam_matches(found: list[Found], *, exclude_claim_id: int | None = None, published_only: bool = False):
    """Scam and impersonation claims carrying one of these links, phone numbers or account numbers (in a
    report, or in the claim's own wording)."""
    from .models import ClaimStatus, ClarificationPage, HarmCategory, Indicator

    keys = {item.key: item for item in found if item.kind in MATCHABLE}
    if not keys:
        return []
    rows = (
        Indicator.objects.filter(key__in=keys, kind__in=MATCHABLE)
        .filter(claim__category__in=[HarmCategory.SCAM, HarmCategory.IMPERSONATION])
        .exclude(claim__status=ClaimStatus.DUPLICATE)
        .select_related("claim")
        .order_by("claim_id", "pk")
    )
    if exclude_claim_id is not None:
        rows = rows.exclude(claim_id=exclude_claim_id)
    if published_only:
        rows = rows.filter(claim__status=ClaimStatus.PUBLISHED)
    matches, seen = [], set()
    pages = {
        page.claim_id: page
        for page in ClarificationPage.objects.live().filter(claim_id__in=[row.claim_id for row in rows])
    }
    for row in rows:
        if (row.claim_id, row.key) in seen:
            continue
        seen.add((row.claim_id, row.key))
        page = pages.get(row.claim_id)
        if published_only and page is None:
            continue
        matches.append(ScamMatch(keys[row.key], row.claim, page))
    return matches


def _rows(found: list[Found], *, claim, report=None, unshortened_from: str = "") -> list:
    from .models import Indicator

    rows = []
    for item in found:
        directory = directory_check(item)
        rows.append(
            Indicator(
                claim=claim,
                report=report,
                kind=item.kind,
                value=item.value[:1000],
                key=item.key[:1000],
                unshortened_from=unshortened_from[:1000],
                official_name=directory.official.name if directory.official else "",
                lookalike_name=directory.lookalike_of.name if directory.lookalike_of else "",
                lookalike_value=directory.lookalike_of.value if directory.lookalike_of else "",
            )
        )
    return rows


def record_report(report, *, new: bool = False) -> list:
    """Store the signals of a report as received (no network: unshortening is the worker's job) and
    return them. new: the report was just created, so it has none to replace (one query less per tip)."""
    from .models import Indicator

    if not new:
        Indicator.objects.filter(report=report).delete()
    return Indicator.objects.bulk_create(_rows(extract(report.text, report.url), claim=report.claim, report=report))


def record_statement(claim) -> None:
    """Store the signals of a claim's own wording (replacing those of its previous wording)."""
    from .models import Indicator

    Indicator.objects.filter(claim=claim, report__isnull=True).delete()
    Indicator.objects.bulk_create(_rows(extract(claim.statement), claim=claim))


def unshorten_report_links(report) -> int:
    """The worker's part: store where the report's shortened links lead, as links of their own."""
    from .models import Indicator

    added = 0
    for row in Indicator.objects.filter(report=report, kind=LINK, unshortened_from=""):
        final = unshorten(row.value)
        if final is None or Indicator.objects.filter(report=report, kind=LINK, key=link_key(final)).exists():
            continue
        Indicator.objects.bulk_create(
            _rows([Found(LINK, final, link_key(final))], claim=report.claim, report=report, unshortened_from=row.value)
        )
        added += 1
    return added


@task()
def unshorten_task(report_id: int) -> int:
    from .models import Report

    report = Report.objects.filter(pk=report_id).select_related("claim").first()
    return unshorten_report_links(report) if report is not None else 0


def queue_unshortening(report, rows: list | None = None) -> None:
    """After the report is committed, let the worker unshorten its links (only when one is a shortener).
    rows: the report's indicators, when the caller has them (record_report's)."""
    links = report.indicators.filter(kind=LINK) if rows is None else [row for row in rows if row.kind == LINK]
    if any(is_shortener(row.value) for row in links):
        report_id = report.pk
        transaction.on_commit(lambda: unshorten_task.enqueue(report_id))


@dataclass
class ClaimSignals:
    """What the claim screen shows: the signals, the scam claims they match, the directory's word."""

    indicators: list
    matches: list
    names_office: bool

    @property
    def lookalikes(self) -> list:
        return [row for row in self.indicators if row.lookalike_name]

    @property
    def unofficial_beside_office_name(self) -> list:
        """Addresses not in the directory in a text that names an office (a sign of impersonation)."""
        if not self.names_office:
            return []
        return [row for row in self.indicators if row.kind in (LINK, PHONE) and not row.official_name]


def for_claim(claim) -> ClaimSignals:
    rows = list(claim.indicators.select_related("report").order_by("kind", "pk"))
    unique, seen = [], set()
    for row in rows:
        if (row.kind, row.key) not in seen:
            seen.add((row.kind, row.key))
            unique.append(row)
    found = [Found(row.kind, row.value, row.key) for row in unique]
    texts = [claim.statement, *claim.reports.values_list("text", flat=True)]
    return ClaimSignals(
        indicators=unique,
        matches=scam_matches(found, exclude_claim_id=claim.pk),
        names_office=any(names_an_office(text) for text in texts),
    )


@dataclass
class Badges:
    """The inbox's summary of a claim's signals."""

    scam_claims: list  # ids of scam/impersonation claims sharing a link, number or account
    lookalike: bool
    kinds: list  # the kinds of signal found, e.g. ["phone", "money"]


def inbox_badges(claims) -> dict:
    """Badges for a page of the inbox, in two queries whatever its length."""
    from .models import ClaimStatus, HarmCategory, Indicator

    ids = [claim.pk for claim in claims]
    rows = list(Indicator.objects.filter(claim_id__in=ids).only("claim_id", "kind", "key", "lookalike_name"))
    keys = {row.key for row in rows if row.kind in MATCHABLE}
    scam_keys: dict[str, set] = {}
    matching = (
        Indicator.objects.filter(key__in=keys, kind__in=MATCHABLE)
        .filter(claim__category__in=[HarmCategory.SCAM, HarmCategory.IMPERSONATION])
        .exclude(claim__status=ClaimStatus.DUPLICATE)
        .values_list("key", "claim_id")
    )
    for key, claim_id in matching:
        scam_keys.setdefault(key, set()).add(claim_id)
    badges = {pk: Badges([], False, []) for pk in ids}
    for row in rows:
        badge = badges[row.claim_id]
        if row.kind not in badge.kinds:
            badge.kinds.append(row.kind)
        badge.lookalike = badge.lookalike or bool(row.lookalike_name)
        for other in sorted(scam_keys.get(row.key, ())) if row.kind in MATCHABLE else ():
            if other != row.claim_id and other not in badge.scam_claims:
                badge.scam_claims.append(other)
    return badges
