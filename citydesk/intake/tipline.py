"""The chat tipline (Telegram and Zalo): one flow for a message, whatever platform it came on.

A message is taken in once (the platform's id is remembered), an image is fetched and cleaned before
anything is stored, and the reply goes out in the same request: the verdict when the office has
already answered the claim, otherwise a thank-you and the promise of a follow-up.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from citydesk.core import ratelimit
from citydesk.core.images import clean_image
from citydesk.desk import services as desk
from citydesk.desk.models import Channel

from . import answers, delivery, official
from .models import InboundUpdate
from .telegram import Incoming

log = logging.getLogger(__name__)

Sender = Callable[[str], None]
ImageFetcher = Callable[[Incoming], bytes]


def unsupported_message() -> str:
    return _("We can read text, links and photos. Please send the message you want checked as one of these.")


def help_message(platform: str) -> str:
    prefix = "/" if platform == "telegram" else "#"
    return "\n".join(
        [
            _(
                "Send us a message, a link or a photo you doubt, and we will tell you whether the office "
                "has checked it."
            ),
            _("If it has, you get the verdict at once; if not, the desk checks it and we write back here."),
            _("%(prefix)sofficial <name, link or phone number>: is this page or number one of the office's own?")
            % {"prefix": prefix},
            _("%(prefix)shelp: this message.") % {"prefix": prefix},
        ]
    )


def start_message(platform: str) -> str:
    return "\n\n".join(
        [
            _("This is the fact-check tipline of %(office)s.") % {"office": settings.WAGTAIL_SITE_NAME},
            help_message(platform),
            _(
                "Privacy: we keep what you send and this chat's id only to answer you; the id is erased after "
                "%(days)d days. We never record who posted what you forward."
            )
            % {"days": desk.DEFAULT_REPLY_TTL.days},
        ]
    )


def official_message(argument: str) -> str:
    if not argument.strip():
        return _("Write a name, a link or a phone number after the command, e.g. %(example)s") % {
            "example": "/official facebook.com/..."
        }
    found = official.lookup(argument)
    lines = []
    if found.query.kind is not None:
        lines.append(
            _("Yes: this is an official account of the office.")
            if found.official
            else _(
                "Not in the official list. Be careful: pages, numbers and sites that imitate the office "
                "are a common scam."
            )
        )
    elif not found.accounts:
        lines.append(_("No official account has that name. Pages that imitate the office are a common scam."))
    else:
        lines.append(_("Official accounts with that name:"))
    for account in found.accounts:
        unit = f" — {account.unit}" if account.unit else ""
        lines.append(f"• {account.name}: {account.value}{unit}")
    path = reverse("official_accounts")  # in the active language
    lines.append(_("The full list: %(url)s") % {"url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path})
    return "\n".join(lines)


def _reply_to_command(incoming: Incoming) -> str:
    if incoming.command == "start":
        return start_message(incoming.platform)
    if incoming.command in ("official", "chinhthuc"):
        return official_message(incoming.argument)
    return help_message(incoming.platform)


def _channel(platform: str) -> str:
    return Channel.TELEGRAM if platform == "telegram" else Channel.ZALO


def handle(incoming: Incoming, *, send: Sender, fetch_image: ImageFetcher) -> str:
    """Take one chat message in and reply to it; returns what happened (for logs and tests)."""
    with translation.override(incoming.language):
        if InboundUpdate.objects.filter(platform=incoming.platform, external_id=incoming.external_id).exists():
            return "duplicate"
        if not ratelimit.allow(
            f"chat:{incoming.platform}",
            incoming.chat_id,
            limit=settings.CITYDESK_CHAT_RATE_LIMIT,
            window_seconds=settings.CITYDESK_CHAT_RATE_WINDOW,
        ):
            _try_send(send, _("You have sent many messages in a short time. Please wait a few minutes."))
            return "rate_limited"
        if incoming.command:
            _try_send(send, _reply_to_command(incoming))
            return "command"
        if incoming.unsupported:
            _try_send(send, unsupported_message())
            return "unsupported"
        image = None
        if incoming.image_ref:
            try:
                image = clean_image(fetch_image(incoming))
            except (ValidationError, delivery.DeliveryError) as error:
                if isinstance(error, ValidationError):
                    reason = error.messages[0]
                elif isinstance(error, delivery.TooLarge):
                    reason = _("The image is too large (at most %(mb)d MB).") % {"mb": 10}
                else:
                    reason = _("We could not read the photo.")
                _try_send(send, reason + " " + _("Please send it again as a photo (at most 10 MB)."))
                return "bad_image"
        try:
            with transaction.atomic():
                InboundUpdate.objects.create(platform=incoming.platform, external_id=incoming.external_id)
                outcome = answers.take_tip(
                    channel=_channel(incoming.platform),
                    text=incoming.text,
                    url=incoming.url,
                    image=image,
                    reply_handle=delivery.handle(incoming.platform, incoming.chat_id),
                )
        except IntegrityError:
            return "duplicate"  # the same update delivered twice at the same moment
        if outcome.answer is not None:
            delivered = _try_send(send, answers.answer_message(outcome.answer, language=incoming.language))
            if delivered and outcome.answer.sure:
                desk.report_mark_answered(outcome.report, automatic=True)
            return "answered" if outcome.answer.sure else "pointed"
        _try_send(send, answers.received_message(language=incoming.language))
        return "received"


def _try_send(send: Sender, text: str) -> bool:
    try:
        send(text)
    except delivery.DeliveryError as error:
        log.warning("Tipline reply not delivered: %s", error)
        return False
    return True
