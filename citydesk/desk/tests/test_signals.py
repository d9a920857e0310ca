"""Scam signals on every report and claim (desk.indicators): what is extracted, what it matches, how the
inbox and the claim screen show it, and the tiplines' warning when a number or link is a known scam's."""

import json

import pytest
import requests
from django.urls import reverse

from citydesk.core.processes import free_port
from citydesk.core.tests.webservers import LocalWebServer
from citydesk.desk import categorize, indicators, services
from citydesk.desk.demo_signals import LOOKALIKE_TIP, NEW_TIP, load_signal_claims
from citydesk.desk.models import Channel, Claim, HarmCategory, Indicator, Report
from citydesk.intake.demo import load_official_accounts
from citydesk.intake.tests.conftest import TELEGRAM_SECRET, fake_telegram, telegram_update  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(verifier, lead):
    load_official_accounts()
    load_signal_claims(verifier=verifier, lead=lead)
    scam = Claim.objects.get(category=HarmCategory.SCAM, status="published")
    tip = Report.objects.get(text=NEW_TIP).claim
    lookalike = Report.objects.get(text=LOOKALIKE_TIP).claim
    return scam, tip, lookalike


def kinds(claim) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in claim.indicators.all():
        found.setdefault(row.kind, set()).add(row.key)
    return found


def test_extraction_finds_links_phones_accounts_money_and_urgency():
    found = indicators.extract(
        "Chuyen khoan 2tr vao STK 0071 0012 34567 Vietcombank gap trong 2 gio, goi 0905.123.456, xem bit.ly/abc",
        "https://example.com/a?utm_source=x",
    )
    by_kind = {(item.kind, item.key) for item in found}
    assert ("phone", "+84905123456") in by_kind
    assert ("bank_account", "0071001234567") in by_kind
    assert ("link", "https://example.com/a") in by_kind
    assert ("link", "https://bit.ly/abc") in by_kind
    assert {"money", "urgency"} <= {kind for kind, _key in by_kind}
    # A phone number is not also an account number, and "gặp" (meet) is not "gấp" (urgent).
    assert [item.kind for item in indicators.extract("STK của tôi là 0905 123 456 nhé")] == ["phone"]
    assert not [item for item in indicators.extract("Hẹn gặp lại bạn") if item.kind == "urgency"]


def test_demo_scam_tip_gets_its_signals_and_the_match_with_the_scam_clarification(client, verifier, demo):
    scam, tip, _lookalike = demo
    assert tip.category == HarmCategory.OTHER  # arrived as "Khác": the signals are what tells the verifier
    found = kinds(tip)
    assert found["phone"] == {"+84888555123"}
    assert "https://hoantien-dienluc.top/nhan" in found["link"]
    assert found["bank_account"] == {"190355558888"}
    assert {"chuyen khoan", "300k"} <= found["money"] and "gap" in found["urgency"]
    assert tip.indicators.filter(kind="money", value="chuyển khoản").exists()  # shown as written

    signals = indicators.for_claim(tip)
    assert {match.claim.pk for match in signals.matches} == {scam.pk}
    assert {match.found.kind for match in signals.matches} == {"phone", "link"}

    client.force_login(verifier)
    page = client.get(reverse("desk_claim", args=[tip.pk])).content.decode()
    assert "Tín hiệu lừa đảo" in page
    assert f'href="/admin/desk/claims/{scam.pk}/"' in page
    assert scam.clarification_page.url in page  # the public warning, one click away
    assert "+84888555123" in page and "190355558888" in page
    inbox = client.get(reverse("desk_inbox")).content.decode()
    badge = inbox.split(f'data-testid="signals-{tip.pk}"')[1].split("</td>")[0]
    assert f"lừa đảo #{scam.pk}" in badge


def test_lookalike_of_an_official_page_is_named(client, verifier, demo):
    _scam, _tip, lookalike = demo
    [row] = lookalike.indicators.filter(kind="link")
    assert row.lookalike_name == "Trang Facebook Sở Y tế" and not row.official_name
    assert categorize.suggest_for_claim(lookalike).category == HarmCategory.IMPERSONATION
    client.force_login(verifier)
    page = client.get(reverse("desk_claim", args=[lookalike.pk])).content.decode()
    assert "Giả mạo “Trang Facebook Sở Y tế”?" in page
    inbox = client.get(reverse("desk_inbox")).content.decode()
    assert "giống trang chính thức" in inbox.split(f'data-testid="signals-{lookalike.pk}"')[1].split("</td>")[0]


def test_the_official_page_itself_is_official_not_a_lookalike(verifier):
    load_official_accounts()
    claim = services.report_receive(
        channel=Channel.WEB, text="Trang https://m.facebook.com/soyte.thanhpho/ có thông báo mới"
    ).claim
    [row] = claim.indicators.filter(kind="link")
    assert row.official_name == "Trang Facebook Sở Y tế" and not row.lookalike_name


