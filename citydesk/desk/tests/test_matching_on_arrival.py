"""A new report is matched against the claims already handled, with two thresholds and safeguards."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from citydesk.desk import services
from citydesk.desk.models import Channel, Claim, ClaimStatus

pytestmark = pytest.mark.django_db

STORM = "Bão số 5 sẽ đổ bộ trực tiếp vào Đà Nẵng đêm nay và toàn thành phố phải sơ tán ngay"


@pytest.fixture
def storm(db):
    return services.report_receive(channel=Channel.WEB, text=STORM).claim


def test_a_reworded_report_joins_the_claim_automatically(storm):
    report = services.report_receive(
        channel=Channel.TELEGRAM, text="Đêm nay bão số 5 đổ bộ trực tiếp vào Đà Nẵng, toàn thành phố phải sơ tán ngay"
    )
    assert report.claim == storm
    storm.refresh_from_db()
    assert storm.report_count == 2
    assert "Tự động gộp" in storm.events.last().note
    assert Claim.objects.count() == 1


def test_the_same_report_typed_without_marks_joins_too(storm):
    report = services.report_receive(
        channel=Channel.ZALO, text="bao so 5 se do bo truc tiep vao da nang dem nay, toan thanh pho phai so tan ngay"
    )
    assert report.claim == storm


def test_short_texts_are_only_suggested(storm):
    report = services.report_receive(channel=Channel.ZALO, text="bão số 5 đổ bộ Đà Nẵng")
    assert report.claim != storm
    assert list(report.claim.suggestions.values_list("candidate_id", flat=True)) == [storm.pk]


def test_stale_claims_are_only_suggested(storm):
    Claim.objects.filter(pk=storm.pk).update(last_seen_at=timezone.now() - timedelta(days=90))
    report = services.report_receive(
        channel=Channel.WEB, text="Đêm nay bão số 5 đổ bộ trực tiếp vào Đà Nẵng, toàn thành phố phải sơ tán ngay"
    )
    assert report.claim != storm
    assert report.claim.suggestions.filter(candidate=storm).exists()


def test_a_different_number_is_never_joined(storm):
    report = services.report_receive(
        channel=Channel.WEB, text="Bão số 6 sẽ đổ bộ trực tiếp vào Đà Nẵng đêm nay và toàn thành phố phải sơ tán ngay"
    )
    assert report.claim != storm


def test_an_unrelated_report_opens_a_claim_without_suggestions(storm):
    report = services.report_receive(
        channel=Channel.WEB, text="Uống nước chanh nóng mỗi sáng sẽ chữa khỏi sốt xuất huyết chỉ trong ba ngày"
    )
    assert report.claim != storm
    assert not report.claim.suggestions.exists()


def test_the_desk_confirms_a_suggestion_by_merging(client, storm, verifier):
    report = services.report_receive(channel=Channel.ZALO, text="bão số 5 đổ bộ Đà Nẵng")
    client.force_login(verifier)
    page = client.get(reverse("desk_claim", args=[report.claim_id])).content.decode()
    assert f"Gộp vào #{storm.pk}" in page
    client.post(reverse("desk_claim_action", args=[report.claim_id, "merge_into"]), {"into": storm.pk})
    report.claim.refresh_from_db()
    assert report.claim.status == ClaimStatus.DUPLICATE
    storm.refresh_from_db()
    assert storm.report_count == 2


def test_an_edited_claim_is_matched_by_its_new_wording(storm, verifier, django_capture_on_commit_callbacks):
    claim = services.report_receive(channel=Channel.WEB, text="tin nhắn lạ về điện").claim
    services.report_receive(channel=Channel.WEB, text="một tin khác hẳn")  # the first claim is now indexed
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_update(
            claim=claim,
            actor=verifier,
            statement="Điện lực thông báo cắt điện toàn quận Hải Châu trong ba ngày và thu phí ưu tiên",
            category="scam",
        )
    report = services.report_receive(
        channel=Channel.WEB, text="Có tin điện lực sẽ cắt điện toàn quận Hải Châu trong ba ngày và thu phí ưu tiên"
    )
    assert report.claim == claim
