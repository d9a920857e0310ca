"""Scorecard figures on a fixture with known answers, including the edge cases the counting rules name."""

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from citydesk.channels import services as channels
from citydesk.channels.models import ChannelAccount, Delivery
from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.core.models import Unit
from citydesk.desk import services as desk
from citydesk.desk.models import Claim, Verdict
from citydesk.network.models import Assignment, AssignmentEvent
from citydesk.newsroom.models import ArticlePage
from citydesk.scorecards import metrics
from citydesk.scorecards.models import MetricKey, ReachEntry, Target
from citydesk.scorecards.report import build

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
K = MetricKey


def at(*args) -> datetime:
    return datetime(*args, tzinfo=HANOI)


def answer(claim, verifier, lead, rating: str, when: datetime) -> None:
    if not claim.evidence.exists():
        desk.evidence_add(claim=claim, actor=verifier, url="https://moh.gov.vn/x", title="Nguồn")
    desk.verdict_propose(claim=claim, verifier=verifier, rating=rating, summary="Tóm tắt.", explanation="Giải thích.")
    desk.verdict_approve(claim=claim, approver=lead)
    Verdict.objects.filter(claim=claim, approved_at__isnull=False).order_by("-approved_at").filter(
        pk=Verdict.objects.filter(claim=claim, approved_at__isnull=False).latest("approved_at").pk
    ).update(approved_at=when)


def assignment(unit_contributor, topic, deadline, submitted=None, status="accepted", fell_overdue=False):
    row = Assignment.objects.create(
        title=f"Đặt bài hạn {deadline:%d/%m/%Y}",
        brief="...",
        deadline=deadline,
        contributor=unit_contributor,
        topic=topic,
        status=status,
        first_submitted_at=submitted,
    )
    if fell_overdue:
        AssignmentEvent.objects.create(assignment=row, from_status="accepted", to_status="overdue")
    return row


