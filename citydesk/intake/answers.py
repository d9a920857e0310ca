"""From a tip to an answer: the office's published clarification when it already has one, and the
follow-up to every tipster who can still be reached when a new one is published."""

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from citydesk.desk import indicators
from citydesk.desk import services as desk
from citydesk.desk.matcher import Match, matcher
from citydesk.desk.models import Claim, ClaimStatus, ClarificationPage, Report, Verdict
from citydesk.matching.normalize import canonical_url, normalize
from citydesk.newsroom import pagecache

from . import delivery, replies

log = logging.getLogger(__name__)
MAX_ANSWER_FAILURES = desk.MAX_ANSWER_FAILURES


@dataclass(frozen=True)
class Answer:
    """A published clarification for a tip. sure: the tip repeats the claim (the verdict is sent);
    otherwise the clarification only may be about it (a pointer is sent, the desk still checks)."""

    claim: Claim
    page: ClarificationPage
    verdict: Verdict
    score: float
    sure: bool
    known: bool = False  # found by the fingerprint of an identical text answered before (already kept)
    url: str = ""  # the clarification's full URL, when already known (else read from the page)


@dataclass(frozen=True)
class Outcome:
    report: Report
    answer: Answer | None
    warnings: list = field(default_factory=list)  # indicators.ScamMatch: a published scam shares a number/link


def scam_warnings(text: str = "", url: str = "", *, answer: Answer | None = None) -> list:
    """Published scam or impersonation clarifications that carry exactly a link, phone number or account
    number of this tip, whatever its wording (one per clarification; none for the one already answered)."""
    found = indicators.extract(text, url)
    warnings, seen = [], set()
    for match in indicators.scam_matches(found, published_only=True):
        if match.claim.pk in seen or (answer is not None and answer.sure and answer.claim.pk == match.claim.pk):
            continue
        seen.add(match.claim.pk)
        warnings.append(match)
    return warnings


def warning_message(warnings: list, *, language: str = "vi") -> str:
    """The lines a tipster reads first when a number or link of the tip is a known scam's."""
    with translation.override(language):
        lines = []
        for match in warnings:
            lines.append(
                _("Warning: %(value)s appears in a scam the office has warned about.") % {"value": match.found.value}
            )
            lines.append(_("Read the warning: %(url)s") % {"url": match.page.get_full_url()})
        return "\n".join(lines)


def _published(claim: Claim) -> tuple[ClarificationPage, Verdict] | None:
    if claim.status != ClaimStatus.PUBLISHED:
        return None
    page = ClarificationPage.objects.live().filter(claim=claim).first()
    verdict = claim.approved_verdict
    return (page, verdict) if page and verdict else None


def _published_remembered(claim: Claim) -> tuple[ClarificationPage, Verdict, str] | None:
    """_published and the clarification's URL (in the active language), remembered in this process per
    generation of the page cache: a verdict approved, a correction, a page published, unpublished or
    moved, a site changed replace the generation (newsroom/pagecache.py), so an answer is never older
    than what the public pages show. A forwarded copy then costs one read of the token, not the page,
    verdict and site queries. The claim itself (its status, its statement) is always read fresh."""
    if claim.status != ClaimStatus.PUBLISHED:
        return None

    def build():
        published = _published(claim)
        return (*published, published[0].get_full_url()) if published else None

    key = ("tipline-answer", claim.pk, translation.get_language())
    return pagecache.fragments.remember_for(pagecache.generation_now(), key, build)


def find_answer(text: str = "", url: str = "", *, matches: list | None = None) -> Answer | None:
    """The published clarification a tip asks about, if the office has one (matches: the matcher's
    candidates for text, when already known)."""
    text = (text or "").strip()
    if url:
        # The same link was already reported with a claim that has been answered.
        report = (
            Report.objects.filter(url_key=canonical_url(url), claim__status=ClaimStatus.PUBLISHED)
            .select_related("claim")
            .first()
        )
        published = _published(report.claim) if report else None
        if published:
            return Answer(report.claim, *published, score=1.0, sure=True)
    if not text or not settings.CITYDESK_MATCHING:
        return None
    for match in matcher.candidates(text) if matches is None else matches:
        published = _published(match.claim)
        if published is None:
            continue
        # The verdict only when the decision is sure and no key fact differs (judgement.sure); else
        # abstain: "we have a related clarification" with its link, and the desk checks.
        judgement = match.judged(text)
        long_enough = len(text.split()) >= settings.CITYDESK_MATCH_MIN_WORDS
        sure = judgement.sure and match.score >= settings.CITYDESK_MATCH_JOIN and long_enough
        return Answer(match.claim, *published, score=match.score, sure=sure)
    return None


