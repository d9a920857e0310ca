"""Surges alert desk leads once per claim per surge; response targets per harm category; pins."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.utils import timezone

from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.desk import services, sla, surge, trending
from citydesk.desk.models import Channel, HarmCategory, Report, SlaTarget, SurgeAlert, TrendingPin
from citydesk.intake.tests.fakes import FakeTelegram
from citydesk.scorecards import metrics

pytestmark = pytest.mark.django_db
TOKEN = "777:office-bot"


def add_reports(claim, *, count: int, start, end) -> None:
    """count reports spread evenly between start and end (rows as the desk stores them)."""
    step = (end - start) / max(count, 1)
    Report.objects.bulk_create(
        [Report(claim=claim, text="copy", channel=Channel.TELEGRAM, received_at=start + step * i) for i in range(count)]
    )


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def rumour(now):
    return services.report_receive(
        channel=Channel.TELEGRAM,
        text="Bão số 9 sẽ đổ bộ vào thành phố trong đêm nay, sơ tán ngay",
        category=HarmCategory.DISASTER,
        received_at=now - timedelta(hours=30),
    ).claim


@pytest.fixture
def leads(db):
    return [make_user("truongnhom", roles.DESK_LEAD), make_user("truongnhom2", roles.DESK_LEAD)]


def test_a_claim_surges_at_ten_reports_and_three_times_its_usual_rate(rumour, now):
    add_reports(rumour, count=24, start=now - timedelta(hours=25), end=now - timedelta(hours=1, minutes=1))
    add_reports(rumour, count=9, start=now - timedelta(minutes=50), end=now)
    assert surge.surges_detect(now=now) == []  # 9 in the last hour: under the minimum
    add_reports(rumour, count=1, start=now - timedelta(minutes=1), end=now)
    [alert] = surge.surges_detect(now=now)
    assert (alert.claim, alert.reports_last_hour, alert.usual_per_hour) == (rumour, 10, 1.0)


def test_a_busy_claim_at_its_usual_rate_does_not_surge(rumour, now):
    add_reports(rumour, count=240, start=now - timedelta(hours=25), end=now - timedelta(hours=1, minutes=1))
    add_reports(rumour, count=12, start=now - timedelta(minutes=50), end=now)
    assert surge.surges_detect(now=now) == []  # 12 in the hour against 10 per hour usually


def test_one_alert_per_claim_per_surge_and_a_new_one_for_the_next_surge(rumour, now, settings):
    settings.CITYDESK_SURGE_MIN_REPORTS = 5
    add_reports(rumour, count=6, start=now - timedelta(minutes=30), end=now)
    assert len(surge.surges_detect(now=now)) == 1
    assert surge.surges_detect(now=now + timedelta(minutes=1)) == []  # the same surge
    assert surge.surges_detect(now=now + timedelta(minutes=2)) == []
    later = now + timedelta(hours=3)
    assert surge.surges_detect(now=later) == []  # passed: the alert is closed
    assert SurgeAlert.objects.get().ended_at == later
    add_reports(rumour, count=8, start=later + timedelta(minutes=1), end=later + timedelta(minutes=20))
    assert len(surge.surges_detect(now=later + timedelta(minutes=30))) == 1
    assert SurgeAlert.objects.count() == 2


def test_desk_leads_are_emailed_once_and_the_office_group_told_once(
    rumour, now, leads, settings, mailoutbox, django_capture_on_commit_callbacks
):
    verifier = make_user("kiemchung", roles.DESK_VERIFIER)
    settings.CITYDESK_SURGE_MIN_REPORTS = 5
    add_reports(rumour, count=7, start=now - timedelta(minutes=30), end=now)
    with FakeTelegram(TOKEN) as fake:
        settings.CITYDESK_TELEGRAM_BOT_TOKEN, settings.CITYDESK_TELEGRAM_API_URL = TOKEN, fake.url
        settings.CITYDESK_OFFICE_TELEGRAM_CHAT_ID = "-1001234"
        for minute in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                surge.surges_detect(now=now + timedelta(minutes=minute))
        surge.send_pending_alerts()
        [posted] = fake.messages()
    assert posted["chat_id"] == "-1001234"
    assert f"#{rumour.pk}" in posted["text"] and "7" in posted["text"]
    assert sorted(message.to[0] for message in mailoutbox) == sorted(lead.email for lead in leads)
    assert verifier.email not in [message.to[0] for message in mailoutbox]
    assert rumour.statement[:40] in mailoutbox[0].body


def test_an_office_group_that_fails_is_tried_again_by_the_next_sweep(rumour, now, leads, settings):
    settings.CITYDESK_SURGE_MIN_REPORTS = 5
    add_reports(rumour, count=7, start=now - timedelta(minutes=30), end=now)
    surge.surges_detect(now=now)
    with FakeTelegram(TOKEN) as fake:
        settings.CITYDESK_TELEGRAM_BOT_TOKEN, settings.CITYDESK_TELEGRAM_API_URL = TOKEN, fake.url
        settings.CITYDESK_OFFICE_TELEGRAM_CHAT_ID = "-1001234"
        fake.fail_with = {"error_code": 429, "description": "Too Many Requests", "parameters": {"retry_after": 1}}
        surge.send_pending_alerts()
        assert SurgeAlert.objects.get().telegram_sent_at is None
        fake.fail_with = None
        surge.send_pending_alerts()
        surge.send_pending_alerts()
        assert len(fake.messages()) == 2  # the refused post, then the one that went through
        assert SurgeAlert.objects.get().telegram_sent_at is not None
        sent = len(fake.messages())
        surge.send_pending_alerts()
        assert len(fake.messages()) == sent


def test_desk_leads_see_the_surge_in_the_inbox_and_on_the_dashboard(client, rumour, now, leads, settings):
    settings.CITYDESK_SURGE_MIN_REPORTS = 5
    add_reports(rumour, count=7, start=now - timedelta(minutes=30), end=now)
    surge.surges_detect(now=now)
    client.force_login(leads[0])
    inbox = client.get("/admin/desk/").content.decode()
    assert 'class="desk-surges"' in inbox and f"#{rumour.pk}" in inbox
    assert 'class="desk-surges"' in client.get("/admin/").content.decode()
    contributor = make_user("congtacvien", roles.CONTRIBUTOR)
    client.force_login(contributor)
    assert 'class="desk-surges"' not in client.get("/admin/").content.decode()


# --- Response targets ----------------------------------------------------------------------------


def inbox_row(claim):
    from citydesk.desk.selectors import inbox

    return inbox().get(pk=claim.pk)


def test_health_and_disaster_claims_are_due_two_hours_after_the_first_report(rumour, now):
    claim = services.report_receive(
        channel=Channel.WEB,
        text="Nước muối ấm chữa được cúm A",
        category=HarmCategory.HEALTH,
        received_at=now - timedelta(minutes=30),
    ).claim
    row = inbox_row(claim)
    assert row.sla_due_at == claim.first_seen_at + timedelta(hours=2)
    assert sla.state(row, now) == {"state": "due", "minutes": 90}
    assert sla.state(row, now + timedelta(hours=3)) == {"state": "overdue", "minutes": 90}
    other = services.report_receive(channel=Channel.WEB, text="Giá vé xe buýt tăng", category=HarmCategory.OTHER)
    assert sla.state(inbox_row(other.claim), now) is None


def test_the_first_action_by_staff_meets_or_misses_the_target(rumour, now):
    verifier = make_user("kiemchung", roles.DESK_VERIFIER)
    services.claim_start_verification(claim=rumour, actor=verifier)  # 30 h after the first report
    assert sla.state(inbox_row(rumour), now)["state"] == "missed"
    fresh = services.report_receive(
        channel=Channel.WEB, text="Cúm A lây qua nước máy", category=HarmCategory.HEALTH, received_at=now
    ).claim
    services.claim_start_verification(claim=fresh, actor=verifier)
    assert sla.state(inbox_row(fresh), now) == {"state": "met", "minutes": 0}


def test_inbox_shows_time_left_and_sorts_by_the_nearest_deadline(client, now):
    verifier = make_user("kiemchung", roles.DESK_VERIFIER)
    overdue = services.report_receive(
        channel=Channel.WEB,
        text="Đê sắp vỡ ở quận 8",
        category=HarmCategory.DISASTER,
        received_at=now - timedelta(hours=5),
    ).claim
    due = services.report_receive(
        channel=Channel.WEB, text="Vắc xin gây vô sinh", category=HarmCategory.HEALTH, received_at=now
    ).claim
    busy = services.report_receive(channel=Channel.WEB, text="Giá điện tăng gấp đôi", category=HarmCategory.OTHER).claim
    add_reports(busy, count=20, start=now - timedelta(hours=2), end=now)  # highest priority, no target
    client.force_login(verifier)
    html = client.get("/admin/desk/", {"order": "sla"}).content.decode()
    assert html.index(overdue.statement) < html.index(due.statement) < html.index(busy.statement)
    assert 'class="sla-overdue"' in html and 'class="sla-due"' in html
    by_priority = client.get("/admin/desk/").content.decode()
    assert by_priority.index(busy.statement) < by_priority.index(due.statement)


def test_unit_admins_set_targets_in_the_admin_and_the_inbox_follows(client, now):
    unit_admin = make_user("quantri", roles.UNIT_ADMIN)
    client.force_login(unit_admin)
    response = client.post("/admin/snippets/desk/slatarget/add/", {"category": "scam", "first_response_hours": "6"})
    assert response.status_code == 302
    assert SlaTarget.objects.get(category="scam").first_response_hours == 6
    claim = services.report_receive(
        channel=Channel.WEB, text="Tin nhắn trúng thưởng giả", category=HarmCategory.SCAM, received_at=now
    ).claim
    assert inbox_row(claim).sla_due_at == claim.first_seen_at + timedelta(hours=6)
    verifier = make_user("kiemchung", roles.DESK_VERIFIER)
    client.force_login(verifier)
    refused = client.post("/admin/snippets/desk/slatarget/add/", {"category": "other", "first_response_hours": "1"})
    assert refused.status_code in (302, 403) and not SlaTarget.objects.filter(category="other").exists()


def test_scorecards_count_claims_that_met_and_missed_the_target(rumour, now, unit):
    verifier = make_user("kiemchung", roles.DESK_VERIFIER)
    met = services.report_receive(
        channel=Channel.WEB, text="Cúm A lây qua nước máy", category=HarmCategory.HEALTH, received_at=now
    ).claim
    services.claim_start_verification(claim=met, actor=verifier)
    services.claim_start_verification(claim=rumour, actor=verifier)  # 30 h late
    for claim in (met, rumour):
        claim.unit = unit
        claim.save(update_fields=["unit"])
    figures = metrics.compute(metrics.period(timezone.localdate(now).year))
    if timezone.localdate(rumour.first_seen_at).year == timezone.localdate(now).year:
        assert figures["total"]["sla_missed"] == 1
    assert figures[unit.pk]["sla_met"] == 1
    labels = [item["label"] for item in metrics.items("sla_met", metrics.period(now.year), "total")]
    assert labels == [met.statement]


# --- Getting attention now (pins) ----------------------------------------------------------------


@pytest.fixture
def published(unit):
    verifier = make_user("kiemchung", roles.DESK_VERIFIER, unit=unit)
    lead = make_user("truongnhom", roles.DESK_LEAD)
    claim = services.report_receive(
        channel=Channel.WEB, text="Uống nước chanh nóng chữa khỏi sốt xuất huyết", category=HarmCategory.HEALTH
    ).claim
    services.evidence_add(claim=claim, actor=verifier, url="https://moh.gov.vn/sxh", title="Bộ Y tế")
    services.verdict_propose(
        claim=claim, verifier=verifier, rating="false", summary="Không chữa được.", explanation="Bộ Y tế."
    )
    return services.verdict_approve(claim=claim, approver=lead)


@pytest.fixture
def page_cache_on(settings):
    settings.CITYDESK_PAGE_CACHE, settings.CITYDESK_PAGE_CACHE_LOCAL = "default", True
    caches["default"].clear()
    yield
    caches["default"].clear()


def test_an_editor_pins_a_surging_clarification_in_one_click_and_unpins_it(
    client, published, editor_user, page_cache_on, settings, now
):
    settings.CITYDESK_SURGE_MIN_REPORTS = 5
    add_reports(published.claim, count=6, start=now - timedelta(minutes=20), end=now)
    surge.surges_detect(now=now)
    index_url = published.get_parent().url
    assert "trending-heading" not in client.get("/").content.decode()
    client.get(index_url)
    client.force_login(editor_user)
    listing = client.get("/admin/desk/trending/").content.decode()
    assert f"/admin/desk/trending/{published.pk}/pin/" in listing
    assert client.post(f"/admin/desk/trending/{published.pk}/pin/").status_code == 302
    client.logout()
    for path in ("/", index_url):
        html = client.get(path).content.decode()  # the cached copies are gone
        assert "trending-heading" in html and published.claim.statement in html, path
    client.force_login(editor_user)
    client.post(f"/admin/desk/trending/{published.pk}/unpin/")
    client.logout()
    assert "trending-heading" not in client.get("/").content.decode()


def test_desk_leads_pin_too_and_other_roles_are_refused(client, published):
    lead = make_user("truongnhom9", roles.DESK_LEAD)
    client.force_login(lead)
    assert client.post(f"/admin/desk/trending/{published.pk}/pin/").status_code == 302
    assert TrendingPin.objects.filter(page=published).exists()
    for role in (roles.CONTRIBUTOR, roles.DESK_VERIFIER, roles.MODERATOR, roles.UNIT_ADMIN, roles.EXPERT_REVIEWER):
        user = make_user(f"u{abs(hash(role)) % 10_000}", role)
        client.force_login(user)
        # Wagtail answers a refused admin page by sending the user back to the dashboard.
        for response in (
            client.post(f"/admin/desk/trending/{published.pk}/unpin/"),
            client.get("/admin/desk/trending/"),
        ):
            assert (response.status_code, response["Location"]) == (302, "/admin/"), role
    assert TrendingPin.objects.filter(page=published).exists()
    client.logout()
    assert client.post(f"/admin/desk/trending/{published.pk}/unpin/")["Location"].startswith("/admin/login/")
    assert TrendingPin.objects.filter(page=published).exists()


def test_an_unpublished_clarification_cannot_be_pinned(published, editor_user):
    from django.core.exceptions import ValidationError

    published.unpublish()
    with pytest.raises(ValidationError, match="Chỉ ghim được bài làm rõ đã đăng"):
        trending.pin(page=published, user=editor_user)
    assert not TrendingPin.objects.exists()


def test_automatic_pin_pins_a_surging_published_clarification(published, settings, now):
    settings.CITYDESK_SURGE_MIN_REPORTS = 5
    settings.CITYDESK_TRENDING_AUTO_PIN = True
    add_reports(published.claim, count=6, start=now - timedelta(minutes=20), end=now)
    surge.surges_detect(now=now)
    assert TrendingPin.objects.get().page == published