@pytest.fixture
def office(settings, unit, verifier, lead, make_article, contributor_user, topic):
    settings.CITYDESK_MATCHING = False  # each report below opens its own claim unless told
    other = Unit.objects.create(name="Ban Chỉ huy phòng chống thiên tai", short_name="PCTT", kind=Unit.Kind.DEPARTMENT)

    # Articles of `unit`: first published 1 Jan 2026 00:30 Hanoi (17:30 UTC on 31 Dec: still 2026),
    # another later unpublished (still counts); one of `other` on 31 Dec 2025 23:30 Hanoi (2025); a draft.
    a1, a2, a3 = (make_article(title=f"Bài {i}", publish=True) for i in range(3))
    make_article(title="Bản nháp chưa xuất bản")
    ArticlePage.objects.filter(pk=a1.pk).update(first_published_at=at(2026, 1, 1, 0, 30))
    ArticlePage.objects.filter(pk=a2.pk).update(first_published_at=at(2026, 6, 1, 9, 0))
    a2.refresh_from_db()
    a2.unpublish()
    ArticlePage.objects.filter(pk=a3.pk).update(first_published_at=at(2025, 12, 31, 23, 30), unit=other)

    def tip(text, when, claim=None, automatic=False):
        report = desk.report_receive(channel="web", text=text, received_at=when, claim=claim)
        if automatic:
            desk.report_mark_answered(report, automatic=True)
        return report.claim

    # Claim 1 (unit): first report 3 Mar 08:00, approved "false" 10 h later; reopened and re-approved
    # "misleading" in May: one clarification, rated misleading; 10 h to the first clarification.
    c1 = tip("Tin đồn một về nước chanh", at(2026, 3, 3, 8, 0))
    tip("Tin đồn một, chia sẻ lại", at(2026, 3, 4, 9, 0), claim=c1, automatic=True)
    Claim.objects.filter(pk=c1.pk).update(unit=unit)
    c1.refresh_from_db()
    answer(c1, verifier, lead, "false", at(2026, 3, 3, 18, 0))
    desk.claim_reopen(claim=c1, actor=lead, note="Cập nhật")
    answer(c1, verifier, lead, "misleading", at(2026, 5, 1, 12, 0))
    # Claim 2 (unit): 30 h to its clarification, rated true.
    c2 = tip("Tin đồn hai về lịch cắt điện", at(2026, 4, 1, 6, 0))
    Claim.objects.filter(pk=c2.pk).update(unit=unit)
    c2.refresh_from_db()
    answer(c2, verifier, lead, "true", at(2026, 4, 2, 12, 0))
    # Claims 3 and 4 (other): 3 merged into 4 — its reports follow; 4 answered 4 h after its first report.
    c4 = tip("Tin đồn bốn về bão", at(2026, 8, 10, 20, 0))
    c3 = tip("Tin đồn ba về bão", at(2026, 8, 10, 19, 0))
    Claim.objects.filter(pk__in=[c3.pk, c4.pk]).update(unit=other)
    desk.claims_merge(claims=[c3], into=c4, actor=verifier)
    c4.refresh_from_db()
    answer(c4, verifier, lead, "false", at(2026, 8, 10, 23, 0))
    # A report on 31 Dec 2026 23:59 Hanoi counts in 2026; one in 2027 does not.
    tip("Tin cuối năm", at(2026, 12, 31, 23, 59), claim=c2)
    tip("Tin năm sau", at(2027, 1, 1, 0, 1), claim=c2)

    # Channels: the unit's account sent 2 posts and gave up on 1 in 2026.
    account = ChannelAccount.objects.create(name="Hộp thư", kind="email", target="a@example.vn", unit=unit)
    editor = make_user("bientap2", roles.EDITOR)
    for i, status in enumerate([Delivery.Status.SENT, Delivery.Status.SENT, Delivery.Status.GAVE_UP]):
        publication = channels.publish(
            page=a1, accounts=[account], actor=editor, title=f"Tin {i}", summary="", link="https://x.vn/"
        )
        Delivery.objects.filter(publication=publication).update(
            status=status, sent_at=at(2026, 2, 1 + i, 9) if status == Delivery.Status.SENT else None
        )
    Delivery.objects.filter(status=Delivery.Status.GAVE_UP).update(updated_at=at(2026, 2, 5, 9))
    ReachEntry.objects.create(account=account, date=at(2026, 2, 1).date(), reach=1200)
    ReachEntry.objects.create(account=account, date=at(2025, 12, 31).date(), reach=999)  # not 2026
    Target.objects.create(unit=unit, year=2026, metric=K.ARTICLES, value=4)

    # Assignments written by the unit's contributor, by deadline: on time; submitted two days late;
    # never submitted (deadline passed); declined before its deadline (not counted); declined after
    # it fell overdue (overdue); due 31 Dec 2025 23:30 Hanoi (a 2025 figure).
    writer = contributor_user.contributor_profile
    assignment(writer, topic, at(2026, 3, 10, 17), submitted=at(2026, 3, 9, 10), status="done")
    assignment(writer, topic, at(2026, 4, 1, 17), submitted=at(2026, 4, 3, 9), status="done")
    assignment(writer, topic, at(2026, 10, 1, 17), status="overdue", fell_overdue=True)
    assignment(writer, topic, at(2026, 6, 1, 17), status="declined")
    assignment(writer, topic, at(2026, 7, 1, 17), status="declined", fell_overdue=True)
    assignment(writer, topic, at(2025, 12, 31, 23, 30), submitted=at(2025, 12, 30, 9), status="done")
    return {"unit": unit, "other": other}


