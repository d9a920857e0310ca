"""Partner keys and staff tokens: who may call what, over HTTP."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from citydesk.api import services
from citydesk.api.models import PartnerKey, PartnerReport
from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.desk.models import Report

from .conftest import CLAIM_TEXT, bearer


def test_a_key_is_stored_only_as_a_hash(make_key):
    key, value = make_key()
    assert value.startswith("cdk_") and value not in key.key_hash and len(key.key_hash) == 64


def test_partner_files_a_report_with_the_partner_channel(client, make_key):
    key, value = make_key()
    response = client.post(
        "/api/v1/reports/",
        {"text": "Có tin nhắn giả danh Sở Y tế thu phí tiêm chủng", "url": "https://example.com/p/1"},
        content_type="application/json",
        **bearer(value),
    )
    assert response.status_code == 201
    report = Report.objects.get(partner_filing__public_id=response.json()["id"])
    assert report.channel == "partner" and report.partner_filing.key == key
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_partner_image_is_cleaned_before_it_is_stored(client, make_key):
    _key, value = make_key()
    data = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(data, format="JPEG")
    data.seek(0)
    data.name = "a.jpg"
    response = client.post("/api/v1/reports/", {"image": data}, **bearer(value))
    assert response.status_code == 201 and response.json()["has_image"] is True
    bad = io.BytesIO(b"not an image")
    bad.name = "b.jpg"
    before = Report.objects.count()
    response = client.post("/api/v1/reports/", {"image": bad}, **bearer(value))
    assert response.status_code == 400 and Report.objects.count() == before


def test_a_partner_link_must_be_http(client, make_key):
    _key, value = make_key()
    response = client.post(
        "/api/v1/reports/", {"url": "javascript:alert(1)"}, content_type="application/json", **bearer(value)
    )
    assert response.status_code == 400 and not Report.objects.exists()


def test_one_key_never_reads_another_keys_reports(client, make_key):
    _first, first_value = make_key(name="Tổng đài")
    _second, second_value = make_key(name="Báo Đà Nẵng")
    filed = client.post(
        "/api/v1/reports/", {"text": "Tin đồn cắt nước cả tuần"}, content_type="application/json", **bearer(first_value)
    ).json()
    assert client.get(f"/api/v1/reports/{filed['id']}/", **bearer(first_value)).status_code == 200
    assert client.get(f"/api/v1/reports/{filed['id']}/", **bearer(second_value)).status_code == 404
    assert client.get("/api/v1/reports/", **bearer(second_value)).json()["results"] == []
    assert [r["id"] for r in client.get("/api/v1/reports/", **bearer(first_value)).json()["results"]] == [filed["id"]]


def test_report_status_shows_the_published_answer(client, make_key, published_claim):
    _key, value = make_key()
    filed = client.post(
        "/api/v1/reports/",
        {"url": "https://example.com/bai-dang/123"},
        content_type="application/json",
        **bearer(value),
    ).json()
    assert filed["status"] == "published"
    assert filed["clarification"]["rating"]["value"] == "false"


@pytest.mark.parametrize(
    ("scopes", "method", "path", "expected"),
    [
        (["reports:read"], "post", "/api/v1/reports/", 403),
        (["reports:file"], "get", "/api/v1/reports/", 403),
        (["reports:file"], "get", "/api/v1/webhooks/", 403),
        (["webhooks"], "post", "/api/v1/reports/", 403),
        (["webhooks"], "get", "/api/v1/webhooks/", 200),
        ([], "get", "/api/v1/clarifications/", 200),
        ([], "get", "/api/v1/desk/claims/", 403),
    ],
)
def test_each_scope_opens_only_its_operations(client, make_key, scopes, method, path, expected):
    _key, value = make_key(scopes=scopes)
    kwargs = {"content_type": "application/json", "data": {"text": "x"}} if method == "post" else {}
    assert getattr(client, method)(path, **kwargs, **bearer(value)).status_code == expected


def test_revoked_and_expired_keys_are_refused(client, make_key, unit_admin):
    key, value = make_key()
    services.partner_key_revoke(key=key, actor=unit_admin)
    response = client.get("/api/v1/reports/", **bearer(value))
    assert response.status_code == 401 and response.json()["error"]["code"] == "credentials_expired"
    _old, old_value = make_key(name="cũ", expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get("/api/v1/reports/", **bearer(old_value)).status_code == 401


def test_a_guessed_secret_with_a_real_prefix_is_refused(client, make_key):
    _key, value = make_key()
    forged = value[: value.rindex("_") + 1] + "A" * 43
    assert client.get("/api/v1/reports/", **bearer(forged)).status_code == 401


def test_each_key_has_its_own_rate_limit(client, make_key):
    _key, value = make_key(rate_limit=2)
    codes = [client.get("/api/v1/topics/", **bearer(value)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_a_unit_admin_cannot_make_a_key_for_another_unit(unit_admin):
    from django.core.exceptions import PermissionDenied

    from citydesk.core.models import Unit

    other = Unit.objects.create(name="Phường Hải Châu 1")
    with pytest.raises(PermissionDenied):
        services.partner_key_create(actor=unit_admin, name="x", unit=other, scopes=[], contact_email="a@b.vn")


def test_unit_admin_sees_the_key_once_in_the_admin_and_revokes_it(client, unit_admin, unit):
    client.force_login(unit_admin)
    response = client.post(
        "/admin/api-keys/new/",
        {
            "name": "Tổng đài 1022",
            "unit": unit.pk,
            "scopes": ["reports:file"],
            "contact_email": "a@b.vn",
            "rate_limit": 60,
        },
    )
    assert response.status_code == 200
    key = PartnerKey.objects.get()
    assert f"cdk_{key.prefix}_" in response.content.decode()
    listing = client.get("/admin/api-keys/").content.decode()
    assert key.prefix in listing and "cdk_" + key.prefix + "_" not in listing
    client.post(f"/admin/api-keys/{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.revoked_at is not None


@pytest.mark.parametrize("role", [roles.EDITOR, roles.DESK_LEAD, roles.MODERATOR, roles.CONTRIBUTOR])
def test_other_roles_cannot_open_the_api_keys_screen(client, db, role):
    client.force_login(make_user("nguoi", role))
    assert client.get("/admin/api-keys/").status_code in (302, 403)
    assert client.get("/admin/api-keys/new/").status_code in (302, 403)


STAFF_ROLES = {
    roles.CONTRIBUTOR: 403,
    roles.EXPERT_REVIEWER: 403,
    roles.EDITOR: 403,
    roles.DESK_VERIFIER: 200,
    roles.DESK_LEAD: 200,
    roles.MODERATOR: 403,
    roles.UNIT_ADMIN: 403,
}


@pytest.mark.parametrize(("role", "expected"), STAFF_ROLES.items())
def test_staff_tokens_read_the_desk_only_with_the_desk_role(client, published_claim, role, expected):
    user = make_user("nhanvien", role)
    _token, value = services.staff_token_create(user=user, name="công cụ")
    assert client.get("/api/v1/desk/claims/?status=published", **bearer(value)).status_code == expected
    detail = client.get(f"/api/v1/desk/claims/{published_claim.pk}/", **bearer(value))
    assert detail.status_code == expected
    if expected == 200:
        assert detail.json()["statement"] == published_claim.statement
        assert "reply_handle" not in detail.content.decode()
    # A staff token never writes: there is no write endpoint for it.
    assert client.post("/api/v1/desk/claims/", {}, content_type="application/json", **bearer(value)).status_code in (
        403,
        405,
    )


def test_a_revoked_staff_token_and_a_deactivated_user_are_refused(client, db):
    user = make_user("kiemchung2", roles.DESK_VERIFIER)
    token, value = services.staff_token_create(user=user, name="công cụ")
    assert client.get("/api/v1/desk/claims/", **bearer(value)).status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/api/v1/desk/claims/", **bearer(value)).status_code == 401
    user.is_active = True
    user.save()
    services.staff_token_revoke(token=token)
    assert client.get("/api/v1/desk/claims/", **bearer(value)).status_code == 401


def test_a_superuser_token_reads_the_desk(client, published_claim):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("sieu", "s@x.vn", "pw")
    _token, value = services.staff_token_create(user=admin, name="x")
    assert client.get("/api/v1/desk/claims/?status=published", **bearer(value)).json()["count"] == 1


def test_check_with_a_partner_key_files_the_tip_as_that_key(client, make_key, published_claim):
    key, value = make_key()
    body = client.post(
        "/api/v1/check/", {"text": CLAIM_TEXT, "file_as_tip": True}, content_type="application/json", **bearer(value)
    ).json()
    assert body["verdict"] is not None
    assert PartnerReport.objects.get(public_id=body["filed"]["id"]).key == key


def test_a_desk_claim_id_too_large_for_the_database_is_a_404(client, db):
    _token, value = services.staff_token_create(user=make_user("truongnhom2", roles.DESK_LEAD), name="x")
    assert client.get("/api/v1/desk/claims/99999999999999999999999/", **bearer(value)).status_code == 404
