"""Notifications (e-mail each, daily digest, in the admin) and who sees what on the network's screens."""

import json
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from citydesk.network import notifications, services
from citydesk.network.models import Assignment, Notification

K = Notification.Kind


def local(day_offset: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def test_each_notification_is_emailed_once_in_vietnamese(make_assignment, contributor_user):
    make_assignment(title="Lịch tiêm chủng tháng 12")
    assert notifications.send_emails() == 1
    assert notifications.send_emails() == 0  # never twice
    message = mail.outbox[0]
    assert message.to == [contributor_user.email]
    assert "Đặt bài mới “Lịch tiêm chủng tháng 12”" in message.subject
    assert "/admin/network/assignments/" in message.body


def test_a_worker_that_fails_to_send_leaves_the_row_for_the_next_sweep(make_assignment, settings):
    make_assignment()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    assert notifications.send_emails() == 0
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications.send_emails() == 1


def test_digest_contributors_get_one_email_a_day(make_assignment, contributor_user, settings):
    settings.CITYDESK_DIGEST_HOUR = 7
    profile = contributor_user.contributor_profile
    profile.email_digest = True
    profile.save()
    first = make_assignment(title="Bài một")
    make_assignment(title="Bài hai")
    assert notifications.send_emails() == 0  # they chose the digest
    assert notifications.send_digests(now=local(1, 6)) == 0  # before the hour
    assert notifications.send_digests(now=local(1, 7)) == 1
    digest = mail.outbox[-1]
    assert "2 thông báo" in digest.subject
    assert "Bài một" in digest.body and "Bài hai" in digest.body
    services.remind(now=first.deadline - timedelta(hours=2))  # a new notification the same day
    assert notifications.send_digests(now=local(1, 20)) == 0  # it waits for tomorrow's
    assert notifications.send_digests(now=local(2, 7)) == 1
    assert len(mail.outbox) == 2


def test_notification_center_shows_unread_and_marks_read(client, make_assignment, contributor_user):
    assignment = make_assignment(title="Giờ mở cửa bảo tàng dịp Tết")
    client.force_login(contributor_user)
    home = client.get("/admin/network/").content.decode()
    assert "Mới cho bạn" in home and "Giờ mở cửa bảo tàng dịp Tết" in home
    assert json.dumps("Thông báo (1)") in client.get("/admin/").content.decode()  # the menu is JSON
    note = Notification.objects.get(recipient=contributor_user)
    opened = client.get(f"/admin/network/notifications/{note.pk}/")
    assert opened["Location"] == f"/admin/network/assignments/{assignment.pk}/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert "Mới cho bạn" not in client.get("/admin/network/").content.decode()


def test_nobody_opens_someone_elses_notification(client, make_assignment, other_contributor, contributor_user):
    make_assignment()
    note = Notification.objects.get(recipient=contributor_user)
    client.force_login(other_contributor)
    assert client.get(f"/admin/network/notifications/{note.pk}/").status_code == 404


def test_contributors_see_only_their_own_assignments(client, make_assignment, contributor_user, other_contributor):
    mine = make_assignment(title="Bài của tôi")
    theirs = make_assignment(title="Bài của người khác", contributor=other_contributor)
    client.force_login(contributor_user)
    listing = client.get("/admin/network/assignments/").content.decode()
    assert "Bài của tôi" in listing and "Bài của người khác" not in listing
    assert client.get(f"/admin/network/assignments/{mine.pk}/").status_code == 200
    assert client.get(f"/admin/network/assignments/{theirs.pk}/").status_code == 404
    assert client.post(f"/admin/network/assignments/{theirs.pk}/accept/").status_code == 404
    for screen in ("assignments/new/", "directory/", "invitations/"):
        refused = client.get(f"/admin/network/{screen}")  # Wagtail turns "forbidden" into a redirect home
        assert refused.status_code == 302 and refused["Location"] == "/admin/"


def test_contributors_cannot_open_each_others_drafts(client, make_assignment, contributor_user, other_contributor):
    assignment = make_assignment(contributor=other_contributor)
    services.assignment_accept(assignment=assignment, user=other_contributor)
    assignment.refresh_from_db()
    client.force_login(contributor_user)
    response = client.get(f"/admin/pages/{assignment.page_id}/edit/")
    assert response.status_code in (302, 403)  # Wagtail: only the owner (or editors) may edit a draft
    home = client.get("/admin/network/").content.decode()
    assert assignment.title not in home


def test_editor_requests_an_article_through_the_form(client, editor_user, contributor_user, topic):
    client.force_login(editor_user)
    form = client.get(f"/admin/network/assignments/new/?contributor={contributor_user.contributor_profile.pk}")
    assert form.status_code == 200 and "Đặt bài" in form.content.decode()
    deadline = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "title": "Hướng dẫn đăng ký thường trú trực tuyến",
        "brief": "Các bước trên Cổng dịch vụ công, giấy tờ cần chuẩn bị.",
        "contributor": contributor_user.contributor_profile.pk,
        "deadline": deadline,
        "topic": topic.pk,
    }
    response = client.post("/admin/network/assignments/new/", data)
    assignment = Assignment.objects.get()
    assert response["Location"] == f"/admin/network/assignments/{assignment.pk}/"
    past = dict(data, deadline="2020-01-01T08:00")
    refused = client.post("/admin/network/assignments/new/", past).content.decode()
    assert "Hạn nộp phải ở trong tương lai" in refused
    no_claim = client.post("/admin/network/assignments/new/", dict(data, claim=999)).content.decode()
    assert "Không có nhận định số 999" in no_claim
    assert Assignment.objects.count() == 1


