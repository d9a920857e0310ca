"""The public "Is this true?" form: instant answers, e-mail follow-up, and its defences."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from citydesk.desk.models import Claim, Report

from .conftest import CLAIM_TEXT, answer_claim
from .fakes import jpeg_with_exif

pytestmark = pytest.mark.django_db
URL = "/hoi-dap-kiem-chung/"


def test_form_is_in_vietnamese_with_a_consent_text(client):
    page = client.get(URL).content.decode()
    assert "Thông tin này có đúng không?" in page
    assert "chỉ để gửi câu trả lời" in page
    assert client.get("/en" + URL).status_code == 200


def test_a_checked_claim_is_answered_on_the_spot(client, published_claim):
    response = client.post(URL, {"text": CLAIM_TEXT + " — tin này đang lan trên mạng"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Cơ quan đã kiểm chứng thông tin này" in page
    assert "Nước chanh không chữa được sốt xuất huyết." in page
    assert published_claim.clarification_page.url in page
    assert Report.objects.latest("pk").claim == published_claim


def test_the_same_link_is_answered_even_without_text(client, published_claim):
    # The desk fixture's report came with https://example.com/bai-dang/123.
    response = client.post(URL, {"url": "http://www.example.com/bai-dang/123/?utm_source=facebook&fbclid=x"})
    assert "Cơ quan đã kiểm chứng thông tin này" in response.content.decode()


def test_a_link_that_only_imitates_a_checked_link_is_not_answered_with_its_verdict(client, published_claim):
    # A browser opens evil.example here ("\\" ends the host), not the checked page on example.com.
    response = client.post(URL, {"url": "https://evil.example\\@example.com/bai-dang/123"})
    assert response.status_code == 200
    assert "Cơ quan đã kiểm chứng thông tin này" not in response.content.decode()
    assert Report.objects.latest("pk").url_key.startswith("https://evil.example/")


def test_new_tip_with_email_is_answered_by_email_when_published(
    client, verifier, lead, django_capture_on_commit_callbacks
):
    response = client.post(
        URL,
        {
            "text": "Trường học toàn thành phố nghỉ học cả tuần sau vì dịch cúm A lan rộng",
            "email": "ban.doc@example.vn",
            "consent": "on",
        },
    )
    assert "Cảm ơn, chúng tôi đã nhận được" in response.content.decode()
    report = Report.objects.get()
    assert report.reply_handle == "email:ban.doc@example.vn"
    claim = report.claim
    with django_capture_on_commit_callbacks(execute=True):
        page = answer_claim(
            claim,
            by=verifier,
            approver=lead,
            source=("https://sgd.gov.vn/thong-bao", "Sở Giáo dục"),
            summary="Không có lệnh nghỉ học nào.",
            explanation="Sở Giáo dục xác nhận học sinh đi học bình thường.",
        )
    [message] = mail.outbox
    assert message.to == ["ban.doc@example.vn"]
    assert page.get_full_url() in message.body and "SAI" in message.body


def test_email_without_consent_is_a_form_error_and_nothing_is_stored(client):
    response = client.post(URL, {"text": "Tin đồn gì đó cần kiểm chứng", "email": "a@example.vn"})
    assert response.status_code == 400
    assert "Đánh dấu ô này" in response.content.decode()
    assert Claim.objects.count() == 0


def test_empty_tip_is_refused(client):
    response = client.post(URL, {"text": "   "})
    assert response.status_code == 400
    assert "Hãy viết nội dung" in response.content.decode()


def test_honeypot_stores_nothing(client):
    response = client.post(URL, {"text": "Mua thuốc giảm cân giá rẻ tại đây", "website": "http://spam.example"})
    assert response.status_code == 200 and Report.objects.count() == 0


def test_per_ip_rate_limit(client, settings):
    settings.CITYDESK_TIP_RATE_LIMIT = 2
    codes = [
        client.post(URL, {"text": f"Tin đồn thứ {i} về việc cắt nước toàn thành phố"}).status_code for i in range(3)
    ]
    assert codes == [200, 200, 429]
    assert Report.objects.count() == 2
    other = client.post(URL, {"text": "Tin từ máy khác"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_image_is_checked_by_content_and_stripped(client):
    fake = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 not really a jpeg", content_type="image/jpeg")
    response = client.post(URL, {"text": "xem ảnh", "image": fake})
    assert response.status_code == 400 and "không phải ảnh" in response.content.decode()
    assert Report.objects.count() == 0

    real = SimpleUploadedFile(
        "screenshot.txt", jpeg_with_exif(), content_type="text/plain"
    )  # the name lies, the bytes don't
    response = client.post(
        URL, {"text": "Ảnh chụp tin nhắn lừa đảo mạo danh công an phường yêu cầu chuyển tiền", "image": real}
    )
    assert response.status_code == 200
    report = Report.objects.get()
    with report.image.open("rb") as stored, Image.open(stored) as image:
        assert not image.getexif()
    assert not report.image.name.endswith(".txt")


def test_oversized_image_is_refused(client, settings):
    settings.CITYDESK_TIP_MAX_IMAGE_BYTES = 1000
    big = io.BytesIO()
    Image.effect_noise((200, 200), 100).convert("RGB").save(big, format="PNG")
    upload = SimpleUploadedFile("big.png", big.getvalue(), content_type="image/png")
    response = client.post(URL, {"text": "ảnh lớn", "image": upload})
    assert response.status_code in (400, 413)
    assert "quá lớn" in response.content.decode()
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {"url": "https://danang.gov.vn:99999/thong-bao"},
        {"text": "Xem ngay https://danang.gov.vn:99999/thong-bao kẻo lỡ"},
    ],
    ids=["link field", "link in the text"],
)
def test_a_link_with_a_port_out_of_range_is_not_a_500(client, data):
    client.raise_request_exception = False
    response = client.post(URL, data)
    assert response.status_code < 500
