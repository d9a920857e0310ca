"""Reach imported from the platforms that report it: Facebook Page insights (page_impressions_unique,
per day). Telegram's Bot API and Zalo OA give no reach figures; those are entered by hand (marked so)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import requests
from django.conf import settings
from django.db import transaction

from citydesk.channels.connectors import GRAPH_VERSION, api_url
from citydesk.channels.models import ChannelAccount, ChannelKind
from citydesk.core.secrets import SecretUnreadable

from .models import ReachEntry

METRIC = "page_impressions_unique"


class InsightsError(Exception):
    """The platform did not give the figures (the message never contains a token)."""


def facebook_reach(account: ChannelAccount, first: date, last: date) -> dict[date, int]:
    """Daily unique reach of the page from first to last (inclusive), as the Graph API reports it."""
    api = api_url(ChannelKind.FACEBOOK)
    zone = ZoneInfo(settings.TIME_ZONE)
    since = datetime.combine(first, time.min, tzinfo=zone)
    until = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    try:
        token = account.token
    except SecretUnreadable as error:
        raise InsightsError(str(error)) from None
    try:
        response = requests.get(
            f"{api}/{GRAPH_VERSION}/{account.target}/insights",
            params={
                "metric": METRIC,
                "period": "day",
                "since": int(since.timestamp()),
                "until": int(until.timestamp()),
                "access_token": token,
            },
            timeout=settings.CITYDESK_CHANNEL_TIMEOUT,
        )
        body = response.json()
    except (requests.RequestException, ValueError) as error:
        raise InsightsError(f"insights unreadable ({type(error).__name__})") from None
    if not isinstance(body, dict) or "error" in body or not isinstance(body.get("data"), list):
        error = body.get("error", {}) if isinstance(body, dict) else {}
        raise InsightsError(f"Facebook error {error.get('code')}: {error.get('message', '')}")
    days = {}
    for series in body["data"]:
        if not isinstance(series, dict) or series.get("name") != METRIC:
            continue
        for point in series.get("values", []):
            try:
                # end_time is the end of the day the value covers (midnight Pacific, 07:00/08:00 UTC),
                # so the day covered is the one before end_time's date.
                end = datetime.fromisoformat(point["end_time"].replace("+0000", "+00:00"))
                day = end.date() - timedelta(days=1)
                days[day] = int(point["value"])
            except (KeyError, TypeError, ValueError):
                continue
    return {day: value for day, value in days.items() if first <= day <= last}


@transaction.atomic
def import_reach(first: date, last: date) -> int:
    """Store imported reach for every active Facebook account; returns how many days were stored.
    Entries typed by hand are kept beside imported ones (the source says which is which)."""
    stored = 0
    for account in ChannelAccount.objects.filter(kind=ChannelKind.FACEBOOK, is_active=True):
        for day, reach in facebook_reach(account, first, last).items():
            ReachEntry.objects.update_or_create(
                account=account, date=day, source=ReachEntry.Source.IMPORTED, defaults={"reach": reach}
            )
            stored += 1
    return stored
