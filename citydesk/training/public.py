"""The public skills quiz ("Kiểm tra kỹ năng"): the same generated exercises, for citizens, anonymously.

Nothing about the person is stored: no account, no session, no cookie, no attempt row, no address. An
answer sheet is scored in the request and only adds one to the total of each option chosen
(`QuestionTally`), which is what the page shows back ("x% chose this")."""

from django.db import IntegrityError, transaction
from django.db.models import F

from . import exercises
from .models import Exercise, ExerciseKind, QuestionTally


def current_quiz() -> list[Exercise]:
    """The latest public exercise of each kind (made by `refresh`)."""
    found = []
    for kind in ExerciseKind.values:
        exercise = Exercise.objects.filter(is_public=True, kind=kind).order_by("-created_at", "-pk").first()
        if exercise is not None:
            found.append(exercise)
    return found


def refresh(*, seed: int | None = None) -> list[Exercise]:
    """Generate a new public exercise of every kind the data allows; older ones stop being shown."""
    made = []
    for kind in ExerciseKind.values:
        try:
            made.append(exercises.generate(kind=kind, seed=seed, public=True))
        except exercises.NotEnoughData:
            continue
    return made


def _add_one(exercise: Exercise, question: str, option: str) -> None:
    updated = QuestionTally.objects.filter(exercise=exercise, question=question, option=option).update(
        count=F("count") + 1
    )
    if not updated:
        try:
            with transaction.atomic():
                QuestionTally.objects.create(exercise=exercise, question=question, option=option, count=1)
        except IntegrityError:  # created by a concurrent answer in between
            QuestionTally.objects.filter(exercise=exercise, question=question, option=option).update(
                count=F("count") + 1
            )


def answer(*, exercise: Exercise, answers: dict, count: bool = True) -> exercises.Result:
    """Score an anonymous answer sheet and add it to the totals per option (unless count is False: an
    address answering faster than a person can); nothing else is kept."""
    if not exercise.is_public:
        raise ValueError("not a public exercise")
    result = exercises.score(exercise.questions, exercise.key, answers)
    if not count:
        return result
    with transaction.atomic():
        for qid, marked in result.per_question.items():
            for option in marked["chosen"]:
                _add_one(exercise, qid, option)
    return result


def shares(exercise: Exercise) -> dict:
    """{question id: {option id: percent of the answers to that question}}."""
    counts: dict = {}
    for tally in exercise.tallies.all():
        counts.setdefault(tally.question, {})[tally.option] = tally.count
    return {
        qid: {option: round(100 * n / sum(per.values())) for option, n in per.items()} for qid, per in counts.items()
    }
