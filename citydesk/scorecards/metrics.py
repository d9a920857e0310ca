"""Every scorecard figure, computed from the data and never typed in, with the items behind it.

Periods are calendar days in the office's time zone (Asia/Ho_Chi_Minh): a report at 23:30 on
31 December Hanoi time belongs to that year even though it is 16:30 UTC. Counting rules:
- articles: pages first published in the period (an article unpublished later still counts; a draft
  never published does not), attributed to the article's responsible unit;
- clarifications: claims whose verdict was approved in the period, each claim once, by the rating of
  its latest approval in the period (a claim reopened and re-approved is one clarification);
- reports: reports received in the period, attributed to the unit of the claim they joined (reports
  of a merged claim follow it); "answered at once" = answered from the archive on arrival. The claim's
  unit is the one the desk makes responsible for answering it (not the verifier's, not the sender's);
  clarifications count for it too, so a claim's reports and its clarification share a row;
- hours to clarification: for claims first approved in the period, first report → first approval;
- assignments: those whose deadline falls in the period, credited to the unit of the contributor
  who writes them: "on time" when the first draft was submitted by the deadline; "overdue" when it
  came later or has not come and the deadline has passed. Work declined before it fell overdue is
  not counted; declined after it fell overdue counts as overdue;
- channel posts: deliveries sent in the period, and those that gave up (their last attempt in it);
- reach: what the platforms reported (or was typed in, marked so) for days in the period;
- training: people who completed a course in the period (each person once, by the unit they were in when
  they completed it); "on time" = of the people a course was assigned to (a unit's members or one person)
  whose due date fell in the period and has passed or who completed, the share who completed by the due
  date (by the person's unit now); average score = mean of the completions' scores in the period.
"""

import calendar
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citydesk.channels.models import Delivery
from citydesk.desk.models import Claim, Rating, Report, Verdict
from citydesk.network.models import Assignment, AssignmentEvent
from citydesk.newsroom.models import ArticlePage

from .models import MetricKey, ReachEntry

NO_UNIT = None  # items whose unit is not set
RATING_KEYS = {rating: f"clarifications_{rating}" for rating in Rating.values}


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    kind: str = "count"  # count | hours | sum


METRICS = [
    Metric(MetricKey.ARTICLES, MetricKey.ARTICLES.label),
    Metric(MetricKey.CLARIFICATIONS, MetricKey.CLARIFICATIONS.label),
    *[
        Metric(key, _("Clarifications rated %(rating)s") % {"rating": Rating(rating).label})
        for rating, key in RATING_KEYS.items()
    ],
    Metric(MetricKey.REPORTS, MetricKey.REPORTS.label),
    Metric(MetricKey.ANSWERED, MetricKey.ANSWERED.label),
    Metric(MetricKey.MEDIAN_HOURS, MetricKey.MEDIAN_HOURS.label, "hours"),
    Metric(MetricKey.P90_HOURS, MetricKey.P90_HOURS.label, "hours"),
    Metric(MetricKey.ON_TIME, MetricKey.ON_TIME.label),
    Metric(MetricKey.OVERDUE, MetricKey.OVERDUE.label),
    Metric(MetricKey.DELIVERIES, MetricKey.DELIVERIES.label),
    Metric(MetricKey.FAILURES, MetricKey.FAILURES.label),
    Metric(MetricKey.REACH, MetricKey.REACH.label, "sum"),
    Metric(MetricKey.SLA_MET, MetricKey.SLA_MET.label),
    Metric(MetricKey.SLA_MISSED, MetricKey.SLA_MISSED.label),
    Metric(MetricKey.TRAINED, MetricKey.TRAINED.label),
    Metric(MetricKey.TRAINING_ON_TIME, MetricKey.TRAINING_ON_TIME.label, "percent"),
    Metric(MetricKey.TRAINING_SCORE, MetricKey.TRAINING_SCORE.label, "percent"),
]
BY_KEY = {metric.key: metric for metric in METRICS}


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive
    label: str

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:  # exclusive
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))


