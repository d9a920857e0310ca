"""The desk's admin screens over HTTP: inbox, claim actions, staff entry, merge, access."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from citydesk.desk import services
from citydesk.desk.models import Channel, Claim, ClaimStatus, HarmCategory

pytestmark = pytest.mark.django_db


def test_inbox_sorts_by_priority_and_filters(client, verifier):
    now = timezone.now()
    quiet = services.report_receive(channel=Channel.WEB, text="Tin ít người báo", category=HarmCategory.OTHER).claim
    viral = services.report_receive(channel=Channel.WEB, text="Tin giả bão số 5", category=HarmCategory.DISASTER).claim
    for hours in range(4):
        services.report_receive(
            channel=Channel.ZALO, text="bao so 5", claim=viral, received_at=now - timedelta(hours=hours)
        )
    client.force_login(verifier)
    html = client.get(reverse("desk_inbox")).content.decode()
    assert html.index("Tin giả bão số 5") < html.index("Tin ít người báo")
    filtered = client.get(reverse("desk_inbox"), {"category": "other"}).content.decode()
    assert "Tin ít người báo" in filtered and "Tin giả bão số 5" not in filtered
    assert quiet.pk != viral.pk


def test_priority_counts_recent_reports_and_harm(verifier):
    from citydesk.desk.selectors import claims_with_priority

    claim = services.report_receive(channel=Channel.WEB, text="x", category=HarmCategory.HEALTH).claim
    services.report_receive(channel=Channel.WEB, text="x", claim=claim, received_at=timezone.now() - timedelta(days=3))
    annotated = claims_with_priority().get(pk=claim.pk)
    assert annotated.reports_last_24h == 1
    assert annotated.priority == 3 * 1 + 2 + 10


def test_people_outside_the_desk_cannot_open_it(client, editor_user, claim):
    client.force_login(editor_user)
    # Wagtail answers a refused admin page by sending the user back to the dashboard.
    for url in (reverse("desk_inbox"), reverse("desk_claim", args=[claim.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert "Response desk" not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Bàn kiểm chứng" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_staff_enter_a_report_with_an_image(client, verifier):
    client.force_login(verifier)
    buffer = BytesIO()
    PILImage.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    response = client.post(
        reverse("desk_report_new"),
        {
            "text": "Tin nhắn mạo danh công an phường yêu cầu chuyển tiền",
            "url": "https://example.net/tin-nhan",
            "category": HarmCategory.IMPERSONATION,
            "image": SimpleUploadedFile("anh.png", buffer.getvalue(), content_type="image/png"),
        },
    )
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk_claim", args=[claim.pk])
    report = claim.reports.get()
    assert report.channel == Channel.STAFF
    assert report.image.name.startswith("reports/")
    assert claim.category == HarmCategory.IMPERSONATION
    # The image is kept out of /media/ and shown to desk staff only.
    image_url = reverse("desk_report_image", args=[report.pk])
    assert image_url in client.get(reverse("desk_claim", args=[claim.pk])).content.decode()
    response = client.get(image_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    served = PILImage.open(BytesIO(b"".join(response.streaming_content)))
    assert (served.format, served.size) == ("PNG", (40, 30))  # re-encoded, same picture
    client.logout()
    assert client.get(image_url).status_code == 302  # to the log-in page


def test_staff_uploads_lose_their_camera_and_gps_metadata(client, verifier):
    from citydesk.intake.tests.fakes import jpeg_with_exif

    client.force_login(verifier)
    upload = SimpleUploadedFile("chup.jpg", jpeg_with_exif(), content_type="image/jpeg")
    client.post(reverse("desk_report_new"), {"text": "Ảnh chụp tin nhắn", "category": "other", "image": upload})
    stored = Claim.objects.get().reports.get().image
    with stored.open("rb") as handle:
        picture = PILImage.open(BytesIO(handle.read()))
    assert picture.format == "JPEG" and not picture.getexif()


def test_a_file_that_is_not_an_image_is_refused(client, verifier):
    client.force_login(verifier)
    fake = SimpleUploadedFile("anh.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = client.post(reverse("desk_report_new"), {"text": "x", "category": "other", "image": fake})
    assert response.status_code == 400
    assert "Hãy tải lên một hình ảnh hợp lệ" in response.content.decode()
    assert not Claim.objects.exists()


def test_an_empty_report_form_is_refused_in_vietnamese(client, verifier):
    client.force_login(verifier)
    response = client.post(reverse("desk_report_new"), {"text": "", "url": "", "category": "other"})
    assert response.status_code == 400
    assert "Tin báo cần có nội dung, đường dẫn hoặc ảnh." in response.content.decode()
    assert not Claim.objects.exists()


def test_claim_page_actions_from_evidence_to_publication(client, claim, verifier, lead):
    client.force_login(verifier)
    url = reverse("desk_claim_action", args=[claim.pk, "evidence"])
    response = client.post(url, {"url": "https://moh.gov.vn/a", "title": "Bộ Y tế", "quote": "Không có thuốc."})
    assert response.status_code == 302
    response = client.post(
        reverse("desk_claim_action", args=[claim.pk, "verdict"]),
        {"rating": "false", "summary": "Sai.", "explanation": "Vì Bộ Y tế nói vậy."},
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.AWAITING_APPROVAL

    # The verifier has no approve button and is refused if they try.
    page = client.get(reverse("desk_claim", args=[claim.pk])).content.decode()
    assert 'id="approve-verdict"' not in page
    client.post(reverse("desk_claim_action", args=[claim.pk, "approve"]))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.AWAITING_APPROVAL
    followed = client.get(reverse("desk_claim", args=[claim.pk])).content.decode()
    assert "Chỉ trưởng nhóm kiểm chứng được làm việc này." in followed

    client.force_login(lead)
    client.post(reverse("desk_claim_action", args=[claim.pk, "approve"]))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED
    detail = client.get(reverse("desk_claim", args=[claim.pk])).content.decode()
    assert "/kiem-chung/" in detail  # link to the public page
    assert "Duyệt và công bố kết luận" in detail  # the timeline


def test_invalid_action_form_shows_vietnamese_errors(client, claim, verifier):
    client.force_login(verifier)
    response = client.post(
        reverse("desk_claim_action", args=[claim.pk, "evidence"]), {"url": "khong-phai-link", "title": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Trường này là bắt buộc." in html
    assert "Nhập một URL hợp lệ." in html
    assert not claim.evidence.exists()


def test_bulk_merge_from_the_inbox(client, claim, verifier):
    a = services.report_receive(channel=Channel.WEB, text="trùng 1").claim
    b = services.report_receive(channel=Channel.WEB, text="trùng 2").claim
    client.force_login(verifier)
    response = client.post(reverse("desk_merge"), {"claims": [a.pk, b.pk], "into": claim.pk})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.report_count == 3
    assert set(Claim.objects.filter(status=ClaimStatus.DUPLICATE).values_list("pk", flat=True)) == {a.pk, b.pk}
    response = client.post(reverse("desk_merge"), {"claims": [claim.pk], "into": 999999}, follow=True)
    assert "Không có nhận định #999999." in response.content.decode()


def test_editing_a_claims_text_is_logged_as_an_edit_not_a_status_change(client, claim, verifier):
    services.claim_start_verification(claim=claim, actor=verifier)
    client.force_login(verifier)
    url = reverse("desk_claim_action", args=[claim.pk, "edit"])
    client.post(url, {"statement": "Nước chanh nóng không chữa khỏi sốt xuất huyết", "category": "health"})
    timeline = client.get(reverse("desk_claim", args=[claim.pk])).content.decode().split("Nhật ký")[-1]
    assert timeline.count("Sửa thông tin nhận định") == 1 and "Trước khi sửa: Uống nước chanh nóng" in timeline
    assert timeline.count("Đổi trạng thái") == 1  # only the start of verification, before the edit
