"""The outermost middleware: a request id for every request (X-Request-ID, kept from the proxy when it
looks like one), its time and view counted for /metrics."""

import re
import time
import uuid
from contextvars import ContextVar

from . import metrics

REQUEST_ID: ContextVar[str] = ContextVar("citydesk_request_id", default="-")
WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return REQUEST_ID.get()


def view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unresolved"  # a redirect, a cached page, a 404 before any view
    return match.view_name or match.func.__module__ + "." + getattr(match.func, "__name__", "view")


class RequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if WELL_FORMED.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = REQUEST_ID.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            seconds = time.monotonic() - started
            response["X-Request-ID"] = request_id
            metrics.observe(
                view=view_name(request), method=request.method, status=response.status_code, seconds=seconds
            )
            return response
        finally:
            REQUEST_ID.reset(token)
