"""Demo of the contributor network: pitches and assignments in every state, made through the services."""

from datetime import timedelta

from django.utils import timezone
from django.utils.html import escape
from wagtail.rich_text import RichText

from citydesk.core.models import ContributorProfile, Unit
from citydesk.desk.models import Claim
from citydesk.newsroom import services as newsroom

from . import services

PROFILES = {
    # name: (languages, availability, note)
    "Nguyễn Thị Minh Anh": ("Tiếng Việt, English", "available", ""),
    "Võ Thị Lan": ("Tiếng Việt", "available", ""),
    "Trần Văn Hùng": ("Tiếng Việt", "unavailable", "Trực bão đến hết tháng 12"),
    "Lê Thu Hà": ("Tiếng Việt, English, 한국어", "limited", "Nhận tối đa 1 bài mỗi tuần"),
    "Đặng Minh Khoa": ("Tiếng Việt, English", "available", ""),
}


def _write(page, user, lead: str, paragraph: str) -> None:
    page.lead = lead
    page.body = [("paragraph", RichText(f"<p>{escape(paragraph)}</p>"))]
    page.save_revision(user=user, log_action=True)


def load_network(*, users: dict, topics: dict) -> None:
    """users: username → User; topics: slug → (TopicPage, image)."""
    for name, (languages, availability, note) in PROFILES.items():
        ContributorProfile.objects.filter(name=name).update(
            languages=languages, availability=availability, availability_note=note
        )
    editor, writer, expert = users["bientap"], users["congtacvien"], users["chuyengia"]
    now = timezone.now()
    health, services_topic = (topics[slug][0] for slug in ("suc-khoe", "dich-vu-cong"))

    def request(title, brief, person, topic, days, *, by=editor, claim=None, when=now):
        return services.assignment_create(
            requested_by=by,
            contributor=person.contributor_profile,
            title=title,
            brief=brief,
            deadline=when + timedelta(days=days),
            topic=topic,
            claim=claim,
            now=when,
        )

    request(
        "Tiêm vắc-xin sởi cho trẻ: lịch và địa điểm",
        "Lịch tiêm bổ sung theo phường, giấy tờ mang theo, phản ứng sau tiêm cần theo dõi.",
        expert,
        health,
        3,
    )
    accepted = request(
        "Làm căn cước cho trẻ dưới 14 tuổi",
        "Các bước trên VNeID và tại công an phường; lệ phí; thời gian trả kết quả.",
        writer,
        services_topic,
        2,
    )
    services.assignment_accept(assignment=accepted, user=writer)

    submitted = request(
        "Nhận biết sớm sốt xuất huyết ở trẻ",
        "Dấu hiệu cảnh báo, khi nào cần đến viện, những điều không nên làm.",
        expert,
        health,
        4,
    )
    submitted = services.assignment_accept(assignment=submitted, user=expert)
    _write(
        submitted.page,
        expert,
        "Sốt cao liên tục, nôn, đau bụng là dấu hiệu cần đưa trẻ đến cơ sở y tế ngay.",
        "Không tự ý dùng aspirin hay truyền dịch tại nhà; theo dõi trẻ sát trong ngày thứ 3 đến thứ 7.",
    )
    newsroom.article_submit_for_review(article=submitted.page, user=expert)

    done = request(
        "Nộp hồ sơ đăng ký kinh doanh trực tuyến",
        "Hướng dẫn từng bước trên Cổng dịch vụ công, những lỗi hay gặp.",
        writer,
        services_topic,
        5,
        when=now - timedelta(days=3),
    )
    done = services.assignment_accept(assignment=done, user=writer, now=now - timedelta(days=3))
    _write(
        done.page,
        writer,
        "Hộ kinh doanh có thể nộp hồ sơ trực tuyến và nhận kết quả trong 3 ngày làm việc.",
        "Chuẩn bị bản chụp căn cước, hợp đồng thuê mặt bằng; ký số hoặc xác thực qua VNeID trước khi nộp.",
    )
    newsroom.article_submit_for_review(article=done.page, user=writer)
    for reviewer in (expert, editor):
        done.page.refresh_from_db()
        newsroom.article_review(article=done.page, user=reviewer, approve=True)

    declined = request(
        "Phỏng vấn về chương trình tiêm chủng mở rộng",
        "Trao đổi 10 câu hỏi với lãnh đạo CDC.",
        expert,
        health,
        6,
    )
    services.assignment_decline(assignment=declined, user=expert, reason="Đang đi công tác nước ngoài đến cuối tháng.")

    overdue = request(
        "Giờ làm việc bộ phận một cửa dịp cuối năm",
        "Lịch làm việc thứ Bảy, số điện thoại hỗ trợ.",
        writer,
        services_topic,
        3,
        when=now - timedelta(days=5),
    )
    services.assignment_accept(assignment=overdue, user=writer, now=now - timedelta(days=5))

    claim = Claim.objects.order_by("pk").first()
    if claim is not None:
        request(
            "Giải thích: vì sao nước chanh không chữa được sốt xuất huyết",
            "Bài giải thích đi kèm bài kiểm chứng, có ý kiến chuyên gia.",
            expert,
            health,
            2,
            by=users["truongnhom"],
            claim=claim,
        )
    services.remind(now=now)  # marks the overdue one and sends the 24-hour reminders

    services.pitch_submit(
        user=writer,
        title="Một ngày ở bộ phận một cửa phường Hải Châu",
        angle="Người dân được giải quyết thủ tục nhanh hơn nhờ hẹn trực tuyến.",
        sources="Cán bộ một cửa; 5 người dân; số liệu hồ sơ quý IV",
        expected_date=timezone.localdate() + timedelta(days=7),
    )
    declined_pitch = services.pitch_submit(
        user=writer,
        title="Top 10 quán cà phê view biển",
        angle="Gợi ý cho du khách dịp cuối năm.",
        sources="",
        expected_date=timezone.localdate() + timedelta(days=4),
    )
    services.pitch_decline(
        pitch=declined_pitch, user=editor, reason="Không thuộc phạm vi thông tin chính thức; nêu tên quán là quảng cáo."
    )
    accepted_pitch = services.pitch_submit(
        user=expert,
        title="Mùa mưa và bệnh tay chân miệng",
        angle="Phụ huynh cần biết cách phòng bệnh ở nhà trẻ.",
        sources="Số liệu ca bệnh CDC; hướng dẫn Bộ Y tế",
        expected_date=timezone.localdate() + timedelta(days=10),
    )
    services.pitch_accept(pitch=accepted_pitch, user=editor, topic=health)

    services.invitation_create(
        invited_by=users["quantridonvi"],
        email="ts.hoa@dhbk.example.vn",
        name="Lý Thanh Hòa",
        unit=Unit.objects.get(short_name="ĐHBK"),
        title="Tiến sĩ thủy văn",
        expertise="ngập lụt, thủy văn",
    )
