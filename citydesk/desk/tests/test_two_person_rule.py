"""The desk's two-person rule under attack, over HTTP as the demo's desk lead and verifier.

While a verdict awaits approval the claim and its evidence are frozen: every change withdraws the
proposal; at most one proposal is open (a database constraint too); the approver is neither the
proposer nor anyone who changed the claim after the proposal. See docs/security.md.
"""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.desk.models import ClaimEvent, ClaimStatus, ClarificationPage, Evidence, Verdict

pytestmark = pytest.mark.django_db

PROPOSAL = {"rating": "false", "summary": "Nước chanh không chữa được sốt xuất huyết.", "explanation": "Theo Bộ Y tế."}


def act(client, claim, action, data=None):
    """POST one action of the claim screen; returns the claim screen that the redirect leads to."""
    response = client.post(reverse("desk_claim_action", args=[claim.pk, action]), data or {})
    assert response.status_code == 302, response.status_code
    claim.refresh_from_db()
    return client.get(reverse("desk_claim", args=[claim.pk])).content.decode()


def open_proposals(claim):
    return Verdict.objects.filter(claim=claim, approved_at__isnull=True, withdrawn_at__isnull=True)


@pytest.fixture
def second_lead(db):
    return make_user("truongnhom2", roles.DESK_LEAD)


def test_desk_lead_who_rewords_a_proposed_claim_cannot_approve_the_new_wording(client, proposed_claim, lead):
    original = proposed_claim.statement
    client.force_login(lead)
    act(client, proposed_claim, "edit", {"statement": "Nước chanh nóng chữa được mọi bệnh", "category": "health"})
    # The edit withdrew the proposal: nobody proposed a verdict on this wording yet.
    assert proposed_claim.status == ClaimStatus.IN_VERIFICATION
    assert not open_proposals(proposed_claim).exists()
    withdrawn = proposed_claim.events.get(action=ClaimEvent.Action.WITHDRAWN)
    assert withdrawn.actor == lead
    assert (withdrawn.from_status, withdrawn.to_status) == (ClaimStatus.AWAITING_APPROVAL, ClaimStatus.IN_VERIFICATION)
    edited = proposed_claim.events.get(action=ClaimEvent.Action.EDITED)
    assert original in edited.note  # the audit log keeps the wording that was proposed

    screen = act(client, proposed_claim, "approve")
    assert proposed_claim.status == ClaimStatus.IN_VERIFICATION
    assert not ClarificationPage.objects.exists()
    assert "Không có kết luận nào chờ duyệt." in screen


def test_saving_the_claim_unchanged_leaves_the_proposal_waiting(client, proposed_claim, lead):
    client.force_login(lead)
    data = {"statement": proposed_claim.statement, "category": proposed_claim.category}
    act(client, proposed_claim, "edit", data)
    assert proposed_claim.status == ClaimStatus.AWAITING_APPROVAL
    assert open_proposals(proposed_claim).count() == 1
    act(client, proposed_claim, "approve")
    assert proposed_claim.status == ClaimStatus.PUBLISHED


def test_changing_only_the_harm_category_also_withdraws_the_proposal(client, proposed_claim, lead):
    client.force_login(lead)
    act(client, proposed_claim, "edit", {"statement": proposed_claim.statement, "category": "scam"})
    assert proposed_claim.status == ClaimStatus.IN_VERIFICATION
    assert not open_proposals(proposed_claim).exists()


def test_evidence_added_by_the_lead_while_awaiting_approval_withdraws_the_proposal(client, proposed_claim, lead):
    client.force_login(lead)
    evidence = {"url": "https://example.com/nguon-khac", "title": "Một nguồn khác", "quote": "Trích dẫn."}
    act(client, proposed_claim, "evidence", evidence)
    assert proposed_claim.status == ClaimStatus.IN_VERIFICATION
    assert not open_proposals(proposed_claim).exists()
    assert proposed_claim.evidence.count() == 2

    act(client, proposed_claim, "approve")
    assert proposed_claim.status == ClaimStatus.IN_VERIFICATION
    assert not ClarificationPage.objects.exists()


def test_verifier_reopen_while_awaiting_approval_withdraws_the_proposal(client, proposed_claim, verifier, lead):
    client.force_login(verifier)
    screen = client.get(reverse("desk_claim", args=[proposed_claim.pk])).content.decode()
    assert 'id="withdraw-proposal"' in screen
    act(client, proposed_claim, "reopen", {"note": "Cần thêm nguồn của Sở Y tế."})
    assert proposed_claim.status == ClaimStatus.IN_VERIFICATION
    assert not open_proposals(proposed_claim).exists()
    assert proposed_claim.events.filter(action=ClaimEvent.Action.WITHDRAWN, actor=verifier).exists()

    act(client, proposed_claim, "verdict", {**PROPOSAL, "summary": "Đề xuất mới."})
    assert proposed_claim.status == ClaimStatus.AWAITING_APPROVAL
    assert list(open_proposals(proposed_claim).values_list("summary", flat=True)) == ["Đề xuất mới."]

    client.force_login(lead)
    act(client, proposed_claim, "approve")
    assert proposed_claim.status == ClaimStatus.PUBLISHED
    assert proposed_claim.approved_verdict.summary == "Đề xuất mới."
    assert Verdict.objects.filter(claim=proposed_claim, withdrawn_at__isnull=False).count() == 1


