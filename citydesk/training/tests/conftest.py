import pytest
from django.core.cache import cache
from django.utils import timezone

from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.desk import services as desk
from citydesk.desk.models import Channel, HarmCategory
from citydesk.intake.models import OfficialAccount
from citydesk.training import services, starter


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The public quiz's rate limit lives in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def directory(unit):
    rows = [
        ("Cổng thông tin thành phố", "website", "thanhpho.example.gov.vn"),
        ("Trang Facebook Sở Y tế", "facebook", "https://www.facebook.com/soyte.thanhpho"),
        ("Kênh Telegram Tin thành phố", "telegram", "@tinthanhpho"),
        ("Đường dây nóng Sở Y tế", "phone", "0236 3888 115"),
        ("Hộp thư phản ánh", "email", "phananh@thanhpho.example.gov.vn"),
    ]
    accounts = []
    for name, kind, value in rows:
        account = OfficialAccount(name=name, kind=kind, value=value, unit=unit)
        account.full_clean()
        account.save()
        accounts.append(account)
    return accounts


def publish_claim(*, verifier, lead, text, category, rating, sources, reply_handle="", url=""):
    """A claim through the desk's own services, up to its published clarification."""
    report = desk.report_receive(
        channel=Channel.TELEGRAM if reply_handle else Channel.WEB,
        text=text,
        url=url,
        category=category,
        reply_handle=reply_handle,
    )
    claim = report.claim
    for source_url, title in sources:
        desk.evidence_add(claim=claim, actor=verifier, url=source_url, title=title, quote="Trích dẫn.")
    desk.verdict_propose(
        claim=claim,
        verifier=verifier,
        rating=rating,
        summary="Tóm tắt kết luận của tổ kiểm chứng.",
        explanation="Giải thích: đối chiếu với nguồn chính thức.",
    )
    desk.verdict_approve(claim=claim, approver=lead)
    claim.refresh_from_db()
    return claim


@pytest.fixture
def scam_claim(verifier, lead, directory):
    return publish_claim(
        verifier=verifier,
        lead=lead,
        text="Sở Y tế yêu cầu chuyển khoản 500.000đ phí xét nghiệm ngay trong 24 giờ qua http://soyte-thanhpho.com",
        category=HarmCategory.SCAM,
        rating="false",
        sources=[
            ("https://thanhpho.example.gov.vn/canh-bao-lua-dao", "Cổng thông tin: cảnh báo lừa đảo phí xét nghiệm")
        ],
        reply_handle="telegram:987654321",
        url="https://nguoi-gui.example/bai/1",
    )


@pytest.fixture
def health_claim(verifier, lead, directory):
    return publish_claim(
        verifier=verifier,
        lead=lead,
        text="Uống nước chanh nóng chữa khỏi sốt xuất huyết trong 3 ngày",
        category=HarmCategory.HEALTH,
        rating="false",
        sources=[
            ("https://moh.gov.vn/sot-xuat-huyet", "Bộ Y tế: hướng dẫn điều trị sốt xuất huyết"),
            ("https://thanhpho.example.gov.vn/soyte/sxh", "Sở Y tế: khuyến cáo phòng bệnh"),
        ],
    )


@pytest.fixture
def cases(scam_claim, health_claim, lead):
    return [
        services.case_create_from_claim(claim=scam_claim, actor=lead),
        services.case_create_from_claim(claim=health_claim, actor=lead),
    ]


@pytest.fixture
def course(db):
    return starter.install_starter_course()


@pytest.fixture
def manager(unit):
    return make_user("quanlydaotao", roles.TRAINING_MANAGER, unit=unit)


@pytest.fixture
def trainee(contributor_user):
    return contributor_user


@pytest.fixture
def today():
    return timezone.localdate()
