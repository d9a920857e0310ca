"""One log format for the web processes, the job workers and the scheduler: time, level, logger,
request id, message; one JSON object per line when CITYDESK_LOG_FORMAT=json (python-json-logger).

The access log (logger "citydesk.access", one line per request) carries the method, the route (the URL
pattern, so ids and tokens in the path are not written; public pages by their path), the status and
the duration; never the query string, and the client's address only with CITYDESK_ACCESS_LOG_CLIENT_IP.
"""

import logging

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from .context import current_request_id, route

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"
JSON_RENAMES = {"asctime": "time", "levelname": "level", "name": "logger"}


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record ("-" outside a request: worker, scheduler). Django's
    own "Not Found: /path" lines (django.request, written after the middleware returned) get the id of
    the request they carry, and its route instead of the path, which may hold a sign-in token."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            if not hasattr(record, "request_id"):
                record.request_id = getattr(request, "request_id", None) or current_request_id()
            if record.name == "django.request" and isinstance(record.args, tuple) and len(record.args) == 2:
                record.args = (record.args[0], route(request))
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class TextFormatter(logging.Formatter):
    def __init__(self, *args, **kwargs):
        super().__init__(TEXT_FORMAT, datefmt="%Y-%m-%dT%H:%M:%S%z")


class JsonLineFormatter(JsonFormatter):
    def __init__(self, *args, **kwargs):
        super().__init__(
            JSON_FIELDS,
            rename_fields=JSON_RENAMES,
            datefmt="%Y-%m-%dT%H:%M:%S%z",
            json_ensure_ascii=False,
            # Django puts the request object on its records: its repr holds the full path and query.
            reserved_attrs=[*RESERVED_ATTRS, "request", "taskName"],
        )


def logging_config(*, log_format: str, level: str, access_log: bool) -> dict:
    """The LOGGING dict of the settings."""
    formatter = "json" if log_format == "json" else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "citydesk.ops.logs.RequestIdFilter"}},
        "formatters": {
            "text": {"()": "citydesk.ops.logs.TextFormatter"},
            "json": {"()": "citydesk.ops.logs.JsonLineFormatter"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": formatter, "filters": ["request_id"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Its own line per request; Django's "Not Found: /x" warnings would repeat it.
            "citydesk.access": {"level": "INFO" if access_log else "WARNING", "propagate": True},
            "citydesk.scheduler": {"level": "INFO", "propagate": True},
        },
    }
