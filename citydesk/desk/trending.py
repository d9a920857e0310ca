"""“Đang được quan tâm”: published clarifications pinned on the home page and the Kiểm chứng index."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import ClarificationPage, FactCheckIndexPage, TrendingPin

APPROVE = "desk.approve_verdict"
MAX_SHOWN = 5


def can_pin(user: AbstractBaseUser) -> bool:
    """Editors (who may publish in the Kiểm chứng section) and desk leads pin and unpin."""
    if not user.is_active:
        return False
    if user.has_perm(APPROVE):
        return True
    section = FactCheckIndexPage.objects.first()
    return section is not None and section.permissions_for_user(user).can_publish()


def pinned() -> QuerySet[ClarificationPage]:
    """What the public sees under “Đang được quan tâm”: live pinned clarifications, latest pin first."""
    return (
        ClarificationPage.objects.live()
        .public()
        .filter(trending_pin__isnull=False)
        .select_related("claim")
        .order_by("-trending_pin__pinned_at")[:MAX_SHOWN]
    )


@transaction.atomic
def pin(*, page: ClarificationPage, user: AbstractBaseUser) -> TrendingPin:
    """Pin a live clarification (once; pinning again keeps the first pin)."""
    if not can_pin(user):
        raise PermissionDenied(_("Only editors and desk leads can pin clarifications."))
    if not page.live:
        raise ValidationError(_("Only a published clarification can be pinned."))
    return TrendingPin.objects.get_or_create(page=page, defaults={"pinned_by": user})[0]


@transaction.atomic
def unpin(*, page: ClarificationPage, user: AbstractBaseUser) -> None:
    """Take the clarification off “Đang được quan tâm” (nothing happens if it was not pinned)."""
    if not can_pin(user):
        raise PermissionDenied(_("Only editors and desk leads can pin clarifications."))
    for existing in TrendingPin.objects.filter(page=page):
        existing.delete()  # one by one, so the page cache hears of it