def period(year: int, part: str = "nam") -> Period:
    """The year ("nam"), a quarter ("q1".."q4") or a month ("t1".."t12") of year."""
    if part.startswith("q") and part[1:].isdigit() and 1 <= int(part[1:]) <= 4:
        q = int(part[1:])
        first = date(year, 3 * q - 2, 1)
        last = date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])
        return Period(first, last, _("Quarter %(q)d/%(year)d") % {"q": q, "year": year})
    if part.startswith("t") and part[1:].isdigit() and 1 <= int(part[1:]) <= 12:
        m = int(part[1:])
        return Period(date(year, m, 1), date(year, m, calendar.monthrange(year, m)[1]), f"{m:02d}/{year}")
    return Period(date(year, 1, 1), date(year, 12, 31), _("Year %(year)d") % {"year": year})


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(round(q * len(ordered), 9)))  # the smallest value with q of them at or below
    return ordered[min(rank, len(ordered)) - 1]


def _in(field: str, p: Period) -> Q:
    return Q(**{f"{field}__gte": p.start, f"{field}__lt": p.end})


# What each figure counts: one queryset per rule, used both to count (compute) and to list (items).
def _articles(p: Period):
    return ArticlePage.objects.filter(_in("first_published_at", p))


def _reports(p: Period):
    return Report.objects.filter(_in("received_at", p))


def _first_approved(p: Period):
    return Claim.objects.annotate(first_approved=Min("verdicts__approved_at")).filter(_in("first_approved", p))


def _assignments_due(p: Period):
    fell_overdue = AssignmentEvent.objects.filter(to_status=Assignment.Status.OVERDUE).values("assignment_id")
    declined_in_time = Q(status=Assignment.Status.DECLINED) & ~Q(pk__in=fell_overdue)
    return Assignment.objects.filter(_in("deadline", p)).exclude(declined_in_time)


def _on_time(p: Period):
    return _assignments_due(p).filter(first_submitted_at__lte=F("deadline"))


def _overdue(p: Period):
    late = Q(first_submitted_at__gt=F("deadline"))
    missing = Q(first_submitted_at__isnull=True, deadline__lt=timezone.now())
    return _assignments_due(p).filter(late | missing)


def _sent(p: Period):
    return Delivery.objects.filter(_in("sent_at", p), status=Delivery.Status.SENT)


def _gave_up(p: Period):
    return Delivery.objects.filter(_in("updated_at", p), status=Delivery.Status.GAVE_UP)


def _reach(p: Period):
    return ReachEntry.objects.filter(date__gte=p.first, date__lte=p.last)


def _latest_verdicts(p: Period) -> dict[int, tuple]:
    """claim id → (unit id, rating, verifier id) of its latest approval in the period."""
    rows = (
        Verdict.objects.filter(_in("approved_at", p))
        .order_by("approved_at", "pk")
        .values_list("claim_id", "claim__unit_id", "rating", "verifier_id")
    )
    return {claim_id: (unit_id, rating, verifier_id) for claim_id, unit_id, rating, verifier_id in rows}


def _hours(p: Period) -> dict:
    """unit id → hours from first report to first approval, for claims first approved in the period."""
    claims = _first_approved(p).values_list("unit_id", "first_seen_at", "first_approved")
    out = defaultdict(list)
    for unit_id, seen, approved in claims:
        out[unit_id].append(max(0.0, (approved - seen).total_seconds() / 3600))
    return out


def _sla(p: Period, *, met: bool):
    """Claims with a response target first reported in the period whose first response came in time
    (met), or came late or not at all once the target passed (missed)."""
    from citydesk.desk.sla import with_sla

    claims = with_sla(Claim.objects.filter(_in("first_seen_at", p))).exclude(sla_due_at=None)
    if met:
        return claims.filter(first_response_at__lte=F("sla_due_at"))
    late = Q(first_response_at__gt=F("sla_due_at")) | Q(first_response_at=None, sla_due_at__lt=timezone.now())
    return claims.filter(late)


