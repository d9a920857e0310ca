"""State changes of the contributor network. Every transition of an assignment goes through `_move`,
which checks it against ALLOWED_TRANSITIONS and writes the history; views and signals only call in."""

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from citydesk.core import accounts, roles, scoping
from citydesk.core.models import ContributorProfile, Unit
from citydesk.core.secrets import one_time_token, token_hash
from citydesk.core.text import fold_diacritics
from citydesk.newsroom import services as newsroom
from citydesk.newsroom.models import TopicPage

from .models import Assignment, AssignmentEvent, Invitation, Notification, Pitch
from .notifications import notify

S = Assignment.Status
K = Notification.Kind
ASSIGN = "network.add_assignment"
MANAGE = "network.change_assignment"
DECIDE_PITCH = "network.change_pitch"
INVITE = "network.add_invitation"
INVITATION_DAYS = 14
REMIND_BEFORE = timedelta(hours=24)
REMIND_OVERDUE_EVERY = timedelta(hours=24)

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.REQUESTED: {S.ACCEPTED, S.DECLINED, S.OVERDUE},
    S.ACCEPTED: {S.SUBMITTED, S.DECLINED, S.OVERDUE, S.DONE},
    # Late work can still come in; a new deadline puts it back where it was.
    S.OVERDUE: {S.SUBMITTED, S.DECLINED, S.DONE, S.REQUESTED, S.ACCEPTED},
    # Review asked for changes: back to the contributor.
    S.SUBMITTED: {S.DONE, S.ACCEPTED},
    S.DONE: set(),
    S.DECLINED: set(),
}


def _move(assignment: Assignment, to: str, *, actor, note: str = "", now: datetime | None = None) -> None:
    """Change the state if the table allows it, and record who did it."""
    if to not in ALLOWED_TRANSITIONS[assignment.status]:
        raise ValidationError(
            _("An assignment that is “%(from)s” cannot become “%(to)s”.")
            % {"from": S(assignment.status).label, "to": S(to).label}
        )
    AssignmentEvent.objects.create(
        assignment=assignment,
        actor=actor,
        from_status=assignment.status,
        to_status=to,
        note=note,
        created_at=now or timezone.now(),
    )
    assignment.status = to


def _profile(user) -> ContributorProfile | None:
    return getattr(user, "contributor_profile", None) if user is not None and user.is_authenticated else None


def is_author(user, assignment: Assignment) -> bool:
    """Whether user writes this assignment (its contributor or a co-author)."""
    profile = _profile(user)
    return profile is not None and (
        profile.pk == assignment.contributor_id or assignment.co_authors.filter(pk=profile.pk).exists()
    )


def is_writer(user, assignment: Assignment) -> bool:
    """Whether user is the contributor the assignment was requested from (who owns the draft)."""
    profile = _profile(user)
    return profile is not None and profile.pk == assignment.contributor_id


def _author_users(assignment: Assignment) -> list:
    return [author.user for author in assignment.authors() if author.user_id]


def _check_writer(contributor: ContributorProfile) -> None:
    if not contributor.is_active:
        raise ValidationError(_("%(name)s is inactive and gets no new work.") % {"name": contributor.name})
    if contributor.user_id is None or not contributor.user.is_active:
        raise ValidationError(_("%(name)s has no active account; invite them first.") % {"name": contributor.name})


# --- Assignments ---------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    requested_by,
    contributor: ContributorProfile,
    title: str,
    brief: str,
    deadline: datetime,
    topic: TopicPage,
    co_authors: Sequence[ContributorProfile] = (),
    claim=None,
    now: datetime | None = None,
) -> Assignment:
    """An editor (or a desk lead, for an explainer a claim needs) requests an article."""
    now = now or timezone.now()
    if not requested_by.has_perm(ASSIGN):
        raise PermissionDenied(_("You may not request articles."))
    if not title.strip() or not brief.strip():
        raise ValidationError(_("An assignment needs a title and a brief."))
    if deadline <= now:
        raise ValidationError(_("The deadline must be in the future."))
    for person in [contributor, *co_authors]:
        _check_writer(person)
    assignment = Assignment.objects.create(
        title=title.strip(),
        brief=brief.strip(),
        deadline=deadline,
        contributor=contributor,
        topic=topic,
        claim=claim,
        requested_by=requested_by,
        created_at=now,
    )
    assignment.co_authors.set([person for person in co_authors if person.pk != contributor.pk])
    AssignmentEvent.objects.create(assignment=assignment, actor=requested_by, to_status=S.REQUESTED, created_at=now)
    notify(recipients=_author_users(assignment), kind=K.NEW_ASSIGNMENT, assignment=assignment, now=now)
    return assignment


