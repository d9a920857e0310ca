"""Every state change of the desk, and the one place that decides whether a transition is allowed."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from citydesk.core.links import http_url_or_empty
from citydesk.core.people import display_name
from citydesk.core.text import fold_diacritics
from citydesk.matching.normalize import canonical_url
from citydesk.newsroom.models import HomePage

from . import indicators, snapshots
from .fingerprint import review_fingerprint
from .matcher import matcher
from .methodology import METHODOLOGY_HTML, SECTION_INTRO, SECTION_SLUG, SECTION_TITLE
from .models import (
    Appearance,
    Channel,
    Claim,
    ClaimEvent,
    ClaimStatus,
    ClarificationPage,
    Correction,
    Evidence,
    FactCheckIndexPage,
    HarmCategory,
    Indicator,
    MatchSuggestion,
    Rating,
    Report,
    Verdict,
)
from .signals import clarification_published

VERIFY = "desk.verify_claim"
APPROVE = "desk.approve_verdict"
DEFAULT_REPLY_TTL = timedelta(days=30)
MAX_ANSWER_FAILURES = 5  # attempts to send a tipster the published answer

S = ClaimStatus
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.IN_VERIFICATION, S.NOT_CHECKABLE, S.DUPLICATE},
    S.IN_VERIFICATION: {S.AWAITING_APPROVAL, S.NOT_CHECKABLE, S.DUPLICATE},
    S.AWAITING_APPROVAL: {S.IN_VERIFICATION, S.PUBLISHED},
    S.PUBLISHED: {S.IN_VERIFICATION},
    S.NOT_CHECKABLE: {S.IN_VERIFICATION},
    S.DUPLICATE: set(),
}


def _require(user: AbstractBaseUser, permission: str) -> None:
    if not user.has_perm(permission):
        if permission == APPROVE:
            raise PermissionDenied(_("Only a desk lead can do this."))
        raise PermissionDenied(_("Only desk staff can do this."))


def _require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message)
    return value


def _log(claim: Claim, action: str, actor, note: str = "", from_status: str = "", to_status: str = "") -> None:
    ClaimEvent.objects.create(
        claim=claim, action=action, actor=actor, note=note, from_status=from_status, to_status=to_status
    )


def _transition(claim: Claim, to_status: str, *, actor, action: str = ClaimEvent.Action.STATUS, note: str = ""):
    """Move the claim to to_status if the workflow allows it, and record it in the audit log."""
    from_status = claim.status
    if to_status not in ALLOWED_TRANSITIONS[from_status]:
        raise ValidationError(
            _("A claim cannot go from “%(from)s” to “%(to)s”.")
            % {"from": ClaimStatus(from_status).label, "to": ClaimStatus(to_status).label}
        )
    claim.status = to_status
    claim.save(update_fields=["status"])
    _log(claim, action, actor, note, from_status, to_status)


def _locked(claim: Claim) -> Claim:
    """The claim re-read inside the transaction (and row-locked where the database can)."""
    return Claim.objects.select_for_update().get(pk=claim.pk)


def _fingerprint(claim: Claim, verdict: Verdict) -> str:
    """What the desk lead approves: the claim's public wording, its evidence and the verdict (see fingerprint.py)."""
    return review_fingerprint(
        statement=claim.statement,
        category=claim.category,
        unit_id=claim.unit_id,
        evidence=claim.evidence.values_list("pk", "url", "title", "quote", "snapshot"),
        rating=verdict.rating,
        summary=verdict.summary,
        explanation=verdict.explanation,
    )


