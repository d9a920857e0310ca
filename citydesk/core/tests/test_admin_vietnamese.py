"""The admin in Vietnamese, seen in headless Chromium: no common English admin string is left on screen.

With CITYDESK_SCREENSHOTS=<folder> the test also saves a screenshot of each screen (docs/screenshots/).
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from citydesk.conftest import log_in
from citydesk.network import services as network
from citydesk.newsroom import services as newsroom

COMMON_ENGLISH = [
    "Dashboard", "Pages", "Images", "Documents", "Snippets", "Reports", "Settings", "Help", "Search",
    "Save draft", "Publish", "Unpublish", "Preview", "Delete", "Edit", "Cancel", "Status", "Content",
    "Promote", "Actions", "History", "Log out", "Account", "Upload", "Add child page", "Live", "Draft",
    "Workflow", "Comments", "Submit", "Approve", "Request changes", "Sort by", "Filter", "Choose",
    "Title", "Users", "Groups", "Sites", "Collections", "Redirects", "Locked pages", "Site history",
    "Aging pages", "Workflows", "Workflow tasks", "Comment", "Lock", "Revisions", "Privacy", "Usage",
]  # fmt: skip
WORD = {text: re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])") for text in COMMON_ENGLISH}


def english_left(text: str) -> list[str]:
    return [phrase for phrase, pattern in WORD.items() if pattern.search(text)]


def snap(page, name: str) -> None:
    folder = os.environ.get("CITYDESK_SCREENSHOTS")
    if folder:
        page.wait_for_timeout(700)  # let dialogs finish fading in (only when taking pictures)
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


@pytest.mark.browser
def test_admin_screens_are_in_vietnamese(live_server, browser, make_article, contributor_user, unit, topic):
    superuser = get_user_model().objects.create_superuser("quantri", "quantri@x.vn", "pw-quantri")
    article = make_article(title="Lịch tiêm chủng mở rộng tháng 12")
    newsroom.article_submit_for_review(article=article, user=contributor_user)
    assignment = network.assignment_create(
        requested_by=superuser,
        contributor=contributor_user.contributor_profile,
        title="Điểm tiêm vắc-xin sởi cuối tuần",
        brief="Danh sách điểm tiêm theo phường, giờ mở cửa, giấy tờ cần mang.",
        deadline=timezone.now() + timedelta(days=2),
        topic=topic,
    )
    network.assignment_accept(assignment=assignment, user=contributor_user)
    admin = log_in(browser, live_server.url, "quantri", "pw-quantri")

    screens = {
        "bang-dieu-khien": "/admin/",
        "trinh-bien-tap-trang": f"/admin/pages/{article.pk}/edit/",
        "danh-sach-muc-dung-chung": "/admin/snippets/",
        "don-vi": "/admin/snippets/core/unit/",
        "ban-kiem-chung": "/admin/desk/",
        "hinh-anh": "/admin/images/",
        "kenh-phat-hanh": "/admin/channels/",
        "quy-trinh-duyet": "/admin/workflows/list/",
        "dat-bai": "/admin/network/assignments/",
        "dat-bai-chi-tiet": f"/admin/network/assignments/{assignment.pk}/",
        "danh-ba-cong-tac-vien": "/admin/network/directory/",
        "loi-moi": "/admin/network/invitations/",
        "kiem-duyet-cong-dong": "/admin/community/",
        "ban-tin-tuan": "/admin/community/digest/",
    }
    found = {}
    for name, path in screens.items():
        admin.goto(live_server.url + path)
        assert admin.locator("html").get_attribute("lang") == "vi", path
        snap(admin, name)
        found[path] = english_left(admin.locator("body").inner_text())

    # The workflow dialog: approve with a comment, from the editor's action menu.
    admin.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    admin.locator("footer .w-dropdown__toggle").first.click()
    admin.locator("button[data-workflow-action-modal-url]").first.click()
    dialog = admin.locator(".modal:visible, [role=dialog]:visible").first
    dialog.wait_for(state="visible")
    snap(admin, "hop-thoai-duyet")
    found["workflow dialog"] = english_left(dialog.inner_text())
    admin.context.close()

    writer = log_in(browser, live_server.url, contributor_user.username, "pw-congtacvien")
    for name, path in {"viec-cua-toi": "/admin/network/", "de-xuat-de-tai": "/admin/network/pitches/"}.items():
        writer.goto(live_server.url + path)
        snap(writer, name)
        found[path] = english_left(writer.locator("body").inner_text())
    writer.context.close()

    assert {screen: words for screen, words in found.items() if words} == {}
