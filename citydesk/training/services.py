"""Every change to training data: cases from the desk's archive, assignments, attempts and completions."""

import re
from collections import Counter
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citydesk.core.scoping import managed_units
from citydesk.desk.models import Claim, ClaimStatus, HarmCategory
from citydesk.intake import selectors as official_selectors

from . import exercises, selectors
from .models import Attempt, Case, Completion, CourseAssignment, CoursePage, Exercise, LessonPage

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str) -> str:
    """Mask e-mail addresses: a case never carries a way to reach a person."""
    return EMAIL.sub("[…]", text or "")


def _evidence_type(url: str) -> str:
    return "official" if url and official_selectors.lookup(url).official else "other"


def case_create_from_claim(*, claim: Claim, actor) -> Case:
    """Turn a published clarification into a case in one step (desk leads). Only the public verdict,
    the public evidence and aggregate counts are copied: no report text, link, image or reply handle."""
    from citydesk.desk.selectors import public_evidence

    if not actor.has_perm("training.add_case"):
        raise PermissionDenied
    verdict = claim.approved_verdict
    if claim.status != ClaimStatus.PUBLISHED or verdict is None:
        raise ValidationError(_("Only a published clarification can become a case."))
    if Case.objects.filter(claim=claim).exists():
        raise ValidationError(_("This claim is already a case in the library."))
    first_approval = claim.verdicts.filter(approved_at__isnull=False).order_by("approved_at").first()
    channels = Counter(claim.reports.values_list("channel", flat=True))
    statement = claim.public_statement
    evidence = [{"title": e.title, "url": e.url, "type": _evidence_type(e.url)} for e in public_evidence(claim)]
    scammy = claim.category in (HarmCategory.SCAM, HarmCategory.IMPERSONATION)
    try:
        with transaction.atomic():
            return Case.objects.create(
                claim=claim,
                title=redact(statement)[:200],
                statement=redact(statement),
                category=claim.category,
                rating=verdict.rating,
                summary=redact(verdict.summary),
                reasoning=redact(verdict.explanation),
                sample_message=redact(statement) if scammy else "",
                look_for=" ".join(exercises.scam_signals(statement)),
                report_count=claim.report_count,
                channels=dict(channels),
                appearance_count=claim.appearances.count(),
                evidence=evidence,
                hours_to_verdict=(
                    round((first_approval.approved_at - claim.first_seen_at).total_seconds() / 3600, 1)
                    if first_approval
                    else None
                ),
                created_by=actor,
            )
    except IntegrityError as error:  # two clicks at once
        raise ValidationError(_("This claim is already a case in the library.")) from error


CASE_FIELDS = ("title", "statement", "summary", "reasoning", "sample_message", "look_for", "is_active")


def case_update(*, case: Case, actor, **fields) -> Case:
    """Edit or redact a case (desk leads). E-mail addresses are masked whatever is typed."""
    if not actor.has_perm("training.change_case"):
        raise PermissionDenied
    for name, value in fields.items():
        if name not in CASE_FIELDS:
            raise TypeError(name)
        setattr(case, name, redact(value) if isinstance(value, str) else value)
    case.full_clean()
    case.save()
    return case


def assignment_create(*, actor, course: CoursePage, due_date: date, unit=None, user=None) -> CourseAssignment:
    """Assign a course to a unit or a person of the actor's units, and notify the trainees."""
    from citydesk.network.models import Notification
    from citydesk.network.notifications import notify

    if not actor.has_perm("training.manage_training"):
        raise PermissionDenied
    if (unit is None) == (user is None):
        raise ValidationError(_("Choose a unit or a person, not both."))
    allowed = managed_units(actor)
    target_unit = unit if unit is not None else getattr(getattr(user, "contributor_profile", None), "unit", None)
    if not actor.is_superuser and (target_unit is None or not allowed.filter(pk=target_unit.pk).exists()):
        raise PermissionDenied
    if due_date < timezone.localdate():
        raise ValidationError(_("The due date is in the past."))
    with transaction.atomic():
        assignment = CourseAssignment.objects.create(
            course=course, unit=unit, user=user, due_date=due_date, assigned_by=actor
        )
        notify(
            recipients=selectors.trainees_of(assignment),
            kind=Notification.Kind.TRAINING_ASSIGNED,
            detail=_("%(course)s, due %(due)s") % {"course": course.title, "due": due_date.strftime("%d/%m/%Y")},
            actor=actor,
        )
    return assignment


