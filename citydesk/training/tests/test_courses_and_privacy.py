"""Courses, assignments, attempts over HTTP, completion and the certificate, and who sees whose answers."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.core.models import Unit
from citydesk.network.models import Notification
from citydesk.training import services
from citydesk.training.models import Attempt, Completion, Exercise

pytestmark = pytest.mark.django_db


def right_answers(questions, key):
    return {f"q-{q['id']}": key[q["id"]]["correct"] for q in questions}


def complete_course(client, course):
    """Answer every lesson and exercise of the course right, through the screens."""
    for lesson in course.lessons():
        questions, key = services.lesson_questions(lesson)
        response = client.post(reverse("training_lesson", args=[lesson.pk]), right_answers(questions, key))
        assert response.status_code == 302
    for kind in course.exercise_kinds():
        response = client.post(reverse("training_exercise_start", args=[course.pk, kind]))
        assert response.status_code == 302, response
        exercise = Exercise.objects.latest("pk")
        assert response["Location"] == reverse("training_exercise", args=[course.pk, exercise.pk])
        assert client.get(response["Location"]).status_code == 200
        response = client.post(response["Location"], right_answers(exercise.questions, exercise.key))
        assert response.status_code == 302


def test_starter_course_is_vietnamese_with_three_lessons_of_quiz_questions(course):
    lessons = list(course.lessons())
    assert [lesson.title for lesson in lessons] == [
        "Nhận diện thông tin sai lệch",
        "Xử lý một tin đồn",
        "An toàn thông tin cho cán bộ",
    ]
    for lesson in lessons:
        questions, key = services.lesson_questions(lesson)
        assert len(questions) >= 2
        assert all(key[q["id"]]["correct"] for q in questions)
        assert all(all(key[q["id"]]["explanations"].values()) for q in questions)


def test_manager_assigns_a_course_to_their_unit_and_trainees_are_notified(client, manager, trainee, course, today):
    client.force_login(manager)
    response = client.post(
        reverse("training_manage"),
        {"course": course.pk, "unit": trainee.contributor_profile.unit_id, "due_date": today + timedelta(days=7)},
    )
    assert response.status_code == 302
    note = Notification.objects.get(recipient=trainee)
    assert note.kind == Notification.Kind.TRAINING_ASSIGNED and course.title in note.detail
    assert not Notification.objects.filter(recipient=manager).exists()  # not the one who assigned it


def test_manager_cannot_assign_to_another_units_people(manager, course, today):
    other = Unit.objects.create(name="Sở Du lịch", short_name="SDL")
    stranger = make_user("nguoilạ", roles.CONTRIBUTOR, unit=other)
    with pytest.raises(PermissionDenied):
        services.assignment_create(actor=manager, course=course, user=stranger, due_date=today)
    with pytest.raises(PermissionDenied):
        services.assignment_create(actor=manager, course=course, unit=other, due_date=today)


def test_contributor_cannot_open_the_managers_page(client, trainee):
    client.force_login(trainee)
    response = client.get(reverse("training_manage"))
    assert response.status_code == 302 and response["Location"] == "/admin/"  # Wagtail's "no permission"


def test_assignment_with_a_past_due_date_is_a_form_error(client, manager, trainee, course, today):
    client.force_login(manager)
    response = client.post(
        reverse("training_manage"),
        {"course": course.pk, "unit": trainee.contributor_profile.unit_id, "due_date": today - timedelta(days=1)},
    )
    assert response.status_code == 200
    assert "quá khứ" in response.content.decode() or "past" in response.content.decode()
    assert not Notification.objects.exists()


def test_trainee_completes_the_course_on_time_and_downloads_the_certificate(
    client, manager, trainee, course, cases, directory, today
):
    services.assignment_create(
        actor=manager, course=course, unit=trainee.contributor_profile.unit, due_date=today + timedelta(days=3)
    )
    client.force_login(trainee)
    home = client.get(reverse("training_home")).content.decode()
    assert course.title in home
    complete_course(client, course)
    completion = Completion.objects.get(user=trainee, course=course)
    assert completion.score == 100 and completion.on_time and completion.unit == trainee.contributor_profile.unit
    response = client.get(reverse("training_certificate", args=[completion.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Congtacvien" in text and "nhận diện" in text.lower()


def test_wrong_answers_do_not_pass_and_the_explanations_are_shown(client, trainee, course):
    client.force_login(trainee)
    lesson = course.lessons().first()
    questions, key = services.lesson_questions(lesson)
    wrong = {
        f"q-{q['id']}": [next(o["id"] for o in q["options"] if o["id"] not in key[q["id"]]["correct"])]
        for q in questions
    }
    response = client.post(reverse("training_lesson", args=[lesson.pk]), wrong, follow=True)
    attempt = Attempt.objects.get(user=trainee)
    assert attempt.score == 0 and not attempt.passed
    page = response.content.decode()
    assert "Cơ quan nhà nước không thu phí qua tin nhắn." in page
    assert not Completion.objects.exists()


def test_an_exercise_is_answered_once(client, trainee, course, directory):
    client.force_login(trainee)
    client.post(reverse("training_exercise_start", args=[course.pk, "official"]))
    exercise = Exercise.objects.get()
    url = reverse("training_exercise", args=[course.pk, exercise.pk])
    client.post(url, right_answers(exercise.questions, exercise.key))
    client.post(url, right_answers(exercise.questions, exercise.key))
    assert Attempt.objects.filter(exercise=exercise).count() == 1


def test_exercise_without_data_is_a_message_not_an_error(client, trainee, course):
    client.force_login(trainee)
    response = client.post(reverse("training_exercise_start", args=[course.pk, "verify"]), follow=True)
    assert response.status_code == 200 and not Exercise.objects.exists()


@pytest.fixture
def attempt(trainee, course):
    lesson = course.lessons().first()
    return services.attempt_submit(user=trainee, course=course, lesson=lesson, answers={})


def test_trainees_answers_are_visible_to_the_trainee_the_units_manager_and_superusers(
    client, attempt, trainee, manager, unit
):
    superuser = make_user("sieuquantri")
    superuser.is_superuser = True
    superuser.save()
    unit_admin = make_user("quantridonvi", roles.UNIT_ADMIN, unit=unit)
    for viewer in (trainee, manager, superuser, unit_admin):
        client.force_login(viewer)
        assert client.get(reverse("training_attempt", args=[attempt.pk])).status_code == 200, viewer
        assert client.get(reverse("training_trainee", args=[trainee.pk])).status_code == 200, viewer


def test_colleagues_desk_leads_and_other_units_managers_do_not_see_a_trainees_answers(
    client, attempt, trainee, unit, lead
):
    colleague = make_user("dongnghiep", roles.CONTRIBUTOR, unit=unit)
    other_unit = Unit.objects.create(name="Sở Du lịch", short_name="SDL")
    other_manager = make_user("quanlykhac", roles.TRAINING_MANAGER, unit=other_unit)
    editor = make_user("bientapvien", roles.EDITOR, unit=unit)
    for viewer in (colleague, other_manager, lead, editor):
        client.force_login(viewer)
        assert client.get(reverse("training_attempt", args=[attempt.pk])).status_code == 404, viewer
        assert client.get(reverse("training_trainee", args=[trainee.pk])).status_code == 404, viewer
    client.logout()
    assert client.get(reverse("training_attempt", args=[attempt.pk])).status_code == 302  # to the log-in


def test_certificate_is_private_like_the_answers(client, trainee, course, unit):
    completion = Completion.objects.create(
        user=trainee, course=course, unit=unit, completed_at=attempt_time(), score=90
    )
    client.force_login(make_user("dongnghiep", roles.CONTRIBUTOR, unit=unit))
    assert client.get(reverse("training_certificate", args=[completion.pk])).status_code == 404


def attempt_time():
    from django.utils import timezone

    return timezone.now()


def test_desk_lead_makes_a_case_from_the_library_screen(client, lead, scam_claim):
    client.force_login(lead)
    page = client.get(reverse("training_cases")).content.decode()
    assert scam_claim.public_statement in page
    response = client.post(reverse("training_case_from_claim", args=[scam_claim.pk]))
    assert response.status_code == 302 and scam_claim.training_case


def test_contributor_cannot_make_or_edit_a_case(client, trainee, lead, scam_claim):
    case = services.case_create_from_claim(claim=scam_claim, actor=lead)
    client.force_login(trainee)
    denied = client.post(reverse("training_case_from_claim", args=[scam_claim.pk]))
    assert denied.status_code == 302 and denied["Location"] == "/admin/"
    denied = client.post(reverse("training_case", args=[case.pk]), {"title": "x"})
    assert denied.status_code == 302 and denied["Location"] == "/admin/"
    case.refresh_from_db()
    assert case.title != "x"
    assert client.get(reverse("training_case", args=[case.pk])).status_code == 200


def test_due_soon_reminder_goes_once_to_those_not_done(manager, trainee, course, today):
    services.assignment_create(actor=manager, course=course, user=trainee, due_date=today + timedelta(days=1))
    assert services.remind_due_training() == 1
    assert services.remind_due_training() == 0
    assert Notification.objects.filter(recipient=trainee, kind=Notification.Kind.TRAINING_DUE_SOON).count() == 1


def test_desk_lead_makes_a_case_from_the_claim_screen_in_one_step(client, lead, scam_claim, verifier):
    client.force_login(lead)
    page = client.get(reverse("desk_claim", args=[scam_claim.pk])).content.decode()
    assert 'id="make-training-case"' in page
    client.post(reverse("training_case_from_claim", args=[scam_claim.pk]))
    page = client.get(reverse("desk_claim", args=[scam_claim.pk])).content.decode()
    assert 'id="make-training-case"' not in page and "Thư viện tình huống" in page
    client.force_login(verifier)
    assert 'id="make-training-case"' not in client.get(reverse("desk_claim", args=[scam_claim.pk])).content.decode()
