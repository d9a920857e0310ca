"""The ceiling of `web_load.py --pages`: a WSGI application that returns a fixed body (as many bytes as the
cached article page, CITYDESK_BENCH_BODY_BYTES) with no work at all, under the same waitress settings. No
page can be served faster than this by one waitress process on this machine with this client."""

import os

BODY = b"x" * int(os.environ.get("CITYDESK_BENCH_BODY_BYTES", "8000"))
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
