"""Reads for training: who must take a course, a trainee's progress, and who may see whose answers."""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q

from citydesk.core.scoping import managed_units

from .models import Attempt, Completion, CourseAssignment, CoursePage


def trainees_of(assignment: CourseAssignment):
    """The active people a course assignment is for."""
    users = get_user_model().objects.filter(is_active=True)
    if assignment.user_id:
        return users.filter(pk=assignment.user_id)
    return users.filter(contributor_profile__unit_id=assignment.unit_id)


def assignments_for(user):
    """The course assignments that apply to `user` (to them, or to their unit)."""
    profile = getattr(user, "contributor_profile", None)
    condition = Q(user=user)
    if profile is not None:
        condition |= Q(unit_id=profile.unit_id)
    return CourseAssignment.objects.filter(condition).select_related("course")


def due_date_for(*, user, course: CoursePage) -> date | None:
    """The earliest due date among the assignments of `course` that apply to `user`."""
    dates = [a.due_date for a in assignments_for(user).filter(course=course)]
    return min(dates) if dates else None


@dataclass
class Progress:
    course: CoursePage
    lessons: list = field(default_factory=list)  # [(lesson, best attempt or None)]
    exercises: list = field(default_factory=list)  # [(kind, label, best attempt or None)]
    completion: Completion | None = None
    due_date: date | None = None

    @property
    def steps(self) -> int:
        return len(self.lessons) + len(self.exercises)

    @property
    def passed(self) -> int:
        return sum(1 for *_x, a in self.lessons + self.exercises if a is not None and a.passed)

    @property
    def all_passed(self) -> bool:
        return self.steps > 0 and self.passed == self.steps

    @property
    def percent_done(self) -> int:
        return round(100 * self.passed / self.steps) if self.steps else 0

    @property
    def average_percent(self) -> int:
        best = [a.percent for *_x, a in self.lessons + self.exercises if a is not None]
        return round(sum(best) / len(best)) if best else 0


def _best(attempts):
    passed = [a for a in attempts if a.passed]
    pool = passed or attempts
    return max(pool, key=lambda a: (a.percent, a.submitted_at)) if pool else None


def course_progress(*, user, course: CoursePage) -> Progress:
    """Each lesson and exercise of the course with the trainee's best attempt."""
    from .models import ExerciseKind

    attempts = list(Attempt.objects.filter(user=user, course=course).select_related("exercise"))
    progress = Progress(course=course, due_date=due_date_for(user=user, course=course))
    for lesson in course.lessons():
        progress.lessons.append((lesson, _best([a for a in attempts if a.lesson_id == lesson.pk])))
    for kind in course.exercise_kinds():
        mine = [a for a in attempts if a.exercise_id and a.exercise.kind == kind]
        progress.exercises.append((kind, ExerciseKind(kind).label, _best(mine)))
    progress.completion = Completion.objects.filter(user=user, course=course).first()
    return progress


def my_courses(user) -> list[Progress]:
    """Every course assigned to `user` (and any they started), with progress, soonest due first."""
    course_ids = set(assignments_for(user).values_list("course_id", flat=True))
    course_ids |= set(Attempt.objects.filter(user=user).values_list("course_id", flat=True))
    courses = CoursePage.objects.live().filter(pk__in=course_ids)
    rows = [course_progress(user=user, course=course) for course in courses]
    return sorted(rows, key=lambda p: (p.completion is not None, p.due_date or date.max, p.course.title))


def can_see_attempts(viewer, trainee) -> bool:
    """A trainee's answers: the trainee, the training managers of the trainee's unit, superusers."""
    if not viewer.is_authenticated:
        return False
    if viewer.is_superuser or viewer.pk == trainee.pk:
        return True
    if not viewer.has_perm("training.manage_training"):
        return False
    profile = getattr(trainee, "contributor_profile", None)
    return profile is not None and managed_units(viewer).filter(pk=profile.unit_id).exists()


def managed_trainees(viewer):
    """The people whose training a manager follows (everyone for a superuser)."""
    users = get_user_model().objects.filter(is_active=True).select_related("contributor_profile__unit")
    if viewer.is_superuser:
        return users.filter(contributor_profile__isnull=False)
    if not viewer.has_perm("training.manage_training"):
        return users.none()
    return users.filter(contributor_profile__unit__in=managed_units(viewer))
