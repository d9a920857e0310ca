from io import StringIO

import pytest
from django.core.management import call_command

from citydesk.desk.models import Claim, ClaimStatus
from citydesk.training.models import Attempt, Case, Completion, CourseAssignment, CoursePage, Exercise

pytestmark = pytest.mark.django_db


def test_demo_has_two_courses_cases_from_published_clarifications_and_some_attempts():
    call_command("load_demo", stdout=StringIO())
    assert CoursePage.objects.live().count() == 2
    published = Claim.objects.filter(status=ClaimStatus.PUBLISHED).count()
    assert published and Case.objects.count() == published
    assert any("0899 123 456" in case.sample_message for case in Case.objects.all())
    assert CourseAssignment.objects.count() == 2
    assert Attempt.objects.filter(user__username="congtacvien").count() == 2
    assert Completion.objects.get().user.username == "chuyengia"
    assert Exercise.objects.filter(is_public=True).count() == 3
    call_command("load_demo", stdout=StringIO())  # a second run changes nothing
    assert Case.objects.count() == published and CourseAssignment.objects.count() == 2
