"""End to end in headless Chromium: an editor requests an article, the contributor accepts, writes and
submits it, the editor approves, and the public byline shows the contributor and unit."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from citydesk.conftest import log_in
from citydesk.network.models import Assignment

TITLE = "Lịch thu gom rác mới từ tháng 12"


@pytest.mark.browser
def test_assignment_from_request_to_published_byline(live_server, browser, topic, contributor_user, editor_user):
    editor = log_in(browser, live_server.url, editor_user.username, "pw-bientap")
    editor.goto(f"{live_server.url}/admin/network/assignments/new/")
    editor.fill("#id_title", TITLE)
    editor.fill("#id_brief", "Giờ thu gom theo phường, cách phân loại rác tại nguồn.")
    editor.select_option("#id_contributor", str(contributor_user.contributor_profile.pk))
    deadline = timezone.localtime() + timedelta(days=2)
    editor.fill("#id_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    editor.select_option("#id_topic", str(topic.pk))
    with editor.expect_navigation():
        editor.click("button[type=submit]:has-text('Gửi đặt bài')")
    assert editor.locator("#assignment-status").inner_text() == "Đã đặt bài"
    assignment = Assignment.objects.get(title=TITLE)

    writer = log_in(browser, live_server.url, contributor_user.username, "pw-congtacvien")
    writer.goto(f"{live_server.url}/admin/network/")
    writer.click(f"text={TITLE}")
    with writer.expect_navigation():
        writer.click("#accept-assignment")
    assert f"/admin/pages/{Assignment.objects.get(pk=assignment.pk).page_id}/edit/" in writer.url
    writer.wait_for_selector("#body-root button.c-sf-add-button")
    writer.fill("#id_lead", "Từ 1/12, xe thu gom chạy theo lịch mới ở 6 quận.")
    writer.locator("#body-root button.c-sf-add-button").first.click()
    writer.locator(".w-combobox__option:has-text('Đoạn văn')").first.click()
    paragraph = writer.locator("#body-root .public-DraftEditor-content").first
    paragraph.wait_for()
    paragraph.click()
    paragraph.press_sequentially("Người dân để rác trước 18 giờ; rác tái chế thu riêng vào thứ Bảy.")
    expect(paragraph).to_contain_text("rác tái chế thu riêng")
    # Draftail copies its content into the form's hidden input a moment after typing stops.
    writer.wait_for_function(
        """() => [...document.querySelectorAll('input[name^="body-"]')].some(i => i.value.includes('thu riêng'))"""
    )
    writer.locator("footer .w-dropdown__toggle").first.click()
    with writer.expect_navigation():
        writer.click("button[name=action-submit]")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED
    writer.goto(f"{live_server.url}/admin/network/assignments/{assignment.pk}/")
    assert writer.locator("#assignment-status").inner_text() == "Đã nộp bản nháp"
    writer.context.close()

    edit_url = f"{live_server.url}/admin/pages/{assignment.page_id}/edit/"
    for _step in ("Thẩm định chuyên môn", "Biên tập viên duyệt"):
        editor.goto(edit_url)
        editor.wait_for_selector("#body-root .public-DraftEditor-content")  # the form is whole before it is sent
        editor.locator("footer .w-dropdown__toggle").first.click()
        with editor.expect_navigation():
            editor.click("button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])")
        expect(editor.locator(".messages")).to_contain_text(TITLE)  # the step is recorded before the next
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DONE
    editor.goto(f"{live_server.url}/admin/network/assignments/{assignment.pk}/")
    assert editor.locator("#assignment-status").inner_text() == "Hoàn thành"
    assert "Biên tập viên duyệt" in editor.locator("#review-history").inner_text()
    editor.context.close()

    reader = browser.new_context().new_page()
    reader.goto(f"{live_server.url}/")
    reader.click(f"text={TITLE}")
    byline = reader.locator("p.byline").inner_text()
    assert "Congtacvien" in byline and "Trung tâm Kiểm soát bệnh tật" in byline
    assert "rác tái chế thu riêng" in reader.locator(".body").inner_text()
    reader.context.close()
