"""The channels screens: write-only secrets, preview, queueing, retry, calendar, permissions."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page

from citydesk.channels import services
from citydesk.channels.models import ChannelAccount, Delivery, Publication
from citydesk.conftest import make_user
from citydesk.core import roles

pytestmark = pytest.mark.django_db
TOKEN = "EAAG-secret-page-token-98765"


@pytest.fixture
def unit_admin(unit):
    admin = make_user("quantridonvi", roles.UNIT_ADMIN)
    unit.administrators.add(admin)  # unit admins manage their units' accounts
    return admin


@pytest.fixture
def editor(db):
    return make_user("bientap", roles.EDITOR)


def test_secrets_are_write_only_in_the_admin(client, unit_admin, unit):
    client.force_login(unit_admin)
    add_url = reverse("wagtailsnippets_channels_channelaccount:add")
    response = client.post(
        add_url,
        {
            "name": "Trang Facebook thành phố",
            "kind": "facebook",
            "target": "1029384756",
            "token": TOKEN,
            "unit": unit.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account = ChannelAccount.objects.get()
    assert account.token == TOKEN and TOKEN not in account.token_encrypted

    edit_url = reverse("wagtailsnippets_channels_channelaccount:edit", args=[account.pk])
    page = client.get(edit_url).content.decode()
    assert TOKEN not in page and TOKEN[-4:] in page  # only the last four characters, masked
    listing = client.get(reverse("wagtailsnippets_channels_channelaccount:list")).content.decode()
    assert TOKEN not in listing

    client.post(
        edit_url,
        {
            "name": "Trang Facebook",
            "kind": "facebook",
            "target": "1029384756",
            "token": "",
            "unit": unit.pk,
            "is_active": "on",
        },
    )
    account.refresh_from_db()
    assert account.name == "Trang Facebook" and account.token == TOKEN  # empty keeps the stored token


def test_editor_previews_queues_and_retries(client, editor):
    account = ChannelAccount.objects.create(name="Hộp thư báo chí", kind="email", target="bao-chi@example.vn")
    page = Page.objects.get(depth=2)
    client.force_login(editor)
    url = reverse("channels_publish", args=[page.pk])
    assert client.get(url).status_code == 200
    data = {
        "title": "Khai trương xe buýt điện",
        "summary": "Giá vé 7.000 đồng.",
        "link": "https://thanhpho.example/xe-buyt",
        "accounts": [account.pk],
    }

    preview = client.post(url, {**data, "preview": "1"}).content.decode()
    assert "Xem trước" in preview and "Giá vé 7.000 đồng." in preview
    assert Publication.objects.count() == 0

    response = client.post(url, {**data, "send": "1"})
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING

    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.UNKNOWN)
    outbox = client.get(reverse("channels_outbox")).content.decode()
    assert "Không rõ kết quả" in outbox and "Khai trương xe buýt điện" in outbox
    client.post(
        reverse("channels_delivery_action", args=[delivery.pk, "mark-sent"]), {"post_url": "https://example.vn/p/1"}
    )
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT

    calendar = client.get(reverse("channels_calendar")).content.decode()
    assert "Khai trương xe buýt điện" in calendar
    assert client.get(reverse("channels_calendar"), {"xem": "thang"}).status_code == 200


def test_bad_input_is_a_form_error_and_queues_nothing(client, editor):
    page = Page.objects.get(depth=2)
    client.force_login(editor)
    response = client.post(
        reverse("channels_publish", args=[page.pk]), {"title": "", "link": "không phải link", "send": "1"}
    )
    assert response.status_code == 200 and "errors" in response.content.decode()
    assert Publication.objects.count() == 0


def test_contributors_cannot_publish_to_channels(client):
    client.force_login(make_user("congtacvien", roles.CONTRIBUTOR))
    refused = client.get(reverse("channels_outbox"))  # Wagtail sends a refused user to the dashboard
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    page = Page.objects.get(depth=2)
    assert client.get(reverse("channels_publish", args=[page.pk])).status_code == 302


def test_scheduled_publications_wait_for_their_time(editor):
    from datetime import timedelta

    from django.utils import timezone

    account = ChannelAccount.objects.create(name="Hộp thư", kind="email", target="a@example.vn")
    publication = services.publish(
        page=Page.objects.get(depth=2),
        accounts=[account],
        actor=editor,
        title="Lịch cắt điện",
        summary="Chủ nhật.",
        link="https://thanhpho.example/cat-dien",
        scheduled_at=timezone.now() + timedelta(hours=2),
    )
    assert services.deliver_due() == 0
    assert services.deliver_due(now=timezone.now() + timedelta(hours=3)) == 1
    assert publication.deliveries.get().status == Delivery.Status.SENT


def test_the_page_list_offers_send_to_channels_and_the_editor_the_channel_choice(client, editor, make_article):
    article = make_article(publish=True)
    client.force_login(editor)
    listing = client.get(reverse("wagtailadmin_explore", args=[article.get_parent().pk])).content.decode()
    assert reverse("channels_publish", args=[article.pk]) in listing and "Đăng lên các kênh" in listing
    editor_page = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content.decode()
    assert "Đăng lên các kênh khi xuất bản" in editor_page


def test_unit_admin_cannot_send_a_stored_token_to_another_address(client, unit, unit_admin, editor, settings):
    """The API address is a setting: an address typed into the account form never receives the token."""
    from .fakes import FakeGraph

    with FakeGraph("1029384756", TOKEN) as platform, FakeGraph("1029384756", TOKEN) as attacker:
        settings.CITYDESK_FACEBOOK_API_URL = platform.url
        # An account of the unit admin's own unit: the one it may edit (core.scoping).
        account = ChannelAccount(name="Trang Facebook thành phố", kind="facebook", target="1029384756", unit=unit)
        account.set_secrets(token=TOKEN)
        account.save()
        client.force_login(unit_admin)
        edit_url = reverse("wagtailsnippets_channels_channelaccount:edit", args=[account.pk])
        response = client.post(
            edit_url,
            {
                "name": "Trang Facebook thành phố",
                "kind": "facebook",
                "target": "1029384756",
                "token": "",
                "api_url": attacker.url,
                "is_active": "on",
                "unit": unit.pk,
            },
        )
        assert response.status_code == 302
        account.refresh_from_db()
        assert account.token == TOKEN

        publication = services.publish(
            page=Page.objects.get(depth=2),
            accounts=[account],
            actor=editor,
            title="Lịch cắt nước",
            summary="Chủ nhật.",
            link="https://thanhpho.example/cat-nuoc",
        )
        services.deliver_due()
    assert attacker.requests == [] and publication.deliveries.get().status == Delivery.Status.SENT
    assert len(platform.posts) == 1 and platform.requests[0]["form"]["access_token"] == TOKEN


def test_editor_cannot_store_a_javascript_link_as_the_found_post(client, editor):
    account = ChannelAccount.objects.create(name="Kênh Telegram", kind="telegram", target="@kenh")
    publication = services.publish(
        page=Page.objects.get(depth=2),
        accounts=[account],
        actor=editor,
        title="Lịch cắt nước",
        summary="Chủ nhật.",
        link="https://thanhpho.example/cat-nuoc",
    )
    delivery = publication.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.UNKNOWN)
    client.force_login(editor)
    action = reverse("channels_delivery_action", args=[delivery.pk, "mark-sent"])

    response = client.post(action, {"post_url": "javascript:fetch('/admin/users/')"})
    assert response.status_code == 400 and "http:// hoặc https://" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.UNKNOWN and delivery.post_url == ""

    # A link stored before this check is shown as text, never as a link.
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENT, post_url="javascript:alert(1)")
    outbox = client.get(reverse("channels_outbox")).content.decode()
    assert "javascript:alert(1)" in outbox and 'href="javascript:' not in outbox


def test_a_publication_link_must_be_a_web_address(client, editor):
    account = ChannelAccount.objects.create(name="Hộp thư", kind="email", target="a@example.vn")
    page = Page.objects.get(depth=2)
    client.force_login(editor)
    response = client.post(
        reverse("channels_publish", args=[page.pk]),
        {"title": "Tin", "summary": "x", "link": "ftp://thanhpho.example/a", "accounts": [account.pk], "send": "1"},
    )
    assert response.status_code == 200 and "http:// hoặc https://" in response.content.decode()
    assert Publication.objects.count() == 0
    with pytest.raises(ValidationError):
        services.publish(page=page, accounts=[account], actor=editor, title="Tin", summary="", link="javascript:x")
