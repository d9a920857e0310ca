"""Sending to each platform in its own wire format, and saying how an attempt ended.

Every send ends in one of: a post id (sent), Retryable (the platform said no, try later), Permanent
(the platform said no, retrying cannot help), or Unknown (no clear answer: a timeout, a dropped
connection, a reply that is not the platform's) — which is never retried blindly.
Messages never contain a token: requests' own exceptions (which carry the URL) are not passed on.
They are stored on the delivery and shown in the outbox, so they are translated (the worker writes them in
the site's language); a platform's own error text is kept as the platform wrote it.
"""

import smtplib

import requests
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from urllib3.exceptions import MaxRetryError, NewConnectionError

from .models import ChannelAccount, ChannelKind
from .render import Rendered


def _timeout() -> float:
    return settings.CITYDESK_CHANNEL_TIMEOUT


# Each platform's API address is a setting, never a field of the account: a token is only ever sent
# to its own platform, whoever edits the account.
API_SETTINGS = {
    ChannelKind.FACEBOOK: "CITYDESK_FACEBOOK_API_URL",
    ChannelKind.ZALO: "CITYDESK_ZALO_API_URL",
    ChannelKind.TELEGRAM: "CITYDESK_TELEGRAM_API_URL",
}
GRAPH_VERSION = "v21.0"
FACEBOOK_RATE_LIMITS = {4, 17, 32, 613, 80001}
FACEBOOK_DUPLICATE = 506
FACEBOOK_AUTH = {10, 102, 190, 200}
ZALO_TOKEN_EXPIRED = -216


class Outcome(Exception):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message[:900])
        self.retry_after = retry_after


class Retryable(Outcome):
    """The platform answered that the post was not made; it may work later."""


class Permanent(Outcome):
    """The platform answered that the post was not made, and retrying will not change that."""


class Unknown(Outcome):
    """No clear answer: the post may or may not exist."""


def api_url(kind: str) -> str:
    """The platform's API address, from the settings."""
    return getattr(settings, API_SETTINGS[kind]).rstrip("/")


def _api(account: ChannelAccount) -> str:
    return api_url(account.kind)


