"""Key rotation for stored platform tokens: several keys (the first encrypts), rotate_secrets, and a
token no key opens is an error naming whose token to enter again, never a silent empty token."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import Page

from citydesk.channels import services
from citydesk.channels.models import ChannelAccount, Delivery
from citydesk.conftest import make_user
from citydesk.core import roles, secrets
from citydesk.core.models import Unit
from citydesk.intake import zalo
from citydesk.intake.models import PlatformToken

from .fakes import FakeGraph

pytestmark = pytest.mark.django_db
OLD, NEW, OTHER = Fernet.generate_key().decode(), Fernet.generate_key().decode(), Fernet.generate_key().decode()
TOKEN = "EAAG-rotation-page-token-4321"


def facebook_account(name: str = "Trang Facebook thành phố") -> ChannelAccount:
    account = ChannelAccount(name=name, kind="facebook", target="1029384756")
    account.set_secrets(token=TOKEN)
    account.save()
    return account


def test_a_new_first_key_encrypts_old_keys_still_decrypt_and_rotate_secrets_moves_everything(settings):
    settings.CITYDESK_SECRETS_KEYS, settings.CITYDESK_SECRETS_KEY = [OLD], ""
    account = facebook_account()
    tipline = PlatformToken(platform="zalo")
    tipline.set_tokens("za-access", "za-refresh")
    tipline.save()

    settings.CITYDESK_SECRETS_KEYS = [NEW, OLD]
    assert ChannelAccount.objects.get().token == TOKEN  # read with the old key
    call_command("rotate_secrets", stdout=(out := io.StringIO()))
    assert "rotated: 2" in out.getvalue()

    settings.CITYDESK_SECRETS_KEYS = [NEW]  # the old key is gone: everything still opens
    account.refresh_from_db()
    tipline.refresh_from_db()
    assert account.token == TOKEN and tipline.access_token == "za-access" and tipline.refresh_token == "za-refresh"
    assert Fernet(NEW).decrypt(account.token_encrypted.encode()).decode() == TOKEN


def test_the_single_key_setting_and_the_embedded_default_keep_working(settings):
    settings.CITYDESK_SECRETS_KEYS, settings.CITYDESK_SECRETS_KEY = [], ""
    account = facebook_account()  # embedded mode: the key derived from SECRET_KEY
    settings.CITYDESK_SECRETS_KEY = OLD  # a key configured later: the derived one still decrypts
    assert ChannelAccount.objects.get().token == TOKEN
    call_command("rotate_secrets", stdout=io.StringIO())
    account.refresh_from_db()
    assert Fernet(OLD).decrypt(account.token_encrypted.encode()).decode() == TOKEN


def test_a_changed_key_names_the_account_in_the_delivery_the_admin_and_rotate_secrets(client, settings):
    settings.CITYDESK_SECRETS_KEYS = [OLD]
    account = facebook_account()
    settings.CITYDESK_SECRETS_KEYS = [OTHER]  # OLD was replaced instead of added

    with pytest.raises(secrets.SecretUnreadable) as unreadable:
        ChannelAccount.objects.get().token  # noqa: B018
    assert "Trang Facebook thành phố" in str(unreadable.value)

    with FakeGraph("1029384756", TOKEN) as platform:
        settings.CITYDESK_FACEBOOK_API_URL = platform.url
        publication = services.publish(
            page=Page.objects.get(depth=2),
            accounts=[account],
            actor=make_user("bientap", roles.EDITOR),
            title="Lịch cắt nước",
            summary="Chủ nhật.",
            link="https://thanhpho.example/cat-nuoc",
        )
        services.deliver_due()
    delivery = publication.deliveries.get()
    assert platform.requests == []  # no empty token sent
    assert delivery.status == Delivery.Status.GAVE_UP and "Trang Facebook thành phố" in delivery.last_error
    assert "nhập lại" in delivery.last_error

    unit_admin = make_user("quantridonvi", roles.UNIT_ADMIN)
    account.unit = Unit.objects.create(name="Trung tâm Truyền thông", short_name="TTTT")
    account.save(update_fields=["unit"])
    account.unit.administrators.add(unit_admin)  # the accounts of its own units (core.scoping)
    client.force_login(unit_admin)
    listing = client.get(reverse("wagtailsnippets_channels_channelaccount:list")).content.decode()
    assert "không đọc được: nhập lại token" in listing
    edit_url = reverse("wagtailsnippets_channels_channelaccount:edit", args=[account.pk])
    assert "không đọc được bằng các khóa đã cấu hình" in client.get(edit_url).content.decode()

    with pytest.raises(CommandError):
        call_command("rotate_secrets", stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert "Trang Facebook thành phố" in err.getvalue()
    account.refresh_from_db()
    assert account.token_encrypted  # kept: the old key may still be found

    client.post(  # the token entered again opens with the new key
        edit_url,
        {
            "name": account.name,
            "kind": "facebook",
            "target": "1029384756",
            "token": TOKEN,
            "is_active": "on",
            "unit": account.unit.pk,
        },
    )
    account.refresh_from_db()
    assert account.token == TOKEN


def test_rotate_secrets_can_clear_what_no_key_opens(settings):
    settings.CITYDESK_SECRETS_KEYS = [OLD]
    account = facebook_account()
    settings.CITYDESK_SECRETS_KEYS = [OTHER]
    call_command("rotate_secrets", "--clear-unreadable", stdout=io.StringIO(), stderr=io.StringIO())
    account.refresh_from_db()
    assert account.token_encrypted == "" and account.token == ""


def test_the_zalo_tipline_says_its_token_must_be_entered_again(settings):
    settings.CITYDESK_SECRETS_KEYS = [OLD]
    stored = PlatformToken(platform="zalo")
    stored.set_tokens("za-access", "za-refresh")
    stored.save()
    settings.CITYDESK_SECRETS_KEYS = [OTHER]
    settings.CITYDESK_ZALO_ACCESS_TOKEN = "from-the-environment"  # never used silently instead
    with pytest.raises(zalo.ZaloError) as error:
        zalo.official_account().send_text("2468013579", "Cảm ơn bạn")
    assert "Zalo" in str(error.value) and "nhập lại" in str(error.value)