_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_LINK = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+")  # as citydesk.matching.normalize finds links


@lru_cache(maxsize=256)  # a tip's text is fingerprinted when it is looked up and again when it is kept
def fingerprint(text: str, url: str = "") -> str:
    """The same for two tips whose normalised texts are identical (case, spacing, punctuation, tone-mark
    placement and teencode aside) and that carry the same links; diacritics count."""
    links = normalize(text or "").urls
    # Words only, before normalising: normalize() places tone marks per space-separated piece, and
    # "ngày!!!" came out as "ngaỳ!!!".
    words = normalize(" ".join(_WORD.findall(_LINK.sub(" ", unicodedata.normalize("NFC", text or "")))))
    links = sorted({*links, *([canonical_url(url)] if url else [])})
    key = words.text + "\n" + " ".join(links) + "\n" + " ".join(words.phones)
    return hashlib.sha256(key.encode()).hexdigest()


def _claim_of(model, key: str):
    """The claim the report stored under this fingerprint belongs to now (moved or merged claims
    followed), or None."""
    known = model.objects.filter(fingerprint=key).select_related("report__claim").first()
    if known is None:
        return None
    claim = known.report.claim
    while claim.status == ClaimStatus.DUPLICATE and claim.duplicate_of_id:
        claim = claim.duplicate_of
    return claim


def answered_before(text: str, url: str = "") -> Answer | None:
    """The verdict an identical text was answered with, if its claim is still published (no model runs)."""
    if not (text or "").strip():
        return None
    from .models import AnsweredText

    claim = _claim_of(AnsweredText, fingerprint(text, url))
    if claim is None:
        return None
    published = _published_remembered(claim)
    if published is None:
        return None
    page, verdict, page_url = published
    return Answer(claim, page, verdict, score=1.0, sure=True, known=True, url=page_url)


def remember_answered(*, text: str, url: str = "", report: Report) -> None:
    """Keep the fingerprint of a text that was just answered with a verdict (the first answer stays)."""
    if (text or "").strip():
        from .models import AnsweredText

        AnsweredText.objects.bulk_create(
            [AnsweredText(fingerprint=fingerprint(text, url), report=report)], ignore_conflicts=True
        )


# A claim the desk is still working on: an exact copy of a text stored with it may join it unasked.
OPEN_STATUSES = (ClaimStatus.NEW, ClaimStatus.IN_VERIFICATION, ClaimStatus.AWAITING_APPROVAL)


@dataclass(frozen=True)
class SeenCopy(Match):
    """A tip identical to one stored with this open claim: it joins the claim (no model ran)."""


def _may_join_unasked(text: str, url: str) -> bool:
    """Whether an identical copy of this text may join its claim by its fingerprint alone: not with a link
    (a link may carry its own published answer), nor when too short to join on by itself."""
    return not url and len(text.split()) >= settings.CITYDESK_MATCH_MIN_WORDS


def seen_before(text: str, url: str = "") -> SeenCopy | None:
    """The open claim an identical text was stored with (when it got the thank-you, no answer), as a
    match to join (no model runs). None when the text has a link (a link may carry its own published
    answer), is too short to join on by itself, or when its claim was published, closed or is stale:
    then matching decides as for any tip."""
    text = (text or "").strip()
    if not _may_join_unasked(text, url):
        return None
    from .models import SeenText

    claim = _claim_of(SeenText, fingerprint(text, url))
    if claim is None:
        return None
    recent = claim.last_seen_at >= timezone.now() - timedelta(days=settings.CITYDESK_MATCH_WINDOW_DAYS)
    if claim.status not in OPEN_STATUSES or not recent:
        return None
    return SeenCopy(claim=claim, score=1.0, automatic=True, same=True)


def remember_seen(*, text: str, url: str = "", report: Report) -> None:
    """Keep the fingerprint of a text just stored with no answer (the first report stays)."""
    if (text or "").strip() and not url:
        from .models import SeenText

        # One INSERT … ON CONFLICT DO NOTHING (get_or_create took four statements: a select, a savepoint, the
        # insert, its release): the first report stays.
        SeenText.objects.bulk_create(
            [SeenText(fingerprint=fingerprint(text, url), report=report)], ignore_conflicts=True
        )