def _completions(p: Period):
    from citydesk.training.models import Completion

    return Completion.objects.filter(_in("completed_at", p))


def _training_due(p: Period) -> list[tuple]:
    """(unit id, on time) for every person whose assigned course fell due in the period (due date passed,
    or completed already); a person assigned the same course twice counts once, by the earliest due date."""
    from django.contrib.auth import get_user_model

    from citydesk.training.models import Completion, CourseAssignment

    today = timezone.localdate()
    due: dict = {}
    assignments = CourseAssignment.objects.filter(due_date__gte=p.first, due_date__lte=p.last)
    users = get_user_model().objects.filter(is_active=True)
    for assignment in assignments:
        people = users.filter(pk=assignment.user_id) if assignment.user_id else users.filter(
            contributor_profile__unit_id=assignment.unit_id
        )  # fmt: skip
        for user_id, unit_id in people.values_list("pk", "contributor_profile__unit_id"):
            key = (user_id, assignment.course_id)
            if key not in due or assignment.due_date < due[key][1]:
                due[key] = (unit_id, assignment.due_date)
    done = {
        (c.user_id, c.course_id): timezone.localdate(c.completed_at)
        for c in Completion.objects.filter(course_id__in={course for _user, course in due})
    }
    rows = []
    for key, (unit_id, due_date) in due.items():
        completed = done.get(key)
        if completed is None and due_date >= today:
            continue  # not due yet and not done: neither on time nor late so far
        rows.append((unit_id, completed is not None and completed <= due_date))
    return rows


def compute(p: Period) -> dict:
    """{unit id or None: {metric key: value}} for every unit with something to count, and "total"."""
    table: dict = defaultdict(lambda: defaultdict(float))

    def add(rows, key):
        for unit_id, value in rows:
            table[unit_id][key] += value or 0
            table["total"][key] += value or 0

    add(_articles(p).values_list("unit").annotate(n=Count("pk")), MetricKey.ARTICLES)
    for unit_id, rating, _verifier in _latest_verdicts(p).values():
        for key in (MetricKey.CLARIFICATIONS, RATING_KEYS[rating]):
            table[unit_id][key] += 1
            table["total"][key] += 1
    reports = _reports(p).values_list("claim__unit")
    add(reports.annotate(n=Count("pk")), MetricKey.REPORTS)
    add(reports.annotate(n=Count("pk", filter=Q(answered_automatically=True))), MetricKey.ANSWERED)
    every = []
    for unit_id, hours in _hours(p).items():
        every += hours
        table[unit_id][MetricKey.MEDIAN_HOURS] = statistics.median(hours)
        table[unit_id][MetricKey.P90_HOURS] = percentile(hours, 0.9)
    if every:
        table["total"][MetricKey.MEDIAN_HOURS] = statistics.median(every)
        table["total"][MetricKey.P90_HOURS] = percentile(every, 0.9)
    add(_on_time(p).values_list("contributor__unit").annotate(n=Count("pk")), MetricKey.ON_TIME)
    add(_overdue(p).values_list("contributor__unit").annotate(n=Count("pk")), MetricKey.OVERDUE)
    add(_sent(p).values_list("account__unit").annotate(n=Count("pk")), MetricKey.DELIVERIES)
    add(_gave_up(p).values_list("account__unit").annotate(n=Count("pk")), MetricKey.FAILURES)
    add(_reach(p).values_list("account__unit").annotate(n=Sum("reach")), MetricKey.REACH)
    for key, met in ((MetricKey.SLA_MET, True), (MetricKey.SLA_MISSED, False)):
        counts = Counter(_sla(p, met=met).values_list("unit_id", flat=True))
        add(counts.items(), key)
    completions = list(_completions(p).values_list("unit_id", "user_id", "score"))
    add(
        Counter(unit for unit, _user in {(unit, user) for unit, user, _score in completions}).items(), MetricKey.TRAINED
    )
    table["total"][MetricKey.TRAINED] = len({user for _unit, user, _score in completions})  # a person once
    scores = defaultdict(list)
    for unit_id, _user, value in completions:
        scores[unit_id].append(value)
        scores["total"].append(value)
    for unit_id, values in scores.items():
        table[unit_id][MetricKey.TRAINING_SCORE] = statistics.mean(values)
    on_time = defaultdict(list)
    for unit_id, in_time in _training_due(p):
        on_time[unit_id].append(in_time)
        on_time["total"].append(in_time)
    for unit_id, flags in on_time.items():
        table[unit_id][MetricKey.TRAINING_ON_TIME] = 100 * sum(flags) / len(flags)
    return {unit: dict(values) for unit, values in table.items()}


