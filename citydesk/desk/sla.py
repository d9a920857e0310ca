"""Response targets per harm category: when the desk's first response to a claim is due, and whether
it came on time. The first response is the first thing desk staff did on the claim (assign, start,
evidence, verdict, merge, close); reports joining it do not count."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, DateTimeField, ExpressionWrapper, F, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone

from .models import ClaimEvent, SlaTarget

NOT_A_RESPONSE = [ClaimEvent.Action.CREATED, ClaimEvent.Action.REPORT_JOINED, ClaimEvent.Action.APPEARANCE]


def target_hours() -> dict[str, int]:
    """harm category → hours to the first response (unit admins' targets over the defaults)."""
    hours = dict(settings.CITYDESK_SLA_DEFAULT_HOURS)
    hours.update(dict(SlaTarget.objects.values_list("category", "first_response_hours")))
    return {category: value for category, value in hours.items() if value}


def with_sla(claims: QuerySet) -> QuerySet:
    """Claims annotated with first_response_at and sla_due_at (None without a target)."""
    due = Case(
        *[
            When(
                category=category,
                then=ExpressionWrapper(
                    F("first_seen_at") + Value(timedelta(hours=hours)), output_field=DateTimeField()
                ),
            )
            for category, hours in target_hours().items()
        ],
        default=Value(None, output_field=DateTimeField()),
        output_field=DateTimeField(),
    )
    # A subquery, not an aggregate: the inbox already counts reports, and a second join would multiply them.
    first = (
        ClaimEvent.objects.filter(claim=OuterRef("pk"), actor__isnull=False)
        .exclude(action__in=NOT_A_RESPONSE)
        .order_by("at", "pk")
        .values("at")[:1]
    )
    return claims.annotate(first_response_at=Subquery(first, output_field=DateTimeField()), sla_due_at=due)


def state(claim, now: datetime | None = None) -> dict | None:
    """{"state": met | missed | due | overdue, "minutes": left (due) or late (overdue, missed)} or None."""
    due = getattr(claim, "sla_due_at", None)
    if due is None:
        return None
    responded = getattr(claim, "first_response_at", None)
    if responded is not None:
        late = (responded - due).total_seconds() / 60
        return {"state": "met" if late <= 0 else "missed", "minutes": max(0, round(late))}
    left = (due - (now or timezone.now())).total_seconds() / 60
    return {"state": "due" if left >= 0 else "overdue", "minutes": abs(round(left))}