def test_overdue_assignments_are_highlighted(client, make_assignment, editor_user, now):
    assignment = make_assignment(deadline=now + timedelta(hours=1))
    services.remind(now=now + timedelta(hours=2))
    client.force_login(editor_user)
    html = client.get("/admin/network/assignments/").content.decode()
    assert 'class="network-overdue"' in html and "Quá hạn" in html
    detail = client.get(f"/admin/network/assignments/{assignment.pk}/").content.decode()
    assert "(quá hạn)" in detail


def test_decline_without_reason_shows_a_form_error(client, make_assignment, contributor_user):
    assignment = make_assignment()
    client.force_login(contributor_user)
    response = client.post(f"/admin/network/assignments/{assignment.pk}/decline/", {"reason": ""})
    assert response.status_code == 200 and "Trường này là bắt buộc" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.REQUESTED


def test_contributor_pitches_over_http_and_sees_the_decision(client, contributor_user, editor_user, topic):
    client.force_login(contributor_user)
    expected = (timezone.localdate() + timedelta(days=3)).isoformat()
    client.post(
        "/admin/network/pitches/",
        {"title": "Chợ đêm Sơn Trà mở lại", "angle": "Giờ mở, chỗ gửi xe", "sources": "", "expected_date": expected},
    )
    pitch = contributor_user.contributor_profile.pitches.get()
    assert client.post(f"/admin/network/pitches/{pitch.pk}/accept/", {"topic": topic.pk}).status_code == 302
    pitch.refresh_from_db()
    assert pitch.status == "proposed"  # the contributor's click changed nothing
    client.force_login(editor_user)
    response = client.post(f"/admin/network/pitches/{pitch.pk}/accept/", {"topic": topic.pk})
    assignment = Assignment.objects.get(pitch=pitch)
    assert response["Location"] == f"/admin/network/assignments/{assignment.pk}/"
    client.force_login(contributor_user)
    assert "Chợ đêm Sơn Trà mở lại" in client.get("/admin/network/").content.decode()  # now a draft of theirs


@pytest.mark.django_db
def test_scheduler_commands_run(make_assignment, now):
    make_assignment(deadline=now + timedelta(hours=2))
    call_command("remind_assignments", verbosity=0)
    call_command("send_notifications", verbosity=0)
    assert Notification.objects.filter(kind=K.DEADLINE_SOON).count() == 1
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_contributor_chooses_the_daily_digest_and_availability(client, contributor_user):
    client.force_login(contributor_user)
    response = client.post(
        "/admin/network/profile/",
        {
            "availability": "limited",
            "availability_note": "Chỉ nhận bài cuối tuần",
            "languages": "Tiếng Việt",
            "email_digest": "on",
        },
    )
    assert response.status_code == 302
    profile = contributor_user.contributor_profile
    profile.refresh_from_db()
    assert profile.email_digest and profile.availability == "limited"
    bad = client.post("/admin/network/profile/", {"availability": "on-holiday"})
    assert bad.status_code == 200 and "Hãy chọn một lựa chọn hợp lệ" in bad.content.decode()


def test_desk_lead_requests_an_explainer_from_the_claim_screen(client, lead, claim):
    client.force_login(lead)
    html = client.get(f"/admin/desk/claims/{claim.pk}/").content.decode()
    assert f"/admin/network/assignments/new/?claim={claim.pk}" in html
    form = client.get(f"/admin/network/assignments/new/?claim={claim.pk}").content.decode()
    assert f'value="{claim.pk}"' in form


def test_my_published_pieces_lists_only_articles_bylined_to_me(
    client, topic, unit, contributor_user, other_contributor
):
    from citydesk.newsroom import services as newsroom

    def publish(title, byline, owner):
        article = newsroom.article_create(
            topic=topic, title=title, lead="Tóm tắt.", paragraphs=["Nội dung."], unit=unit,
            contributors=[byline.contributor_profile], owner=owner,
        )  # fmt: skip
        newsroom.article_publish(article=article, user=None)

    publish("Bài tôi viết", contributor_user, contributor_user)
    # Created by me for a colleague (I own the page), bylined to them only: their work, not mine.
    publish("Bài tôi nhập hộ đồng nghiệp", other_contributor, contributor_user)
    client.force_login(contributor_user)
    section = client.get("/admin/network/").content.decode().split('id="h-published"')[1]
    assert "Bài tôi viết" in section
    assert "Bài tôi nhập hộ đồng nghiệp" not in section
    client.force_login(other_contributor)
    section = client.get("/admin/network/").content.decode().split('id="h-published"')[1]
    assert "Bài tôi nhập hộ đồng nghiệp" in section and "Bài tôi viết" not in section


def test_changes_requested_reads_as_such_in_history_and_review_steps(
    client, make_assignment, contributor_user, expert_user
):
    from citydesk.newsroom import services as newsroom

    assignment = make_assignment()
    services.assignment_accept(assignment=assignment, user=contributor_user)
    assignment.refresh_from_db()
    page = assignment.page
    page.lead = "Diệt lăng quăng mỗi tuần."
    page.save_revision(user=contributor_user)
    newsroom.article_submit_for_review(article=page, user=contributor_user)
    page.refresh_from_db()
    newsroom.article_review(article=page, user=expert_user, approve=False, comment="Thêm nguồn Bộ Y tế")
    client.force_login(contributor_user)
    html = client.get(f"/admin/network/assignments/{assignment.pk}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    steps = html.split('id="review-history"')[1].split("</ul>")[0]
    history = html.split("Lịch sử")[-1]
    assert "Thẩm định chuyên môn: Cần sửa" in steps
    assert "Bị từ chối" not in html
    assert history.count("Đã nhận") == 1  # the contributor's own acceptance, not the review's send-back
    assert "Cần sửa (chuyengia): Thêm nguồn Bộ Y tế" in history
    assert 'id="assignment-status">Cần sửa<' in html