@dataclass(frozen=True)
class PendingCopy:
    """A tip identical to one answered moments ago without a verdict, whose report is still to be filed
    (a surge's new rumour): it gets the same reply, and its report joins that one's claim once that is
    filed (no model runs)."""

    inbound_id: int
    outcome: str
    reply: str


def pending_copy(text: str, url: str = "") -> PendingCopy | None:
    """The message an identical text came in earlier, answered by a model without a verdict and not
    filed yet (as seen_before: not for a text with a link, nor one too short to join on by itself)."""
    text = (text or "").strip()
    if not _may_join_unasked(text, url):
        return None
    from .models import InboundUpdate

    State = InboundUpdate.State
    found = (
        InboundUpdate.objects.filter(fingerprint=fingerprint(text, url), state__in=[State.SENDING, State.REPLIED])
        .order_by("pk")
        .values_list("pk", "outcome", "reply")
        .first()
    )
    return PendingCopy(*found) if found else None


def file_decided_later(
    *, channel: str, text: str, url: str = "", reply_handle: str = "", received_at: datetime, vector=None
) -> Report:
    """Store, after its reply, the report of a tip a model decided on and that got no verdict: matched
    again against the claims as they are now (a claim opened meanwhile from the same rumour is among
    them), with the e5 vector computed when it was answered (vector: none is encoded again), then
    joined or opened as take_tip would."""
    text = (text or "").strip()
    matches = matcher.candidates(text, vector=vector) if text and settings.CITYDESK_MATCHING else []
    report = desk.report_receive(
        channel=channel, text=text, url=url, reply_handle=reply_handle, received_at=received_at, matches=matches
    )
    remember_seen(text=text, url=url, report=report)
    return report


def judge_tip(*, text: str = "", url: str = "", image=None, cheap: bool = False) -> tuple[Answer | None, list]:
    """What take_tip will decide, read-only (so it can run before a write transaction opens): the
    published answer, if any, and the matcher's candidates. cheap: first look for an identical text
    already answered with a verdict (a forwarded copy), then for one stored with a claim still open
    (a copy of a rumour not answered yet: joined, and thanked), which need no model."""
    text = (text or "").strip()
    if cheap and image is None:
        answer = answered_before(text, url)
        if answer is not None:
            return answer, []
        copy = seen_before(text, url)
        if copy is not None:
            return None, [copy]
        pending = pending_copy(text, url)
        if pending is not None:
            return None, [pending]
    # One search serves both questions: is it answered already, and else which claims it may join.
    matches = matcher.candidates(text) if text and settings.CITYDESK_MATCHING else []
    return find_answer(text, url, matches=matches), matches


def take_tip(
    *,
    channel: str,
    text: str = "",
    url: str = "",
    image=None,
    reply_handle: str = "",
    received_at: datetime | None = None,
    judged: tuple[Answer | None, list] | None = None,
) -> Outcome:
    """Store a tip as a report: it joins the claim it surely repeats (published or not), or the desk's
    matcher decides (join, suggest, or a new claim). judged: judge_tip's result, when already known."""
    text = (text or "").strip()
    answer, matches = judged if judged is not None else judge_tip(text=text, url=url, image=image)
    if answer is not None and answer.sure:
        claim = answer.claim
    else:  # an identical copy of a text of an open claim joins it, whether or not matching is on
        claim = matches[0].claim if matches and isinstance(matches[0], SeenCopy) else None
    report = desk.report_receive(
        channel=channel,
        text=text,
        url=url,
        image=image,
        claim=claim,
        reply_handle=reply_handle,
        received_at=received_at,
        matches=matches,
    )
    return Outcome(report, answer, scam_warnings(text, report.url, answer=answer))


def found_by_fingerprint(judged: tuple[Answer | None, list]) -> bool:
    """Whether judge_tip's decision came from a fingerprint (an identical text answered before, one
    stored with a claim still open, or one answered moments ago whose report is still to be filed): its
    report can be filed after the reply, since it changes neither that reply nor the decision for any
    later tip (the text's fingerprint is kept already)."""
    answer, matches = judged
    if answer is not None:
        return answer.known
    return bool(matches) and isinstance(matches[0], (SeenCopy, PendingCopy))