def by_contributor(p: Period) -> list[dict]:
    """Per contributor: articles they have a byline on (first published in the period),
    clarifications whose approved verdict they proposed as verifier (latest approval per claim),
    and the assignments they write that were on time or overdue (same rules as per unit)."""
    from citydesk.core.models import ContributorProfile

    articles = dict(
        ContributorProfile.objects.filter(_in("bylines__article__first_published_at", p))
        .values_list("pk")
        .annotate(n=Count("bylines__article", distinct=True))
    )
    per_user = defaultdict(int)
    for _unit, _rating, user_id in _latest_verdicts(p).values():
        per_user[user_id] += 1
    on_time = dict(_on_time(p).values_list("contributor").annotate(n=Count("pk")))
    overdue = dict(_overdue(p).values_list("contributor").annotate(n=Count("pk")))
    profiles = ContributorProfile.objects.filter(
        Q(pk__in=articles) | Q(user_id__in=per_user) | Q(pk__in=on_time) | Q(pk__in=overdue)
    ).select_related("unit")
    rows = [
        {
            "name": profile.name,
            "unit": profile.unit.name if profile.unit else "",
            MetricKey.ARTICLES: articles.get(profile.pk, 0),
            MetricKey.CLARIFICATIONS: per_user.get(profile.user_id, 0) if profile.user_id else 0,
            MetricKey.ON_TIME: on_time.get(profile.pk, 0),
            MetricKey.OVERDUE: overdue.get(profile.pk, 0),
        }
        for profile in profiles
    ]
    return sorted(rows, key=lambda row: (-row[MetricKey.ARTICLES] - row[MetricKey.CLARIFICATIONS], row["name"]))


