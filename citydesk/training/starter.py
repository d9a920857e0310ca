"""The starter course shipped with citydesk, in Vietnamese, written for this product: recognising false
information, handling a rumour, and keeping the office's accounts safe. `install_starter_course` is safe to
run again (it returns the course already there)."""

from wagtail.models import Page

from .models import CoursePage, LessonPage, TrainingIndexPage

STARTER_SLUG = "khoa-co-ban-thong-tin-sai-lech"
SECURITY_SLUG = "an-toan-tai-khoan-co-quan"


def _p(html: str) -> tuple:
    return ("paragraph", html)


def _quiz(question: str, options: list[tuple[str, bool, str]], multiple: bool = False) -> tuple:
    return (
        "quiz",
        {
            "question": question,
            "multiple": multiple,
            "options": [{"text": t, "correct": c, "explanation": e} for t, c, e in options],
        },
    )


RECOGNISE = (
    "Nhận diện thông tin sai lệch",
    "nhan-dien-thong-tin-sai-lech",
    "<p>Năm câu hỏi trước khi tin và trước khi chia sẻ.</p>",
    [
        ("heading", "Năm câu hỏi trước khi tin"),
        _p(
            "<ol><li><b>Ai nói?</b> Nguồn có tên, có địa chỉ, có trong danh bạ tài khoản chính thức của thành phố"
            " không?</li><li><b>Nói khi nào?</b> Ảnh, video cũ thường được đăng lại trong mùa mưa bão.</li>"
            "<li><b>Bằng chứng ở đâu?</b> Văn bản, số hiệu, đường dẫn tới cổng thông tin chính thức.</li>"
            "<li><b>Ai được lợi?</b> Tin yêu cầu chuyển tiền, bấm đường dẫn, gọi số lạ là dấu hiệu lừa đảo.</li>"
            "<li><b>Có gây hoảng sợ không?</b> Tin thật về thiên tai luôn kèm hướng dẫn và nguồn; tin giả thường"
            " chỉ thúc giục.</li></ol>"
        ),
        _p(
            "<p>Thang kết luận của tổ kiểm chứng: <b>Đúng</b>, <b>Sai</b>, <b>Gây hiểu lầm</b> (có phần đúng"
            " nhưng bị cắt xén, đặt sai bối cảnh), <b>Chưa đủ căn cứ</b> (chưa có nguồn quyết định).</p>"
        ),
        _quiz(
            "Một tin nhắn Zalo báo “Sở Y tế yêu cầu nộp 300.000đ phí xét nghiệm trong hôm nay qua đường dẫn”."
            " Dấu hiệu nào đáng ngờ nhất?",
            [
                ("Yêu cầu nộp tiền gấp qua đường dẫn", True, "Cơ quan nhà nước không thu phí qua tin nhắn."),
                ("Tin có nhắc tên Sở Y tế", False, "Kẻ gian thường mượn tên cơ quan để tạo lòng tin."),
                ("Tin được gửi qua Zalo", False, "Kênh gửi không tự nó nói lên tin thật hay giả."),
            ],
        ),
        _quiz(
            "Một bức ảnh ngập lụt “hôm nay” được chia sẻ nhiều. Việc nào giúp kiểm chứng?",
            [
                ("Tìm ngược ảnh để xem ảnh đã xuất hiện trước đây chưa", True, "Ảnh cũ đăng lại rất phổ biến."),
                ("Đối chiếu với bản tin của Ban chỉ huy phòng chống thiên tai", True, "Nguồn chính thức quyết định."),
                ("Đếm số lượt chia sẻ", False, "Nhiều người chia sẻ không làm tin thành thật."),
            ],
            multiple=True,
        ),
    ],
)

HANDLE = (
    "Xử lý một tin đồn",
    "xu-ly-mot-tin-don",
    "<p>Việc cần làm, báo cho ai, và những điều không bao giờ làm.</p>",
    [
        ("heading", "Khi gặp một tin đồn"),
        _p(
            "<ul><li>Chụp lại nội dung, ghi đường dẫn và thời điểm; <b>không</b> chia sẻ thêm.</li>"
            "<li>Gửi cho tổ kiểm chứng qua mục “Hỏi đáp kiểm chứng” hoặc nhập vào hộp tiếp nhận trong citydesk.</li>"
            "<li>Nếu tin liên quan sức khỏe hay thiên tai, báo ngay trưởng nhóm kiểm chứng: mục tiêu phản hồi là"
            " 2 giờ.</li><li>Trả lời người dân bằng đường dẫn tới bài làm rõ đã đăng, không tranh cãi.</li></ul>"
        ),
        _p(
            "<p><b>Không bao giờ</b>: phản công hay lăng mạ người đăng; kêu gọi báo cáo hàng loạt một tài khoản;"
            " đăng bài từ tài khoản cá nhân thay cho cơ quan; đoán kết luận trước khi có nguồn.</p>"
        ),
        _quiz(
            "Tin đồn “sắp cắt nước toàn thành phố 3 ngày” đang lan nhanh. Việc đầu tiên nên làm là gì?",
            [
                ("Gửi tin cho tổ kiểm chứng kèm đường dẫn và ảnh chụp", True, "Tổ kiểm chứng hỏi đơn vị cấp nước."),
                ("Đăng ngay “tin giả” lên trang cá nhân", False, "Chưa kiểm chứng thì chưa kết luận."),
                ("Nhắn bạn bè cùng báo cáo tài khoản đăng tin", False, "Cơ quan không kêu gọi báo cáo hàng loạt."),
            ],
        ),
        _quiz(
            "Những việc nào không bao giờ làm khi xử lý tin đồn?",
            [
                ("Lăng mạ hoặc phản công người đăng", True, "Cơ quan trả lời bằng sự thật và nguồn, không công kích."),
                ("Kêu gọi báo cáo hàng loạt", True, "Citydesk không có và không dùng công cụ báo cáo hàng loạt."),
                ("Dẫn đường link bài làm rõ đã đăng", False, "Đây chính là cách trả lời đúng."),
            ],
            multiple=True,
        ),
    ],
)

