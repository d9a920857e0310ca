"""End to end in headless Chromium (Debian's, no download): contributor submits, editor approves, reader reads."""

import pytest

from citydesk.conftest import log_in


def open_footer_menu(page):
    page.locator("footer .w-dropdown__toggle").first.click()


@pytest.mark.browser
def test_contributor_submits_editor_approves_reader_sees_it(
    live_server, browser, make_article, contributor_user, editor_user
):
    article = make_article(title="Cảnh báo mưa lớn cuối tuần", lead="Bản nháp.")
    edit_url = f"{live_server.url}/admin/pages/{article.pk}/edit/"
    new_lead = "Mưa lớn từ tối thứ Sáu; người dân theo dõi tin chính thức."

    contributor = log_in(browser, live_server.url, contributor_user.username, "pw-congtacvien")
    contributor.goto(edit_url)
    assert contributor.locator("html").get_attribute("lang") == "vi"
    assert contributor.locator("button[name=action-publish]").count() == 0  # no way to publish
    contributor.fill("#id_lead", new_lead)
    open_footer_menu(contributor)
    with contributor.expect_navigation():
        contributor.click("button[name=action-submit]")
    assert "Cảnh báo mưa lớn cuối tuần" in contributor.locator(".messages").inner_text()
    contributor.context.close()
    article.refresh_from_db()
    assert article.current_workflow_state.current_task_state.task.name == "Thẩm định chuyên môn"

    editor = log_in(browser, live_server.url, editor_user.username, "pw-bientap")
    assert "Cảnh báo mưa lớn cuối tuần" in editor.content()  # dashboard: awaiting your review
    for step in ("Thẩm định chuyên môn", "Biên tập viên duyệt"):
        article.refresh_from_db()
        assert article.current_workflow_state.current_task_state.task.name == step
        editor.goto(edit_url)
        open_footer_menu(editor)
        with editor.expect_navigation():
            editor.click("button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])")
    editor.context.close()
    article.refresh_from_db()
    assert article.live

    reader = browser.new_context().new_page()
    reader.goto(f"{live_server.url}/")
    reader.click("text=Cảnh báo mưa lớn cuối tuần")
    assert reader.locator("h1").inner_text() == "Cảnh báo mưa lớn cuối tuần"
    assert reader.locator("p.lead").inner_text() == new_lead
    assert "Congtacvien" in reader.locator("p.byline").inner_text()
    reader.context.close()


@pytest.mark.django_db(transaction=True)
def test_live_server_serves_pages_and_assets_without_javascript(live_server, make_article):
    # Plain HTTP, no browser: the site must work on a cheap phone with JavaScript off.
    from urllib.request import urlopen

    article = make_article(title="Giờ tiếp dân mới", publish=True)
    with urlopen(f"{live_server.url}{article.url}") as response:
        html = response.read().decode()
    assert "<script src" not in html
    assert "Giờ tiếp dân mới" in html
    with urlopen(f"{live_server.url}/static/css/site.css") as response:
        assert response.status == 200
