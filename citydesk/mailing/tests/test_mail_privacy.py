"""Mail to many readers: each message has one recipient (no reader sees another's address), carries
List-Unsubscribe with one-click and a working link; the digest is sent by the job worker."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from citydesk.channels import services as channels
from citydesk.channels.models import ChannelAccount, Delivery
from citydesk.community import digest
from citydesk.community.models import DigestItem, Member, WeeklyDigest
from citydesk.mailing.models import OptOut

pytestmark = pytest.mark.django_db
ADDRESSES = ["bao-chi@example.vn", "dai-truyen-hinh@example.vn", "phong-vien@example.vn"]


def unsubscribe_path(message) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    url = re.fullmatch(r"<(https?://[^>]+)>", header).group(1)
    assert url in message.body  # the same link in the text, for mail programs without the header
    return urlsplit(url).path


def assert_private(messages, addresses):
    assert sorted(address for message in messages for address in message.recipients()) == sorted(addresses)
    for message in messages:
        assert len(message.to) == 1 and message.cc == [] and message.bcc == []
        raw = message.message().as_string()
        others = [address for address in addresses if address != message.to[0]]
        assert not any(other in raw for other in others), "a reader saw another reader's address"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_email_channel_sends_one_message_per_address_and_honours_unsubscribes(home, editor_user):
    account = ChannelAccount.objects.create(name="Báo chí", kind="email", target=", ".join(ADDRESSES))
    channels.publish(
        page=home,
        accounts=[account],
        actor=editor_user,
        title="Thông cáo",
        summary="Nội dung",
        link="https://danang.gov.vn/a/",
    )
    channels.deliver_due()
    assert Delivery.objects.get().status == Delivery.Status.SENT
    assert_private(mail.outbox, ADDRESSES)

    leaving = next(message for message in mail.outbox if message.to == ["dai-truyen-hinh@example.vn"])
    path = unsubscribe_path(leaving)
    reader = Client()
    confirm = reader.get(path)  # a mail scanner opening the link changes nothing
    assert confirm.status_code == 200 and "Hủy đăng ký" in confirm.content.decode()
    assert not OptOut.objects.exists()
    assert reader.post(path).status_code == 200  # one-click (RFC 8058): no session, no CSRF token
    assert reader.post(path).status_code == 200  # twice is the same
    assert OptOut.objects.count() == 1
    assert "dai-truyen-hinh" not in str(OptOut.objects.values_list("address_hash", flat=True)[0])

    mail.outbox.clear()
    channels.publish(
        page=home,
        accounts=[account],
        actor=editor_user,
        title="Thông cáo 2",
        summary="Nội dung",
        link="https://danang.gov.vn/b/",
    )
    channels.deliver_due()
    assert sorted(message.to[0] for message in mail.outbox) == ["bao-chi@example.vn", "phong-vien@example.vn"]


def test_a_tampered_unsubscribe_link_is_refused_with_a_message(client):
    response = client.post("/huy-dang-ky/eyJsIjoiZGlnZXN0IiwiYSI6InhAeC52biJ9:forged/")
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()


def test_the_digest_is_sent_by_the_job_worker_one_message_per_member_with_unsubscribe(
    editor_user, make_article, django_capture_on_commit_callbacks, settings
):
    members = [
        Member.objects.create(email=address, display_name=address[:5], wants_digest=True) for address in ADDRESSES
    ]
    Member.objects.create(email="khong-muon@example.vn", display_name="Không")
    made = WeeklyDigest.objects.create(week_start=digest.last_week_start())
    DigestItem.objects.create(digest=made, article=make_article(title="Lễ hội pháo hoa", publish=True), sort_order=0)

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    with django_capture_on_commit_callbacks(execute=True):
        assert digest.send(digest=made, editor=editor_user) == 3
    assert mail.outbox == []  # the editor's request sent nothing itself
    [queued] = default_task_backend.results
    assert queued.task.name == "send_digest_mail"

    assert digest.send_digest_mail.call(**queued.kwargs) == 3  # what the worker runs
    assert_private(mail.outbox, ADDRESSES)
    assert all("Lễ hội pháo hoa" in message.body for message in mail.outbox)

    leaving = next(message for message in mail.outbox if message.to == [members[0].email])
    assert Client().post(unsubscribe_path(leaving)).status_code == 200
    members[0].refresh_from_db()
    assert members[0].wants_digest is False
    mail.outbox.clear()
    assert digest.send_digest_mail.call(digest_id=made.pk) == 2
    assert members[0].email not in [message.to[0] for message in mail.outbox]