def _create_draft(assignment: Assignment, owner):
    """The article draft the contributor writes, credited to the assignment's authors."""
    topic = assignment.topic
    slug = slugify(fold_diacritics(assignment.title))[:180] or "bai-viet"
    if topic.get_children().filter(slug=slug).exists():
        slug = f"{slug}-{assignment.pk}"
    page = newsroom.article_create(
        topic=topic,
        title=assignment.title,
        lead="",
        paragraphs=[],
        unit=assignment.contributor.unit,
        contributors=assignment.authors(),
        owner=owner,
        slug=slug,
        complete=False,
    )
    assignment.page = page
    return page


@transaction.atomic
def assignment_accept(*, assignment: Assignment, user, now: datetime | None = None) -> Assignment:
    """The contributor takes the work on; their draft is created, credited to all the authors."""
    now = now or timezone.now()
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not is_writer(user, assignment):
        raise PermissionDenied(_("Only the contributor it was requested from can accept this assignment."))
    if assignment.status == S.OVERDUE:
        raise ValidationError(_("The deadline has passed; ask the editor for a new deadline first."))
    _move(assignment, S.ACCEPTED, actor=user, now=now)
    assignment.accepted_at = now
    if assignment.page_id is None:
        _create_draft(assignment, owner=user)
    assignment.save()
    notify(recipients=[assignment.requested_by], kind=K.ACCEPTED, assignment=assignment, actor=user, now=now)
    return assignment


@transaction.atomic
def assignment_decline(*, assignment: Assignment, user, reason: str, now: datetime | None = None) -> Assignment:
    """The contributor declines (or the editor withdraws) the request, always with a reason."""
    now = now or timezone.now()
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not is_writer(user, assignment) and not user.has_perm(MANAGE):
        raise PermissionDenied(_("You may not decline this assignment."))
    return _decline(assignment, user=user, reason=reason, now=now)


def _decline(assignment: Assignment, *, user, reason: str, now: datetime) -> Assignment:
    if not reason.strip():
        raise ValidationError(_("Say why, so the editor can find someone else."))
    _move(assignment, S.DECLINED, actor=user, note=reason.strip(), now=now)
    assignment.decline_reason = reason.strip()
    assignment.save()
    recipients = [assignment.requested_by, *_author_users(assignment)]
    notify(recipients=recipients, kind=K.DECLINED, assignment=assignment, detail=reason.strip(), actor=user, now=now)
    return assignment


@transaction.atomic
def assignment_set_deadline(
    *, assignment: Assignment, user, deadline: datetime, now: datetime | None = None
) -> Assignment:
    """A new deadline; an overdue assignment goes back to where it was."""
    now = now or timezone.now()
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not user.has_perm(MANAGE) and user != assignment.requested_by:
        raise PermissionDenied(_("Only editors change deadlines."))
    if deadline <= now:
        raise ValidationError(_("The deadline must be in the future."))
    if not assignment.is_open and assignment.status != S.SUBMITTED:
        raise ValidationError(_("This assignment is closed."))
    note = _("New deadline: %(deadline)s") % {"deadline": _local(deadline)}
    if assignment.status == S.OVERDUE:
        _move(assignment, S.ACCEPTED if assignment.accepted_at else S.REQUESTED, actor=user, note=note, now=now)
    else:
        AssignmentEvent.objects.create(
            assignment=assignment,
            actor=user,
            from_status=assignment.status,
            to_status=assignment.status,
            note=note,
            created_at=now,
        )
    assignment.deadline = deadline
    assignment.reminded_at = assignment.overdue_reminded_at = None
    assignment.save()
    notify(recipients=_author_users(assignment), kind=K.DEADLINE_CHANGED, assignment=assignment, actor=user, now=now)
    return assignment


