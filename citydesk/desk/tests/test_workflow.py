"""Every transition of a claim, allowed and refused, with the two-person and evidence rules."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.desk import services
from citydesk.desk.models import Channel, Claim, ClaimEvent, ClaimStatus, ClarificationPage, Correction, Report

pytestmark = pytest.mark.django_db


def message(error) -> str:
    return " ".join(error.value.messages) if hasattr(error.value, "messages") else str(error.value)


def test_a_report_opens_a_new_claim_with_counts_and_an_audit_entry(claim):
    assert claim.status == ClaimStatus.NEW
    assert claim.report_count == 1
    assert claim.first_seen_at == claim.last_seen_at
    assert list(claim.events.values_list("action", flat=True)) == ["created", "report_joined"]


def test_later_reports_join_the_claim_and_move_last_seen(claim):
    later = timezone.now() + timedelta(hours=2)
    services.report_receive(channel=Channel.ZALO, text="nuoc chanh chua sot xuat huyet", claim=claim, received_at=later)
    claim.refresh_from_db()
    assert claim.report_count == 2
    assert claim.last_seen_at == later


def test_an_empty_report_is_refused_in_vietnamese_and_nothing_is_stored(db):
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        services.report_receive(channel=Channel.WEB, text="   ")
    assert "Tin báo cần có nội dung, đường dẫn hoặc ảnh." in message(error)
    assert not Claim.objects.exists()
    assert not Report.objects.exists()


def test_full_path_to_a_published_clarification(proposed_claim, lead, client):
    assert proposed_claim.status == ClaimStatus.AWAITING_APPROVAL
    page = services.verdict_approve(claim=proposed_claim, approver=lead)
    proposed_claim.refresh_from_db()
    assert proposed_claim.status == ClaimStatus.PUBLISHED
    assert page.live
    assert page.get_parent().slug == "kiem-chung"
    verdict = proposed_claim.approved_verdict
    assert verdict.approver == lead
    assert client.get(page.url).status_code == 200
    actions = list(proposed_claim.events.values_list("action", flat=True))
    assert actions[-3:] == ["evidence", "proposed", "approved"]


def test_verdict_needs_evidence(claim, verifier):
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        services.verdict_propose(claim=claim, verifier=verifier, rating="false", summary="x", explanation="y")
    assert "Kết luận cần có ít nhất một chứng cứ." in message(error)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NEW
    assert not claim.verdicts.exists()


def test_approval_also_checks_evidence(proposed_claim, lead):
    proposed_claim.evidence.all().delete()
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        services.verdict_approve(claim=proposed_claim, approver=lead)
    assert "chứng cứ" in message(error)
    proposed_claim.refresh_from_db()
    assert proposed_claim.status == ClaimStatus.AWAITING_APPROVAL


def test_two_person_rule_the_verifier_cannot_approve_their_own_verdict(proposed_claim, verifier):
    # Even a desk lead who proposed the verdict may not approve it.
    verifier.groups.add(Group.objects.get(name=roles.DESK_LEAD))
    verifier = type(verifier).objects.get(pk=verifier.pk)  # fresh permission cache
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        services.verdict_approve(claim=proposed_claim, approver=verifier)
    assert "Người duyệt phải khác người kiểm chứng." in message(error)
    proposed_claim.refresh_from_db()
    assert proposed_claim.status == ClaimStatus.AWAITING_APPROVAL
    assert not ClarificationPage.objects.exists()


def test_only_desk_leads_approve(proposed_claim):
    other_verifier = make_user("kiemchung2", roles.DESK_VERIFIER)
    with translation.override("vi"), pytest.raises(PermissionDenied) as error:
        services.verdict_approve(claim=proposed_claim, approver=other_verifier)
    assert "Chỉ trưởng nhóm kiểm chứng" in str(error.value)


def test_people_outside_the_desk_cannot_work_on_claims(claim, editor_user):
    with pytest.raises(PermissionDenied):
        services.evidence_add(claim=claim, actor=editor_user, url="https://a.vn", title="A")
    with pytest.raises(PermissionDenied):
        services.claim_start_verification(claim=claim, actor=editor_user)


def test_send_back_returns_the_claim_to_verification_with_a_reason(proposed_claim, lead, verifier):
    with pytest.raises(ValidationError):
        services.verdict_send_back(claim=proposed_claim, approver=lead, note="  ")
    services.verdict_send_back(claim=proposed_claim, approver=lead, note="Cần thêm nguồn từ CDC.")
    proposed_claim.refresh_from_db()
    assert proposed_claim.status == ClaimStatus.IN_VERIFICATION
    assert proposed_claim.proposed_verdict is None
    assert proposed_claim.events.last().note == "Cần thêm nguồn từ CDC."
    with pytest.raises(ValidationError):
        services.verdict_approve(claim=proposed_claim, approver=lead)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (ClaimStatus.NEW, ClaimStatus.PUBLISHED),
        (ClaimStatus.NEW, ClaimStatus.AWAITING_APPROVAL),
        (ClaimStatus.IN_VERIFICATION, ClaimStatus.PUBLISHED),
        (ClaimStatus.PUBLISHED, ClaimStatus.NOT_CHECKABLE),
        (ClaimStatus.DUPLICATE, ClaimStatus.IN_VERIFICATION),
        (ClaimStatus.NOT_CHECKABLE, ClaimStatus.PUBLISHED),
    ],
)
def test_transitions_outside_the_workflow_are_refused_in_vietnamese(claim, verifier, start, target):
    Claim.objects.filter(pk=claim.pk).update(status=start, duplicate_of=claim if start == "duplicate" else None)
    claim.refresh_from_db()
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        services._transition(claim, target, actor=verifier)
    assert "Nhận định không thể chuyển từ" in message(error)
    claim.refresh_from_db()
    assert claim.status == start


@pytest.mark.parametrize(
    ("start", "targets"),
    [
        (ClaimStatus.NEW, {ClaimStatus.IN_VERIFICATION, ClaimStatus.NOT_CHECKABLE, ClaimStatus.DUPLICATE}),
        (ClaimStatus.AWAITING_APPROVAL, {ClaimStatus.IN_VERIFICATION, ClaimStatus.PUBLISHED}),
        (ClaimStatus.PUBLISHED, {ClaimStatus.IN_VERIFICATION}),
        (ClaimStatus.DUPLICATE, set()),
    ],
)
def test_the_allowed_transitions(start, targets):
    assert services.ALLOWED_TRANSITIONS[start] == targets


def test_assigning_a_new_claim_starts_verification(claim, verifier, lead):
    services.claim_assign(claim=claim, assignee=verifier, actor=lead)
    claim.refresh_from_db()
    assert claim.assignee == verifier
    assert claim.status == ClaimStatus.IN_VERIFICATION
    with pytest.raises(ValidationError):
        services.claim_assign(claim=claim, assignee=make_user("bientap2", roles.EDITOR), actor=lead)


def test_not_checkable_needs_a_reason_and_can_be_reopened(claim, verifier):
    with pytest.raises(ValidationError):
        services.claim_set_not_checkable(claim=claim, actor=verifier, reason="")
    services.claim_set_not_checkable(claim=claim, actor=verifier, reason="Là dự đoán, không thể kiểm chứng.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NOT_CHECKABLE
    services.claim_reopen(claim=claim, actor=verifier, note="Có nguồn mới.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_VERIFICATION
    assert not Correction.objects.exists()


def test_reopening_a_published_claim_makes_a_public_correction(proposed_claim, lead, verifier, client):
    page = services.verdict_approve(claim=proposed_claim, approver=lead)
    with pytest.raises(PermissionDenied):
        services.claim_reopen(claim=proposed_claim, actor=verifier, note="Verifiers cannot reopen a publication")
    services.claim_reopen(claim=proposed_claim, actor=lead, note="Bổ sung số liệu mới của CDC.")
    proposed_claim.refresh_from_db()
    assert proposed_claim.status == ClaimStatus.IN_VERIFICATION
    assert proposed_claim.corrections.get().note == "Bổ sung số liệu mới của CDC."
    html = client.get(page.url).content.decode()
    assert "Bổ sung số liệu mới của CDC." in html
    assert "Sai" in html  # the approved verdict stays visible until a new one is approved
    assert proposed_claim.events.last().action == ClaimEvent.Action.REOPENED


def test_republishing_after_a_correction_keeps_one_page_with_the_new_verdict(proposed_claim, lead, verifier, client):
    page = services.verdict_approve(claim=proposed_claim, approver=lead)
    services.claim_reopen(claim=proposed_claim, actor=lead, note="Nguồn mới cho thấy cần xếp lại.")
    services.verdict_propose(
        claim=proposed_claim, verifier=verifier, rating="misleading", summary="Gây hiểu lầm.", explanation="Giải thích."
    )
    services.verdict_approve(claim=proposed_claim, approver=lead)
    assert ClarificationPage.objects.count() == 1
    page.refresh_from_db()
    html = client.get(page.url).content.decode()
    assert "Gây hiểu lầm" in html
    assert "Nguồn mới cho thấy cần xếp lại." in html
    assert proposed_claim.verdicts.count() == 2


def test_merge_moves_reports_and_marks_duplicates(claim, verifier):
    other = services.report_receive(channel=Channel.TELEGRAM, text="nuoc chanh nong chua sot xuat huyet").claim
    third = services.report_receive(channel=Channel.ZALO, text="chanh nóng trị sốt xuất huyết").claim
    services.claims_merge(claims=[other, third], into=claim, actor=verifier)
    claim.refresh_from_db()
    other.refresh_from_db()
    assert claim.report_count == 3
    assert other.status == ClaimStatus.DUPLICATE
    assert other.duplicate_of == claim
    assert other.report_count == 0
    # A report sent later to the duplicate lands on the original.
    report = services.report_receive(channel=Channel.WEB, text="chanh nóng", claim=other)
    assert report.claim == claim


def test_merge_is_all_or_nothing(claim, verifier, lead, proposed_claim):
    fresh = services.report_receive(channel=Channel.WEB, text="Tin khác").claim
    services.verdict_approve(claim=proposed_claim, approver=lead)
    target = services.report_receive(channel=Channel.WEB, text="Đích").claim
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        services.claims_merge(claims=[fresh, proposed_claim], into=target, actor=verifier)
    assert "đã công bố" in message(error)
    fresh.refresh_from_db()
    assert fresh.status == ClaimStatus.NEW
    assert fresh.reports.count() == 1


def test_cannot_merge_into_a_duplicate(claim, verifier):
    other = services.report_receive(channel=Channel.WEB, text="Khác").claim
    services.claims_merge(claims=[other], into=claim, actor=verifier)
    third = services.report_receive(channel=Channel.WEB, text="Thứ ba").claim
    with pytest.raises(ValidationError):
        services.claims_merge(claims=[third], into=other, actor=verifier)


def test_published_claims_cannot_be_edited_silently(proposed_claim, lead, verifier):
    services.verdict_approve(claim=proposed_claim, approver=lead)
    with pytest.raises(ValidationError):
        services.claim_update(claim=proposed_claim, actor=verifier, statement="Sửa âm thầm", category="health")
    proposed_claim.refresh_from_db()
    assert proposed_claim.statement != "Sửa âm thầm"
