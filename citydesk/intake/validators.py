"""Which addresses may be monitored (the feed form's and the model's checks): below the models, which
use them, and the feed poller."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from citydesk.core import fetch as guarded
from citydesk.core import weburl

PERSONAL_ACCOUNT_HOSTS = {
    "facebook.com",
    "fb.com",
    "instagram.com",
    "threads.net",
    "tiktok.com",
    "x.com",
    "twitter.com",
    "t.me",
    "zalo.me",
}


def refuse_personal_accounts(url: str) -> None:
    host = weburl.host_of(url).removeprefix("www.").removeprefix("m.")
    if host in PERSONAL_ACCOUNT_HOSTS or any(host.endswith("." + h) for h in PERSONAL_ACCOUNT_HOSTS):
        raise ValidationError(
            {"url": _("Only news sites and official pages are monitored, never accounts on social networks.")}
        )


def refuse_private_addresses(url: str) -> None:
    """The feed form's check: http(s) only, and a host that resolves to public addresses only.
    A host that does not resolve now is accepted (the poll checks again, at every redirect too)."""
    try:
        guarded.check_url(url, resolve=True)
    except guarded.FetchError as error:
        if error.category in (guarded.FetchError.NOT_FOUND, guarded.FetchError.TIMEOUT):
            return
        raise ValidationError(
            {"url": _("Only public web addresses (http or https) can be monitored.")}, code="blocked"
        ) from None