def assignment_for_page(page) -> Assignment | None:
    return Assignment.objects.filter(page_id=page.pk).select_related("contributor", "requested_by").first()


@transaction.atomic
def assignment_submitted(*, page, user, now: datetime | None = None) -> Assignment | None:
    """The draft entered review (Wagtail's workflow); the first submission is what counts as on time."""
    now = now or timezone.now()
    assignment = assignment_for_page(page)
    if assignment is None or assignment.status not in (S.ACCEPTED, S.OVERDUE):
        return assignment
    late = now > assignment.deadline
    _move(assignment, S.SUBMITTED, actor=user, note=_("Submitted late") if late else "", now=now)
    assignment.first_submitted_at = assignment.first_submitted_at or now
    assignment.save()
    notify(recipients=[assignment.requested_by], kind=K.SUBMITTED, assignment=assignment, actor=user, now=now)
    return assignment


@transaction.atomic
def assignment_changes_requested(*, page, user, comment: str = "", now: datetime | None = None):
    """Review sent the draft back: the contributor has it again."""
    assignment = assignment_for_page(page)
    if assignment is None or assignment.status != S.SUBMITTED:
        return assignment
    _move(assignment, S.ACCEPTED, actor=user, note=comment, now=now)
    assignment.save()
    notify(
        recipients=_author_users(assignment),
        kind=K.CHANGES_REQUESTED,
        assignment=assignment,
        detail=comment,
        actor=user,
        now=now,
    )
    return assignment


@transaction.atomic
def assignment_published(*, page, user, now: datetime | None = None):
    """The article went live: the assignment is done and its authors hear it."""
    now = now or timezone.now()
    assignment = assignment_for_page(page)
    if assignment is None or assignment.status == S.DONE:
        return assignment
    if S.DONE not in ALLOWED_TRANSITIONS[assignment.status]:
        return assignment  # declined work that an editor published anyway keeps its history
    _move(assignment, S.DONE, actor=user, now=now)
    assignment.first_submitted_at = assignment.first_submitted_at or now
    assignment.done_at = now
    assignment.save()
    notify(recipients=_author_users(assignment), kind=K.PUBLISHED, assignment=assignment, now=now)
    return assignment


def review_step_approved(*, page, user, step: str) -> None:
    """A review step passed: the authors hear which one (publication is its own notification)."""
    assignment = assignment_for_page(page)
    if assignment is not None:
        notify(recipients=_author_users(assignment), kind=K.APPROVED, assignment=assignment, detail=step, actor=user)


def review_comment(*, page, user, text: str) -> None:
    """A reviewer commented on the draft in the editor: its authors hear it."""
    assignment = assignment_for_page(page)
    if assignment is not None:
        notify(
            recipients=[*_author_users(assignment), assignment.requested_by],
            kind=K.COMMENT,
            assignment=assignment,
            detail=text,
            actor=user,
        )


def remind(*, now: datetime | None = None) -> dict[str, int]:
    """Deadline in 24 h, newly overdue, and still overdue (once a day): notify and mark."""
    now = now or timezone.now()
    counts = {"soon": 0, "overdue": 0, "still_overdue": 0}
    open_states = [S.REQUESTED, S.ACCEPTED]
    soon = Assignment.objects.filter(
        status__in=open_states, deadline__gt=now, deadline__lte=now + REMIND_BEFORE, reminded_at__isnull=True
    )
    for assignment in soon:
        with transaction.atomic():
            if Assignment.objects.filter(pk=assignment.pk, reminded_at__isnull=True).update(reminded_at=now):
                notify(recipients=_author_users(assignment), kind=K.DEADLINE_SOON, assignment=assignment, now=now)
                counts["soon"] += 1
    for assignment in Assignment.objects.filter(status__in=open_states, deadline__lte=now):
        with transaction.atomic():
            assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
            if assignment.status not in open_states:
                continue
            _move(assignment, S.OVERDUE, actor=None, now=now)
            assignment.overdue_reminded_at = now
            assignment.save()
            notify(
                recipients=[*_author_users(assignment), assignment.requested_by],
                kind=K.OVERDUE,
                assignment=assignment,
                now=now,
            )
            counts["overdue"] += 1
    still = Assignment.objects.filter(status=S.OVERDUE, overdue_reminded_at__lte=now - REMIND_OVERDUE_EVERY)
    for assignment in still:
        with transaction.atomic():
            if Assignment.objects.filter(pk=assignment.pk, overdue_reminded_at=assignment.overdue_reminded_at).update(
                overdue_reminded_at=now
            ):
                notify(recipients=_author_users(assignment), kind=K.OVERDUE, assignment=assignment, now=now)
                counts["still_overdue"] += 1
    return counts


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