def _retry_after(response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def _post(url: str, **kwargs):
    try:
        return requests.post(url, timeout=_timeout(), **kwargs)
    except requests.Timeout:
        raise Unknown(_("timed out waiting for the platform")) from None
    except requests.ConnectionError as error:
        # No connection was ever made: certainly not sent. A connection dropped mid-request: unknown.
        cause = error.args[0] if error.args else None
        if isinstance(cause, MaxRetryError) and isinstance(cause.reason, NewConnectionError):
            raise Retryable(_("platform unreachable (no connection)")) from None
        raise Unknown(_("connection lost during the request")) from None
    except requests.RequestException as error:
        raise Unknown(_("request failed (%(error)s)") % {"error": type(error).__name__}) from None


def _json(response) -> dict | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def send_facebook(account: ChannelAccount, rendered: Rendered) -> tuple[str, str]:
    """POST /{page-id}/feed with message and link, or /{page-id}/photos with the image and a caption."""
    if rendered.image_url:  # a photo post: the link goes in the caption
        endpoint = "photos"
        data = {"url": rendered.image_url, "message": rendered.text, "access_token": account.token}
    else:
        endpoint = "feed"
        data = {"message": rendered.text, "link": rendered.link, "access_token": account.token}
    response = _post(f"{_api(account)}/{GRAPH_VERSION}/{account.target}/{endpoint}", data=data)
    body = _json(response)
    if body is None:
        raise Unknown(_("HTTP %(status)s without the Graph API's answer") % {"status": response.status_code})
    if response.ok and body.get("id"):
        post_id = str(body.get("post_id") or body["id"])
        return post_id, f"https://www.facebook.com/{post_id}"
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    code, message = error.get("code"), str(error.get("message") or f"HTTP {response.status_code}")
    text = _("Facebook error %(code)s: %(message)s") % {"code": code, "message": message}
    if code == FACEBOOK_DUPLICATE:
        raise Permanent(text)  # a duplicate post: never retried
    if code in FACEBOOK_AUTH:
        raise Permanent(text)  # the page token must be fixed by a person, then retried by hand
    if code in FACEBOOK_RATE_LIMITS or response.status_code == 429:
        raise Retryable(text, _retry_after(response))
    if error:
        raise Retryable(text, _retry_after(response))
    raise Unknown(_("HTTP %(status)s without an error object") % {"status": response.status_code})


def find_facebook(account: ChannelAccount, rendered: Rendered) -> str | None:
    """The id of a recent page post with exactly this message, None if there is none; Unknown when
    the feed could not be read (then nothing is concluded)."""
    try:
        response = requests.get(
            f"{_api(account)}/{GRAPH_VERSION}/{account.target}/feed",
            params={"fields": "id,message,created_time", "limit": 25, "access_token": account.token},
            timeout=_timeout(),
        )
    except requests.RequestException:
        raise Unknown(_("page feed unreadable")) from None
    body = _json(response)
    if not response.ok or body is None or not isinstance(body.get("data"), list):
        raise Unknown(_("page feed unreadable (HTTP %(status)s)") % {"status": response.status_code})
    for post in body["data"]:
        if isinstance(post, dict) and post.get("message") == rendered.text and post.get("id"):
            return str(post["id"])
    return None


def send_telegram(account: ChannelAccount, rendered: Rendered) -> tuple[str, str]:
    """sendMessage to the channel, or sendPhoto with a caption when there is an image (HTML formatting)."""
    if rendered.image_url:
        method = "sendPhoto"
        payload = {"chat_id": account.target, "photo": rendered.image_url, "caption": rendered.caption}
    else:
        method = "sendMessage"
        payload = {"chat_id": account.target, "text": rendered.text}
    response = _post(f"{_api(account)}/bot{account.token}/{method}", json={**payload, "parse_mode": "HTML"})
    body = _json(response)
    if body is None or "ok" not in body:
        raise Unknown(_("HTTP %(status)s without the Bot API's answer") % {"status": response.status_code})
    if body.get("ok"):
        result = body.get("result") if isinstance(body.get("result"), dict) else {}
        message_id = str(result.get("message_id", ""))
        chat = result.get("chat") if isinstance(result.get("chat"), dict) else {}
        username = chat.get("username")
        return message_id, f"https://t.me/{username}/{message_id}" if username else ""
    code, description = body.get("error_code"), str(body.get("description") or "")
    text = _("Telegram error %(code)s: %(message)s") % {"code": code, "message": description}
    parameters = body.get("parameters") if isinstance(body.get("parameters"), dict) else {}
    if code == 429:
        raise Retryable(text, parameters.get("retry_after"))
    if code in (400, 401, 403, 404):
        raise Permanent(text)
    raise Retryable(text)


def send_zalo(account: ChannelAccount, rendered: Rendered) -> tuple[str, str]:
    """Create an OA article (POST /v2.0/article/create); refresh the access token once if expired."""
    article = {
        "type": "normal",
        "title": rendered.title,
        "author": settings.WAGTAIL_SITE_NAME[:50],
        "description": rendered.text[:300],
        "body": [{"type": "text", "content": rendered.text + "\n\n" + rendered.link}],
        "status": "show",
        "comment": "show",
    }
    if rendered.image_url:
        article["cover"] = {"cover_type": "photo", "photo_url": rendered.image_url, "status": "show"}

    def create(token: str) -> dict:
        response = _post(f"{_api(account)}/v2.0/article/create", headers={"access_token": token}, json=article)
        body = _json(response)
        if body is None or "error" not in body:
            raise Unknown(_("HTTP %(status)s without Zalo's answer") % {"status": response.status_code})
        return body

    token = account.token
    body = create(token)
    if body.get("error") == ZALO_TOKEN_EXPIRED:
        body = create(refresh_zalo(account, expired=token))
    if body.get("error") != 0:  # HTTP 200 with a non-zero error is a failure
        text = _("Zalo error %(code)s: %(message)s") % {"code": body.get("error"), "message": body.get("message", "")}
        raise Permanent(text) if body.get("error") == ZALO_TOKEN_EXPIRED else Retryable(text)
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    return str(data.get("token") or data.get("id") or ""), ""


@transaction.atomic
def refresh_zalo(account: ChannelAccount, *, expired: str) -> str:
    """Exchange the refresh token (each works once) and keep the new pair, encrypted. The row is
    locked, and a token another process refreshed meanwhile is used instead of refreshing twice."""
    current = ChannelAccount.objects.select_for_update().get(pk=account.pk)
    if current.token and current.token != expired:
        account.token_encrypted, account.refresh_token_encrypted = (
            current.token_encrypted,
            current.refresh_token_encrypted,
        )
        return current.token
    access_token, refresh_token, _expires_in = exchange_zalo_refresh_token(
        refresh_token=current.refresh_token, app_id=current.app_id, app_secret=current.app_secret
    )
    current.set_secrets(token=access_token, refresh_token=refresh_token)
    current.save(update_fields=["token_encrypted", "refresh_token_encrypted"])
    return access_token


def exchange_zalo_refresh_token(*, refresh_token: str, app_id: str, app_secret: str) -> tuple[str, str, int | None]:
    """One exchange at Zalo's OAuth server: (access token, the new refresh token, seconds it lasts).
    Used by the outbox and the tipline alike; Permanent when Zalo refuses."""
    oauth = settings.CITYDESK_ZALO_OAUTH_URL.rstrip("/")
    response = _post(
        f"{oauth}/v4/oa/access_token",
        headers={"secret_key": app_secret},
        data={"refresh_token": refresh_token, "app_id": app_id, "grant_type": "refresh_token"},
    )
    body = _json(response) or {}
    if not body.get("access_token"):
        raise Permanent(_("Zalo token refresh refused: %(message)s") % {"message": body.get("error_description", "")})
    try:
        expires_in = int(body.get("expires_in"))
    except (TypeError, ValueError):
        expires_in = None
    return body["access_token"], body.get("refresh_token") or refresh_token, expires_in


def send_email(account: ChannelAccount, rendered: Rendered) -> tuple[str, str]:
    """One message per address of the list (no one sees the others), each with its unsubscribe link;
    addresses that unsubscribed are skipped."""
    from citydesk.mailing import services as mailing

    list_id = mailing.channel_list(account.pk)
    listed = [address.strip() for address in account.target.split(",") if address.strip()]
    left = mailing.opted_out(list_id=list_id, addresses=listed)
    recipients = [address for address in listed if address not in left]
    if not recipients:
        return "", ""
    try:
        result = mailing.send_each(list_id=list_id, subject=rendered.title, body=rendered.text, recipients=recipients)
    except (smtplib.SMTPException, OSError) as error:
        if getattr(error, "sent", None):
            # Some readers have it: sending again would give them a second copy.
            raise Unknown(
                _("mail server failed after %(sent)s of %(total)s messages")
                % {"sent": len(error.sent), "total": len(recipients)}
            ) from None
        if isinstance(error, smtplib.SMTPServerDisconnected | TimeoutError):
            raise Unknown(_("mail server connection lost")) from None
        raise Retryable(_("mail not sent (%(error)s)") % {"error": type(error).__name__}) from None
    if not result.sent:
        raise Permanent(_("recipients refused (%(count)s)") % {"count": len(result.refused)})
    return "", ""


SENDERS = {
    ChannelKind.FACEBOOK: send_facebook,
    ChannelKind.TELEGRAM: send_telegram,
    ChannelKind.ZALO: send_zalo,
    ChannelKind.EMAIL: send_email,
}
# Platforms whose recent posts can be read back to settle an unknown outcome.
FINDERS = {ChannelKind.FACEBOOK: find_facebook}
