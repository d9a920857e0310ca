"""The contributor network's screens. Thin: forms in, services do, selectors decide who sees what."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import TaskState

from citydesk.core import scoping
from citydesk.core.models import ContributorProfile

from . import selectors, services
from .forms import (
    AcceptInvitationForm,
    AssignmentFilterForm,
    AssignmentForm,
    DeadlineForm,
    DirectorySearchForm,
    InvitationForm,
    MyProfileForm,
    PitchAcceptForm,
    PitchForm,
    ReasonForm,
)
from .models import Assignment, Invitation, Notification, Pitch
from .notifications import describe, target_url


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def home(request, profile_form=None):
    """My work: assignments, pitches, drafts, published pieces with their reach, and what is new."""
    drafts, published = selectors.my_articles(request.user)
    profile = getattr(request.user, "contributor_profile", None)
    mine = selectors.assignments_for(request.user, status="all")
    if profile is not None:
        mine = mine.filter(contributor=profile) | mine.filter(co_authors=profile)
    elif selectors.sees_all_assignments(request.user):
        mine = mine.filter(requested_by=request.user)
    context = {
        "assignments": mine.exclude(status__in=[Assignment.Status.DONE, Assignment.Status.DECLINED]).distinct(),
        "pitches": Pitch.objects.filter(contributor=profile)[:20] if profile else [],
        "drafts": drafts[:20],
        "published": published[:20],
        "notifications": [
            (n, describe(n), target_url(n))
            for n in request.user.notifications.filter(read_at__isnull=True).select_related("assignment", "pitch")[:10]
        ],
        "now": timezone.now(),
        "can_pitch": request.user.has_perm("network.add_pitch") and profile is not None,
        "profile_form": profile_form or (MyProfileForm(instance=profile) if profile else None),
    }
    return TemplateResponse(request, "network/admin/home.html", context)


@require_POST
def my_profile(request):
    profile = getattr(request.user, "contributor_profile", None)
    if profile is None:
        raise PermissionDenied
    form = MyProfileForm(request.POST, instance=ContributorProfile.objects.get(pk=profile.pk))
    if not form.is_valid():
        return home(request, profile_form=form)
    services.profile_update(user=request.user, **form.cleaned_data)
    messages.success(request, _("Your profile is saved."))
    return redirect("network_home")


def assignment_list(request):
    form = AssignmentFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    context = {
        "form": form,
        "assignments": selectors.assignments_for(request.user, status=status),
        "can_assign": request.user.has_perm(services.ASSIGN),
        "now": timezone.now(),
    }
    return TemplateResponse(request, "network/admin/assignments.html", context)


def assignment_new(request):
    if not request.user.has_perm(services.ASSIGN):
        raise PermissionDenied
    initial = {}
    if request.GET.get("contributor", "").isdigit():
        initial["contributor"] = int(request.GET["contributor"])
    if request.GET.get("claim", "").isdigit():
        initial["claim"] = int(request.GET["claim"])
    form = AssignmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.assignment_create(
                requested_by=request.user,
                contributor=data["contributor"],
                co_authors=list(data["co_authors"]),
                title=data["title"],
                brief=data["brief"],
                deadline=data["deadline"],
                topic=data["topic"],
                claim=data["claim"],
            )
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, _("Assignment “%(title)s” sent.") % {"title": assignment.title})
            return redirect("network_assignment", assignment.pk)
    return TemplateResponse(request, "network/admin/assignment_new.html", {"form": form})


def _visible_assignment(request, pk: int) -> Assignment:
    # Someone else's assignment is "not found" for a contributor, not "forbidden": no titles leak.
    return get_object_or_404(selectors.assignments_for(request.user, status="all"), pk=pk)


def _review_history(page):
    if page is None:
        return [], []
    steps = list(
        TaskState.objects.filter(workflow_state__in=page.workflow_states)
        .exclude(status=TaskState.STATUS_IN_PROGRESS)
        .select_related("task", "finished_by")
        .order_by("finished_at")
    )
    comments = page.wagtail_admin_comments.select_related("user").order_by("created_at")
    for step in steps:
        # Wagtail stores "request changes" as a rejected task; the draft went back to its authors.
        rejected = step.status == TaskState.STATUS_REJECTED
        step.status_label = _("Changes requested") if rejected else step.get_status_display()
    return steps, comments


def assignment_detail(request, pk: int, forms: dict | None = None):
    assignment = _visible_assignment(request, pk)
    forms = forms or {}
    steps, comments = _review_history(assignment.page)
    events = list(assignment.events.select_related("actor"))
    is_writer = services.is_writer(request.user, assignment)
    can_manage = request.user.has_perm(services.MANAGE) or request.user == assignment.requested_by
    context = {
        "assignment": assignment,
        "authors": assignment.authors(),
        "events": events,
        # "Changes requested" rather than "Accepted" while the draft is back with its authors.
        "status_label": (
            events[-1].get_to_status_display()
            if events and events[-1].to_status == assignment.status
            else assignment.get_status_display()
        ),
        "steps": steps,
        "comments": comments,
        "is_writer": is_writer,
        "can_manage": can_manage,
        "allowed": services.ALLOWED_TRANSITIONS[assignment.status],
        "decline_form": forms.get("decline") or ReasonForm(),
        "deadline_form": forms.get("deadline") or DeadlineForm(),
        "now": timezone.now(),
    }
    return TemplateResponse(request, "network/admin/assignment.html", context)


@require_POST
def assignment_action(request, pk: int, action: str):
    assignment = _visible_assignment(request, pk)
    try:
        if action == "accept":
            assignment = services.assignment_accept(assignment=assignment, user=request.user)
            messages.success(request, _("Accepted. Your draft is ready to write."))
            return redirect("wagtailadmin_pages:edit", assignment.page_id)
        if action == "decline":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                return assignment_detail(request, pk, forms={"decline": form})
            services.assignment_decline(assignment=assignment, user=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Assignment declined."))
        elif action == "deadline":
            form = DeadlineForm(request.POST)
            if not form.is_valid():
                return assignment_detail(request, pk, forms={"deadline": form})
            services.assignment_set_deadline(
                assignment=assignment, user=request.user, deadline=form.cleaned_data["deadline"]
            )
            messages.success(request, _("Deadline changed."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, _errors(error))
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You may not do this."))
    return redirect("network_assignment", pk)


def pitch_list(request):
    form = PitchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pitch = services.pitch_submit(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, _("Pitch “%(title)s” sent to the editors.") % {"title": pitch.title})
            return redirect("network_pitches")
    context = {
        "pitches": selectors.pitches_for(request.user),
        "form": form,
        "can_pitch": request.user.has_perm("network.add_pitch") and hasattr(request.user, "contributor_profile"),
    }
    return TemplateResponse(request, "network/admin/pitches.html", context)


def pitch_detail(request, pk: int, forms: dict | None = None):
    pitch = get_object_or_404(selectors.pitches_for(request.user), pk=pk)
    forms = forms or {}
    context = {
        "pitch": pitch,
        "can_decide": request.user.has_perm(services.DECIDE_PITCH) and pitch.status == Pitch.Status.PROPOSED,
        "accept_form": forms.get("accept") or PitchAcceptForm(),
        "decline_form": forms.get("decline") or ReasonForm(),
        "assignment": Assignment.objects.filter(pitch=pitch).first(),
    }
    return TemplateResponse(request, "network/admin/pitch.html", context)


@require_POST
def pitch_action(request, pk: int, action: str):
    pitch = get_object_or_404(selectors.pitches_for(request.user), pk=pk)
    try:
        if action == "accept":
            form = PitchAcceptForm(request.POST)
            if not form.is_valid():
                return pitch_detail(request, pk, forms={"accept": form})
            assignment = services.pitch_accept(pitch=pitch, user=request.user, **form.cleaned_data)
            messages.success(request, _("Pitch accepted; the assignment and its draft are created."))
            return redirect("network_assignment", assignment.pk)
        if action == "decline":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                return pitch_detail(request, pk, forms={"decline": form})
            services.pitch_decline(pitch=pitch, user=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Pitch declined."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("network_pitch", pk)


def directory(request):
    if not request.user.has_perm("core.view_contributorprofile"):
        raise PermissionDenied
    form = DirectorySearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    people = services.directory_search(
        data.get("q", ""),
        unit=data.get("unit"),
        language=data.get("language", ""),
        available_only=data.get("available", False),
        include_inactive=data.get("inactive", False),
    )
    context = {
        "form": form,
        "people": people,
        "can_assign": request.user.has_perm(services.ASSIGN),
        "can_invite": request.user.has_perm(services.INVITE),
        "can_change": request.user.has_perm("core.change_contributorprofile"),
    }
    return TemplateResponse(request, "network/admin/directory.html", context)


@require_POST
def contributor_active(request, pk: int):
    profile = get_object_or_404(ContributorProfile, pk=pk)
    active = request.POST.get("active") == "1"
    services.contributor_set_active(profile=profile, user=request.user, active=active)
    if active:
        messages.success(request, _("%(name)s can work again.") % {"name": profile.name})
    else:
        messages.success(request, _("%(name)s is deactivated; their published bylines stay.") % {"name": profile.name})
    return redirect("network_directory")


def invitations(request):
    if not request.user.has_perm("network.view_invitation"):
        raise PermissionDenied
    form = InvitationForm(request.POST or None)
    if scoping.is_scoped(request.user):
        form.fields["unit"].queryset = scoping.managed_units(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(invited_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("email", _errors(error))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("network_invitations")
    context = {
        "form": form,
        "invitations": Invitation.objects.select_related("unit", "invited_by")[:100],
        "now": timezone.now(),
    }
    return TemplateResponse(request, "network/admin/invitations.html", context)


def notifications(request):
    if request.method == "POST":
        services.mark_read(user=request.user)
        return redirect("network_notifications")
    rows = request.user.notifications.select_related("assignment", "pitch")[:200]
    context = {"rows": [(n, describe(n), target_url(n)) for n in rows]}
    return TemplateResponse(request, "network/admin/notifications.html", context)


def notification_open(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(user=request.user, notifications=[notification])
    return redirect(target_url(notification))


def accept_invitation(request, token: str):
    """Public: the one-time link from the invitation e-mail. Choose a username and password, then in."""
    try:
        invitation = services.invitation_for_token(token)
    except ValidationError as error:
        return TemplateResponse(request, "network/invitation.html", {"error": _errors(error)}, status=410)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            form.add_error("password", _errors(error))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("network_home")
    return TemplateResponse(request, "network/invitation.html", {"invitation": invitation, "form": form})