def file_found_copy(
    *, channel: str, text: str, url: str = "", reply_handle: str = "", received_at: datetime, claim_id: int, copy: bool
) -> Report:
    """Store, after its reply, the report of a tip found by its fingerprint, as take_tip would have: it
    joins the claim (the one it was merged into, if merged since); copy: an identical copy of a text of
    an open claim (its match is shown to the desk as such)."""
    claim = Claim.objects.filter(pk=claim_id).first()
    matches = [SeenCopy(claim=claim, score=1.0, automatic=True, same=True)] if copy and claim is not None else []
    return desk.report_receive(
        channel=channel,
        text=(text or "").strip(),
        url=url,
        claim=claim,
        reply_handle=reply_handle,
        received_at=received_at,
        matches=matches,
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def answer_message(answer: Answer, *, language: str = "vi") -> str:
    """What the tipster reads: the verdict, two lines, the link (or, when unsure, only a pointer)."""
    url = answer.url or answer.page.get_full_url()
    with translation.override(language):
        if answer.sure:
            return "\n".join(
                [
                    _("The office has checked this. Verdict: %(rating)s.")
                    % {"rating": answer.verdict.get_rating_display().upper()},
                    _shorten(answer.claim.statement, 200),
                    answer.verdict.summary,
                    _("Read the clarification: %(url)s") % {"url": url},
                ]
            )
        return "\n".join(
            [
                _("The office has a clarification that may be about this:"),
                answer.page.title,
                url,
                _("We have also passed your message to the desk; if it is a different claim we will write back."),
            ]
        )


def received_message(*, language: str = "vi") -> str:
    with translation.override(language):
        return _(
            "Thank you. The desk will check this. When the office publishes its answer, we will send it to you here."
        )


def followup_message(claim: Claim, *, language: str = "vi") -> str:
    published = _published(claim)
    page, verdict = published
    answer = Answer(claim, page, verdict, score=1.0, sure=True)
    with translation.override(language):
        intro = _("You asked us about this. The answer is now published.")
        return intro + "\n" + answer_message(answer, language=language)


def deliver_answers(claim: Claim, *, now: datetime | None = None) -> tuple[int, int]:
    """Send the published verdict to every tipster of claim still waiting; returns (sent, failed)."""
    if _published(claim) is None:
        return 0, 0
    text = followup_message(claim)
    with translation.override("vi"):
        subject = _("Answer from the fact-check desk: %(claim)s") % {"claim": claim.statement[:80]}
    sent = failed = 0
    for report in desk.reports_awaiting_answer(claim, now=now).filter(answer_failures__lt=MAX_ANSWER_FAILURES):
        try:
            replies.send(report.reply_handle, text, subject=subject)
        except delivery.DeliveryError as error:
            desk.report_answer_failed(report, permanent=isinstance(error, delivery.Undeliverable))
            log.warning("Answer to report %s not delivered: %s", report.pk, error)
            failed += 1
        else:
            desk.report_mark_answered(report)
            sent += 1
    return sent, failed


@task()
def deliver_answers_task(claim_id: int) -> None:
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is not None:
        deliver_answers(claim)


def on_clarification_published(sender, claim_id: int, **kwargs) -> None:
    """A clarification went live: answer the people who asked, in the background."""
    deliver_answers_task.enqueue(claim_id)


def deliver_pending_answers(*, now: datetime | None = None) -> tuple[int, int]:
    """Catch up (the scheduler runs this): answers that failed or whose job never ran."""
    now = now or timezone.now()
    waiting = (
        Report.objects.filter(
            claim=OuterRef("pk"), reply_handle_expires_at__gt=now, answer_failures__lt=MAX_ANSWER_FAILURES
        )
        .exclude(reply_handle="")
        .filter(Q(answered_at__isnull=True) | Q(answered_at__lt=OuterRef("approved")))
    )
    latest_approval = (
        Verdict.objects.filter(claim=OuterRef("pk"), approved_at__isnull=False)
        .order_by("-approved_at")
        .values("approved_at")[:1]
    )
    claims = (
        Claim.objects.filter(status=ClaimStatus.PUBLISHED)
        .annotate(approved=Subquery(latest_approval))
        .filter(Exists(waiting))
    )
    sent = failed = 0
    for claim in claims:
        with transaction.atomic():
            s, f = deliver_answers(claim, now=now)
        sent, failed = sent + s, failed + f
    return sent, failed
