"""Training in the scorecards: people trained, completion on time and average score per unit, the same
figures on the dashboard, in the xlsx and in the PDF (one set of rows)."""

import io
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.scorecards import metrics
from citydesk.scorecards.models import MetricKey as K
from citydesk.scorecards.report import build
from citydesk.training.models import Completion, CourseAssignment

pytestmark = pytest.mark.django_db


def at(day: int, month: int = 3):
    return timezone.make_aware(datetime(2026, month, day, 10, 0))


@pytest.fixture
def trained(unit, course, manager):
    """Three people of the unit assigned the course due 10 March 2026: one on time (90), one late (70),
    one never completed."""
    on_time, late, never = (make_user(name, roles.CONTRIBUTOR, unit=unit) for name in ("ngay", "muon", "chua"))
    CourseAssignment.objects.create(
        course=course, unit=unit, due_date=datetime(2026, 3, 10).date(), assigned_by=manager
    )
    Completion.objects.create(user=on_time, course=course, unit=unit, completed_at=at(9), score=90)
    Completion.objects.create(user=late, course=course, unit=unit, completed_at=at(20), score=70)
    return on_time, late, never


def test_unit_row_counts_people_trained_on_time_share_and_average_score(trained, unit, manager):
    rows = build(metrics.period(2026))
    row = next(r for r in rows if r.unit_id == unit.pk)
    assert row.values[K.TRAINED] == 2
    assert row.values[K.TRAINING_SCORE] == pytest.approx(80)
    # Four people belong to the unit (with the manager): one of four finished by the due date.
    assert row.values[K.TRAINING_ON_TIME] == pytest.approx(25)
    total = next(r for r in rows if r.unit_id == "total")
    assert total.values[K.TRAINED] == 2


def test_course_not_yet_due_and_not_done_is_neither_on_time_nor_late(unit, course, manager):
    make_user("moi", roles.CONTRIBUTOR, unit=unit)
    due = timezone.localdate() + timedelta(days=5)
    CourseAssignment.objects.create(course=course, unit=unit, due_date=due, assigned_by=manager)
    row = next(r for r in build(metrics.period(due.year)) if r.unit_id == unit.pk)
    assert K.TRAINING_ON_TIME not in row.values


def test_training_figures_agree_on_dashboard_xlsx_and_pdf(client, trained, unit):
    client.force_login(make_user("bientap", roles.EDITOR))
    query = {"nam": 2026}
    page = client.get(reverse("scorecards_dashboard"), query).content.decode()
    assert "Điểm trung bình đào tạo (%)" in page and "80,0%" in page and "25,0%" in page
    book = load_workbook(io.BytesIO(client.get(reverse("scorecards_export", args=["xlsx"]), query).content))
    summary = book.worksheets[0]
    header = [cell.value for cell in summary[2]]
    line = next(r for r in summary.iter_rows(min_row=3, values_only=True) if r[0] == unit.name)
    assert line[header.index(str(metrics.BY_KEY[K.TRAINED].label))] == 2
    assert line[header.index(str(metrics.BY_KEY[K.TRAINING_ON_TIME].label))] == 25
    assert line[header.index(str(metrics.BY_KEY[K.TRAINING_SCORE].label))] == 80
    pdf = client.get(reverse("scorecards_export", args=["pdf"]), query)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "80,0%" in text and "25,0%" in text


def test_drilldown_lists_courses_and_scores_but_no_names(client, trained, unit):
    client.force_login(make_user("bientap", roles.EDITOR))
    page = client.get(reverse("scorecards_items", args=[K.TRAINING_SCORE, unit.pk]), {"nam": 2026}).content.decode()
    assert "90%" in page and "70%" in page
    assert "Ngay" not in page and "Muon" not in page
    assert client.get(reverse("scorecards_items", args=[K.TRAINING_ON_TIME, unit.pk]), {"nam": 2026}).status_code == 200
