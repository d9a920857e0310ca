"""Demo claims for the response desk, written for the demo (no real rumour or person is described;
source links point to example.org so nobody mistakes them for real documents).

Each claim is driven through the real services, so the demo shows true audit logs and pages.
"""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from citydesk.core.models import Unit

from . import services
from .models import Channel, HarmCategory

# (category, statement, reports [(channel, text, url, hours ago)], target state, evidence, verdict)
# target: new | in_verification | awaiting_approval | published | not_checkable | reopened
CLAIMS = [
    (
        "disaster",
        "Bão số 5 sẽ đổ bộ trực tiếp vào Đà Nẵng đêm nay với sức gió cấp 17, toàn thành phố phải sơ tán.",
        [
            (
                "telegram",
                "Khẩn cấp!!! Bão số 5 cấp 17 vào ĐN đêm nay, sơ tán toàn thành phố",
                "https://example.com/bai-dang/bao-so-5",
                30,
            ),
            ("zalo", "bao so 5 cap 17 vao da nang dem nay, di tan het", "", 28),
            ("web", "Tin nhắn chuyển tiếp: bão cấp 17 đổ bộ Đà Nẵng đêm nay", "", 26),
            ("zalo", "ae oi bao cap 17 vo dn toi nay k", "", 3),
        ],
        "published",
        [
            (
                "https://example.org/nchmf.gov.vn/ban-tin-bao",
                "Trung tâm Dự báo KTTV quốc gia: bản tin bão",
                "Bão đang ở ngoài khơi, cường độ cấp 10, chưa có khả năng ảnh hưởng trực tiếp Đà Nẵng trong 48 giờ tới.",
            )
        ],
        (
            "false",
            "Không có bão cấp 17 đổ bộ Đà Nẵng; bão đang ở ngoài khơi với sức gió cấp 10.",
            "Bản tin chính thức của cơ quan khí tượng cho thấy bão còn cách bờ hơn 500 km. Thành phố không ban hành lệnh sơ tán toàn thành phố. Người dân theo dõi thông báo trên kênh chính thức.",
        ),
    ),
    (
        "scam",
        'Tin nhắn từ "Công an phường" yêu cầu chuyển tiền để "xác minh tài khoản liên quan vụ án".',
        [
            ("web", "Có người gọi xưng công an phường, bảo chuyển 50 triệu vào tài khoản tạm giữ để xác minh", "", 50),
            ("telegram", "cong an goi bao chuyen tien xac minh tai khoan, that k", "", 20),
        ],
        "published",
        [
            (
                "https://example.org/congan.danang.gov.vn/canh-bao-lua-dao",
                "Công an thành phố: cảnh báo thủ đoạn giả danh công an",
                "Công an không làm việc qua điện thoại và không yêu cầu chuyển tiền vào bất kỳ tài khoản nào.",
            )
        ],
        (
            "false",
            "Công an không bao giờ yêu cầu chuyển tiền qua điện thoại; đây là thủ đoạn lừa đảo.",
            'Cơ quan công an làm việc bằng giấy mời trực tiếp. Mọi cuộc gọi yêu cầu chuyển tiền "để xác minh" đều là lừa đảo. Hãy gọi 113 hoặc đến trụ sở công an phường để xác minh.',
        ),
    ),
    (
        "health",
        "Uống nước chanh nóng mỗi sáng chữa khỏi sốt xuất huyết trong 3 ngày.",
        [
            (
                "zalo",
                "Nước chanh nóng chữa khỏi sốt xuất huyết 3 ngày, bác sĩ bệnh viện tiết lộ",
                "https://example.com/bai-dang/chanh-nong",
                70,
            ),
            ("web", "nuoc chanh nong chua sot xuat huyet co dung khong", "", 40),
        ],
        "published",
        [
            (
                "https://example.org/moh.gov.vn/huong-dan-sot-xuat-huyet",
                "Bộ Y tế: hướng dẫn chẩn đoán, điều trị sốt xuất huyết Dengue",
                "Hiện chưa có thuốc điều trị đặc hiệu; người bệnh cần được theo dõi tại cơ sở y tế.",
            )
        ],
        (
            "false",
            "Nước chanh nóng không chữa được sốt xuất huyết; người bệnh cần được theo dõi tại cơ sở y tế.",
            "Sốt xuất huyết chưa có thuốc đặc hiệu. Tự điều trị tại nhà bằng mẹo dân gian có thể làm chậm phát hiện dấu hiệu nặng.",
        ),
    ),
    (
        "public_services",
        "Từ tháng sau, người dân phải đóng phí 200.000 đồng để làm căn cước cho trẻ dưới 6 tuổi.",
        [("web", "Nghe nói làm căn cước cho trẻ con phải đóng 200 nghìn từ tháng sau", "", 90)],
        "published",
        [
            (
                "https://example.org/dichvucong.gov.vn/can-cuoc-tre-em",
                "Cổng Dịch vụ công quốc gia: cấp căn cước cho trẻ dưới 6 tuổi",
                "Cấp căn cước lần đầu cho công dân dưới 6 tuổi không thu lệ phí.",
            )
        ],
        (
            "false",
            "Cấp căn cước lần đầu cho trẻ dưới 6 tuổi được miễn lệ phí.",
            "Quy định hiện hành miễn lệ phí cấp căn cước lần đầu. Người dân chỉ nộp hồ sơ trên ứng dụng chính thức, không qua trung gian.",
        ),
    ),
    (
        "disaster",
        "Hồ chứa thủy điện thượng nguồn đã vỡ, nước lũ sẽ về Hòa Vang trong 2 giờ.",
        [
            ("telegram", "VO DAP THUY DIEN, lu ve Hoa Vang 2 tieng nua", "https://example.com/video/vo-dap", 12),
            ("zalo", "Đập thủy điện vỡ rồi, lũ về trong 2 giờ", "", 11),
        ],
        "published",
        [
            (
                "https://example.org/pcttdanang.gov.vn/thong-bao-xa-lu",
                "Ban Chỉ huy PCTT: thông báo xả lũ theo quy trình",
                "Các hồ chứa vận hành điều tiết theo quy trình; không có sự cố công trình.",
            ),
            (
                "https://example.org/evn.com.vn/thong-cao",
                "Thông cáo của chủ hồ chứa",
                "Đập an toàn, hồ đang xả điều tiết với lưu lượng đã thông báo trước.",
            ),
        ],
        (
            "misleading",
            "Không có đập nào bị vỡ; các hồ đang xả điều tiết theo quy trình đã thông báo.",
            "Video lan truyền quay cảnh xả lũ điều tiết, không phải vỡ đập. Người dân vùng hạ du vẫn cần theo dõi thông báo xả lũ và không đi qua ngầm tràn.",
        ),
    ),
    (
        "health",
        "Vắc xin sởi trong chương trình tiêm chủng mở rộng gây tự kỷ ở trẻ.",
        [("web", "Tiêm vắc xin sởi làm trẻ bị tự kỷ, đừng cho con đi tiêm", "", 120)],
        "reopened",
        [
            (
                "https://example.org/who.int/vi/measles-vaccine",
                "Tổ chức Y tế Thế giới: an toàn của vắc xin sởi",
                "Không có bằng chứng khoa học về mối liên hệ giữa vắc xin sởi và tự kỷ.",
            )
        ],
        (
            "false",
            "Không có bằng chứng vắc xin sởi gây tự kỷ; vắc xin an toàn và bảo vệ trẻ khỏi bệnh sởi.",
            "Nhiều nghiên cứu quy mô lớn đã bác bỏ giả thuyết này. Bỏ tiêm làm tăng nguy cơ bùng phát dịch sởi.",
        ),
    ),
    (
        "impersonation",
        'Trang Facebook "UBND TP Đà Nẵng - Hỗ trợ người dân" đang phát tiền hỗ trợ lũ lụt, chỉ cần điền số tài khoản.',
        [
            (
                "web",
                "Trang UBND Đà Nẵng hỗ trợ phát tiền lũ lụt, bảo nhập số tài khoản và mã OTP",
                "https://example.com/trang-gia/ho-tro",
                8,
            ),
            ("zalo", "trang ubnd ho tro tien lu co that ko", "", 6),
            ("telegram", "Có ai nhận được tiền hỗ trợ lũ của trang UBND chưa", "", 2),
        ],
        "awaiting_approval",
        [
            (
                "https://example.org/danang.gov.vn/trang-chinh-thuc",
                "Danh sách kênh chính thức của thành phố",
                "Thành phố không hỗ trợ tiền qua mạng xã hội và không bao giờ hỏi mã OTP.",
            )
        ],
        (
            "false",
            "Đây là trang giả mạo; thành phố không phát tiền hỗ trợ qua mạng xã hội và không hỏi mã OTP.",
            "Trang này không có trong danh sách kênh chính thức. Người dân không cung cấp số tài khoản, mã OTP cho bất kỳ ai.",
        ),
    ),
    (
        "health",
        "Thực phẩm chức năng X chữa khỏi tiểu đường type 2 sau 30 ngày, được Bộ Y tế cấp phép.",
        [
            (
                "web",
                "Quảng cáo: thuốc X chữa khỏi tiểu đường 30 ngày, có giấy phép Bộ Y tế",
                "https://example.com/quang-cao/thuoc-x",
                15,
            )
        ],
        "awaiting_approval",
        [
            (
                "https://example.org/dav.gov.vn/tra-cuu",
                "Cục Quản lý Dược: tra cứu số đăng ký",
                "Sản phẩm X được công bố là thực phẩm bảo vệ sức khỏe, không phải thuốc, không có công dụng chữa bệnh.",
            )
        ],
        (
            "misleading",
            "Sản phẩm có công bố là thực phẩm bảo vệ sức khỏe, nhưng không được phép quảng cáo chữa khỏi tiểu đường.",
            "Giấy công bố sản phẩm không phải giấy phép thuốc. Thực phẩm bảo vệ sức khỏe không có tác dụng thay thế thuốc chữa bệnh.",
        ),
    ),
    (
        "public_services",
        "Xe buýt nội thành sẽ ngừng hoạt động hoàn toàn từ ngày 1 tháng sau.",
        [
            ("zalo", "xe buyt ngung chay tu dau thang sau ha mn", "", 5),
            ("web", "Xe buýt ngừng hoạt động từ tháng sau?", "", 4),
        ],
        "in_verification",
        [
            (
                "https://example.org/sgtvt.danang.gov.vn/xe-buyt",
                "Sở Xây dựng: kế hoạch mạng lưới xe buýt",
                "Điều chỉnh lộ trình 2 tuyến từ tháng sau; các tuyến khác giữ nguyên.",
            )
        ],
        None,
    ),
    (
        "scam",
        "Đường dây nóng điện lực gửi tin nhắn yêu cầu thanh toán tiền điện qua đường link lạ, nếu không sẽ cắt điện trong 2 giờ.",
        [
            (
                "telegram",
                "Tin nhắn: quý khách nợ tiền điện, thanh toán tại link sau trong 2 giờ nếu không sẽ cắt điện",
                "https://example.com/link-la/tien-dien",
                9,
            )
        ],
        "in_verification",
        [],
        None,
    ),
    (
        "other",
        "Cầu Rồng sẽ bị tháo dỡ để xây cầu mới trong năm tới.",
        [("web", "Nghe nói cầu Rồng sắp bị tháo dỡ xây cầu mới", "", 48)],
        "in_verification",
        [],
        None,
    ),
    (
        "disaster",
        "Động đất mạnh 7 độ richter sẽ xảy ra ở miền Trung vào tuần sau.",
        [("zalo", "Dự báo động đất 7 độ ở miền Trung tuần sau, chuẩn bị đi", "", 60)],
        "not_checkable",
        [],
        None,
    ),
    (
        "health",
        "Nước máy ở quận Liên Chiểu nhiễm khuẩn, không được dùng để nấu ăn.",
        [
            ("web", "Nước máy Liên Chiểu bị nhiễm khuẩn hả, có ai biết không", "", 1),
            ("zalo", "nuoc may lien chieu nhiem khuan", "", 1),
        ],
        "new",
        [],
        None,
    ),
    (
        "impersonation",
        'Tài khoản Zalo mang tên "Sở Y tế Đà Nẵng" nhắn tin mời tiêm vắc xin dịch vụ giá rẻ tại nhà.',
        [("zalo", "Zalo Sở Y tế nhắn mời tiêm vắc xin tại nhà giá rẻ, thật không", "", 2)],
        "new",
        [],
        None,
    ),
    (
        "scam",
        "Nhận 5 triệu đồng hỗ trợ người cao tuổi qua ứng dụng, chỉ cần đăng ký bằng số căn cước.",
        [("telegram", "App hỗ trợ người già 5 triệu, đăng ký bằng số căn cước", "https://example.com/app/ho-tro", 0)],
        "new",
        [],
        None,
    ),
    (
        "disaster",
        "Toàn bộ trường học ở Đà Nẵng cho học sinh nghỉ 1 tuần vì bão.",
        [("web", "Trường học nghỉ hết 1 tuần vì bão hả?", "", 7)],
        "published",
        [
            (
                "https://example.org/sgddt.danang.gov.vn/thong-bao",
                "Sở Giáo dục và Đào tạo: thông báo cho học sinh nghỉ học",
                "Học sinh nghỉ học 1 ngày (thứ Năm) để phòng tránh bão; các ngày khác học bình thường.",
            )
        ],
        (
            "misleading",
            "Học sinh chỉ nghỉ 1 ngày theo thông báo của Sở Giáo dục, không phải 1 tuần.",
            "Thông báo chính thức chỉ cho nghỉ học ngày thứ Năm. Phụ huynh theo dõi thông báo của nhà trường.",
        ),
    ),
]