# --- Pitches -------------------------------------------------------------------------------------


def editors() -> list:
    """The people who decide pitches."""
    return list(get_user_model().objects.filter(groups__name=roles.EDITOR, is_active=True))


@transaction.atomic
def pitch_submit(
    *, user, title: str, angle: str, sources: str, expected_date: date, now: datetime | None = None
) -> Pitch:
    """A contributor proposes a story; the editors hear it."""
    now = now or timezone.now()
    profile = _profile(user)
    if profile is None or not profile.is_active:
        raise PermissionDenied(_("Only active contributors can pitch stories."))
    if not title.strip() or not angle.strip():
        raise ValidationError(_("A pitch needs a title and an angle."))
    if expected_date < timezone.localdate(now):
        raise ValidationError(_("The expected date cannot be in the past."))
    pitch = Pitch.objects.create(
        contributor=profile,
        title=title.strip(),
        angle=angle.strip(),
        sources=sources.strip(),
        expected_date=expected_date,
        created_at=now,
    )
    notify(recipients=editors(), kind=K.PITCH_NEW, pitch=pitch, actor=user, now=now)
    return pitch


def _undecided_pitch(pitch: Pitch, user) -> Pitch:
    """The pitch, locked, if user may decide it and nobody has yet."""
    pitch = Pitch.objects.select_for_update(of=("self",)).select_related("contributor__user").get(pk=pitch.pk)
    if not user.has_perm(DECIDE_PITCH):
        raise PermissionDenied(_("Only editors decide pitches."))
    if pitch.status != Pitch.Status.PROPOSED:
        raise ValidationError(_("This pitch has already been decided."))
    return pitch


@transaction.atomic
def pitch_accept(
    *,
    pitch: Pitch,
    user,
    topic: TopicPage,
    deadline: datetime | None = None,
    brief: str = "",
    now: datetime | None = None,
) -> Assignment:
    """An editor accepts: an accepted assignment and the contributor's draft are created."""
    now = now or timezone.now()
    pitch = _undecided_pitch(pitch, user)
    _check_writer(pitch.contributor)
    deadline = deadline or timezone.make_aware(datetime.combine(pitch.expected_date, time(17, 0)))
    if deadline <= now:
        raise ValidationError(_("The deadline must be in the future."))
    pitch.status, pitch.decided_by, pitch.decided_at = Pitch.Status.ACCEPTED, user, now
    pitch.save()
    assignment = Assignment.objects.create(
        title=pitch.title,
        brief=brief.strip() or "\n\n".join(part for part in (pitch.angle, pitch.sources) if part),
        deadline=deadline,
        contributor=pitch.contributor,
        topic=topic,
        pitch=pitch,
        requested_by=user,
        status=S.ACCEPTED,
        created_at=now,
        accepted_at=now,
    )
    AssignmentEvent.objects.create(
        assignment=assignment, actor=user, to_status=S.ACCEPTED, note=_("From a pitch"), created_at=now
    )
    _create_draft(assignment, owner=pitch.contributor.user)
    assignment.save()
    notify(recipients=[pitch.contributor.user], kind=K.PITCH_ACCEPTED, pitch=pitch, assignment=assignment, now=now)
    return assignment


