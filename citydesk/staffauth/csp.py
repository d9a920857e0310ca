"""Content-Security-Policy by area: the public site, citydesk's own admin screens, Wagtail's admin.

django-csp builds the header; this middleware picks the policy (settings CITYDESK_CSP_PUBLIC,
CITYDESK_CSP_ADMIN_OWN, CITYDESK_CSP_ADMIN; docs/security.md). Wagtail's own screens need
inline scripts (its widgets write them); citydesk's admin views are recognised by the module of the
view that answered, so a new citydesk screen is strict without being listed anywhere.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.urls import reverse


def policy_for(request) -> dict:
    if not request.path.startswith(reverse("wagtailadmin_home")):
        return settings.CITYDESK_CSP_PUBLIC
    match = getattr(request, "resolver_match", None)
    if match is not None and match.func.__module__.startswith("citydesk.") and not _renders_wagtail_screens(match):
        return settings.CITYDESK_CSP_ADMIN_OWN
    return settings.CITYDESK_CSP_ADMIN


def _renders_wagtail_screens(match) -> bool:
    """A citydesk view built on a Wagtail view (the user admin's viewset) renders Wagtail's templates,
    with their inline scripts: it gets Wagtail's policy."""
    view_class = getattr(match.func, "view_class", None)
    return view_class is not None and any(base.__module__.startswith("wagtail.") for base in view_class.__mro__)


class PolicyByAreaMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.config is not None:
            return parts  # a view's own @csp decorator wins; no report-only policy is set
        parts.config = policy_for(request)["DIRECTIVES"]
        return parts
