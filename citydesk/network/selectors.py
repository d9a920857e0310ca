"""Reads of the contributor network: what each person may see of it."""

from django.db.models import Case, Count, Q, Sum, Value, When

from citydesk.channels.models import Delivery
from citydesk.newsroom.models import ArticlePage

from .models import Assignment, Pitch

OPEN = [Assignment.Status.REQUESTED, Assignment.Status.ACCEPTED, Assignment.Status.OVERDUE]


def sees_all_assignments(user) -> bool:
    return user.has_perm("network.view_assignment")


def assignments_for(user, *, status: str = ""):
    """Editors and desk leads see every assignment; contributors only those they write."""
    rows = Assignment.objects.select_related("contributor__unit", "topic", "page", "requested_by", "claim")
    if not sees_all_assignments(user):
        profile = getattr(user, "contributor_profile", None)
        if profile is None:
            return rows.none()
        rows = rows.filter(Q(contributor=profile) | Q(co_authors=profile)).distinct()
    if status == "all":
        return rows
    if status:
        return rows.filter(status=status)
    return rows.filter(status__in=[*OPEN, Assignment.Status.SUBMITTED])


def pitches_for(user):
    """Editors see every pitch (undecided first); contributors their own."""
    rows = Pitch.objects.select_related("contributor__unit", "decided_by")
    if user.has_perm("network.view_pitch"):
        undecided_first = Case(When(status=Pitch.Status.PROPOSED, then=Value(0)), default=Value(1))
        return rows.order_by(undecided_first, "-created_at")
    profile = getattr(user, "contributor_profile", None)
    return rows.filter(contributor=profile) if profile else rows.none()


def my_articles(user):
    """(drafts, published) articles of the user, published ones with their reach.

    Drafts are those the user owns or is credited on (they may be writing them); published pieces are
    those bylined to the user's contributor profile only: creating the page for a colleague (the
    page's owner) does not make it one's own published work. Without a profile, the owned ones."""
    profile = getattr(user, "contributor_profile", None)
    mine = Q(owner=user)
    if profile is not None:
        mine |= Q(bylines__contributor=profile)
    drafts = ArticlePage.objects.filter(mine, live=False).distinct().order_by("-latest_revision_created_at")
    credited = Q(bylines__contributor=profile) if profile is not None else Q(owner=user)
    published = ArticlePage.objects.filter(credited, live=True).distinct().order_by("-first_published_at")
    figures = {
        row["publication__page_id"]: row
        for row in Delivery.objects.filter(publication__page__in=published, status=Delivery.Status.SENT)
        .values("publication__page_id")
        .annotate(posts=Count("pk"), reach=Sum("reach"))
    }
    published_rows = [(article, figures.get(article.pk, {})) for article in published]
    return drafts, published_rows
