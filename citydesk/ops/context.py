"""The request id of the request being answered in this thread (or "-"), and the route a log line names."""

from contextvars import ContextVar

REQUEST_ID: ContextVar[str] = ContextVar("citydesk_request_id", default="-")


def current_request_id() -> str:
    return REQUEST_ID.get()


# Wagtail's page route matches any path; public pages are logged by their path (slugs, never tokens).
PAGE_VIEWS = {"wagtail_serve", "wagtail.views.serve"}


def route(request) -> str:
    """The URL pattern that answered (ids and tokens stay placeholders), else the path; never the query."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name in PAGE_VIEWS or not match.route:
        return request.path[:200]
    return "/" + match.route.lstrip("^").rstrip("$")