def test_each_metric_on_known_answers(office):
    table = metrics.compute(metrics.period(2026))
    unit, other = office["unit"].pk, office["other"].pk
    assert table[unit][K.ARTICLES] == 2  # the unpublished one counts; the draft does not
    assert table.get(other, {}).get(K.ARTICLES, 0) == 0  # 31 Dec 2025 23:30 Hanoi is 2025
    assert table[unit][K.CLARIFICATIONS] == 2 and table[other][K.CLARIFICATIONS] == 1
    assert table[unit]["clarifications_misleading"] == 1 and table[unit]["clarifications_true"] == 1
    assert table[unit].get("clarifications_false", 0) == 0  # the reopened claim counts by its latest rating
    assert table[unit][K.REPORTS] == 4 and table[unit][K.ANSWERED] == 1  # incl. 31 Dec 23:59, not 1 Jan 2027
    assert table[other][K.REPORTS] == 2  # the merged claim's report followed it
    assert table[unit][K.MEDIAN_HOURS] == pytest.approx(20.0)  # 10 h and 30 h
    assert table[unit][K.P90_HOURS] == pytest.approx(30.0)
    assert table[other][K.MEDIAN_HOURS] == pytest.approx(4.0)  # from the merged claim's earlier report
    assert table[unit][K.DELIVERIES] == 2 and table[unit][K.FAILURES] == 1
    assert table[unit][K.REACH] == 1200
    assert table["total"][K.CLARIFICATIONS] == 3 and table["total"][K.MEDIAN_HOURS] == pytest.approx(10.0)
    assert metrics.compute(metrics.period(2025))[other][K.ARTICLES] == 1
    assert table[unit][K.ON_TIME] == 1 and table[unit][K.OVERDUE] == 3
    assert metrics.compute(metrics.period(2025))[unit][K.ON_TIME] == 1  # due 31 Dec 23:30 Hanoi


def test_assignment_not_yet_due_is_neither_on_time_nor_overdue(make_assignment_due_soon):
    deadline = make_assignment_due_soon.deadline
    month = metrics.period(deadline.year, f"t{timezone.localtime(deadline).month}")
    figures = metrics.compute(month).get(make_assignment_due_soon.contributor.unit_id, {})
    assert figures.get(K.ON_TIME, 0) == 0 and figures.get(K.OVERDUE, 0) == 0


def test_per_contributor(office, contributor_user, verifier):
    rows = {row["name"]: row for row in metrics.by_contributor(metrics.period(2026))}
    assert rows[contributor_user.contributor_profile.name][K.ARTICLES] == 2  # byline on both 2026 articles
    assert rows[verifier.contributor_profile.name][K.CLARIFICATIONS] == 3  # proposed every approved verdict
    writer = rows[contributor_user.contributor_profile.name]
    assert (writer[K.ON_TIME], writer[K.OVERDUE]) == (1, 3)


def test_quarters_and_months(office):
    assert metrics.compute(metrics.period(2026, "q1"))[office["unit"].pk][K.ARTICLES] == 1
    assert metrics.compute(metrics.period(2026, "t8"))[office["other"].pk][K.CLARIFICATIONS] == 1
    assert metrics.period(2026, "q4").last.isoformat() == "2026-12-31"
    assert metrics.period(2024, "t2").last.isoformat() == "2024-02-29"


@pytest.fixture
def make_assignment_due_soon(contributor_user, topic):
    return assignment(contributor_user.contributor_profile, topic, timezone.now() + timedelta(days=2))


def test_percentile_is_nearest_rank():
    assert metrics.percentile([], 0.9) is None
    assert metrics.percentile([5.0], 0.9) == 5.0
    assert metrics.percentile(list(range(1, 11)), 0.9) == 9
    assert metrics.percentile(list(range(1, 101)), 0.9) == 90


def test_every_figure_explains_itself(office):
    period = metrics.period(2026)
    titles = [item["label"] for item in metrics.items(K.ARTICLES, period, office["unit"].pk)]
    assert titles == ["Bài 0", "Bài 1"]
    misleading = metrics.items("clarifications_misleading", period, office["unit"].pk)
    assert [item["label"] for item in misleading] == ["Tin đồn một về nước chanh"]
    assert len(metrics.items(K.REPORTS, period, office["other"].pk)) == 2
    for key, value in metrics.compute(period)[office["unit"].pk].items():
        if metrics.BY_KEY[key].kind == "count":
            assert len(metrics.items(key, period, office["unit"].pk)) == value, key


