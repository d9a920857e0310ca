"""The desk's admin screens: inbox, claim detail with its actions, staff entry. Thin: forms in, services do."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import categorize, indicators, services, sla, snapshots, surge, trending
from .forms import (
    AssignForm,
    ClaimEditForm,
    ConfirmCategoryForm,
    EvidenceForm,
    InboxFilterForm,
    MergeForm,
    MergeIntoForm,
    NoteForm,
    ReportForm,
    SnapshotRetryForm,
    VerdictForm,
)
from .models import Channel, Claim, ClarificationPage, EvidenceSnapshot, Report, TrendingPin
from .selectors import claims_with_priority, inbox

CLAIMS_PER_PAGE = 50


def _require_desk(request) -> None:
    if not request.user.has_perm(services.VERIFY):
        raise PermissionDenied


def inbox_view(request):
    """Open claims, filtered and sorted by priority."""
    _require_desk(request)
    form = InboxFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "status": data["status"],
            "category": data["category"],
            "assignee_id": data["assignee"].pk if data["assignee"] else None,
            "unit_id": data["unit"].pk if data["unit"] else None,
            "seen_from": data["seen_from"],
            "seen_to": data["seen_to"],
            "order": data["order"] or "priority",
        }
    claims = Paginator(inbox(**filters), CLAIMS_PER_PAGE).get_page(request.GET.get("p"))
    now = timezone.now()
    badges = indicators.inbox_badges(claims)
    for claim in claims:
        claim.sla = sla.state(claim, now)
        claim.badges = badges[claim.pk]
    context = {
        "form": form,
        "claims": claims,
        "surges": surge.open_alerts(),
        "can_pin": trending.can_pin(request.user),
    }
    return TemplateResponse(request, "desk/admin/inbox.html", context)


def trending_view(request):
    """Surging published clarifications and what is pinned under “Đang được quan tâm”, with pin/unpin."""
    if not trending.can_pin(request.user):
        raise PermissionDenied
    surging = [
        alert
        for alert in surge.open_alerts()
        if getattr(alert.claim, "clarification_page", None) is not None and alert.claim.clarification_page.live
    ]
    pins = TrendingPin.objects.select_related("page", "pinned_by")
    context = {"surges": surging, "pins": pins}
    return TemplateResponse(request, "desk/admin/trending.html", context)


@require_POST
def trending_action(request, page_id: int, action: str):
    """Pin or unpin one clarification; back to where the button was."""
    page = get_object_or_404(ClarificationPage, pk=page_id)
    call = {"pin": trending.pin, "unpin": trending.unpin}.get(action)
    if call is None:
        raise Http404
    try:
        call(page=page, user=request.user)
    except PermissionDenied:
        raise
    except ValidationError as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, _("Pinned.") if action == "pin" else _("Unpinned."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("desk_trending")
    return redirect(target)


def claim_view(request, pk: int, forms: dict | None = None):
    """One claim: its reports, evidence, verdicts, audit log, and the actions allowed now."""
    _require_desk(request)
    claim = get_object_or_404(claims_with_priority(), pk=pk)
    forms = forms or {}
    context = {
        "heading": _("Claim #%(pk)s") % {"pk": claim.pk},
        "claim": claim,
        "reports": claim.reports.all(),
        "evidence": claim.evidence.select_related("added_by", "capture"),
        "verdicts": claim.verdicts.select_related("verifier", "approver"),
        "events": claim.events.select_related("actor"),
        "corrections": claim.corrections.select_related("created_by"),
        "page": ClarificationPage.objects.filter(claim=claim).first(),
        "suggestions": claim.suggestions.select_related("candidate").exclude(candidate__status="duplicate"),
        "signals": indicators.for_claim(claim),
        "suggested": categorize.suggest_for_claim(claim),
        "can_approve": request.user.has_perm(services.APPROVE),
        "allowed": services.ALLOWED_TRANSITIONS[claim.status],
        "edit_form": forms.get("edit")
        or ClaimEditForm(initial={"statement": claim.statement, "category": claim.category, "unit": claim.unit}),
        "assign_form": forms.get("assign") or AssignForm(initial={"assignee": claim.assignee}),
        "evidence_form": forms.get("evidence") or EvidenceForm(),
        "verdict_form": forms.get("verdict") or VerdictForm(),
        "note_form": forms.get("note") or NoteForm(),
    }
    status = 400 if forms else 200
    return TemplateResponse(request, "desk/admin/claim.html", context, status=status)


# action name -> (form class or None, service call)
ACTIONS = {
    "edit": (
        ClaimEditForm,
        lambda claim, user, data: services.claim_update(claim=claim, actor=user, **data),
    ),
    "assign": (AssignForm, lambda claim, user, data: services.claim_assign(claim=claim, actor=user, **data)),
    "start": (None, lambda claim, user, data: services.claim_start_verification(claim=claim, actor=user)),
    "evidence": (EvidenceForm, lambda claim, user, data: services.evidence_add(claim=claim, actor=user, **data)),
    "verdict": (VerdictForm, lambda claim, user, data: services.verdict_propose(claim=claim, verifier=user, **data)),
    "approve": (None, lambda claim, user, data: services.verdict_approve(claim=claim, approver=user)),
    "send_back": (
        NoteForm,
        lambda claim, user, data: services.verdict_send_back(claim=claim, approver=user, note=data["note"]),
    ),
    "not_checkable": (
        NoteForm,
        lambda claim, user, data: services.claim_set_not_checkable(claim=claim, actor=user, reason=data["note"]),
    ),
    "reopen": (NoteForm, lambda claim, user, data: services.claim_reopen(claim=claim, actor=user, note=data["note"])),
    "merge_into": (MergeIntoForm, lambda claim, user, data: _merge_into(claim, user, data["into"])),
    "confirm_category": (
        ConfirmCategoryForm,
        lambda claim, user, data: services.claim_confirm_category(claim=claim, actor=user, category=data["category"]),
    ),
    "snapshot_retry": (SnapshotRetryForm, lambda claim, user, data: _snapshot_retry(claim, data["evidence"])),
}


def _snapshot_retry(claim, evidence_id: int):
    capture = EvidenceSnapshot.objects.filter(evidence_id=evidence_id, evidence__claim=claim).first()
    if capture is None:
        raise ValidationError(_("This source has no capture to try again."))
    snapshots.retry_now(capture)


def _merge_into(claim, user, target_pk: int):
    target = Claim.objects.filter(pk=target_pk).first()
    if target is None:
        raise ValidationError(_("There is no claim #%(pk)d.") % {"pk": target_pk})
    return services.claims_merge(claims=[claim], into=target, actor=user)


# Actions whose form has its own place on the claim page; the others share the reason form.
OWN_FORM = {"edit", "assign", "evidence", "verdict"}


def _refusal(error) -> str:
    """The Vietnamese message(s) of a refused action, as one line."""
    return " ".join(getattr(error, "messages", [str(error)]))


@require_POST
def claim_action(request, pk: int, action: str):
    """Run one action on a claim; refusals come back as messages, invalid forms re-render with errors."""
    _require_desk(request)
    if action not in ACTIONS:
        return redirect("desk_claim", pk=pk)
    claim = get_object_or_404(claims_with_priority(), pk=pk)
    form_class, call = ACTIONS[action]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return claim_view(request, pk, forms={action if action in OWN_FORM else "note": form})
    try:
        call(claim, request.user, form.cleaned_data if form else {})
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, _("Done."))
    return redirect("desk_claim", pk=pk)


def report_new(request):
    """Desk staff enter a report by hand; it opens a new claim."""
    _require_desk(request)
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_receive(
                channel=Channel.STAFF,
                text=data["text"],
                url=data["url"],
                image=data["image"],
                category=data["category"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Report saved as claim #%(pk)d.") % {"pk": report.claim_id})
            return redirect("desk_claim", pk=report.claim_id)
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "desk/admin/report_new.html", {"form": form}, status=status)


def report_image(request, pk: int):
    """A report's image, for desk staff only: it is never published or served from /media/."""
    _require_desk(request)
    report = get_object_or_404(Report.objects.exclude(image=""), pk=pk)
    response = FileResponse(report.image.open("rb"), content_type=mimetypes.guess_type(report.image.name)[0])
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def merge(request):
    """Merge the claims ticked in the inbox into one."""
    _require_desk(request)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the claims to merge and give the number of the claim to keep."))
        return redirect("desk_inbox")
    target = claims_with_priority().filter(pk=form.cleaned_data["into"]).first()
    if target is None:
        messages.error(request, _("There is no claim #%(pk)d.") % {"pk": form.cleaned_data["into"]})
        return redirect("desk_inbox")
    try:
        services.claims_merge(claims=form.cleaned_data["claims"], into=target, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
        return redirect("desk_inbox")
    messages.success(request, _("Claims merged."))
    return redirect("desk_claim", pk=target.pk)
