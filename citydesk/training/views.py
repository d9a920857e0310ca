"""Training screens in the admin ("Đào tạo của tôi", lessons, exercises, results, certificates, the
manager's page, the case library) and the public skills quiz. Views parse input and call services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from citydesk.core import ratelimit
from citydesk.core.clientip import client_ip
from citydesk.desk.models import Claim

from . import certificates, exercises, public, selectors, services
from .forms import AssignmentForm, CaseForm
from .models import Attempt, Case, Completion, CourseAssignment, CoursePage, Exercise, ExerciseKind, LessonPage


def _answers(request, questions) -> dict:
    return {q["id"]: request.POST.getlist(f"q-{q['id']}") for q in questions}


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def home(request):
    """Đào tạo của tôi: assigned courses with progress and due dates, and completed ones."""
    from citydesk.network.models import Notification

    notes = request.user.notifications.filter(
        read_at__isnull=True,
        kind__in=[Notification.Kind.TRAINING_ASSIGNED, Notification.Kind.TRAINING_DUE_SOON],
    )
    courses = selectors.my_courses(request.user)
    context = {
        "courses": courses,
        "other_courses": CoursePage.objects.live().exclude(pk__in=[p.course.pk for p in courses]),
        "notes": list(notes[:10]),
        "today": timezone.localdate(),
        "is_manager": request.user.has_perm("training.manage_training"),
    }
    notes.update(read_at=timezone.now())
    return TemplateResponse(request, "training/admin/home.html", context)


def course(request, pk: int):
    page = get_object_or_404(CoursePage.objects.live(), pk=pk)
    progress = selectors.course_progress(user=request.user, course=page)
    return TemplateResponse(request, "training/admin/course.html", {"course": page, "progress": progress})


def lesson(request, pk: int):
    page = get_object_or_404(LessonPage.objects.live(), pk=pk)
    course_page = page.get_parent().specific
    questions, _key = services.lesson_questions(page)
    if request.method == "POST":
        try:
            attempt = services.attempt_submit(
                user=request.user, course=course_page, lesson=page, answers=_answers(request, questions)
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
            return redirect("training_lesson", pk)
        return redirect("training_attempt", attempt.pk)
    return TemplateResponse(
        request, "training/admin/lesson.html", {"lesson": page, "course": course_page, "questions": questions}
    )


@require_POST
def exercise_start(request, pk: int, kind: str):
    course_page = get_object_or_404(CoursePage.objects.live(), pk=pk)
    if kind not in ExerciseKind.values:
        raise Http404
    try:
        exercise = services.exercise_start(user=request.user, course=course_page, kind=kind)
    except (ValidationError, exercises.NotEnoughData) as error:
        messages.error(request, _errors(error) if isinstance(error, ValidationError) else str(error))
        return redirect("training_course", pk)
    return redirect("training_exercise", pk, exercise.pk)


def exercise(request, pk: int, exercise_id: int):
    course_page = get_object_or_404(CoursePage.objects.live(), pk=pk)
    item = get_object_or_404(Exercise, pk=exercise_id, kind__in=course_page.exercise_kinds())
    if request.method == "POST":
        try:
            attempt = services.attempt_submit(
                user=request.user, course=course_page, exercise=item, answers=_answers(request, item.questions)
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
            return redirect("training_course", pk)
        return redirect("training_attempt", attempt.pk)
    return TemplateResponse(
        request,
        "training/admin/exercise.html",
        {"course": course_page, "exercise": item, "questions": item.questions},
    )


def _visible_attempt(request, pk: int) -> Attempt:
    attempt = get_object_or_404(Attempt.objects.select_related("user", "exercise", "lesson"), pk=pk)
    if not selectors.can_see_attempts(request.user, attempt.user):
        raise Http404  # not even whether it exists
    return attempt


def attempt(request, pk: int):
    """The answer sheet, marked, with the explanations: for the trainee, the unit's manager, superusers."""
    item = _visible_attempt(request, pk)
    if item.lesson_id:
        questions, key = services.lesson_questions(item.lesson)
    else:
        questions, key = item.exercise.questions, item.exercise.key
    marked = [
        {
            "question": q,
            "chosen": item.answers.get(q["id"], []),
            "correct": key[q["id"]]["correct"],
            "right": sorted(item.answers.get(q["id"], [])) == sorted(key[q["id"]]["correct"]),
            "explanations": key[q["id"]].get("explanations", {}),
            "reveal": key[q["id"]].get("reveal", ""),
        }
        for q in questions
    ]
    return TemplateResponse(
        request,
        "training/admin/attempt.html",
        {"attempt": item, "marked": marked, "course": item.course, "mine": item.user_id == request.user.pk},
    )


