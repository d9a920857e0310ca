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

from citydesk.channels import services as channels
from citydesk.channels.models import ChannelAccount
from citydesk.community import services as community
from citydesk.community.models import Member
from citydesk.conftest import log_in
from citydesk.core.processes import free_port
from citydesk.desk import services as desk
from citydesk.desk.models import Channel, Claim, HarmCategory
from citydesk.network import services as network
from citydesk.newsroom import services as newsroom

COMMON_ENGLISH = [
    "Dashboard", "Pages", "Images", "Documents", "Snippets", "Reports", "Settings", "Help", "Search",
    "Save draft", "Publish", "Unpublish", "Preview", "Delete", "Edit", "Cancel", "Status", "Content",
    "Promote", "Actions", "History", "Log out", "Account", "Upload", "Add child page", "Live", "Draft",
    "Workflow", "Comments", "Submit", "Approve", "Request changes", "Sort by", "Filter", "Choose",
    "Title", "Users", "Groups", "Sites", "Collections", "Redirects", "Locked pages", "Site history",
    "Aging pages", "Workflows", "Workflow tasks", "Comment", "Lock", "Revisions", "Privacy", "Usage",
    # Django's and humanize's time spans ("8 minutes trước", "53 seconds ago"), Wagtail's boolean cells,
    # the moderation signals' categories and texts, the outbox's own error texts.
    "ago", "minute", "minutes", "second", "seconds", "hour", "hours", "day", "days", "week", "weeks",
    "True", "False", "scam", "impersonation", "harassment", "false_information", "spam", "claim",
    "links", "advertising", "unreachable", "connection",
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


def _queue_with_signals(page) -> None:
    """A comment the checks flag (a scam claim's phone number, advertising phrases) waits for a moderator."""
    report = desk.report_receive(
        channel=Channel.WEB, text="Vay tiền nhanh qua số 0905 123 456", category=HarmCategory.SCAM
    )
    Claim.objects.filter(pk=report.claim_id).update(category=HarmCategory.SCAM, statement="Vay tiền 0905 123 456")
    member = Member.objects.create(email="ban.doc@example.vn", display_name="Hoa Sen")
    community.post_comment(member=member, page=page, text="Vay tiền nhanh lãi suất thấp, inbox ngay 0905 123 456")


def _failed_delivery(user, page, settings) -> None:
    """A Facebook post whose platform cannot be reached (nothing listens on the port)."""
    settings.CITYDESK_FACEBOOK_API_URL = f"http://127.0.0.1:{free_port()}"
    account = ChannelAccount(name="Trang Facebook thành phố", kind="facebook", target="1234", is_active=True)
    account.set_secrets(token="page-token")
    account.save()
    channels.publish(
        page=page, accounts=[account], actor=user, title=page.title, summary="Tóm tắt.", link="http://localhost/"
    )
    channels.deliver_due()


@pytest.mark.browser
def test_admin_screens_are_in_vietnamese(live_server, browser, make_article, contributor_user, unit, topic, settings):
    superuser = get_user_model().objects.create_superuser("quantri", "quantri@x.vn", "pw-quantri")
    get_user_model().objects.filter(pk=contributor_user.pk).update(first_name="Lan", last_name="Võ Thị")
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
    _queue_with_signals(article)
    _failed_delivery(superuser, topic, settings)
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
        "nguoi-dung": "/admin/users/",
        "tai-khoan-kenh": "/admin/snippets/channels/channelaccount/",
        "hop-thu-di": "/admin/channels/",
    }
    found, names = {}, {}
    for name, path in screens.items():
        admin.goto(live_server.url + path)
        assert admin.locator("html").get_attribute("lang") == "vi", path
        snap(admin, name)
        # Icons' titles (the boolean cells' "True"/"False") are read out by screen readers, not inner_text.
        titles = " ".join(admin.locator("main svg title").all_text_contents())
        found[path] = english_left(admin.locator("body").inner_text() + " " + titles)
        names[path] = admin.locator("main").text_content()

    # Vietnamese names are family name first, wherever Wagtail names a person.
    for path in ("/admin/users/",):
        assert "Võ Thị Lan" in names[path] and "Lan Võ Thị" not in names[path], " ".join(names[path].split())

    # The page editor's status panel: the workflow step's age (humanize's naturaltime).
    admin.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    admin.locator("[data-side-panel-toggle='status']").first.click()
    panel = admin.locator("[data-side-panel='status']")
    panel.wait_for(state="visible")
    assert "giây trước" in panel.inner_text() or "phút trước" in panel.inner_text()
    found["status panel"] = english_left(panel.inner_text())

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
