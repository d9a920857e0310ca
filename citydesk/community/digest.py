"""The weekly positive-news digest: assembled from the data, edited by an editor, then sent."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from citydesk.newsroom.models import ArticlePage, ArticleRead

from .models import DigestItem, Member, Status, Story, WeeklyDigest

STORIES, ARTICLES = 4, 5
SEND = "channels.add_publication"  # editors: the same right as publishing to the office's channels


def last_week_start(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today - timedelta(days=today.weekday() + 7)


@transaction.atomic
def assemble(*, week_start: date | None = None, rebuild: bool = False) -> WeeklyDigest:
    """The draft digest of a week (Monday to Sunday): featured stories first, then other approved
    stories of the week, and the week's most-read articles. Once per week: an existing draft is kept,
    unless `rebuild` (an editor's "assemble again"), which refills an unsent draft from the data as it
    is now, keeping its introduction. A sent digest never changes."""
    week_start = week_start or last_week_start()
    digest, created = WeeklyDigest.objects.get_or_create(week_start=week_start)
    if not created:
        digest = WeeklyDigest.objects.select_for_update().get(pk=digest.pk)
        if digest.sent_at is not None or not rebuild:
            return digest
        digest.items.all().delete()
    end = week_start + timedelta(days=7)
    stories = Story.objects.filter(
        status=Status.APPROVED, created_at__date__gte=week_start, created_at__date__lt=end
    ).order_by("-featured", "-created_at")[:STORIES]
    reads = (
        ArticleRead.objects.filter(date__gte=week_start, date__lt=end, article__live=True)
        .values("article")
        .annotate(total=Sum("count"))
        .order_by("-total")[:ARTICLES]
    )
    order = 0
    for story in stories:
        DigestItem.objects.create(digest=digest, story=story, sort_order=order)
        order += 1
    articles = ArticlePage.objects.in_bulk([row["article"] for row in reads])
    for row in reads:
        DigestItem.objects.create(digest=digest, article=articles[row["article"]], reads=row["total"], sort_order=order)
        order += 1
    return digest


def public_url(digest: WeeklyDigest) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("community_digest", args=[digest.pk])


@transaction.atomic
def send(*, digest: WeeklyDigest, editor, accounts=(), now=None) -> int:
    """E-mail the digest to members who asked for it and queue it on the chosen channel accounts;
    returns the number of e-mails. Sent once."""
    from citydesk.channels import services as channels
    from citydesk.newsroom.models import HomePage

    now = now or timezone.now()
    if not editor.has_perm(SEND):
        raise PermissionDenied(_("Only editors send the digest."))
    digest = WeeklyDigest.objects.select_for_update().get(pk=digest.pk)
    if digest.sent_at is not None:
        raise ValidationError(_("This digest has already been sent."))
    if not digest.items.exists():
        raise ValidationError(_("The digest is empty."))
    subject = _subject(digest)
    recipients = Member.objects.filter(wants_digest=True).count()
    # The job worker sends the e-mails (one per reader), not the editor's request.
    transaction.on_commit(lambda: send_digest_mail.enqueue(digest_id=digest.pk))
    accounts = list(accounts)
    if accounts:
        channels.publish(
            page=HomePage.objects.first(),
            accounts=accounts,
            actor=editor,
            title=subject,
            summary=digest.intro or _("Stories from readers and the most-read news of the week."),
            link=public_url(digest),
        )
    digest.sent_at, digest.sent_by = now, editor
    digest.save(update_fields=["sent_at", "sent_by"])
    return recipients


def _subject(digest: WeeklyDigest) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("This week in our city: %(date)s") % {"date": f"{digest.week_start:%d/%m/%Y}"}


@task()
def send_digest_mail(*, digest_id: int) -> int:
    """E-mail a sent digest to every member who wants it, one message each with its unsubscribe link;
    returns the number sent."""
    from citydesk.mailing import services as mailing

    digest = WeeklyDigest.objects.get(pk=digest_id)
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("community/email/digest.txt", {"digest": digest, "url": public_url(digest)})
        recipients = list(Member.objects.filter(wants_digest=True).order_by("pk").values_list("email", flat=True))
        result = mailing.send_each(list_id=mailing.DIGEST, subject=_subject(digest), body=body, recipients=recipients)
    return len(result.sent)