def certificate(request, pk: int):
    completion = get_object_or_404(Completion.objects.select_related("user", "course", "unit"), pk=pk)
    if not selectors.can_see_attempts(request.user, completion.user):
        raise Http404
    response = HttpResponse(certificates.pdf(completion), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chung-nhan-{completion.certificate_code}.pdf"'
    return response


def manage(request):
    """The training manager's page: assign a course, and the progress of the units' trainees."""
    if not request.user.has_perm("training.manage_training"):
        raise PermissionDenied
    form = AssignmentForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, _("Course assigned; the trainees are notified."))
            return redirect("training_manage")
    trainees = selectors.managed_trainees(request.user)
    assignments = CourseAssignment.objects.select_related("course", "unit", "user")
    rows = []
    for a in assignments:
        for user in selectors.trainees_of(a).filter(pk__in=trainees.values("pk")):
            rows.append((a, user, selectors.course_progress(user=user, course=a.course)))
    return TemplateResponse(
        request, "training/admin/manage.html", {"form": form, "rows": rows, "today": timezone.localdate()}
    )


def trainee(request, pk: int):
    """One trainee's attempts and completions (the trainee, the unit's training managers, superusers)."""
    person = get_object_or_404(get_user_model(), pk=pk)
    if not selectors.can_see_attempts(request.user, person):
        raise Http404
    return TemplateResponse(
        request,
        "training/admin/trainee.html",
        {
            "person": person,
            "attempts": Attempt.objects.filter(user=person).select_related("course", "lesson", "exercise"),
            "completions": Completion.objects.filter(user=person).select_related("course"),
        },
    )


def case_list(request):
    cases = Case.objects.all() if request.user.has_perm("training.change_case") else Case.objects.filter(is_active=True)
    publishable = []
    if request.user.has_perm("training.add_case"):
        publishable = Claim.objects.filter(status="published", training_case__isnull=True).order_by("-last_seen_at")[
            :50
        ]
    return TemplateResponse(request, "training/admin/cases.html", {"cases": cases, "publishable": publishable})


def case_detail(request, pk: int):
    case = get_object_or_404(Case, pk=pk)
    if not case.is_active and not request.user.has_perm("training.change_case"):
        raise Http404
    form = None
    if request.user.has_perm("training.change_case"):
        form = CaseForm(request.POST or None, instance=Case.objects.get(pk=pk))
        if request.method == "POST" and form.is_valid():
            services.case_update(case=case, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Case saved."))
            return redirect("training_case", pk)
    elif request.method == "POST":
        raise PermissionDenied
    return TemplateResponse(request, "training/admin/case.html", {"case": case, "form": form})


@require_POST
def case_from_claim(request, claim_id: int):
    claim = get_object_or_404(Claim, pk=claim_id)
    try:
        case = services.case_create_from_claim(claim=claim, actor=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect("training_cases")
    messages.success(request, _("The clarification is now a case in the library."))
    return redirect("training_case", case.pk)


# --- The public skills quiz (no account, nothing stored about the person) ---------------------------


@require_http_methods(["GET", "POST"])
@csrf_exempt  # anonymous and cookie-free by design: a CSRF token would need a cookie; a forged answer
# can only add one to the public totals, which anyone can do by answering
def public_quiz(request):
    """GET: the current public exercises; POST: one exercise answered, marked, with everyone's totals."""
    quiz = public.current_quiz()
    if request.method == "POST":
        try:
            exercise = next(e for e in quiz if str(e.pk) == request.POST.get("exercise", ""))
        except StopIteration:
            return TemplateResponse(
                request,
                "training/public/quiz.html",
                {"quiz": quiz, "error": _("This quiz has been replaced by a newer one; please answer again.")},
                status=400,
            )
        # Anyone may answer as often as they like and see the key; only the first answers of an address
        # in a window count in the public totals, so a script cannot inflate them (the address is hashed
        # into a cache key that expires with the window, never stored).
        counted = ratelimit.allow(
            "public-quiz",
            client_ip(request),
            limit=settings.CITYDESK_QUIZ_RATE_LIMIT,
            window_seconds=settings.CITYDESK_QUIZ_RATE_WINDOW,
        )
        result = public.answer(exercise=exercise, answers=_answers(request, exercise.questions), count=counted)
        shares = public.shares(exercise)
        marked = [
            {
                "question": q,
                "chosen": result.per_question[q["id"]]["chosen"],
                "correct": exercise.key[q["id"]]["correct"],
                "right": result.per_question[q["id"]]["right"],
                "explanations": exercise.key[q["id"]].get("explanations", {}),
                "reveal": exercise.key[q["id"]].get("reveal", ""),
                "shares": shares.get(q["id"], {}),
            }
            for q in exercise.questions
        ]
        response = TemplateResponse(
            request, "training/public/result.html", {"exercise": exercise, "marked": marked, "result": result}
        )
        response["Cache-Control"] = "no-store"
        return response
    return TemplateResponse(request, "training/public/quiz.html", {"quiz": quiz})
