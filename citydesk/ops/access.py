"""Who may read the details of /readyz and the figures of /metrics: staff signed in to the admin, a
caller with the configured token (Authorization: Bearer …), or (metrics) an allowed client address."""

import hmac
import ipaddress

from django.conf import settings

from citydesk.core.clientip import client_ip


def bearer_token(request) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def has_token(request, expected: str) -> bool:
    given = bearer_token(request)
    return bool(expected) and bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def is_staff(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.is_active and user.has_perm("wagtailadmin.access_admin"))


def address_allowed(request, networks: list[str]) -> bool:
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    for network in networks:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def may_see_health_details(request) -> bool:
    return is_staff(request) or has_token(request, settings.CITYDESK_HEALTH_TOKEN)


def may_scrape_metrics(request) -> bool:
    return has_token(request, settings.CITYDESK_METRICS_TOKEN) or address_allowed(
        request, settings.CITYDESK_METRICS_ALLOWED_IPS
    )
