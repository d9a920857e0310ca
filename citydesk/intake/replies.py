"""Sending an answer back where the tip came from: Telegram, Zalo or e-mail, by the report's reply handle."""

import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from . import telegram, zalo
from .delivery import DeliveryError, Undeliverable


def send(reply_handle: str, text: str, *, subject: str = "") -> None:
    """Send text to the tipster behind reply_handle; DeliveryError when it did not go out."""
    platform, _sep, address = reply_handle.partition(":")
    if not address:
        raise Undeliverable("reply handle without a platform")
    if platform == "telegram":
        telegram.bot().send_message(address, text)
    elif platform == "zalo":
        zalo.official_account().send_text(address, text)
    elif platform == "email":
        try:
            sent = send_mail(
                subject or _("The answer to what you sent us"), text, settings.DEFAULT_FROM_EMAIL, [address]
            )
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"mail not sent ({type(error).__name__})") from None
        if not sent:
            raise DeliveryError("mail not sent")
    else:
        raise Undeliverable(f"unknown platform {platform!r}")
