"""Mail to a list of readers: one message per recipient (no one sees another address), each with its
own unsubscribe link in the text and in List-Unsubscribe (with RFC 8058 one-click), sent over one
connection. Unsubscribe tokens are signed (SECRET_KEY), carry the list and the address, and never expire.
"""

import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import OptOut, address_hash

SALT = "citydesk.mailing.unsubscribe"
DIGEST = "digest"


def channel_list(account_id: int) -> str:
    return f"channel-{account_id}"


def unsubscribe_token(*, list_id: str, address: str) -> str:
    return signing.dumps({"l": list_id, "a": address.strip().lower()}, salt=SALT, compress=True)


def read_token(token: str) -> tuple[str, str] | None:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("l"), str) or not isinstance(data.get("a"), str):
        return None
    return data["l"], data["a"]


def unsubscribe_url(*, list_id: str, address: str) -> str:
    path = reverse("mailing_unsubscribe", args=[unsubscribe_token(list_id=list_id, address=address)])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def opted_out(*, list_id: str, addresses: list[str]) -> set[str]:
    hashes = {address_hash(address): address for address in addresses}
    found = OptOut.objects.filter(list_id=list_id, address_hash__in=hashes).values_list("address_hash", flat=True)
    return {hashes[value] for value in found}


def unsubscribe(*, list_id: str, address: str) -> None:
    """Take the address off the list (idempotent)."""
    if list_id == DIGEST:
        from citydesk.community.models import Member

        Member.objects.filter(email__iexact=address).update(wants_digest=False)
        return
    try:
        with transaction.atomic():
            OptOut.objects.create(list_id=list_id, address_hash=address_hash(address))
    except IntegrityError:
        pass  # already off the list


@dataclass
class Result:
    sent: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def send_each(*, list_id: str, subject: str, body: str, recipients: list[str]) -> Result:
    """One message per recipient over one connection. A recipient the server refuses is skipped; any
    other failure stops the sending and is raised with the addresses already sent in error.sent."""
    result = Result()
    with translation.override(settings.LANGUAGE_CODE):
        footer = _("To stop receiving these e-mails, open: %(url)s")
    connection = get_connection()
    try:
        connection.open()
        for address in recipients:
            url = unsubscribe_url(list_id=list_id, address=address)
            message = EmailMessage(
                subject=subject,
                body=f"{body.rstrip()}\n\n--\n{footer % {'url': url}}\n",
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[address],
                headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
                connection=connection,
            )
            try:
                message.send()
            except smtplib.SMTPRecipientsRefused:
                result.refused.append(address)
                continue
            except Exception as error:
                error.sent = list(result.sent)
                raise
            result.sent.append(address)
    finally:
        connection.close()
    return result