def test_proposing_again_replaces_the_waiting_proposal(client, proposed_claim, verifier):
    client.force_login(verifier)
    act(client, proposed_claim, "verdict", {**PROPOSAL, "rating": "misleading", "summary": "Gây hiểu lầm."})
    assert proposed_claim.status == ClaimStatus.AWAITING_APPROVAL
    assert list(open_proposals(proposed_claim).values_list("rating", flat=True)) == ["misleading"]
    assert Verdict.objects.filter(claim=proposed_claim).count() == 2
    assert proposed_claim.events.filter(action=ClaimEvent.Action.WITHDRAWN).count() == 1


def test_a_lead_who_re_proposes_cannot_approve_their_own_proposal(client, proposed_claim, lead, second_lead):
    client.force_login(lead)
    act(client, proposed_claim, "verdict", {**PROPOSAL, "summary": "Trưởng nhóm viết lại kết luận."})
    screen = act(client, proposed_claim, "approve")
    assert proposed_claim.status == ClaimStatus.AWAITING_APPROVAL
    assert "Người duyệt phải khác người kiểm chứng." in screen

    client.force_login(second_lead)
    act(client, proposed_claim, "approve")
    assert proposed_claim.status == ClaimStatus.PUBLISHED
    assert proposed_claim.approved_verdict.verifier == lead


def test_a_claim_awaiting_approval_cannot_be_merged_away(client, proposed_claim, claim, verifier):
    from citydesk.desk import services
    from citydesk.desk.models import Channel

    other = services.report_receive(channel=Channel.WEB, text="Một tin khác hẳn về giá xăng").claim
    client.force_login(verifier)
    screen = act(client, proposed_claim, "merge_into", {"into": other.pk})
    assert proposed_claim.status == ClaimStatus.AWAITING_APPROVAL
    assert f"Nhận định #{proposed_claim.pk} có kết luận đang chờ duyệt" in screen
    assert open_proposals(proposed_claim).count() == 1

    response = client.post(reverse("desk_merge"), {"claims": [proposed_claim.pk], "into": other.pk})
    assert response.status_code == 302
    proposed_claim.refresh_from_db()
    assert proposed_claim.status == ClaimStatus.AWAITING_APPROVAL


def test_a_change_made_outside_the_services_stops_the_approval(client, proposed_claim, lead):
    # A shell, a data fix or a future admin screen: the approval compares what was proposed.
    type(proposed_claim).objects.filter(pk=proposed_claim.pk).update(statement="Câu chữ chưa ai đề xuất")
    client.force_login(lead)
    screen = act(client, proposed_claim, "approve")
    assert proposed_claim.status == ClaimStatus.AWAITING_APPROVAL
    assert not ClarificationPage.objects.exists()
    assert "đã thay đổi sau khi kết luận được đề xuất" in screen


def test_evidence_removed_outside_the_services_stops_the_approval(client, proposed_claim, verifier, lead):
    extra = Evidence.objects.create(
        claim=proposed_claim, url="https://example.com/b", title="Nguồn B", added_by=verifier
    )  # added behind the services' back, then removed the same way
    client.force_login(lead)
    act(client, proposed_claim, "approve")
    assert proposed_claim.status == ClaimStatus.AWAITING_APPROVAL
    extra.delete()
    Evidence.objects.filter(claim=proposed_claim).update(quote="Trích dẫn đã bị sửa.")
    act(client, proposed_claim, "approve")
    assert proposed_claim.status == ClaimStatus.AWAITING_APPROVAL
    assert not ClarificationPage.objects.exists()


def test_an_approver_who_changed_the_claim_after_the_proposal_is_refused(proposed_claim, lead):
    # Were a change ever to leave the proposal open, its author would still not be its approver.
    from django.core.exceptions import ValidationError

    from citydesk.desk import services

    ClaimEvent.objects.create(claim=proposed_claim, action=ClaimEvent.Action.EDITED, actor=lead)
    with pytest.raises(ValidationError) as error:
        services.verdict_approve(claim=proposed_claim, approver=lead)
    assert "một trưởng nhóm khác phải duyệt" in " ".join(error.value.messages)


def test_the_database_holds_at_most_one_open_proposal_per_claim(proposed_claim, verifier):
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.create(
            claim=proposed_claim,
            rating="true",
            summary="x",
            explanation="y",
            verifier=verifier,
            proposed_at=timezone.now(),
        )
    # Withdrawn and approved ones are history and may be many.
    Verdict.objects.create(
        claim=proposed_claim,
        rating="true",
        summary="x",
        explanation="y",
        verifier=verifier,
        proposed_at=timezone.now(),
        withdrawn_at=timezone.now(),
    )
    assert Verdict.objects.filter(claim=proposed_claim).count() == 2


def test_verifier_cannot_reword_a_live_clarification_after_it_is_reopened(client, proposed_claim, lead, verifier):
    """A reopened clarification stays online with its verdict; a rewording by one verifier must not appear
    under that verdict (page, ClaimReview, API) before another person approved it."""
    original = proposed_claim.statement
    client.force_login(lead)
    act(client, proposed_claim, "approve")
    page = ClarificationPage.objects.get(claim=proposed_claim)
    act(client, proposed_claim, "reopen", {"note": "Bổ sung nguồn mới của Bộ Y tế."})
    assert proposed_claim.status == ClaimStatus.IN_VERIFICATION

    client.force_login(verifier)
    reworded = "Tiêm vắc xin sởi gây tự kỷ ở trẻ em"
    act(client, proposed_claim, "edit", {"statement": reworded, "category": proposed_claim.category})
    assert proposed_claim.statement == reworded  # the desk works on the new wording...

    client.logout()
    public = client.get(page.url).content.decode()
    api = client.get(f"/api/v1/clarifications/{page.pk}/").json()
    # ...but the public still sees the wording the verdict was approved for.
    assert reworded not in public and original in public
    assert api["claim"] == original
