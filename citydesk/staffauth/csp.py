"""Content-Security-Policy by area: the public site, citydesk's own admin screens, Wagtail's admin.

django-csp builds the header; this middleware picks the policy (settings CITYDESK_CSP_PUBLIC,
CITYDESK_CSP_ADMIN_OWN, CITYDESK_CSP_ADMIN; docs/security.md). Wagtail's own screens need
inline scripts (its widgets write them); citydesk's admin views are recognised by the module of the
view that answered, so a new citydesk screen is strict without being listed anywhere.
"""

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings

from .middleware import admin_prefix

# A view's own @csp_update/@csp_replace/@csp decorators mark the response with these.
_VIEW_CHANGES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


def policy_for(request) -> dict:
    if not request.path.startswith(admin_prefix()):
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
    """The header of an area's policy is built once per process, not on every response (django-csp
    deep-copies and joins the directives each time: about a fifth of a page served from the cache).
    A nonce, a view's own policy or a report-only policy take django-csp's own path."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self._headers: dict[int, tuple[dict, str]] = {}

    def process_response(self, request, response):
        nonce_used = getattr(request, "_csp_nonce", None) is not None
        if (
            nonce_used
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or any(getattr(response, name, None) is not None for name in _VIEW_CHANGES)
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        directives = policy_for(request)["DIRECTIVES"]
        built = self._headers.get(id(directives))
        if built is None or built[0] is not directives:  # identity: settings replaced in tests
            built = (directives, build_policy(config=directives))
            self._headers[id(directives)] = built
        excluded = (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
        if (
            built[1]
            and HEADER not in response
            and not getattr(response, "_csp_exempt", False)
            and not request.path_info.startswith(tuple(excluded))
        ):
            response[HEADER] = built[1]
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # as django-csp does
        return response

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.config is not None:
            return parts  # a view's own @csp decorator wins; no report-only policy is set
        parts.config = policy_for(request)["DIRECTIVES"]
        return parts
