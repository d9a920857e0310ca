"""The verified accounts directory: one key per address, look-alikes not official."""

import pytest

from citydesk.intake.models import OfficialAccount
from citydesk.intake.official import OfficialKind, account_key, lookup, parse_query


@pytest.mark.parametrize(
    "kind, value, key",
    [
        ("facebook", "https://www.facebook.com/SoYTeDaNang/", "facebook.com/soytedanang"),
        ("facebook", "m.facebook.com/soytedanang?ref=share", "facebook.com/soytedanang"),
        ("facebook", "fb.com/soytedanang", "facebook.com/soytedanang"),
        ("facebook", "https://facebook.com/profile.php?id=100064", "facebook.com/100064"),
        ("telegram", "@TinDaNang", "t.me/tindanang"),
        ("telegram", "https://t.me/tindanang", "t.me/tindanang"),
        ("zalo", "https://zalo.me/1234567890", "zalo.me/1234567890"),
        ("website", "https://www.danang.gov.vn/web/guest/home", "danang.gov.vn"),
        ("phone", "0236 3822 111", "+842363822111"),
        ("phone", "+84 236 382 2111", "+842363822111"),
        ("email", "LienHe@DaNang.gov.vn", "lienhe@danang.gov.vn"),
        ("website", "not a domain", None),
        ("phone", "12345", None),
        ("facebook", "https://t.me/tindanang", None),
    ],
)
def test_account_keys(kind, value, key):
    assert account_key(kind, value) == key


def test_parse_query_recognises_addresses_and_names():
    assert parse_query("Facebook.com/SoYTeDaNang").kind == OfficialKind.FACEBOOK
    assert parse_query("0905 123 456").key == "+84905123456"
    assert parse_query("tttt.danang.gov.vn").kind == OfficialKind.WEBSITE
    assert parse_query("Sở Y tế").kind is None


@pytest.mark.django_db
def test_lookup_subdomains_are_official_and_lookalikes_are_not():
    OfficialAccount.objects.create(name="Cổng thông tin thành phố", kind="website", value="danang.gov.vn")
    OfficialAccount.objects.create(name="Đường dây nóng", kind="phone", value="1022")
    OfficialAccount.objects.create(name="Trang tin Sở Y tế", kind="facebook", value="facebook.com/soytedanang")
    OfficialAccount.objects.create(name="Trang cũ", kind="facebook", value="facebook.com/old", is_active=False)

    assert lookup("https://tttt.danang.gov.vn/tin-tuc").official
    assert not lookup("danang-gov.vn").official
    assert not lookup("danang.gov.vn.example.com").official
    assert lookup("https://m.facebook.com/SoYTeDaNang").official
    assert not lookup("facebook.com/soytedanang.official").official
    assert not lookup("facebook.com/old").official
    assert [a.name for a in lookup("so y te").accounts] == ["Trang tin Sở Y tế"]


@pytest.mark.django_db
def test_admin_form_refuses_a_bad_or_repeated_address(client, lead):
    from django.core.exceptions import ValidationError

    OfficialAccount.objects.create(name="A", kind="facebook", value="facebook.com/soytedanang")
    with pytest.raises(ValidationError):
        OfficialAccount(name="B", kind="facebook", value="https://www.facebook.com/SoYTeDaNang").full_clean()
    with pytest.raises(ValidationError):
        OfficialAccount(name="C", kind="phone", value="123").full_clean()


@pytest.mark.django_db
def test_public_page_lists_accounts_and_answers_a_query(client):
    OfficialAccount.objects.create(name="Trang tin Sở Y tế", kind="facebook", value="facebook.com/soytedanang")
    page = client.get("/tai-khoan-chinh-thuc/").content.decode()
    assert "Tài khoản chính thức" in page and "Trang tin Sở Y tế" in page
    yes = client.get("/tai-khoan-chinh-thuc/", {"q": "fb.com/SoYTeDaNang"}).content.decode()
    assert "Đây là tài khoản chính thức" in yes
    no = client.get("/tai-khoan-chinh-thuc/", {"q": "facebook.com/soyte-danang-hotro"}).content.decode()
    assert "Không có trong danh sách chính thức" in no


@pytest.mark.django_db
def test_desk_leads_keep_the_directory(lead, verifier):
    assert lead.has_perm("intake.add_officialaccount") and lead.has_perm("intake.change_feedsource")
    assert not verifier.has_perm("intake.add_officialaccount")
