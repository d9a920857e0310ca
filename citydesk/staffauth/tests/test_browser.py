"""In Chromium: the admin and the public site raise no CSP violation under their policies, and a
superuser goes through the second step set-up like a person (conftest.log_in)."""

import pytest

from citydesk.conftest import log_in, make_user
from citydesk.core import roles


def watch(page, violations: list[str]) -> None:
    def seen(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text[:160]}")

    page.on("console", seen)


@pytest.mark.browser
@pytest.mark.real_second_factor
def test_admin_and_public_screens_raise_no_csp_violation(live_server, browser, make_article):
    article = make_article(title="Lịch tiêm chủng tháng Mười hai", publish=True)
    admin = make_user("quantri", roles.DESK_LEAD)
    admin.is_superuser = True
    admin.save()
    page = log_in(browser, live_server.url, "quantri", "pw-quantri")  # sets up the app on the way
    violations: list[str] = []
    watch(page, violations)
    screens = [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{article.get_parent().pk}/",
        "/admin/images/",
        "/admin/users/",
        "/admin/users/new/",
        f"/admin/users/edit/{admin.pk}/",
        "/admin/api-keys/",
        "/admin/desk/trending/",
        "/admin/account/",
        "/admin/desk/",
        "/admin/network/",
        "/admin/community/",
        "/admin/channels/",
        "/admin/scorecards/",
        "/admin/2fa/",
        f"/admin/pages/{article.pk}/edit/",
    ]
    for screen in screens:
        page.goto(f"{live_server.url}{screen}")
        page.wait_for_load_state("networkidle")
    page.wait_for_selector("[data-side-panel-toggle]")  # the editor's scripts ran and drew its panels
    public = browser.new_page()
    watch(public, violations)
    for path in ("/", article.url, "/hoi-dap-kiem-chung/"):
        public.goto(f"{live_server.url}{path}")
        public.wait_for_load_state("networkidle")
    assert violations == []