# Reports that were first filed as their own claim and then merged into the storm claim.
DUPLICATE_OF_FIRST = ("Bão cấp 17 vào Đà Nẵng, sơ tán toàn thành phố ngay", 25)


# Which unit answers a claim of each harm category in the demo city (short names from newsroom/demo/people.py).
UNIT_BY_CATEGORY = {
    HarmCategory.HEALTH: "SYT",
    HarmCategory.DISASTER: "PCTT",
    HarmCategory.SCAM: "TTTT",
    HarmCategory.IMPERSONATION: "TTTT",
    HarmCategory.PUBLIC_SERVICES: "SXD",
    HarmCategory.OTHER: "TTTT",
}


def load_claims(*, verifier, lead) -> int:
    """Drive the demo claims through the desk's services; returns how many claims were made."""
    now = timezone.now()
    made = []
    for category, statement, reports, target, evidence, verdict in CLAIMS:
        first_channel, first_text, first_url, first_hours = reports[0]
        claim = services.report_receive(
            channel=first_channel,
            text=first_text,
            url=first_url,
            category=category,
            received_at=now - timedelta(hours=first_hours),
            # Web tipsters who ticked the consent box get their answer by e-mail (var/mail/ in the demo).
            reply_handle=f"email:bandoc{len(made) + 1}@example.vn" if first_channel == Channel.WEB else "",
        ).claim
        for channel, text, url, hours in reports[1:]:
            services.report_receive(
                channel=channel, text=text, url=url, claim=claim, received_at=now - timedelta(hours=hours)
            )
        # The desk makes a unit responsible for each claim; its reports and clarification count for that
        # unit in the scorecards (docs/architecture.md, "Scorecards").
        unit = Unit.objects.filter(short_name=UNIT_BY_CATEGORY[category]).first()
        services.claim_update(claim=claim, actor=verifier, statement=statement, category=category, unit=unit)
        made.append(claim)
        if target == "new":
            continue
        services.claim_assign(claim=claim, assignee=verifier, actor=lead)
        for url, title, quote in evidence:
            services.evidence_add(claim=claim, actor=verifier, url=url, title=title, quote=quote)
        if target == "not_checkable":
            services.claim_set_not_checkable(
                claim=claim, actor=verifier, reason="Là dự đoán; không cơ quan nào dự báo được động đất theo ngày."
            )
            continue
        if verdict is None:
            continue
        rating, summary, explanation = verdict
        services.verdict_propose(
            claim=claim, verifier=verifier, rating=rating, summary=summary, explanation=explanation
        )
        if target == "awaiting_approval":
            continue
        services.verdict_approve(claim=claim, approver=lead)
        if target == "reopened":
            services.claim_reopen(
                claim=claim,
                actor=lead,
                note="Bổ sung số liệu tiêm chủng mới nhất của thành phố; kết luận đang được xem lại.",
            )
    text, hours = DUPLICATE_OF_FIRST
    # Filed as a claim of its own before matching existed, then merged by hand: the demo shows a merge.
    with override_settings(CITYDESK_MATCHING=False):
        duplicate = services.report_receive(channel=Channel.ZALO, text=text, received_at=now - timedelta(hours=hours))
    services.claims_merge(claims=[duplicate.claim], into=made[0], actor=verifier)
    return len(made) + 1
