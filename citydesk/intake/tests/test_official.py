"""The verified accounts directory: one key per address, look-alikes not official."""

import pytest

from citydesk.intake.models import OfficialAccount
from citydesk.intake.official import OfficialKind, account_key, parse_query
from citydesk.intake.selectors import lookup

from .conftest import telegram_update, zalo_event
from .test_telegram import _post
from .test_zalo import post_event, via_client


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


PHISHING = [
    "https://evil.com#@danang.gov.vn",
    "https://evil.com\\@danang.gov.vn/",
    "https://evil.com\\@facebook.com/soytedanang",
    "https://evil.com?@danang.gov.vn",
    "https://danang.gov.vn@evil.com/",
    "https://danang.gov.vn:443@evil.com/tin",
    "evil.com#@danang.gov.vn",
    "evil.com\\@danang.gov.vn",
    "https:\\\\evil.com\\@danang.gov.vn",
    "https://xn--dnang-cva.gov.vn/",  # a look-alike written in punycode
    "https://danang.gov.vn.evil.com/",
    "javascript://danang.gov.vn/%0aalert(1)",
]
GENUINE = [
    "https://WWW.DaNang.GOV.vn./tin-tuc",
    "https://user@tttt.danang.gov.vn/",
    "https://%64anang.gov.vn/",  # percent-encoded host: a browser goes to danang.gov.vn
    "https://evil.com%5C@danang.gov.vn/",  # an encoded backslash is only a user name: danang.gov.vn
    "https://m.facebook.com/SoYTeDaNang#top",
    "https://facebook.com/%53oYTeDaNang",
    "lienhe@danang.gov.vn",
]


@pytest.fixture
def directory(db):
    OfficialAccount.objects.create(name="Cổng thông tin thành phố", kind="website", value="danang.gov.vn")
    OfficialAccount.objects.create(name="Trang tin Sở Y tế", kind="facebook", value="facebook.com/soytedanang")


@pytest.mark.parametrize("address", PHISHING)
def test_phishing_links_are_not_official(directory, address):
    assert not lookup(address).official


@pytest.mark.parametrize("address", GENUINE)
def test_the_official_addresses_however_written_are_official(directory, address):
    assert lookup(address).official


@pytest.mark.parametrize("address", PHISHING[:4])
def test_anonymous_visitor_asking_about_a_phishing_link_is_not_told_it_is_official(client, directory, address):
    page = client.get("/tai-khoan-chinh-thuc/", {"q": address}).content.decode()
    assert "Không có trong danh sách chính thức" in page
    assert "Đây là tài khoản chính thức" not in page


def test_telegram_official_command_does_not_vouch_for_phishing_links(client, fake_telegram, directory):
    for update_id, address in enumerate(PHISHING[:3], start=6201):
        assert _post(client, telegram_update(update_id, f"/official {address}")).json()["handled"] == "command"
    answers = [message["text"] for message in fake_telegram.messages()]
    assert len(answers) == 3
    assert all(answer.startswith("Không có trong danh sách chính thức") for answer in answers), answers


def test_zalo_official_command_does_not_vouch_for_phishing_links(client, fake_zalo, directory):
    for number, address in enumerate(PHISHING[:3]):
        post_event(via_client(client), zalo_event(f"zo-{number}", f"#chinhthuc {address}"))
    answers = [message["message"]["text"] for message in fake_zalo.messages()]
    assert len(answers) == 3
    assert all(answer.startswith("Không có trong danh sách chính thức") for answer in answers), answers


def test_the_lookup_does_not_copy_its_query_into_the_headers_article_search(client, directory):
    page = client.get("/tai-khoan-chinh-thuc/", {"q": "0236 3888 115"}).content.decode()
    header = page[page.index("<header") : page.index("</header>")]
    assert 'id="site-search" type="search" name="q" value=""' in header
    search = client.get("/tim-kiem/", {"q": "sốt xuất huyết"}).content.decode()
    assert 'name="q" value="sốt xuất huyết"' in search[search.index("<header") : search.index("</header>")]
