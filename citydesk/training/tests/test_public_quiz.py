"""The public skills quiz: anonymous, and nothing about the person stored, only totals per option."""

import pytest
from django.apps import apps
from django.urls import reverse

from citydesk.training import exercises, public
from citydesk.training.models import Exercise, QuestionTally

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(cases, directory):
    return public.refresh(seed=7)


def row_counts() -> dict:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_quiz_page_is_anonymous_and_sets_no_cookie(client, quiz):
    response = client.get(reverse("training_public_quiz"))
    assert response.status_code == 200 and not response.cookies
    page = response.content.decode()
    assert "Kiểm tra kỹ năng" in page
    for exercise in quiz:
        assert exercise.get_kind_display() in page
        for question in exercise.questions:
            for answer in exercise.key[question["id"]].get("explanations", {}).values():
                assert not answer or answer not in page  # the key is not in the page before answering


def test_answering_stores_nothing_about_the_person_only_totals(client, quiz):
    exercise = next(e for e in quiz if e.kind == "verify")
    right = {f"q-{q['id']}": exercise.key[q["id"]]["correct"] for q in exercise.questions}
    before = row_counts()
    response = client.post(
        reverse("training_public_quiz"),
        {"exercise": exercise.pk, **right},
        HTTP_USER_AGENT="Mozilla/5.0 (điện thoại của tôi)",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 200 and not response.cookies
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "2/2" in page or "2 trên 2" in page or "đúng 2" in page
    after = row_counts()
    changed = {label for label in after if after[label] != before[label]}
    assert changed == {"training.QuestionTally"}, changed
    stored = " ".join(str(v) for v in QuestionTally.objects.values_list("exercise_id", "question", "option", "count"))
    assert "203.0.113" not in stored and "Mozilla" not in stored
    assert set(QuestionTally.objects.values_list("question", flat=True)) == {"sources", "rating"}


def test_totals_add_up_across_anonymous_answers(client, quiz):
    exercise = next(e for e in quiz if e.kind == "official")
    first = exercise.questions[0]
    for option in ("official", "fake", "fake"):
        client.post(reverse("training_public_quiz"), {"exercise": exercise.pk, f"q-{first['id']}": option})
    counts = dict(QuestionTally.objects.filter(exercise=exercise, question=first["id"]).values_list("option", "count"))
    assert counts == {"official": 1, "fake": 2}
    assert public.shares(exercise)[first["id"]] == {"official": 33, "fake": 67}


def test_an_old_or_private_exercise_is_refused_with_a_message(client, quiz, cases):
    private = exercises.generate(kind="verify", seed=1)
    for pk in (private.pk, 999999, "abc"):
        response = client.post(reverse("training_public_quiz"), {"exercise": pk})
        assert response.status_code == 400
        assert "làm lại" in response.content.decode()
    assert not QuestionTally.objects.exists()


def test_refresh_makes_new_public_exercises_and_the_page_shows_the_latest(client, quiz):
    newer = public.refresh(seed=8)
    shown = public.current_quiz()
    assert {e.pk for e in shown} == {e.pk for e in newer}
    assert Exercise.objects.filter(is_public=True).count() == 6


def test_a_script_answering_again_and_again_is_marked_but_stops_counting(client, quiz, settings):
    settings.CITYDESK_QUIZ_RATE_LIMIT = 3
    exercise = next(e for e in quiz if e.kind == "official")
    first = exercise.questions[0]
    for _ in range(10):
        response = client.post(
            reverse("training_public_quiz"),
            {"exercise": exercise.pk, f"q-{first['id']}": "fake"},
            REMOTE_ADDR="198.51.100.7",
        )
        assert response.status_code == 200  # still told the answer
    client.post(
        reverse("training_public_quiz"),
        {"exercise": exercise.pk, f"q-{first['id']}": "fake"},
        REMOTE_ADDR="198.51.100.8",
    )
    counts = dict(QuestionTally.objects.filter(exercise=exercise, question=first["id"]).values_list("option", "count"))
    assert counts == {"fake": 4}  # three from the script's address, one from another reader