SECURITY = (
    "An toàn thông tin cho cán bộ",
    "an-toan-thong-tin-cho-can-bo",
    "<p>Thư lừa đảo, mật khẩu và xác thực hai lớp, lấy lại trang bị chiếm, báo cáo mạo danh.</p>",
    [
        ("heading", "Thư và tin nhắn lừa đảo (phishing)"),
        _p(
            "<p>Kẻ gian giả làm Facebook, ngân hàng hay cấp trên, báo “trang sắp bị khóa” và gửi đường dẫn đăng"
            " nhập. Luôn tự gõ địa chỉ hoặc mở ứng dụng chính thức; không bao giờ đọc mã OTP cho ai.</p>"
        ),
        ("heading", "Mật khẩu và xác thực hai lớp"),
        _p(
            "<p>Mỗi tài khoản một mật khẩu dài (cụm từ 4–5 từ), lưu trong trình quản lý mật khẩu. Bật xác thực hai"
            " lớp bằng ứng dụng (citydesk yêu cầu điều này với biên tập viên, trưởng nhóm và quản trị).</p>"
        ),
        ("heading", "Khi trang của cơ quan bị chiếm"),
        _p(
            "<ol><li>Báo ngay quản trị đơn vị và Trung tâm Thông tin.</li><li>Dùng trang khôi phục chính thức của"
            " nền tảng; đổi mật khẩu, thu hồi phiên đăng nhập lạ.</li><li>Thông báo cho người dân trên các kênh"
            " còn lại và cập nhật danh bạ tài khoản chính thức.</li></ol>"
        ),
        _p(
            "<p>Gặp trang mạo danh cơ quan: báo cho tổ kiểm chứng để cảnh báo người dân và dùng chức năng báo cáo"
            " mạo danh của nền tảng cho <b>trang đó</b>, bằng tài khoản của cơ quan.</p>"
        ),
        _quiz(
            "Một tin nhắn “Trang của bạn vi phạm chính sách, xác minh trong 24 giờ” kèm đường dẫn lạ. Làm gì?",
            [
                ("Không bấm; mở ứng dụng Facebook chính thức để kiểm tra", True, "Thông báo thật có trong ứng dụng."),
                ("Bấm đường dẫn và đăng nhập để tránh bị khóa", False, "Đó là cách kẻ gian lấy mật khẩu."),
                ("Chuyển tiếp cho đồng nghiệp nhờ đăng nhập giúp", False, "Không chia sẻ đường dẫn lừa đảo."),
            ],
        ),
        _quiz(
            "Những việc nào giúp bảo vệ tài khoản của cơ quan?",
            [
                ("Bật xác thực hai lớp bằng ứng dụng", True, "Mất mật khẩu vẫn chưa mất tài khoản."),
                ("Mỗi tài khoản một mật khẩu riêng", True, "Một mật khẩu lộ không mở được các tài khoản khác."),
                ("Đọc mã OTP cho người gọi tự xưng là nhân viên hỗ trợ", False, "Không ai có quyền hỏi mã OTP."),
            ],
            multiple=True,
        ),
    ],
)


def training_section() -> TrainingIndexPage:
    """The training section, a child of the tree's root (outside the public site)."""
    section = TrainingIndexPage.objects.first()
    if section is None:
        root = Page.objects.get(depth=1)
        section = root.add_child(instance=TrainingIndexPage(title="Đào tạo", slug="dao-tao"))
        section.save_revision().publish()
    return section


def install_course(*, title: str, slug: str, intro: str, lessons, kinds=("official", "scam", "verify")) -> CoursePage:
    """A course with its lessons, published; returns the existing one when the slug is taken."""
    section = training_section()
    existing = CoursePage.objects.child_of(section).filter(slug=slug).first()
    if existing is not None:
        return existing
    course = section.add_child(
        instance=CoursePage(
            title=title,
            slug=slug,
            intro=intro,
            include_official="official" in kinds,
            include_scam="scam" in kinds,
            include_verify="verify" in kinds,
        )
    )
    course.save_revision().publish()
    for lesson_title, lesson_slug, summary, body in lessons:
        lesson = course.add_child(instance=LessonPage(title=lesson_title, slug=lesson_slug, summary=summary, body=body))
        lesson.save_revision().publish()
    course.refresh_from_db()
    return course


def install_starter_course() -> CoursePage:
    """The basic course: three lessons and the three exercises from real data."""
    return install_course(
        title="Khóa cơ bản: nhận diện và xử lý thông tin sai lệch",
        slug=STARTER_SLUG,
        intro="Dành cho cán bộ, cộng tác viên và cán bộ truyền thông của các đơn vị.",
        lessons=[RECOGNISE, HANDLE, SECURITY],
    )


def install_security_course() -> CoursePage:
    """A short course on keeping the office's accounts safe, with "Is this official?"."""
    return install_course(
        title="An toàn tài khoản của cơ quan",
        slug=SECURITY_SLUG,
        intro="Thư lừa đảo, mật khẩu, xác thực hai lớp và trang mạo danh.",
        lessons=[SECURITY],
        kinds=("official",),
    )
