"""Demo training data: the two courses, cases from the demo's published clarifications, assignments,
some attempts and a completion, and the public quiz. Called with one line from `load_demo`."""

from datetime import timedelta

from django.utils import timezone

from citydesk.desk.models import Claim, ClaimStatus

from . import public, services, starter
from .models import Case, CourseAssignment, Exercise

# A message as it circulated, written by the desk for "Spot the scam" (never a tipster's own words).
SCAM_MESSAGES = {
    "Công an phường": (
        "CÔNG AN PHƯỜNG THÔNG BÁO: tài khoản của bạn liên quan đến một vụ án. Chuyển ngay 50.000.000đ vào"
        " tài khoản tạm giữ trong 24 giờ để xác minh, gọi 0899 123 456. Không làm theo sẽ bị khóa tài khoản."
    ),
}


def _right(questions, key) -> dict:
    return {q["id"]: key[q["id"]]["correct"] for q in questions}


def load_training(*, users: dict) -> int:
    """Courses, cases, assignments and attempts for the demo; returns the number of cases."""
    lead, superuser, unit_admin = users["truongnhom"], users["quantri"], users["quantridonvi"]
    basic = starter.install_starter_course()
    security = starter.install_security_course()
    for claim in Claim.objects.filter(status=ClaimStatus.PUBLISHED, training_case__isnull=True).order_by("pk"):
        case = services.case_create_from_claim(claim=claim, actor=lead)
        for needle, message in SCAM_MESSAGES.items():
            if needle in case.statement:
                services.case_update(
                    case=case,
                    actor=lead,
                    sample_message=message,
                    look_for="Cơ quan công an không làm việc qua điện thoại và không bao giờ yêu cầu chuyển tiền.",
                )
    today = timezone.localdate()
    contributor, expert = users["congtacvien"], users["chuyengia"]
    if not CourseAssignment.objects.exists():
        services.assignment_create(
            actor=users.get("quanlydaotao", unit_admin),
            course=basic,
            unit=contributor.contributor_profile.unit,
            due_date=today + timedelta(14),
        )
        services.assignment_create(actor=superuser, course=security, user=expert, due_date=today + timedelta(7))
        # The contributor has read the first lesson: one try below the pass mark, then passed.
        lesson = basic.lessons().first()
        questions, key = services.lesson_questions(lesson)
        services.attempt_submit(user=contributor, course=basic, lesson=lesson, answers={})
        services.attempt_submit(user=contributor, course=basic, lesson=lesson, answers=_right(questions, key))
        # The expert completed the security course (its lesson and "Is this official?").
        for lesson in security.lessons():
            questions, key = services.lesson_questions(lesson)
            services.attempt_submit(user=expert, course=security, lesson=lesson, answers=_right(questions, key))
        exercise = services.exercise_start(user=expert, course=security, kind="official")
        services.attempt_submit(
            user=expert, course=security, exercise=exercise, answers=_right(exercise.questions, exercise.key)
        )
    if not Exercise.objects.filter(is_public=True).exists():
        public.refresh(seed=2026)
    return Case.objects.count()
