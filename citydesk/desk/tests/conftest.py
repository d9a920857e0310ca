import pytest

from citydesk.desk import services
from citydesk.desk.models import Channel, HarmCategory


@pytest.fixture
def claim(verifier):
    report = services.report_receive(
        channel=Channel.WEB,
        text="Uống nước chanh nóng chữa khỏi sốt xuất huyết trong 3 ngày",
        url="https://example.com/bai-dang/123",
        category=HarmCategory.HEALTH,
    )
    return report.claim


@pytest.fixture
def evidenced_claim(claim, verifier):
    services.evidence_add(
        claim=claim,
        actor=verifier,
        url="https://moh.gov.vn/sot-xuat-huyet",
        title="Bộ Y tế: hướng dẫn điều trị sốt xuất huyết",
        quote="Chưa có thuốc điều trị đặc hiệu sốt xuất huyết.",
    )
    return claim


@pytest.fixture
def proposed_claim(evidenced_claim, verifier):
    services.verdict_propose(
        claim=evidenced_claim,
        verifier=verifier,
        rating="false",
        summary="Nước chanh không chữa được sốt xuất huyết.",
        explanation="Theo Bộ Y tế, chưa có thuốc đặc hiệu; người bệnh cần được theo dõi tại cơ sở y tế.",
    )
    evidenced_claim.refresh_from_db()
    return evidenced_claim
