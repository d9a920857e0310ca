"""Pitches, the directory search, invitations by one-time link, and deactivation."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from citydesk.core import roles
from citydesk.core.models import ContributorProfile, Unit
from citydesk.network import services
from citydesk.network.models import Assignment, Invitation, Notification, Pitch

K = Notification.Kind


@pytest.fixture
def pitch(contributor_user, editor_user):
    return services.pitch_submit(
        user=contributor_user,
        title="Bản đồ điểm tiêm chủng mở rộng",
        angle="Phụ huynh không biết lịch tiêm ở phường mình.",
        sources="Trung tâm Kiểm soát bệnh tật; lịch tiêm của 56 trạm y tế",
        expected_date=timezone.localdate() + timedelta(days=5),
    )


def test_pitch_reaches_the_editors(pitch, editor_user):
    assert pitch.status == Pitch.Status.PROPOSED
    assert Notification.objects.filter(recipient=editor_user, kind=K.PITCH_NEW, pitch=pitch).exists()


def test_pitch_for_a_past_date_or_from_a_non_contributor_is_refused(contributor_user, editor_user):
    with pytest.raises(ValidationError, match="quá khứ"):
        services.pitch_submit(user=contributor_user, title="A", angle="B", sources="", expected_date=date(2020, 1, 1))
    with pytest.raises(PermissionDenied):
        services.pitch_submit(user=editor_user, title="A", angle="B", sources="", expected_date=timezone.localdate())
    assert not Pitch.objects.exists()


def test_accepting_a_pitch_creates_an_accepted_assignment_and_the_draft(pitch, editor_user, contributor_user, topic):
    assignment = services.pitch_accept(pitch=pitch, user=editor_user, topic=topic)
    pitch.refresh_from_db()
    assert pitch.status == Pitch.Status.ACCEPTED and pitch.decided_by == editor_user
    assert assignment.status == Assignment.Status.ACCEPTED
    assert timezone.localtime(assignment.deadline).hour == 17  # 17:00 on the expected date
    assert "56 trạm y tế" in assignment.brief
    assert assignment.page.owner == contributor_user and not assignment.page.live
    assert [person.name for person in assignment.page.contributors()] == ["Congtacvien"]
    assert Notification.objects.filter(recipient=contributor_user, kind=K.PITCH_ACCEPTED).exists()
    with pytest.raises(ValidationError, match="đã được quyết định"):
        services.pitch_decline(pitch=pitch, user=editor_user, reason="Trùng")


def test_declining_a_pitch_needs_a_reason_the_contributor_sees(pitch, editor_user, contributor_user):
    with pytest.raises(ValidationError):
        services.pitch_decline(pitch=pitch, user=editor_user, reason="")
    services.pitch_decline(pitch=pitch, user=editor_user, reason="Đã có bài tương tự tuần trước")
    note = Notification.objects.get(recipient=contributor_user, kind=K.PITCH_DECLINED)
    assert note.detail == "Đã có bài tương tự tuần trước"
    assert not Assignment.objects.exists()


def test_contributors_cannot_decide_pitches(pitch, contributor_user, topic):
    with pytest.raises(PermissionDenied):
        services.pitch_accept(pitch=pitch, user=contributor_user, topic=topic)
    pitch.refresh_from_db()
    assert pitch.status == Pitch.Status.PROPOSED


def test_database_refuses_a_declined_pitch_without_reason(pitch):
    with pytest.raises(IntegrityError):
        Pitch.objects.filter(pk=pitch.pk).update(status=Pitch.Status.DECLINED)


@pytest.fixture
def directory(unit, hospital):
    def person(name, unit, tags, **fields):
        profile = ContributorProfile.objects.create(name=name, unit=unit, **fields)
        profile.expertise.set(tags)
        profile.save()
        return profile

    return {
        "tag": person("BS. Lê Thu", hospital, ["sốt xuất huyết", "bệnh truyền nhiễm"], languages="Tiếng Việt, English"),
        "bio": person("Trần Minh", unit, ["y tế dự phòng"], bio="Từng viết về sốt xuất huyết ở Hòa Vang."),
        "other": person("Ngô Hải", unit, ["quy hoạch đô thị"], languages="Tiếng Việt"),
        "away": person(
            "Phạm An",
            unit,
            ["sốt xuất huyết"],
            availability=ContributorProfile.Availability.UNAVAILABLE,
            availability_note="Đi công tác đến 15/12",
        ),
        "gone": person("Vũ Lan", unit, ["sốt xuất huyết"], is_active=False),
    }


def test_who_can_write_about_dengue_fever(directory):
    found = services.directory_search("sot xuat huyet")  # typed without marks
    names = [person.name for person in found]
    assert names[0] in {"BS. Lê Thu", "Phạm An"}  # expertise tags rank first
    assert names.index("Trần Minh") > names.index("BS. Lê Thu")  # mentioned in the bio only
    assert "Ngô Hải" not in names and "Vũ Lan" not in names  # other field; deactivated


def test_directory_filters_by_unit_language_and_availability(directory, hospital):
    assert [p.name for p in services.directory_search("sốt xuất huyết", unit=hospital)] == ["BS. Lê Thu"]
    assert [p.name for p in services.directory_search("", language="english")] == ["BS. Lê Thu"]
    available = [p.name for p in services.directory_search("sốt xuất huyết", available_only=True)]
    assert "Phạm An" not in available and "BS. Lê Thu" in available
    everyone = [p.name for p in services.directory_search("sốt xuất huyết", include_inactive=True)]
    assert "Vũ Lan" in everyone


def test_health_contributors_are_found_by_their_unit_and_the_topics_they_write_in(
    make_article, contributor_user, hospital
):
    health = Unit.objects.create(name="Sở Y tế", short_name="SYT", kind=Unit.Kind.DEPARTMENT)
    pharmacist = ContributorProfile.objects.create(name="Bùi Ngọc Trâm", unit=health, title="Dược sĩ")
    pharmacist.expertise.set(["thuốc", "an toàn thực phẩm"])
    pharmacist.save()
    planner = ContributorProfile.objects.create(name="Ngô Hải", unit=hospital, title="Kỹ sư quy hoạch")
    planner.expertise.set(["quy hoạch đô thị", "tiện ích"])
    planner.save()
    make_article(publish=True)  # the contributor's byline under the topic "Sức khỏe"
    writer = contributor_user.contributor_profile.name
    for query in ("y te", "Y tế", "y tế"):
        assert [p.name for p in services.directory_search(query)] == ["Bùi Ngọc Trâm"], query  # "quy", "tiện": no
    for query in ("sức khỏe", "suc khoe", "sức khoẻ"):
        assert [p.name for p in services.directory_search(query)] == [writer], query
    assert [p.name for p in services.directory_search("duoc")] == ["Bùi Ngọc Trâm"]  # a syllable's start


def test_directory_screen_searches_over_http(client, editor_user, directory):
    client.force_login(editor_user)
    html = client.get("/admin/network/directory/", {"q": "sốt xuất huyết"}).content.decode()
    assert "BS. Lê Thu" in html and "Ngô Hải" not in html
    assert "Danh bạ cộng tác viên" in html


def test_invitation_link_creates_a_contributor_once(client, editor_user, unit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = services.invitation_create(
            invited_by=editor_user,
            email="lan.nguyen@benhvien.vn",
            name="Nguyễn Thị Lan",
            unit=unit,
            title="Bác sĩ",
            expertise="sốt xuất huyết, dinh dưỡng",
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lan.nguyen@benhvien.vn"]
    link = f"/loi-moi/{token}/"
    assert link in message.body
    assert token not in Invitation.objects.values_list("token_hash", flat=True)  # only the hash is stored

    page = client.get(link)
    assert page.status_code == 200 and "Nguyễn Thị Lan" in page.content.decode()
    weak = client.post(link, {"username": "lan.nguyen", "password": "123", "password_again": "123"})
    assert weak.status_code == 200 and "mật khẩu" in weak.content.decode().lower()
    assert not get_user_model().objects.filter(username="lan.nguyen").exists()  # nothing half-created

    password = "Mua-mua-Da-Nang-2026"
    done = client.post(link, {"username": "lan.nguyen", "password": password, "password_again": password})
    assert done.status_code == 302 and done["Location"] == "/admin/network/"
    user = get_user_model().objects.get(username="lan.nguyen")
    assert user.email == "lan.nguyen@benhvien.vn"
    assert list(user.groups.values_list("name", flat=True)) == [roles.CONTRIBUTOR]
    profile = user.contributor_profile
    assert profile.name == "Nguyễn Thị Lan" and profile.unit == unit
    assert sorted(tag.name for tag in profile.expertise.all()) == ["dinh dưỡng", "sốt xuất huyết"]
    assert client.get("/admin/network/").status_code == 200  # logged in

    again = client.get(link)
    assert again.status_code == 410 and "đã được dùng" in again.content.decode()


def test_expired_unknown_and_replaced_invitations_do_not_work(client, editor_user, unit):
    _old, old = services.invitation_create(
        invited_by=editor_user, email="a@b.vn", name="Hà", unit=unit, now=timezone.now() - timedelta(days=15)
    )
    assert client.get(f"/loi-moi/{old}/").status_code == 410
    _invitation, first = services.invitation_create(invited_by=editor_user, email="c@d.vn", name="Hà", unit=unit)
    _invitation, second = services.invitation_create(invited_by=editor_user, email="c@d.vn", name="Hà", unit=unit)
    assert "hết hạn" in client.get(f"/loi-moi/{first}/").content.decode()  # the newer link replaced it
    assert client.get(f"/loi-moi/{second}/").status_code == 200
    unknown = client.get("/loi-moi/khong-co-that/")
    assert unknown.status_code == 410 and "không hợp lệ" in unknown.content.decode()


def test_invitation_refused_for_existing_account_or_without_permission(contributor_user, editor_user, unit):
    with pytest.raises(ValidationError):
        services.invitation_create(invited_by=editor_user, email=contributor_user.email, name="X", unit=unit)
    with pytest.raises(PermissionDenied):
        services.invitation_create(invited_by=contributor_user, email="new@x.vn", name="X", unit=unit)
    assert not Invitation.objects.exists()


def test_invitation_screen_sends_one(client, editor_user, unit):
    client.force_login(editor_user)
    response = client.post(
        "/admin/network/invitations/",
        {"name": "Đỗ Bình", "email": "binh@truong.edu.vn", "unit": unit.pk, "title": "", "expertise": "giáo dục"},
    )
    assert response.status_code == 302
    assert Invitation.objects.get().email == "binh@truong.edu.vn"
    bad = client.post("/admin/network/invitations/", {"name": "X", "email": "khong-phai-email", "unit": unit.pk})
    assert bad.status_code == 200 and Invitation.objects.count() == 1


def test_deactivated_contributor_keeps_the_byline_on_the_public_page(
    client, make_article, contributor_user, editor_user
):
    article = make_article(title="Cách phòng sốt xuất huyết", publish=True)
    client.force_login(editor_user)
    response = client.post(
        f"/admin/network/contributors/{contributor_user.contributor_profile.pk}/active/", {"active": "0"}
    )
    assert response.status_code == 302
    contributor_user.refresh_from_db()
    assert not contributor_user.is_active
    client.logout()
    assert "Congtacvien" in client.get(article.url).content.decode()