def items(key: str, p: Period, unit_id) -> list[dict]:
    """The items a figure counts: [{"label", "url" (admin or public), "when", "detail"}], oldest first.
    unit_id "total" means every unit; None means items without a unit."""

    def of_unit(qs, field):
        if unit_id == "total":
            return qs
        return qs.filter(**{f"{field}__isnull": True}) if unit_id is None else qs.filter(**{field: unit_id})

    if key == MetricKey.ARTICLES:
        pages = of_unit(_articles(p), "unit_id").order_by("first_published_at")
        return [
            {
                "label": a.title,
                "url": a.url or "",
                "when": a.first_published_at,
                "detail": "" if a.live else str(_("since unpublished")),
            }
            for a in pages
        ]
    if key == MetricKey.CLARIFICATIONS or key in RATING_KEYS.values():
        latest = _latest_verdicts(p)
        wanted = [
            claim_id
            for claim_id, (unit, rating, _verifier) in latest.items()
            if (unit_id == "total" or unit == unit_id)
            and (key == MetricKey.CLARIFICATIONS or RATING_KEYS[rating] == key)
        ]
        claims = Claim.objects.filter(pk__in=wanted).order_by("pk")
        return [
            {
                "label": c.statement,
                "url": f"/admin/desk/claims/{c.pk}/",
                "when": c.last_seen_at,
                "detail": Rating(latest[c.pk][1]).label,
            }
            for c in claims
        ]
    if key in (MetricKey.REPORTS, MetricKey.ANSWERED):
        reports = of_unit(_reports(p), "claim__unit_id")
        if key == MetricKey.ANSWERED:
            reports = reports.filter(answered_automatically=True)
        return [
            {
                "label": (r.text or r.url)[:120],
                "url": f"/admin/desk/claims/{r.claim_id}/",
                "when": r.received_at,
                "detail": r.get_channel_display(),
            }
            for r in reports.order_by("received_at")[:2000]
        ]
    if key in (MetricKey.MEDIAN_HOURS, MetricKey.P90_HOURS):
        claims = of_unit(
            _first_approved(p),
            "unit_id",
        )
        return [
            {
                "label": c.statement,
                "url": f"/admin/desk/claims/{c.pk}/",
                "when": c.first_approved,
                "detail": f"{(c.first_approved - c.first_seen_at).total_seconds() / 3600:.1f} h",
            }
            for c in claims.order_by("first_approved")
        ]
    if key in (MetricKey.ON_TIME, MetricKey.OVERDUE):
        rows = of_unit(_on_time(p) if key == MetricKey.ON_TIME else _overdue(p), "contributor__unit_id")
        return [
            {
                "label": a.title,
                "url": f"/admin/network/assignments/{a.pk}/",
                "when": a.deadline,
                "detail": (
                    _("submitted %(when)s")
                    % {"when": timezone.localtime(a.first_submitted_at).strftime("%H:%M %d/%m/%Y")}
                    if a.first_submitted_at
                    else str(_("not submitted"))
                ),
            }
            for a in rows.select_related("contributor").order_by("deadline", "pk")
        ]
    if key in (MetricKey.DELIVERIES, MetricKey.FAILURES):
        deliveries = _sent(p) if key == MetricKey.DELIVERIES else _gave_up(p)
        deliveries = of_unit(deliveries, "account__unit_id").select_related("publication", "account")
        return [
            {
                "label": d.publication.title,
                "url": d.post_url,
                "when": d.sent_at or d.updated_at,
                "detail": f"{d.account.name}: {d.last_error}".rstrip(": "),
            }
            for d in deliveries.order_by("pk")
        ]
    if key in (MetricKey.SLA_MET, MetricKey.SLA_MISSED):
        claims = of_unit(_sla(p, met=key == MetricKey.SLA_MET), "unit_id")
        return [
            {
                "label": c.statement,
                "url": f"/admin/desk/claims/{c.pk}/",
                "when": c.first_seen_at,
                "detail": c.get_category_display(),
            }
            for c in claims.order_by("first_seen_at", "pk")
        ]
    if key in (MetricKey.TRAINED, MetricKey.TRAINING_SCORE):
        # Courses and scores, never who took them: a person's results are theirs and their manager's.
        completions = of_unit(_completions(p), "unit_id").select_related("course", "unit")
        return [
            {"label": c.course.title, "url": "", "when": c.completed_at, "detail": f"{c.score}%"}
            for c in completions.order_by("completed_at", "pk")
        ]
    if key == MetricKey.TRAINING_ON_TIME:
        rows = [r for r in _training_due(p) if unit_id == "total" or r[0] == unit_id]
        return [
            {
                "label": str(_("on time") if in_time else _("late or not completed")),
                "url": "",
                "when": None,
                "detail": "",
            }
            for _unit, in_time in sorted(rows, key=lambda r: not r[1])
        ]
    if key == MetricKey.REACH:
        entries = of_unit(_reach(p), "account__unit_id").select_related("account")
        return [
            {"label": f"{e.account.name}: {e.reach}", "url": "", "when": e.date, "detail": e.get_source_display()}
            for e in entries.order_by("date")
        ]
    raise KeyError(key)
