"""A verifier's view of scam signals, the suggested category and evidence snapshots, in headless Chromium.

With CITYDESK_SCREENSHOTS=<folder> the test also saves a screenshot of each screen."""

import os
from pathlib import Path

import pytest

from citydesk.conftest import log_in
from citydesk.core.tests.webservers import LocalWebServer
from citydesk.desk.demo_signals import LOOKALIKE_TIP, NEW_TIP, load_signal_claims
from citydesk.desk.models import Claim, EvidenceSnapshot, HarmCategory, Report
from citydesk.intake.demo import load_official_accounts

SOURCE = (
    "<html><body><nav>Trang chủ</nav><article><h1>Cảnh báo tin nhắn giả danh hoàn tiền điện</h1>"
    "<p>Công ty Điện lực không nhắn tin yêu cầu khách hàng chuyển phí để được hoàn tiền điện. Khách hàng "
    "nhận được tin nhắn như vậy không gọi lại, không bấm vào đường link và báo cho cơ quan chức năng.</p>"
    "</article></body></html>"
).encode()


def shot(page, name: str) -> None:
    folder = os.environ.get("CITYDESK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.browser
def test_verifier_sees_signals_confirms_the_category_and_reads_the_snapshot(
    live_server, browser, verifier, lead, settings
):
    load_official_accounts()
    load_signal_claims(verifier=verifier, lead=lead)
    scam = Claim.objects.get(category=HarmCategory.SCAM, status="published")
    tip = Report.objects.get(text=NEW_TIP).claim
    lookalike = Report.objects.get(text=LOOKALIKE_TIP).claim
    web = LocalWebServer()
    web.allow(settings)
    web.reply("/canh-bao", body=SOURCE, headers={"Content-Type": "text/html; charset=utf-8"})
    try:
        desk = log_in(browser, live_server.url, verifier.username, "pw-kiemchung")
        desk.set_viewport_size({"width": 1400, "height": 900})
        desk.click("text=Bàn kiểm chứng")
        badge = desk.locator(f"[data-testid=signals-{tip.pk}]")
        assert f"lừa đảo #{scam.pk}" in badge.inner_text()
        assert "giống trang chính thức" in desk.locator(f"[data-testid=signals-{lookalike.pk}]").inner_text()
        shot(desk, "signals-inbox")

        with desk.expect_navigation():
            desk.click(f"a[href='/admin/desk/claims/{tip.pk}/']")
        signals = desk.locator("[data-testid=signals]")
        assert "+84888555123" in signals.inner_text() and "190355558888" in signals.inner_text()
        assert signals.locator(f"a[href='/admin/desk/claims/{scam.pk}/']").count() == 2  # its phone and its link
        assert "Lừa đảo" in desk.locator("[data-testid=suggested-category]").inner_text()
        assert desk.locator("[data-testid=category]").inner_text().startswith("Khác")
        shot(desk, "signals-claim")
        with desk.expect_navigation():
            desk.click("[data-testid=suggested-category] button")
        assert desk.locator("[data-testid=category]").inner_text().startswith("Lừa đảo")
        assert desk.locator("[data-testid=suggested-category]").count() == 0

        desk.click("#add-evidence summary")
        form = desk.locator("#add-evidence form")
        form.locator("input[name=url]").fill(web.url("/canh-bao"))
        form.locator("input[name=title]").fill("Điện lực: cảnh báo tin nhắn giả danh")
        with desk.expect_navigation():
            form.locator("button[type=submit]").click()
        evidence = tip.evidence.get()
        capture = EvidenceSnapshot.objects.get(evidence=evidence)
        assert capture.state == "captured"
        box = desk.locator(f"[data-testid=snapshot-{evidence.pk}]")
        assert "Đã lưu lúc" in box.inner_text() and capture.sha256 in box.inner_text()
        box.locator("summary").click()
        assert "không nhắn tin yêu cầu khách hàng chuyển phí" in box.locator("pre").inner_text()
        shot(desk, "signals-snapshot")

        desk.goto(f"{live_server.url}/admin/desk/claims/{lookalike.pk}/")
        assert "Giả mạo “Trang Facebook Sở Y tế”?" in desk.locator("[data-testid=signals]").inner_text()
        assert "Mạo danh" in desk.locator("[data-testid=suggested-category]").inner_text()
        shot(desk, "signals-lookalike")
        desk.context.close()
    finally:
        web.close()
