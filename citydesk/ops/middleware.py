"""The outermost middleware: a request id for every request (X-Request-ID, kept from the proxy when it
looks like one), one access-log line, and the request's time and view counted for /metrics."""

import logging
import re
import time
import uuid

from django.conf import settings

from . import request_metrics as metrics
from .context import REQUEST_ID, route

access_log = logging.getLogger("citydesk.access")
WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unresolved"  # a redirect, a cached page, a 404 before any view
    return match.view_name or f"{match.func.__module__}.{getattr(match.func, '__name__', 'view')}"


def request_id_for(request) -> str:
    """The request's id (the proxy's when it looks like one, else a new one), kept on the request."""
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    request.request_id = given if WELL_FORMED.match(given) else uuid.uuid4().hex
    return request.request_id


def answered(request, status: int, started: float, view: str = "unresolved") -> str:
    """What RequestMiddleware does on the way out, for a response answered before it (a cached page):
    the request metrics and the access-log line; the request id for the response's X-Request-ID."""
    token = REQUEST_ID.set(request_id_for(request))
    try:
        seconds = time.monotonic() - started
        metrics.observe(view=view, method=request.method, status=status, seconds=seconds)
        RequestMiddleware.log(request, status, seconds, view)
        return request.request_id
    finally:
        REQUEST_ID.reset(token)


class RequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request)
        token = REQUEST_ID.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            seconds = time.monotonic() - started
            response["X-Request-ID"] = request_id
            view = view_name(request)
            metrics.observe(view=view, method=request.method, status=response.status_code, seconds=seconds)
            self.log(request, response.status_code, seconds, view)
            return response
        finally:
            REQUEST_ID.reset(token)

    @staticmethod
    def log(request, status: int, seconds: float, view: str) -> None:
        if not access_log.isEnabledFor(logging.INFO):
            return
        fields = {
            "method": request.method,
            "route": route(request),
            "view": view,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
        }
        if settings.CITYDESK_ACCESS_LOG_CLIENT_IP:
            from citydesk.core.clientip import client_ip

            fields["client"] = client_ip(request)
        text = f"{fields['method']} {fields['route']} {status} {fields['duration_ms']}ms"
        if "client" in fields:
            text += f" {fields['client']}"
        access_log.info(text, extra=fields)