def test_signals_follow_a_merge_and_a_rewording(verifier, demo):
    _scam, tip, lookalike = demo
    services.claims_merge(claims=[lookalike], into=tip, actor=verifier)
    assert tip.indicators.filter(lookalike_name__gt="").exists()
    services.claim_update(claim=tip, actor=verifier, statement="Gọi 0236 3888 115 để hỏi", category="other")
    assert tip.indicators.filter(report__isnull=True, key="+842363888115").exists()


def test_a_new_wording_with_a_known_scam_number_gets_the_warning_on_the_web_form(client, demo):
    scam, _tip, _lookalike = demo
    text = "Bên cho vay nhắn: giải ngân khoản vay của bạn, liên hệ anh Tuấn 0888555123 để hoàn tất"
    response = client.post("/hoi-dap-kiem-chung/", {"text": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cảnh báo: +84888555123 xuất hiện trong một vụ lừa đảo mà cơ quan đã cảnh báo" in html
    assert scam.clarification_page.url in html


def test_a_new_wording_with_a_known_scam_link_gets_the_warning_on_telegram(live_server, fake_telegram, demo):  # noqa: F811
    scam, _tip, _lookalike = demo
    text = "Ai biết trang này không, bạn tôi gửi: hoantien-dienluc.top/nhan"
    response = requests.post(
        live_server.url + "/intake/telegram/",
        data=json.dumps(telegram_update(4242, text)).encode(),
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
        timeout=30,
    )
    assert response.status_code == 200
    [sent] = fake_telegram.messages()
    assert sent["text"].startswith("Cảnh báo: hoantien-dienluc.top/nhan xuất hiện trong một vụ lừa đảo")
    assert scam.clarification_page.get_full_url() in sent["text"]


def test_no_warning_without_an_exact_number_or_link(client, demo):
    response = client.post("/hoi-dap-kiem-chung/", {"text": "Có người gọi 0888 555 124 bảo chuyển tiền"})
    assert "Cảnh báo:" not in response.content.decode()


def test_a_shortened_link_is_unshortened_through_the_fetch_guard(
    settings, verifier, demo, django_capture_on_commit_callbacks
):
    scam, _tip, _lookalike = demo
    web = LocalWebServer()
    try:
        web.allow(settings)
        settings.CITYDESK_LINK_SHORTENERS = ["127.0.0.1"]
        web.redirect("/x1", "http://hoantien-dienluc.top/nhan")
        web.redirect("/x2", f"http://127.0.0.1:{free_port()}/internal")
        short = web.url("/x1")
        with django_capture_on_commit_callbacks(execute=True):  # the worker's job runs after the commit
            claim = services.report_receive(channel=Channel.WEB, text=f"Nhận tiền tại {short}").claim
        [final] = claim.indicators.exclude(unshortened_from="")
        assert final.key == "https://hoantien-dienluc.top/nhan" and final.unshortened_from == short
        assert {match.claim.pk for match in indicators.for_claim(claim).matches} == {scam.pk}
        assert web.paths() == ["/x1"]  # the scam page itself was never opened
        # A shortener that points inside the office's network is refused: nothing stored, nothing fetched.
        with django_capture_on_commit_callbacks(execute=True):
            inside = services.report_receive(channel=Channel.WEB, text=f"Xem {web.url('/x2')}").claim
        assert not inside.indicators.exclude(unshortened_from="").exists()
        assert web.paths() == ["/x1", "/x2"]
    finally:
        web.close()


def test_community_queue_uses_the_same_signals(demo):
    from citydesk.community import checks

    signals = checks.signals_for("Vay nhanh không thế chấp, gọi 0888 555 123")
    scam, _tip, _lookalike = demo
    assert any(s.category == "scam" and f"#{scam.pk}" in s.message for s in signals)
    impostor = checks.signals_for("Đăng ký tiêm tại facebook.com/soyte-thanhpho")
    assert any(s.category == "impersonation" and "Sở Y tế" in s.message for s in impostor)
    assert Indicator.objects.filter(claim=scam).exists()


def test_a_suggested_category_is_shown_and_applied_only_by_one_click(client, verifier, demo):
    scam, tip, _lookalike = demo
    suggestion = categorize.suggest_for_claim(tip)
    assert suggestion.category == "scam" and f"#{scam.pk}" in suggestion.reasons
    client.force_login(verifier)
    page = client.get(reverse("desk_claim", args=[tip.pk])).content.decode()
    assert "Gợi ý: <strong>Lừa đảo" in page
    tip.refresh_from_db()
    assert tip.category == HarmCategory.OTHER  # shown, never applied silently
    response = client.post(reverse("desk_claim_action", args=[tip.pk, "confirm_category"]), {"category": "scam"})
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.category == HarmCategory.SCAM
    assert tip.events.filter(action="edited", actor=verifier).exists()
    bad = client.post(reverse("desk_claim_action", args=[tip.pk, "confirm_category"]), {"category": "politics"})
    assert bad.status_code == 400
