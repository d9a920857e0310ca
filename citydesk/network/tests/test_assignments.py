"""Assignments: each state change allowed or refused, review through Wagtail's workflow, reminders."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import Comment

from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.core.models import ContributorProfile
from citydesk.network import services
from citydesk.network.models import Assignment, Notification
from citydesk.newsroom import services as newsroom

S = Assignment.Status
K = Notification.Kind


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def test_editor_request_notifies_every_author(make_assignment, contributor_user, coauthor_user, editor_user):
    assignment = make_assignment(co_authors=[coauthor_user])
    assert assignment.status == S.REQUESTED
    assert kinds(contributor_user) == [K.NEW_ASSIGNMENT]
    assert kinds(coauthor_user) == [K.NEW_ASSIGNMENT]
    assert kinds(editor_user) == []  # never told about one's own action
    assert [event.to_status for event in assignment.events.all()] == [S.REQUESTED]


def test_contributor_cannot_request_articles(contributor_user, topic, now):
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            requested_by=contributor_user,
            contributor=contributor_user.contributor_profile,
            title="Bài tự giao",
            brief="...",
            deadline=now + timedelta(days=1),
            topic=topic,
        )
    assert not Assignment.objects.exists()


def test_desk_lead_requests_an_explainer_for_a_claim(lead, claim, contributor_user, topic, now):
    assignment = services.assignment_create(
        requested_by=lead,
        contributor=contributor_user.contributor_profile,
        title="Nước chanh không chữa sốt xuất huyết",
        brief="Bài giải thích cho tin đồn đang lan truyền.",
        deadline=now + timedelta(days=2),
        topic=topic,
        claim=claim,
    )
    assert assignment.claim == claim
    assert list(claim.assignments.all()) == [assignment]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"deadline_offset": timedelta(hours=-1)}, "tương lai"),
        ({"inactive": True}, "ngừng hoạt động"),
        ({"no_account": True}, "chưa có tài khoản"),
    ],
)
def test_request_refused_for_past_deadline_or_people_who_cannot_work(
    editor_user, contributor_user, topic, now, change, message
):
    profile = contributor_user.contributor_profile
    if change.get("inactive"):
        profile.is_active = False
        profile.save()
    if change.get("no_account"):
        profile = ContributorProfile.objects.create(name="Chưa mời", unit=profile.unit)
    with pytest.raises(ValidationError) as error:
        services.assignment_create(
            requested_by=editor_user,
            contributor=profile,
            title="Bài",
            brief="Nội dung",
            deadline=now + change.get("deadline_offset", timedelta(days=1)),
            topic=topic,
            now=now,
        )
    assert message in " ".join(error.value.messages)
    assert not Assignment.objects.exists()


def test_accept_creates_the_draft_credited_to_all_authors(
    make_assignment, contributor_user, coauthor_user, editor_user, topic
):
    assignment = make_assignment(co_authors=[coauthor_user])
    services.assignment_accept(assignment=assignment, user=contributor_user)
    assignment.refresh_from_db()
    page = assignment.page
    assert assignment.status == S.ACCEPTED and assignment.accepted_at
    assert not page.live and page.get_parent().pk == topic.pk
    assert page.owner == contributor_user  # Wagtail lets contributors edit only pages they own
    assert page.unit == contributor_user.contributor_profile.unit
    assert [author.name for author in page.contributors()] == ["Congtacvien", "Bacsi"]
    assert kinds(editor_user) == [K.ACCEPTED]


def test_only_the_requested_contributor_accepts(make_assignment, coauthor_user, other_contributor, editor_user):
    assignment = make_assignment(co_authors=[coauthor_user])
    for user in (coauthor_user, other_contributor, editor_user):
        with pytest.raises(PermissionDenied):
            services.assignment_accept(assignment=assignment, user=user)
    assignment.refresh_from_db()
    assert assignment.status == S.REQUESTED and assignment.page is None


def test_decline_needs_a_reason_and_closes_the_assignment(make_assignment, contributor_user, editor_user):
    assignment = make_assignment()
    with pytest.raises(ValidationError):
        services.assignment_decline(assignment=assignment, user=contributor_user, reason="  ")
    services.assignment_decline(assignment=assignment, user=contributor_user, reason="Đang đi công tác")
    assignment.refresh_from_db()
    assert assignment.status == S.DECLINED and assignment.decline_reason == "Đang đi công tác"
    assert kinds(editor_user) == [K.DECLINED]
    with pytest.raises(ValidationError, match="không thể"):
        services.assignment_accept(assignment=assignment, user=contributor_user)


def test_another_contributor_cannot_decline(make_assignment, other_contributor):
    with pytest.raises(PermissionDenied):
        services.assignment_decline(assignment=make_assignment(), user=other_contributor, reason="Không")


@pytest.mark.parametrize("start", list(S.values))
@pytest.mark.parametrize("end", list(S.values))
def test_transition_table_is_enforced(make_assignment, editor_user, start, end):
    assignment = make_assignment()
    Assignment.objects.filter(pk=assignment.pk).update(status=start)
    assignment.refresh_from_db()
    if end in services.ALLOWED_TRANSITIONS[start]:
        services._move(assignment, end, actor=editor_user)
        assert assignment.status == end
        assert assignment.events.last().from_status == start
    else:
        with pytest.raises(ValidationError):
            services._move(assignment, end, actor=editor_user)
        assert assignment.events.count() == 1  # only the creation


def test_done_and_declined_are_final():
    assert services.ALLOWED_TRANSITIONS[S.DONE] == set()
    assert services.ALLOWED_TRANSITIONS[S.DECLINED] == set()


def test_review_round_trip_moves_the_assignment(make_assignment, contributor_user, expert_user, editor_user, now):
    assignment = make_assignment()
    services.assignment_accept(assignment=assignment, user=contributor_user)
    assignment.refresh_from_db()
    page = assignment.page
    page.lead = "Diệt lăng quăng mỗi tuần."
    page.save_revision(user=contributor_user)

    newsroom.article_submit_for_review(article=page, user=contributor_user)
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED
    first = assignment.first_submitted_at
    assert first is not None
    assert kinds(editor_user)[-1] == K.SUBMITTED

    page.refresh_from_db()
    newsroom.article_review(article=page, user=expert_user, approve=False, comment="Thêm nguồn Bộ Y tế")
    assignment.refresh_from_db()
    assert assignment.status == S.ACCEPTED
    changes = Notification.objects.get(recipient=contributor_user, kind=K.CHANGES_REQUESTED)
    assert changes.detail == "Thêm nguồn Bộ Y tế"

    # "Resubmit" in the editor resumes the workflow (Wagtail sends no new workflow_submitted).
    page.refresh_from_db()
    page.current_workflow_state.resume(user=contributor_user)
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED
    assert assignment.first_submitted_at == first  # "on time" is decided by the first submission

    for reviewer in (expert_user, editor_user):
        page.refresh_from_db()
        newsroom.article_review(article=page, user=reviewer, approve=True)
    assignment.refresh_from_db()
    page.refresh_from_db()
    assert page.live
    assert assignment.status == S.DONE and assignment.done_at
    # Wagtail publishes inside the last approval, before it announces the approval: order varies.
    assert sorted(kinds(contributor_user)[-3:]) == sorted([K.APPROVED, K.APPROVED, K.PUBLISHED])
    steps = Notification.objects.filter(recipient=contributor_user, kind=K.APPROVED).values_list("detail", flat=True)
    assert sorted(steps) == ["Biên tập viên duyệt", "Thẩm định chuyên môn"]
    history = [event.to_status for event in assignment.events.all()]
    assert history == [S.REQUESTED, S.ACCEPTED, S.SUBMITTED, S.ACCEPTED, S.SUBMITTED, S.DONE]


def test_review_comment_notifies_the_authors_not_the_commenter(make_assignment, contributor_user, editor_user):
    assignment = make_assignment()
    services.assignment_accept(assignment=assignment, user=contributor_user)
    assignment.refresh_from_db()
    Comment.objects.create(
        page=assignment.page,
        user=editor_user,
        text="Đoạn mở đầu cần số liệu năm nay.",
        contentpath="lead",
        revision_created=assignment.page.latest_revision,
    )
    comment = Notification.objects.get(recipient=contributor_user, kind=K.COMMENT)
    assert comment.detail == "Đoạn mở đầu cần số liệu năm nay."
    assert not Notification.objects.filter(recipient=editor_user, kind=K.COMMENT).exists()


def test_reminders_travel_through_time(make_assignment, contributor_user, editor_user, now):
    assignment = make_assignment(deadline=now + timedelta(hours=30))
    assert services.remind(now=now + timedelta(hours=5)) == {"soon": 0, "overdue": 0, "still_overdue": 0}
    assert services.remind(now=now + timedelta(hours=7)) == {"soon": 1, "overdue": 0, "still_overdue": 0}
    assert services.remind(now=now + timedelta(hours=8))["soon"] == 0  # once
    assert kinds(contributor_user) == [K.NEW_ASSIGNMENT, K.DEADLINE_SOON]

    assert services.remind(now=now + timedelta(hours=31))["overdue"] == 1
    assignment.refresh_from_db()
    assert assignment.status == S.OVERDUE
    assert kinds(editor_user) == [K.OVERDUE]  # the requester hears it too
    assert services.remind(now=now + timedelta(hours=40)) == {"soon": 0, "overdue": 0, "still_overdue": 0}
    assert services.remind(now=now + timedelta(hours=56))["still_overdue"] == 1  # a day later, again
    assert kinds(contributor_user).count(K.OVERDUE) == 2
    assert assignment.events.last().actor is None  # marked by the scheduler


def test_overdue_request_needs_a_new_deadline_before_acceptance(make_assignment, contributor_user, editor_user, now):
    assignment = make_assignment(deadline=now + timedelta(hours=1))
    services.remind(now=now + timedelta(hours=2))
    with pytest.raises(ValidationError, match="hạn mới"):
        services.assignment_accept(assignment=assignment, user=contributor_user, now=now + timedelta(hours=2))
    with pytest.raises(PermissionDenied):
        services.assignment_set_deadline(
            assignment=assignment, user=contributor_user, deadline=now + timedelta(days=2), now=now
        )
    services.assignment_set_deadline(
        assignment=assignment, user=editor_user, deadline=now + timedelta(days=2), now=now + timedelta(hours=2)
    )
    assignment.refresh_from_db()
    assert assignment.status == S.REQUESTED and assignment.reminded_at is None
    assert kinds(contributor_user)[-1] == K.DEADLINE_CHANGED
    services.assignment_accept(assignment=assignment, user=contributor_user, now=now + timedelta(hours=3))


def test_late_draft_is_still_accepted_and_marked_late(editor_user, contributor_user, topic, now):
    # Requested three hours ago with a deadline an hour ago; the draft goes in now (Wagtail's clock).
    assignment = services.assignment_create(
        requested_by=editor_user,
        contributor=contributor_user.contributor_profile,
        title="Lịch cắt điện cuối tuần",
        brief="Tổng hợp lịch cắt điện.",
        deadline=now - timedelta(hours=1),
        topic=topic,
        now=now - timedelta(hours=3),
    )
    services.assignment_accept(assignment=assignment, user=contributor_user, now=now - timedelta(hours=2))
    services.remind(now=now)
    assignment.refresh_from_db()
    assert assignment.status == S.OVERDUE
    page = assignment.page
    page.lead = "Muộn nhưng có."
    page.save_revision(user=contributor_user)
    newsroom.article_submit_for_review(article=page, user=contributor_user)
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED
    assert assignment.first_submitted_at > assignment.deadline
    assert assignment.events.last().note == "Nộp muộn"


def test_deactivating_a_contributor_closes_their_open_work_and_keeps_bylines(
    make_assignment, make_article, contributor_user, other_contributor, editor_user
):
    published = make_article(title="Bài đã đăng", publish=True)
    assignment = make_assignment()
    services.contributor_set_active(profile=contributor_user.contributor_profile, user=editor_user, active=False)
    contributor_user.refresh_from_db()
    assignment.refresh_from_db()
    assert not contributor_user.is_active
    assert assignment.status == S.DECLINED
    assert [person.name for person in published.contributors()] == ["Congtacvien"]
    with pytest.raises(PermissionDenied):  # contributors cannot switch each other off
        services.contributor_set_active(
            profile=contributor_user.contributor_profile, user=other_contributor, active=True
        )


def test_unit_admin_deactivates_its_units_contributor_with_open_work(client, unit, make_assignment, contributor_user):
    admin = make_user("quantridonvi", roles.UNIT_ADMIN)
    unit.administrators.add(admin)
    assignment = make_assignment()
    client.force_login(admin)
    response = client.post(reverse("network_contributor_active", args=[contributor_user.contributor_profile.pk]))
    assert response.status_code == 302
    contributor_user.refresh_from_db()
    assignment.refresh_from_db()
    assert not contributor_user.is_active
    assert assignment.status == S.DECLINED