def _withdraw_proposal(claim: Claim, *, actor, reason: str) -> None:
    """Two-person rule: while a verdict awaits approval the claim and its evidence are frozen, so a change
    withdraws the proposal (the claim goes back to verification, the audit log says why) and a new proposal,
    by someone other than the approver, is needed."""
    withdrawn = Verdict.objects.filter(claim=claim, approved_at__isnull=True, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if claim.status == S.AWAITING_APPROVAL:
        _transition(claim, S.IN_VERIFICATION, actor=actor, action=ClaimEvent.Action.WITHDRAWN, note=reason)
    elif withdrawn:
        _log(claim, ClaimEvent.Action.WITHDRAWN, actor, note=reason)


@transaction.atomic
def report_receive(
    *,
    channel: str,
    text: str = "",
    url: str = "",
    image=None,
    claim: Claim | None = None,
    category: str = HarmCategory.OTHER,
    received_at: datetime | None = None,
    reply_handle: str = "",
    reply_ttl: timedelta = DEFAULT_REPLY_TTL,
    actor: AbstractBaseUser | None = None,
    matches: list | None = None,
) -> Report:
    """Store an incoming report: it joins claim (or the one that was merged into), or the claim it
    matches (automatically only when sure), or opens a new claim with the likely matches suggested.
    matches: the matcher's candidates for text when the caller already asked for them."""
    text, url = (text or "").strip(), http_url_or_empty(url)  # only http(s) links are stored
    if not (text or url or image):
        raise ValidationError(_("A report needs a text, a link or an image."))
    if channel not in Channel.values:
        raise ValidationError(_("Unknown channel."))
    received_at = received_at or timezone.now()
    suggestions, matched_note = [], ""
    if settings.CITYDESK_MATCHING and text and matches is None and claim is None:
        matches = matcher.candidates(text)
    # Why the report was joined or only suggested, for the desk's claim screen.
    explanation = matches[0].explanation() if matches else {}
    if claim is None and settings.CITYDESK_MATCHING and text:
        if matches and matches[0].automatic:
            claim = matches[0].claim
            matched_note = _("Joined automatically (match %(score).2f)") % {"score": matches[0].score}
        else:
            suggestions = matches
    opened = claim is None
    if opened:
        claim = Claim.objects.create(
            statement=text or url or _("Image without text"),
            category=category,
            first_seen_at=received_at,
            last_seen_at=received_at,
            report_count=1,  # this report, stored below: nothing to count
        )
        _log(claim, ClaimEvent.Action.CREATED, actor, to_status=claim.status)
        MatchSuggestion.objects.bulk_create(
            [MatchSuggestion(claim=claim, candidate=match.claim, score=match.score) for match in suggestions]
        )
    else:
        while claim.status == ClaimStatus.DUPLICATE:
            claim = claim.duplicate_of
    report = Report.objects.create(
        claim=claim,
        text=text,
        url=url,
        url_key=canonical_url(url) if url else "",
        image=image or "",
        channel=channel,
        received_at=received_at,
        reply_handle=reply_handle.strip(),
        reply_handle_expires_at=received_at + reply_ttl if reply_handle.strip() else None,
        match_explanation={**explanation, "joined": claim.pk == explanation["claim"]} if explanation else {},
    )
    indicators.queue_unshortening(report, indicators.record_report(report, new=True))
    if not opened:
        _count_reports(claim)
    note = f"{Channel(channel).label}. {matched_note}" if matched_note else Channel(channel).label
    _log(claim, ClaimEvent.Action.REPORT_JOINED, actor, note=note)
    return report


def _count_reports(claim: Claim) -> None:
    # One aggregate query: this runs on every incoming report. The counts are written with an UPDATE,
    # not claim.save(): a save sends post_save, and the search index (modelsearch) queues a job that
    # re-indexes the claim's statement, which a report joining does not change (a whole job, with its
    # table-wide title_norm update, for each report of a surge). An edit of the statement saves the
    # claim (claim_update) and is re-indexed.
    totals = claim.reports.aggregate(count=Count("pk"), first=Min("received_at"), last=Max("received_at"))
    claim.report_count, claim.first_seen_at, claim.last_seen_at = totals["count"], totals["first"], totals["last"]
    Claim.objects.filter(pk=claim.pk).update(
        report_count=claim.report_count, first_seen_at=claim.first_seen_at, last_seen_at=claim.last_seen_at
    )


@transaction.atomic
def claim_update(*, claim: Claim, actor: AbstractBaseUser, statement: str, category: str, unit=None) -> Claim:
    """Edit the claim's canonical wording, category and unit, while it is not yet published."""
    _require(actor, VERIFY)
    claim = _locked(claim)
    if claim.status in (S.PUBLISHED, S.DUPLICATE):
        raise ValidationError(_("A published or merged claim cannot be edited; reopen it first."))
    if category not in HarmCategory.values:
        raise ValidationError(_("Unknown harm category."))
    statement = _require_text(statement, _("The claim cannot be empty."))
    if (statement, category, unit.pk if unit else None) == (claim.statement, claim.category, claim.unit_id):
        return claim  # saved unchanged: nothing to record, and a waiting proposal stays as it is
    if claim.status == S.AWAITING_APPROVAL:
        _withdraw_proposal(
            claim, actor=actor, reason=_("The claim was edited while its verdict awaited approval; propose it again.")
        )
    before = claim.statement
    claim.statement, claim.category, claim.unit = statement, category, unit
    claim.save(update_fields=["statement", "category", "unit"])
    if statement != before:
        indicators.record_statement(claim)
    transaction.on_commit(lambda: matcher.update(claim))
    _log(claim, ClaimEvent.Action.EDITED, actor, note=_("Before: %(statement)s") % {"statement": before[:500]})
    return claim


def claim_confirm_category(*, claim: Claim, actor: AbstractBaseUser, category: str) -> Claim:
    """The verifier's one click on the suggested harm category: an ordinary edit of the category (audit log,
    two-person rule), never done without that click."""
    return claim_update(claim=claim, actor=actor, statement=claim.statement, category=category, unit=claim.unit)


@transaction.atomic
def claim_assign(*, claim: Claim, assignee: AbstractBaseUser, actor: AbstractBaseUser) -> Claim:
    """Give the claim to a verifier; a new claim goes into verification."""
    _require(actor, VERIFY)
    if not assignee.has_perm(VERIFY):
        raise ValidationError(_("The assignee must be desk staff."))
    claim = _locked(claim)
    if claim.status in (S.PUBLISHED, S.DUPLICATE, S.NOT_CHECKABLE):
        raise ValidationError(_("This claim is closed; reopen it first."))
    claim.assignee = assignee
    claim.save(update_fields=["assignee"])
    _log(claim, ClaimEvent.Action.ASSIGNED, actor, note=display_name(assignee))
    if claim.status == S.NEW:
        _transition(claim, S.IN_VERIFICATION, actor=actor)
    return claim


@transaction.atomic
def claim_start_verification(*, claim: Claim, actor: AbstractBaseUser) -> Claim:
    """Take a new claim into verification (assigning it to the actor if nobody has it)."""
    _require(actor, VERIFY)
    claim = _locked(claim)
    _transition(claim, S.IN_VERIFICATION, actor=actor)
    if claim.assignee_id is None:
        claim.assignee = actor
        claim.save(update_fields=["assignee"])
    return claim


@transaction.atomic
def evidence_add(
    *, claim: Claim, actor: AbstractBaseUser, url: str, title: str, quote: str = "", snapshot: str = ""
) -> Evidence:
    """Attach a source to a claim under verification; added while a verdict awaits approval, it withdraws
    the proposal (the approver must see the evidence the verifier proposed on)."""
    _require(actor, VERIFY)
    claim = _locked(claim)
    if claim.status not in (S.NEW, S.IN_VERIFICATION, S.AWAITING_APPROVAL):
        raise ValidationError(_("Evidence can only be added while the claim is being verified."))
    evidence = Evidence(
        claim=claim,
        url=_require_text(url, _("A source needs a link.")),
        title=_require_text(title, _("A source needs a title.")),
        quote=quote.strip(),
        snapshot=snapshot.strip(),
        added_by=actor,
    )
    evidence.full_clean()
    if claim.status == S.AWAITING_APPROVAL:
        _withdraw_proposal(
            claim, actor=actor, reason=_("Evidence was added while the verdict awaited approval; propose it again.")
        )
    evidence.save()
    snapshots.request(evidence)  # in the background; never a condition of publishing
    if claim.status == S.NEW:
        _transition(claim, S.IN_VERIFICATION, actor=actor)
    _log(claim, ClaimEvent.Action.EVIDENCE, actor, note=evidence.title)
    return evidence


def _require_evidence(claim: Claim) -> None:
    if not claim.evidence.exists():
        raise ValidationError(_("A verdict needs at least one piece of evidence."))


@transaction.atomic
def verdict_propose(
    *, claim: Claim, verifier: AbstractBaseUser, rating: str, summary: str, explanation: str
) -> Verdict:
    """Propose a verdict for a desk lead to approve. A new proposal replaces one still waiting (at most one
    is open: also a database constraint)."""
    _require(verifier, VERIFY)
    claim = _locked(claim)
    if rating not in Rating.values:
        raise ValidationError(_("Choose a rating on the scale."))
    summary = _require_text(summary, _("A verdict needs a summary."))
    explanation = _require_text(explanation, _("A verdict needs an explanation."))
    _require_evidence(claim)
    if claim.status not in (S.NEW, S.IN_VERIFICATION, S.AWAITING_APPROVAL):
        raise ValidationError(_("A verdict can only be proposed while the claim is being verified."))
    if claim.status == S.NEW:
        _transition(claim, S.IN_VERIFICATION, actor=verifier)
    _withdraw_proposal(claim, actor=verifier, reason=_("Replaced by a new proposal."))
    verdict = Verdict(
        claim=claim,
        rating=rating,
        summary=summary,
        explanation=explanation,
        statement=claim.statement,
        verifier=verifier,
        proposed_at=timezone.now(),
    )
    verdict.reviewed_fingerprint = _fingerprint(claim, verdict)
    verdict.save()
    _transition(claim, S.AWAITING_APPROVAL, actor=verifier, action=ClaimEvent.Action.PROPOSED, note=verdict.summary)
    return verdict


@transaction.atomic
def verdict_send_back(*, claim: Claim, approver: AbstractBaseUser, note: str) -> Claim:
    """Return a proposed verdict to verification, saying why."""
    _require(approver, APPROVE)
    note = _require_text(note, _("Say what needs to change."))
    claim = _locked(claim)
    _transition(claim, S.IN_VERIFICATION, actor=approver, action=ClaimEvent.Action.SENT_BACK, note=note)
    Verdict.objects.filter(claim=claim, approved_at__isnull=True, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    return claim


@transaction.atomic
def verdict_approve(*, claim: Claim, approver: AbstractBaseUser) -> ClarificationPage:
    """Approve the proposed verdict (two-person rule) and publish the clarification."""
    _require(approver, APPROVE)
    claim = _locked(claim)
    verdict = claim.proposed_verdict
    if claim.status != S.AWAITING_APPROVAL or verdict is None:
        raise ValidationError(_("There is no proposed verdict to approve."))
    if verdict.verifier_id == approver.pk:
        raise ValidationError(_("The approver must be a different person from the verifier."))
    if claim.events.filter(
        actor=approver,
        action__in=[ClaimEvent.Action.EDITED, ClaimEvent.Action.EVIDENCE],
        at__gte=verdict.proposed_at,
    ).exists():
        raise ValidationError(
            _(
                "You changed this claim or its evidence after the verdict was proposed; "
                "another desk lead must approve it."
            )
        )
    _require_evidence(claim)
    if verdict.reviewed_fingerprint != _fingerprint(claim, verdict):
        raise ValidationError(
            _(
                "The claim, its evidence or the verdict changed after the verdict was proposed. "
                "Send it back so that it is proposed again as it now stands."
            )
        )
    verdict.approver, verdict.approved_at = approver, timezone.now()
    verdict.save(update_fields=["approver", "approved_at"])
    _transition(
        claim, S.PUBLISHED, actor=approver, action=ClaimEvent.Action.APPROVED, note=verdict.get_rating_display()
    )
    page = _publish_clarification(claim, approver)
    claim_id = claim.pk
    transaction.on_commit(lambda: clarification_published.send(sender=Claim, claim_id=claim_id))
    return page


def _fact_check_section() -> FactCheckIndexPage:
    section = FactCheckIndexPage.objects.first()
    if section is None:
        section = FactCheckIndexPage(
            title=SECTION_TITLE, slug=SECTION_SLUG, intro=SECTION_INTRO, methodology=METHODOLOGY_HTML
        )
        HomePage.objects.get().add_child(instance=section)
        section.save_revision().publish()
    return section


def _publish_clarification(claim: Claim, approver: AbstractBaseUser) -> ClarificationPage:
    page = ClarificationPage.objects.filter(claim=claim).first()
    title = claim.statement if len(claim.statement) <= 250 else claim.statement[:249] + "…"
    if page is None:
        page = ClarificationPage(
            title=title,
            slug=f"{slugify(fold_diacritics(claim.statement))[:80]}-{claim.pk}",
            claim=claim,
            owner=approver,
        )
        _fact_check_section().add_child(instance=page)
    else:
        page.title = title
    # The service has checked the desk lead's right to approve; desk leads hold no page permissions.
    page.save_revision(user=approver, log_action=True).publish(user=approver, skip_permission_checks=True)
    return page


@transaction.atomic
def claim_set_not_checkable(*, claim: Claim, actor: AbstractBaseUser, reason: str) -> Claim:
    """Close a claim that cannot be checked (an opinion, a prediction, no way to verify), saying why."""
    _require(actor, VERIFY)
    reason = _require_text(reason, _("Say why the claim cannot be checked."))
    claim = _locked(claim)
    _transition(claim, S.NOT_CHECKABLE, actor=actor, note=reason)
    return claim


@transaction.atomic
def claim_reopen(*, claim: Claim, actor: AbstractBaseUser, note: str) -> Claim:
    """Reopen a closed claim. A published one keeps its page and gets a public correction note. A claim whose
    verdict awaits approval goes back to verification with its proposal withdrawn (the proposer's "withdraw")."""
    note = _require_text(note, _("Say why the claim is reopened."))
    claim = _locked(claim)
    if claim.status == S.AWAITING_APPROVAL:
        _require(actor, VERIFY)
        _withdraw_proposal(claim, actor=actor, reason=note)
        return claim
    if claim.status == S.PUBLISHED:
        _require(actor, APPROVE)
        Correction.objects.create(claim=claim, note=note, created_by=actor)
        action = ClaimEvent.Action.REOPENED
    else:
        _require(actor, VERIFY)
        action = ClaimEvent.Action.STATUS
    _transition(claim, S.IN_VERIFICATION, actor=actor, action=action, note=note)
    return claim


@transaction.atomic
def claims_merge(*, claims: Iterable[Claim], into: Claim, actor: AbstractBaseUser) -> Claim:
    """Merge duplicate claims into one: their reports join it, they point to it. All or nothing."""
    _require(actor, VERIFY)
    into = _locked(into)
    if into.status == S.DUPLICATE:
        raise ValidationError(_("Cannot merge into a claim that is itself a duplicate."))
    sources = [_locked(claim) for claim in claims if claim.pk != into.pk]
    if not sources:
        raise ValidationError(_("Choose at least one other claim to merge."))
    for claim in sources:
        if claim.status == S.PUBLISHED:
            raise ValidationError(_("A published claim cannot be merged; reopen it first."))
        if claim.status == S.AWAITING_APPROVAL:
            raise ValidationError(
                _("Claim #%(pk)d has a verdict awaiting approval and cannot be merged; withdraw or send it back first.")
                % {"pk": claim.pk}
            )
        moved = Report.objects.filter(claim=claim).update(claim=into)
        Indicator.objects.filter(claim=claim, report__isnull=False).update(claim=into)
        claim.duplicate_of = into
        claim.save(update_fields=["duplicate_of"])
        _transition(claim, S.DUPLICATE, actor=actor, action=ClaimEvent.Action.MERGED, note=str(into.pk))
        Claim.objects.filter(pk=claim.pk).update(report_count=0)
        _log(
            into,
            ClaimEvent.Action.MERGED,
            actor,
            note=_("%(count)d report(s) joined from claim #%(pk)d")
            % {
                "count": moved,
                "pk": claim.pk,
            },
        )
    _count_reports(into)
    return into


def appearance_record(
    *, claim: Claim, url: str, title: str = "", source_name: str = "", published_at: datetime | None = None
) -> Appearance | None:
    """Attach a public page where the claim was seen (feed monitoring); None when it was already known."""
    while claim.status == ClaimStatus.DUPLICATE:
        claim = claim.duplicate_of
    appearance, created = Appearance.objects.get_or_create(
        claim=claim,
        url=url[:1000],
        defaults={"title": title[:300], "source_name": source_name[:200], "published_at": published_at},
    )
    if not created:
        return None
    _log(claim, ClaimEvent.Action.APPEARANCE, None, note=f"{source_name}: {title or url}"[:500])
    return appearance


def report_mark_answered(report: Report, *, at: datetime | None = None, automatic: bool = False) -> None:
    """Record that the tipster of report was sent the claim's current verdict (automatic: at once, on
    arrival, from the archive)."""
    report.answered_at, report.answer_failures = at or timezone.now(), 0
    fields = {"answered_at": report.answered_at, "answer_failures": 0}
    if automatic:
        report.answered_automatically = fields["answered_automatically"] = True
    Report.objects.filter(pk=report.pk).update(**fields)


def report_answer_failed(report: Report, *, permanent: bool = False) -> None:
    """Count a failed attempt to answer the tipster (the retries stop after a few, or at once if permanent)."""
    failures = MAX_ANSWER_FAILURES if permanent else models.F("answer_failures") + 1
    Report.objects.filter(pk=report.pk).update(answer_failures=failures)
    report.refresh_from_db(fields=["answer_failures"])


def reports_awaiting_answer(claim: Claim, *, now: datetime | None = None):
    """Reports of a published claim whose tipster can still be reached and has not had its current verdict."""
    verdict = claim.approved_verdict
    if claim.status != ClaimStatus.PUBLISHED or verdict is None:
        return Report.objects.none()
    now = now or timezone.now()
    return (
        claim.reports.exclude(reply_handle="")
        .filter(reply_handle_expires_at__gt=now)
        .filter(models.Q(answered_at__isnull=True) | models.Q(answered_at__lt=verdict.approved_at))
        .order_by("received_at", "pk")
    )


def reply_handles_purge(*, now: datetime | None = None) -> int:
    """Erase reply handles past their expiry; returns how many were erased."""
    now = now or timezone.now()
    return (
        Report.objects.filter(reply_handle_expires_at__lte=now)
        .exclude(reply_handle="")
        .update(reply_handle="", reply_handle_expires_at=None)
    )