@transaction.atomic
def pitch_decline(*, pitch: Pitch, user, reason: str, now: datetime | None = None) -> Pitch:
    """An editor declines, saying why; the contributor sees the reason."""
    now = now or timezone.now()
    pitch = _undecided_pitch(pitch, user)
    if not reason.strip():
        raise ValidationError(_("Say why the pitch is declined."))
    pitch.status, pitch.decline_reason = Pitch.Status.DECLINED, reason.strip()
    pitch.decided_by, pitch.decided_at = user, now
    pitch.save()
    notify(
        recipients=[pitch.contributor.user], kind=K.PITCH_DECLINED, pitch=pitch, detail=pitch.decline_reason, now=now
    )
    return pitch


# --- Directory and invitations -------------------------------------------------------------------


def directory_search(
    query: str = "",
    *,
    unit: Unit | None = None,
    language: str = "",
    available_only: bool = False,
    include_inactive: bool = False,
) -> list[ContributorProfile]:
    """Who can write about X: every word of the query (marks optional: "y te" finds "y tế") in their
    expertise, title, bio or name, their unit (its name and remit) or the topics they have bylines in, so
    "sức khỏe" finds the doctors of the health department. Words match whole syllables (a word of three
    letters or more also starts one: "huyet" finds "huyết", but "y" does not find "huyết"). People whose
    expertise tags match come first."""
    from citydesk.newsroom.models import ArticleByline

    profiles = ContributorProfile.objects.select_related("unit", "user").prefetch_related("expertise")
    if not include_inactive:
        profiles = profiles.filter(is_active=True)
    if unit is not None:
        profiles = profiles.filter(unit=unit)
    if available_only:
        profiles = profiles.exclude(availability=ContributorProfile.Availability.UNAVAILABLE)
    words = _syllables(query)
    wanted_language = fold_diacritics(language).lower().strip()
    topics_of = {}
    if words:
        topic_titles = dict(TopicPage.objects.values_list("path", "title"))
        steplen = TopicPage.steplen
        for contributor_id, path in ArticleByline.objects.values_list("contributor_id", "article__path"):
            title = topic_titles.get(path[:-steplen])
            if title:
                topics_of.setdefault(contributor_id, set()).add(title)
    ranked = []
    for profile in profiles:
        if wanted_language and wanted_language not in fold_diacritics(profile.languages).lower():
            continue
        tags = _syllables(" ".join(tag.name for tag in profile.expertise.all()))
        own = profile.unit
        unit_text = " ".join([own.name, own.short_name, own.description]) if own else ""
        other = _syllables(
            " ".join([profile.title, profile.bio, profile.name, unit_text, *sorted(topics_of.get(profile.pk, ()))])
        )
        if not all(_found(word, tags) or _found(word, other) for word in words):
            continue
        score = sum(2 if _found(word, tags) else 1 for word in words)
        if words and " ".join(words) in " ".join(tags):
            score += len(words)  # the whole phrase is one of their areas
        ranked.append((-score, profile.name, profile))
    ranked.sort(key=lambda row: (row[0], row[1]))
    return [profile for _score, _name, profile in ranked]


def _syllables(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold_diacritics(text).lower())


def _found(word: str, syllables: list[str]) -> bool:
    return any(syllable == word or (len(word) >= 3 and syllable.startswith(word)) for syllable in syllables)


