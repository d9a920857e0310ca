"""Notifications: a row per person shown in the admin, then e-mail — one each, or one a day for
contributors who chose the digest. E-mail goes out from a job after the transaction commits, and
the scheduler sweeps whatever a failed send left behind."""

import logging
from datetime import datetime, time

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .models import Notification

log = logging.getLogger(__name__)
K = Notification.Kind


def notify(
    *, recipients, kind: str, assignment=None, pitch=None, detail: str = "", actor=None, now: datetime | None = None
) -> list[Notification]:
    """One notification per distinct active recipient (never the person who caused it)."""
    now = now or timezone.now()
    seen, rows = set(), []
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user, kind=kind, assignment=assignment, pitch=pitch, detail=detail[:2000], created_at=now
            )
        )
    Notification.objects.bulk_create(rows)
    if rows:
        transaction.on_commit(lambda: send_emails_task.enqueue())
    return rows


def describe(notification: Notification) -> str:
    """The notification as one sentence in the active language."""
    title = notification.subject
    deadline = ""
    if notification.assignment_id:
        deadline = timezone.localtime(notification.assignment.deadline).strftime("%H:%M %d/%m/%Y")
    texts = {
        K.NEW_ASSIGNMENT: _("New assignment “%(title)s”, due %(deadline)s."),
        K.DEADLINE_SOON: _("“%(title)s” is due within 24 hours (%(deadline)s)."),
        K.OVERDUE: _("“%(title)s” is overdue (deadline %(deadline)s)."),
        K.ACCEPTED: _("“%(title)s” was accepted."),
        K.DECLINED: _("“%(title)s” was declined: %(detail)s"),
        K.SUBMITTED: _("The draft of “%(title)s” was submitted for review."),
        K.COMMENT: _("New review comment on “%(title)s”: %(detail)s"),
        K.APPROVED: _("“%(title)s” passed the review step “%(detail)s”."),
        K.CHANGES_REQUESTED: _("Changes requested on “%(title)s”: %(detail)s"),
        K.PUBLISHED: _("“%(title)s” has been published."),
        K.DEADLINE_CHANGED: _("New deadline for “%(title)s”: %(deadline)s."),
        K.PITCH_NEW: _("New pitch “%(title)s”."),
        K.PITCH_ACCEPTED: _("Your pitch “%(title)s” was accepted; your draft is ready."),
        K.PITCH_DECLINED: _("Your pitch “%(title)s” was declined: %(detail)s"),
        K.TRAINING_ASSIGNED: _("New training course: %(detail)s."),
        K.TRAINING_DUE_SOON: _("Training course due soon: %(detail)s."),
    }
    return texts[notification.kind] % {"title": title, "deadline": deadline, "detail": notification.detail}


def target_url(notification: Notification) -> str:
    """Where the notification leads in the admin."""
    if notification.assignment_id:
        return reverse("network_assignment", args=[notification.assignment_id])
    if notification.pitch_id:
        return reverse("network_pitch", args=[notification.pitch_id])
    if notification.kind in (K.TRAINING_ASSIGNED, K.TRAINING_DUE_SOON):
        return reverse("training_home")
    return reverse("network_home")


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _wants_digest(user) -> bool:
    profile = getattr(user, "contributor_profile", None)
    return bool(profile and profile.email_digest)


def _claim(rows, now: datetime) -> list[Notification]:
    """Take the rows for this sender (another worker may be sending the same ones)."""
    ids = [row.pk for row in rows]
    taken = list(Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=taken).update(emailed_at=now)
    return [row for row in rows if row.pk in set(taken)]


def _pending():
    return (
        Notification.objects.filter(emailed_at__isnull=True, recipient__is_active=True)
        .exclude(recipient__email="")
        .select_related("recipient__contributor_profile", "assignment", "pitch")
        .order_by("created_at", "pk")
    )


def send_emails(*, now: datetime | None = None) -> int:
    """One e-mail per notification for everyone who did not choose the daily digest."""
    now = now or timezone.now()
    sent = 0
    pending = [row for row in _pending() if not _wants_digest(row.recipient)]
    with translation.override(settings.LANGUAGE_CODE):
        for notification in pending:
            try:
                with transaction.atomic():  # a failed send un-claims the row; the next sweep retries it
                    if not _claim([notification], now):
                        continue
                    sentence = describe(notification)
                    body = render_to_string(
                        "network/email/notification.txt",
                        {"sentence": sentence, "url": _absolute(target_url(notification))},
                    )
                    send_mail(f"[citydesk] {sentence}"[:150], body, None, [notification.recipient.email])
            except OSError:
                log.exception("notification %s: e-mail not sent", notification.pk)
                continue
            sent += 1
    return sent


def send_digests(*, now: datetime | None = None) -> int:
    """The daily e-mail for contributors who chose it, sent once a day after CITYDESK_DIGEST_HOUR."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    due_from = timezone.make_aware(datetime.combine(local.date(), time(settings.CITYDESK_DIGEST_HOUR)))
    if now < due_from:
        return 0
    by_user: dict = {}
    for row in _pending():
        if _wants_digest(row.recipient):
            by_user.setdefault(row.recipient, []).append(row)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user, rows in by_user.items():
            if Notification.objects.filter(recipient=user, emailed_at__gte=due_from).exists():
                continue  # today's digest went out; these wait for tomorrow's
            try:
                with transaction.atomic():
                    rows = _claim(rows, now)
                    if not rows:
                        continue
                    items = [(describe(row), _absolute(target_url(row))) for row in rows]
                    body = render_to_string(
                        "network/email/digest.txt", {"items": items, "url": _absolute(reverse("network_home"))}
                    )
                    subject = _("[citydesk] Your daily summary: %(count)d notifications") % {"count": len(items)}
                    send_mail(subject, body, None, [user.email])
            except OSError:
                log.exception("digest for user %s not sent", user.pk)
                continue
            sent += 1
    return sent


@task()
def send_emails_task() -> None:
    send_emails()


def send_invitation(invitation, token: str) -> None:
    """The e-mail with the one-time link."""
    with translation.override(settings.LANGUAGE_CODE):
        url = _absolute(reverse("network_invitation", args=[token]))
        body = render_to_string(
            "network/email/invitation.txt",
            {"invitation": invitation, "url": url, "site": settings.WAGTAIL_SITE_NAME},
        )
        subject = _("Invitation to write for %(site)s") % {"site": settings.WAGTAIL_SITE_NAME}
        send_mail(subject, body, None, [invitation.email])
