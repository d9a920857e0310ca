"""Accessibility in headless Chromium with axe-core (axe-playwright-python ships axe.min.js: nothing is
fetched at test time): every public page type, the tip form's error state, the community forms and
citydesk's own admin screens have no serious or critical violation of WCAG 2.1 A/AA; the focus ring
stands out at least 3:1 (WCAG 2.2, 2.4.13/1.4.11)."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import timezone

from citydesk.community import services as community
from citydesk.community.models import Member
from citydesk.conftest import log_in, make_user
from citydesk.core import roles
from citydesk.desk import services as desk
from citydesk.desk.tests.conftest import claim, evidenced_claim, proposed_claim  # noqa: F401
from citydesk.network import services as network
from citydesk.network.models import Assignment

pytestmark = pytest.mark.browser
AXE = Axe()
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page) -> list[str]:
    """Serious and critical axe violations of the page as it is now, one readable line each."""
    found = AXE.run(page, options=RULES).response["violations"]
    return [
        f"{page.url} {v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rgb(css: str) -> tuple[int, int, int]:
    return tuple(int(part) for part in re.findall(r"\d+", css)[:3])


@pytest.fixture
def published_clarification(proposed_claim, lead):  # noqa: F811
    return desk.verdict_approve(claim=proposed_claim, approver=lead)


def test_public_pages_tip_form_and_community_forms_have_no_serious_violations(
    live_server, browser, make_article, contributor_user, published_clarification
):
    article = make_article(title="Phòng chống sốt xuất huyết", publish=True)
    section = published_clarification.get_parent()
    profile = contributor_user.contributor_profile
    page = browser.new_context(locale="vi-VN").new_page()
    problems = []
    public = [
        "/",
        article.topic.url,
        article.url,
        section.url,
        f"{section.url}phuong-phap/",
        published_clarification.url,
        "/tim-kiem/?q=sot+xuat+huyet",
        "/tim-kiem/?q=",
        f"/tac-gia/{profile.pk}/",
        "/hoi-dap-kiem-chung/",
        "/tai-khoan-chinh-thuc/",
        "/cong-dong/",
        "/cong-dong/dang-nhap/",
        "/khong-co-trang-nay/",
        "/en/",
        f"/en{article.url}",
    ]
    for path in public:
        page.goto(live_server.url + path)
        problems += violations(page)

    # The tip form's error state: sent empty.
    page.goto(f"{live_server.url}/hoi-dap-kiem-chung/")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator(".errors").count() >= 1
    problems += violations(page)

    # The focus ring against the page around it (white, and the header's soft background).
    page.goto(f"{live_server.url}/")
    page.focus("#site-search")
    ring = rgb(page.eval_on_selector("#site-search", "e => getComputedStyle(e).outlineColor"))
    assert contrast(ring, (255, 255, 255)) >= 3
    assert contrast(ring, rgb(page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor"))) >= 3

    # The community forms: sign-in (and its error state), a member's account, the story form and its
    # error state, the comment form under an article.
    page.goto(f"{live_server.url}/cong-dong/dang-nhap/")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    problems += violations(page)
    page.fill("#id_email", "ban.doc@example.vn")
    page.fill("#id_display_name", "Hải Âu")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    problems += violations(page)
    link = re.search(r"/cong-dong/vao/[^\s]+/", mail.outbox[-1].body).group()
    page.goto(live_server.url + link)
    problems += violations(page)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    for path in ("/cong-dong/tai-khoan/", "/cong-dong/gui-bai/", article.url):
        page.goto(live_server.url + path)
        problems += violations(page)
    page.goto(f"{live_server.url}/cong-dong/gui-bai/")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator(".errors").count() >= 1
    problems += violations(page)
    page.context.close()
    assert problems == []


def test_citydesks_own_admin_screens_have_no_serious_violations(
    live_server, browser, published_clarification, contributor_user, topic
):
    admin = make_user("quantri", roles.DESK_LEAD)
    admin.is_superuser = True
    admin.save()
    # An overdue assignment: its highlighted row must keep its link readable.
    overdue = network.assignment_create(
        requested_by=admin,
        contributor=contributor_user.contributor_profile,
        title="Lịch tiêm chủng tháng tới",
        brief="Các trạm y tế, giờ tiêm, giấy tờ cần mang.",
        deadline=timezone.now() + timedelta(days=1),
        topic=topic,
    )
    Assignment.objects.filter(pk=overdue.pk).update(status=Assignment.Status.OVERDUE)
    # A comment waiting in the moderation queue, so that its decision form is on screen.
    member = Member.objects.create(email="ban.doc@example.vn", display_name="Hải Âu")
    community.post_comment(member=member, page=published_clarification, text="Cảm ơn, nhà tôi cũng nghe tin này.")
    page = log_in(browser, live_server.url, "quantri", "pw-quantri")
    claim_pk = published_clarification.claim_id
    screens = [
        "/admin/",
        "/admin/desk/",
        f"/admin/desk/claims/{claim_pk}/",
        "/admin/desk/reports/new/",
        "/admin/desk/trending/",
        "/admin/network/",
        "/admin/network/assignments/",
        "/admin/network/assignments/new/",
        "/admin/network/directory/",
        "/admin/network/pitches/",
        "/admin/network/invitations/",
        "/admin/channels/",
        "/admin/channels/calendar/",
        "/admin/scorecards/",
        "/admin/community/",
        "/admin/community/digest/",
        "/admin/network/notifications/",
        "/admin/2fa/",
    ]
    problems = []
    for path in screens:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        problems += violations(page)
    page.context.close()
    assert problems == []