@transaction.atomic
def invitation_create(
    *, invited_by, email: str, name: str, unit: Unit, title: str = "", expertise: str = "", now=None
) -> tuple[Invitation, str]:
    """Invite someone to write for the office; returns the invitation and the one-time token (e-mailed)."""
    from .notifications import send_invitation

    now = now or timezone.now()
    if not invited_by.has_perm(INVITE):
        raise PermissionDenied(_("You may not invite contributors."))
    if scoping.is_scoped(invited_by) and not scoping.managed_units(invited_by).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("You may not add people to this unit."))
    email = get_user_model().objects.normalize_email(email.strip())
    if get_user_model().objects.filter(email__iexact=email, is_active=True).exists():
        raise ValidationError(_("Someone with this e-mail already has an account."))
    # A new invitation replaces any earlier link that was not used.
    Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True).update(expires_at=now)
    token, hashed = one_time_token()
    invitation = Invitation.objects.create(
        email=email,
        name=name.strip(),
        title=title.strip(),
        unit=unit,
        expertise=expertise.strip(),
        token_hash=hashed,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    transaction.on_commit(lambda: send_invitation(invitation, token))
    return invitation, token


def invitation_for_token(token: str, *, now: datetime | None = None) -> Invitation:
    """The pending invitation a link names, or a ValidationError saying why it no longer works."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_related("unit").filter(token_hash=token_hash(token)).first()
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used. Log in instead."))
    if invitation.expires_at <= now:
        raise ValidationError(_("This invitation has expired. Ask the editors for a new one."))
    return invitation


def purge_expired_invitations(*, now: datetime | None = None) -> int:
    """Delete invitations never accepted that expired CITYDESK_EXPIRED_INVITATION_DAYS ago (the invitee's
    name and e-mail go; the editors saw them as expired meanwhile); returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CITYDESK_EXPIRED_INVITATION_DAYS)
    return Invitation.objects.filter(accepted_at__isnull=True, expires_at__lte=cutoff).delete()[0]


@transaction.atomic
def invitation_accept(*, token: str, username: str, password: str, now: datetime | None = None):
    """Create the contributor's account and profile from the invitation; the link then stops working."""
    now = now or timezone.now()
    invitation = invitation_for_token(token, now=now)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used. Log in instead."))
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("This username is taken; choose another."))
    family, _sep, given = invitation.name.rpartition(" ")
    user = User(username=username, email=invitation.email, last_name=family, first_name=given or invitation.name)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=roles.CONTRIBUTOR))
    profile = ContributorProfile(user=user, name=invitation.name, title=invitation.title, unit=invitation.unit)
    profile.save()
    tags = [tag.strip() for tag in invitation.expertise.split(",") if tag.strip()]
    if tags:
        profile.expertise.set(tags)
        profile.save()
    invitation.accepted_at, invitation.profile = now, profile
    invitation.save()
    return user


@transaction.atomic
def contributor_set_active(*, profile: ContributorProfile, user, active: bool, now=None) -> ContributorProfile:
    """Deactivate (no new work; bylines stay) or reactivate a contributor. The log-in follows only for a
    contributor-only account: a profile linked to staff with other roles or to a superuser never
    switches that account off (only the user admin does, under its own rules)."""
    if not user.has_perm("core.change_contributorprofile") or not scoping.in_scope(user, profile):
        raise PermissionDenied(_("You may not change contributors."))
    profile.is_active = active
    profile.save(update_fields=["is_active"])
    if profile.user_id and accounts.is_contributor_only(profile.user):
        type(profile.user).objects.filter(pk=profile.user_id).update(is_active=active)
    if not active:
        reason = _("The contributor was deactivated.")
        # Whoever may switch the contributor off (a unit admin too) closes their open work with it.
        open_work = Assignment.objects.select_for_update().filter(
            contributor=profile, status__in=[S.REQUESTED, S.ACCEPTED, S.OVERDUE]
        )
        for assignment in open_work:
            _decline(assignment, user=user, reason=reason, now=now or timezone.now())
    return profile


def profile_update(*, user, availability: str, availability_note: str, languages: str, email_digest: bool):
    """A contributor updates their own availability, languages and e-mail choice."""
    profile = _profile(user)
    if profile is None:
        raise PermissionDenied(_("Only contributors have a profile here."))
    profile.availability, profile.availability_note = availability, availability_note.strip()
    profile.languages, profile.email_digest = languages.strip(), email_digest
    profile.save(update_fields=["availability", "availability_note", "languages", "email_digest"])
    return profile


def mark_read(*, user, notifications: Iterable[Notification] | None = None, now=None) -> int:
    """Mark the user's notifications (or the given ones) as read."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notifications is not None:
        rows = rows.filter(pk__in=[n.pk for n in notifications])
    return rows.update(read_at=now or timezone.now())