def remind_due_training(*, now: datetime | None = None) -> int:
    """Remind once, two days before the due date, everyone who has not completed the course yet."""
    from citydesk.network.models import Notification
    from citydesk.network.notifications import notify

    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    due = CourseAssignment.objects.filter(
        reminded_at__isnull=True, due_date__gte=today, due_date__lte=today + timedelta(days=2)
    )
    for assignment in due.select_related("course"):
        claimed = CourseAssignment.objects.filter(pk=assignment.pk, reminded_at__isnull=True).update(reminded_at=now)
        if not claimed:
            continue
        done = set(Completion.objects.filter(course=assignment.course).values_list("user_id", flat=True))
        pending = [user for user in selectors.trainees_of(assignment) if user.pk not in done]
        sent += len(
            notify(
                recipients=pending,
                kind=Notification.Kind.TRAINING_DUE_SOON,
                detail=_("%(course)s, due %(due)s")
                % {"course": assignment.course.title, "due": assignment.due_date.strftime("%d/%m/%Y")},
                now=now,
            )
        )
    return sent


def lesson_questions(lesson: LessonPage) -> tuple[list[dict], dict]:
    """A lesson's quiz blocks in the exercises' shape: questions, and the key with an explanation per option."""
    questions, key = [], {}
    for block in lesson.body:
        if block.block_type != "quiz":
            continue
        options = list(block.value["options"])
        ids = [str(i) for i in range(len(options))]
        questions.append(
            {
                "id": block.id,
                "prompt": block.value["question"],
                "detail": "",
                "multiple": bool(block.value["multiple"]),
                "options": [{"id": i, "label": o["text"]} for i, o in zip(ids, options, strict=True)],
            }
        )
        key[block.id] = {
            "correct": [i for i, o in zip(ids, options, strict=True) if o["correct"]],
            "explanations": {i: o["explanation"] for i, o in zip(ids, options, strict=True)},
            "reveal": "",
        }
    return questions, key


def exercise_start(*, user, course: CoursePage, kind: str) -> Exercise:
    """A fresh exercise of `kind` for a trainee of `course` (NotEnoughData when the archive is too thin)."""
    if kind not in course.exercise_kinds():
        raise ValidationError(_("This course has no such exercise."))
    return exercises.generate(kind=kind)


def attempt_submit(
    *, user, course: CoursePage, answers: dict, lesson: LessonPage | None = None, exercise: Exercise | None = None,
    now: datetime | None = None,
) -> Attempt:  # fmt: skip
    """Score an answer sheet, keep it for the trainee, and complete the course when everything is passed."""
    now = now or timezone.now()
    if (lesson is None) == (exercise is None):
        raise ValueError("a lesson or an exercise")
    if lesson is not None:
        if lesson.get_parent().specific_class is not CoursePage or lesson.get_parent().pk != course.pk:
            raise ValidationError(_("This lesson is not part of the course."))
        questions, key = lesson_questions(lesson)
    else:
        if exercise.kind not in course.exercise_kinds():
            raise ValidationError(_("This course has no such exercise."))
        if exercise.attempts.filter(user=user).exists():
            raise ValidationError(_("You have already answered this exercise; start a new one."))
        questions, key = exercise.questions, exercise.key
    if not questions:
        raise ValidationError(_("There is nothing to answer here."))
    result = exercises.score(questions, key, answers)
    passed = result.max_score > 0 and 100 * result.score >= course.pass_mark * result.max_score
    with transaction.atomic():
        attempt = Attempt.objects.create(
            user=user,
            course=course,
            lesson=lesson,
            exercise=exercise,
            answers={qid: r["chosen"] for qid, r in result.per_question.items()},
            score=result.score,
            max_score=result.max_score,
            passed=passed,
            submitted_at=now,
        )
        if passed:
            _complete_if_done(user=user, course=course, now=now)
    return attempt


def _complete_if_done(*, user, course: CoursePage, now: datetime) -> Completion | None:
    progress = selectors.course_progress(user=user, course=course)
    if not progress.all_passed or Completion.objects.filter(user=user, course=course).exists():
        return None
    due = selectors.due_date_for(user=user, course=course)
    profile = getattr(user, "contributor_profile", None)
    return Completion.objects.create(
        user=user,
        course=course,
        unit=profile.unit if profile else None,
        completed_at=now,
        score=progress.average_percent,
        due_date=due,
    )
