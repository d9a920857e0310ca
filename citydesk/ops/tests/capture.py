"""The access-log lines written while a block runs, as JSON (the formatter and filter production uses)."""

import json
import logging
from contextlib import contextmanager
from io import StringIO

from citydesk.ops.logs import JsonLineFormatter, RequestIdFilter


@contextmanager
def access_lines():
    """Yields a list that holds, after the block, each citydesk.access line written in it (parsed)."""
    stream, lines = StringIO(), []
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    handler.addFilter(RequestIdFilter())
    access = logging.getLogger("citydesk.access")
    level = access.level
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
        lines.extend(json.loads(text) for text in stream.getvalue().splitlines())
