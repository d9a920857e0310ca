"""Demo of the desk's scam signals: a published warning about a scam, a new tip with new wording that
carries its phone number and link, and a tip about a look-alike of an official page. Example addresses
only (`.top` names under example-like labels, a number from no real subscriber list)."""

from datetime import timedelta

from django.utils import timezone

from citydesk.core.models import Unit

from . import services
from .demo import UNIT_BY_CATEGORY
from .models import Channel, HarmCategory

SCAM_PHONE = "0888 555 123"
SCAM_LINK = "http://hoantien-dienluc.top/nhan"
SCAM_STATEMENT = (
    "Tin nhắn giả danh Điện lực báo hoàn tiền điện, yêu cầu gọi 0888 555 123 và chuyển phí xác minh "
    "qua http://hoantien-dienluc.top/nhan."
)
SCAM_REPORT = (
    "Điện lực thông báo quý khách được hoàn 1.250.000đ tiền điện. Gọi ngay 0888 555 123 hoặc vào "
    "http://hoantien-dienluc.top/nhan, chuyển phí xác minh 50.000đ trong 24 giờ."
)
NEW_TIP = (
    "Có người nhắn tin bảo tôi trúng thưởng 5 triệu, phải chuyển khoản 300k phí hồ sơ vào STK 1903 5555 8888 "
    "Techcombank gấp trong hôm nay, liên hệ 0888.555.123, link http://hoantien-dienluc.top/nhan?ref=zl"
)
LOOKALIKE_TIP = "Trang facebook.com/soyte.thanhph0 nhắn mời tiêm vắc xin tại nhà, đặt cọc 200k trước"


def load_signal_claims(*, verifier, lead) -> int:
    """The published scam warning and two new tips that its signals point to; returns claims made."""
    now = timezone.now()
    scam = services.report_receive(
        channel=Channel.WEB, text=SCAM_REPORT, category=HarmCategory.SCAM, received_at=now - timedelta(hours=40)
    ).claim
    # Reports and clarifications count for their claim's unit (docs/architecture.md, "Scorecards").
    office = Unit.objects.filter(short_name=UNIT_BY_CATEGORY[HarmCategory.SCAM]).first()
    services.claim_update(claim=scam, actor=verifier, statement=SCAM_STATEMENT, category=HarmCategory.SCAM, unit=office)
    services.claim_assign(claim=scam, assignee=verifier, actor=lead)
    services.evidence_add(
        claim=scam,
        actor=verifier,
        url="https://example.org/dienluc/canh-bao-gia-danh",
        title="Công ty Điện lực: cảnh báo tin nhắn giả danh hoàn tiền điện",
        quote="Điện lực không nhắn tin yêu cầu khách hàng chuyển phí để được hoàn tiền.",
    )
    services.verdict_propose(
        claim=scam,
        verifier=verifier,
        rating="false",
        summary="Điện lực không hoàn tiền qua tin nhắn và không thu phí xác minh; đây là lừa đảo.",
        explanation="Số điện thoại và đường link trong tin nhắn không thuộc ngành điện. Không gọi, không chuyển tiền.",
    )
    services.verdict_approve(claim=scam, approver=lead)
    for channel, text, minutes in ((Channel.WEB, NEW_TIP, 20), (Channel.ZALO, LOOKALIKE_TIP, 10)):
        tip = services.report_receive(channel=channel, text=text, received_at=now - timedelta(minutes=minutes)).claim
        # Triaged to the office's unit, category not yet confirmed: the claim screen suggests one.
        unit = Unit.objects.filter(short_name=UNIT_BY_CATEGORY[HarmCategory.OTHER]).first()
        services.claim_update(claim=tip, actor=verifier, statement=tip.statement, category=tip.category, unit=unit)
    return 3
