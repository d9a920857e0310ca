"""End to end in headless Chromium: a report becomes a claim, gets evidence and a verdict, a lead approves."""

import json

import pytest

from citydesk.conftest import log_in
from citydesk.desk.models import Claim, ClaimStatus


@pytest.mark.browser
def test_verifier_to_lead_to_public_clarification(live_server, browser, verifier, lead):
    base = live_server.url
    desk = log_in(browser, base, verifier.username, "pw-kiemchung")
    desk.click("text=Bàn kiểm chứng")
    desk.click("text=Nhập tin báo")
    desk.fill("textarea[name=text]", "Tin nhắn: điện lực cắt điện toàn quận trong 3 ngày, nộp phí để được ưu tiên")
    desk.fill("input[name=url]", "https://example.net/tin-nhan/cat-dien")
    desk.select_option("select[name=category]", "scam")
    with desk.expect_navigation():
        desk.click("button:has-text('Lưu tin báo')")
    claim = Claim.objects.get()
    assert desk.url.endswith(f"/admin/desk/claims/{claim.pk}/")
    assert desk.locator("[data-testid=status]").inner_text() == "Mới"

    desk.click("#add-evidence summary")
    form = desk.locator("#add-evidence form")
    form.locator("input[name=url]").fill("https://example.org/dien-luc/thong-bao")
    form.locator("input[name=title]").fill("Điện lực thành phố: lịch cắt điện tuần này")
    form.locator("textarea[name=quote]").fill("Không có kế hoạch cắt điện diện rộng; điện lực không thu phí ưu tiên.")
    with desk.expect_navigation():
        form.locator("button[type=submit]").click()
    assert desk.locator("[data-testid=status]").inner_text() == "Đang kiểm chứng"

    desk.click("#propose-verdict summary")
    form = desk.locator("#propose-verdict form")
    form.locator("input[name=rating][value=false]").check()
    form.locator("input[name=summary]").fill("Không có lịch cắt điện 3 ngày; đây là tin nhắn lừa đảo thu phí.")
    form.locator("textarea[name=explanation]").fill(
        "Điện lực không thu phí ưu tiên cấp điện. Hãy gọi tổng đài chính thức."
    )
    with desk.expect_navigation():
        form.locator("button[type=submit]").click()
    assert desk.locator("[data-testid=status]").inner_text() == "Chờ duyệt"
    assert desk.locator("#approve-verdict").count() == 0  # a verifier cannot approve
    desk.context.close()

    approver = log_in(browser, base, lead.username, "pw-truongnhom")
    approver.goto(f"{base}/admin/desk/claims/{claim.pk}/")
    with approver.expect_navigation():
        approver.click("#approve-verdict")
    assert approver.locator("[data-testid=status]").inner_text() == "Đã công bố"
    approver.context.close()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED

    reader = browser.new_context().new_page()
    reader.goto(f"{base}/kiem-chung/")
    reader.click("text=Tin nhắn: điện lực cắt điện toàn quận")
    assert "Kết luận: Sai" in reader.locator(".verdict").inner_text()
    assert "Điện lực thành phố: lịch cắt điện tuần này" in reader.content()
    review = json.loads(reader.locator('script[type="application/ld+json"]').text_content())
    assert review["@type"] == "ClaimReview"
    assert review["reviewRating"]["alternateName"] == "Sai"
    assert review["itemReviewed"]["appearance"][0]["url"] == "https://example.net/tin-nhan/cat-dien"
    reader.context.close()


@pytest.mark.browser
def test_inbox_filters_and_table_fit_a_desktop_and_a_phone(live_server, browser, verifier, claim):
    from citydesk.core.models import Unit

    Unit.objects.create(name="Ban Chỉ huy Phòng chống thiên tai và Tìm kiếm cứu nạn thành phố", short_name="PCTT")
    desk = log_in(browser, live_server.url, verifier.username, "pw-kiemchung")
    for width in (1280, 390):
        desk.set_viewport_size({"width": width, "height": 900})
        desk.goto(f"{live_server.url}/admin/desk/")
        boxes = [desk.locator(f".desk-grid [name={name}]").bounding_box() for name in ("unit", "seen_from")]
        unit, date = boxes
        overlap = unit["x"] < date["x"] + date["width"] and date["x"] < unit["x"] + unit["width"]
        overlap = overlap and unit["y"] < date["y"] + date["height"] and date["y"] < unit["y"] + unit["height"]
        assert not overlap, width
        page_width = desk.evaluate("document.documentElement.clientWidth")
        assert unit["x"] + unit["width"] <= page_width, width
        # The page never scrolls sideways; the table scrolls inside its own box, so its last column is reachable.
        assert desk.evaluate("document.documentElement.scrollWidth") <= page_width, width
        scroller = desk.locator(".desk-table-scroll")
        assert scroller.evaluate("box => box.scrollWidth >= box.querySelector('table').offsetWidth")
        scroller.evaluate("box => { box.scrollLeft = box.scrollWidth }")
        last = desk.locator(".desk-inbox th").last.bounding_box()
        assert last["x"] + last["width"] <= page_width + 1, width
