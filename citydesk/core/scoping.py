"""Unit scoping: a unit admin sees and changes only the rows of the units it administers.

A unit admin administers the unit of its own contributor profile and every unit whose
`administrators` a superuser added it to (the way a superuser widens its reach). Superusers and every
other role are not scoped: editors and desk leads work for the whole office.
"""

from django.db.models import Q, QuerySet

from citydesk.core import roles
from citydesk.core.models import Unit

# The rows unit admins manage, by model label, with the lookup from a row to its Unit.
UNIT_LOOKUPS = {
    "auth.user": "contributor_profile__unit",
    "core.unit": "pk",
    "core.contributorprofile": "unit",
    "channels.channelaccount": "unit",
    "scorecards.target": "unit",
    "scorecards.reachentry": "account__unit",
}


def managed_units(user) -> QuerySet[Unit]:
    """The units whose people and accounts `user` may manage (every unit for a superuser)."""
    if user.is_superuser:
        return Unit.objects.all()
    if not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(Q(contributors__user=user) | Q(administrators=user)).distinct()


def is_scoped(user) -> bool:
    """Whether `user` sees only its units' rows: unit admins who are not superusers."""
    return not user.is_superuser and user.groups.filter(name=roles.UNIT_ADMIN).exists()


def visible(user, queryset: QuerySet) -> QuerySet:
    """`queryset` narrowed to what `user` may see (unchanged for unscoped users and unregistered models)."""
    lookup = UNIT_LOOKUPS.get(queryset.model._meta.label_lower)
    if lookup is None or not is_scoped(user):
        return queryset
    return queryset.filter(**{f"{lookup}__in": managed_units(user).values("pk")}).distinct()


def in_scope(user, instance) -> bool:
    """Whether `user` may see and manage `instance`."""
    return visible(user, type(instance)._default_manager.filter(pk=instance.pk)).exists()