def test_dashboard_xlsx_and_pdf_show_the_same_figures(client, office):
    from pypdf import PdfReader

    editor = make_user("bientap", roles.EDITOR)
    client.force_login(editor)
    query = {"nam": 2026}
    page = client.get(reverse("scorecards_dashboard"), query).content.decode()
    assert "Bảng điểm" in page and "<svg" in page and "50%" in page  # 2 of a target of 4 articles
    rows = build(metrics.period(2026))
    unit_row = next(row for row in rows if row.unit_id == office["unit"].pk)

    book = load_workbook(io.BytesIO(client.get(reverse("scorecards_export", args=["xlsx"]), query).content))
    summary = book.worksheets[0]
    header = [cell.value for cell in summary[2]]
    line = next(row for row in summary.iter_rows(min_row=3, values_only=True) if row[0] == office["unit"].name)
    for metric in metrics.METRICS:
        value = line[header.index(str(metric.label))]
        expected = unit_row.values.get(metric.key)
        assert (value is None and expected is None) or value == pytest.approx(round(expected, 1)), metric.key
    assert office["unit"].name[:28] in book.sheetnames

    pdf = client.get(reverse("scorecards_export", args=["pdf"]), query)
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Ban Chỉ huy phòng chống thiên tai" in text and "1.200" in text and "20,0" in text


def test_drilldown_screen_and_permissions(client, office):
    client.force_login(make_user("bientap", roles.EDITOR))
    url = reverse("scorecards_items", args=[K.REPORTS, office["other"].pk])
    page = client.get(url, {"nam": 2026}).content.decode()
    assert "Tin đồn ba về bão" in page and "Tin đồn bốn về bão" in page
    assert client.get(reverse("scorecards_items", args=["nope", "total"])).status_code == 404
    client.force_login(make_user("congtacvien2", roles.CONTRIBUTOR))
    assert client.get(reverse("scorecards_dashboard")).status_code == 302  # refused, back to the dashboard


def test_the_pdf_keeps_each_units_row_on_one_page_and_repeats_the_headings():
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import TableRowGroupBox

    from citydesk.scorecards.exports import pdf_html

    for n in range(45):  # long names wrap, so rows are several lines high and fall across page ends
        Unit.objects.create(
            name=f"Ủy ban nhân dân phường số {n} và các tổ dân phố trực thuộc khu vực ven biển phía đông"
        )
    period = metrics.period(2026)
    document = HTML(string=pdf_html(period, build(period))).render()
    assert len(document.pages) > 2
    pages_of_row, headings = {}, 0
    for number, page in enumerate(document.pages):
        for group in page._page_box.descendants():
            if isinstance(group, TableRowGroupBox):
                for row in group.children:
                    if group.is_header:
                        headings += 1
                    else:
                        pages_of_row.setdefault(id(row.element), set()).add(number)
    assert len(pages_of_row) == 45 + 1 and all(len(pages) == 1 for pages in pages_of_row.values())
    assert headings == len({page for pages in pages_of_row.values() for page in pages})


def test_the_charts_words_keep_their_tone_marks_in_a_font_that_has_them():
    from citydesk.scorecards.report import chart_svg

    Unit.objects.create(name="Sở Y tế")
    svg = chart_svg(build(metrics.period(2026)))
    assert "Sở Y tế" in svg
    families = set(re.findall(r"font-family:\s*([^;]+);", svg))
    # pygal's default monospace stack (DejaVu Sans Mono on Debian) lacks ổ, ể, ố: Chromium split the marks.
    assert families and all(family.startswith('"DejaVu Sans",') and "Mono" not in family for family in families)
