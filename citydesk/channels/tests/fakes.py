"""A fake Facebook Graph API page on 127.0.0.1: POST /{version}/{page-id}/feed creates a post, GET lists them.

plan: what the next POSTs do, in order ("ok" when empty):
  "ok"                       → {"id": "<page>_<n>"}
  ("error", status, code)    → {"error": {"message", "type", "code", "fbtrace_id"}} with that HTTP status
  ("retry_after", seconds)   → HTTP 429, Retry-After header, error code 4
  "timeout_after_post"       → the post is made, then the answer comes too late
  "timeout_before_post"      → nothing is made, the answer comes too late
  "html_500"                 → HTTP 500 with an HTML page (a proxy), the post is not made
"""

import contextlib
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeGraph:
    def __init__(self, page_id: str, token: str, *, slow_seconds: float = 3.0):
        self.page_id, self.token, self.slow_seconds = page_id, token, slow_seconds
        self.posts: list[dict] = []
        self.requests: list[dict] = []
        self.plan: list = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body, headers=None, content_type="application/json"):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if query.get("access_token") != fake.token:
                    return self.reply(400, fake.error(190, "Invalid OAuth access token."))
                with fake._lock:
                    posts = list(reversed(fake.posts))[: int(query.get("limit", 25))]
                return self.reply(200, {"data": posts, "paging": {}})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                path = urlsplit(self.path).path
                with fake._lock:
                    fake.requests.append({"path": path, "form": form})
                    step = fake.plan.pop(0) if fake.plan else "ok"
                photo = path.endswith(f"/{fake.page_id}/photos")
                if not (path.endswith(f"/{fake.page_id}/feed") or photo):
                    return self.reply(404, fake.error(803, "Unknown path"))
                if form.get("access_token") != fake.token:
                    return self.reply(400, fake.error(190, "Invalid OAuth access token."))
                if step == "timeout_before_post":
                    time.sleep(fake.slow_seconds)
                    return self.reply(503, fake.error(2, "late"))
                if step == "html_500":
                    return self.reply(500, b"<html>Bad gateway</html>", content_type="text/html")
                if isinstance(step, tuple) and step[0] == "error":
                    return self.reply(step[1], fake.error(step[2], "Injected error"))
                if isinstance(step, tuple) and step[0] == "retry_after":
                    return self.reply(
                        429, fake.error(4, "Application request limit reached"), {"Retry-After": str(step[1])}
                    )
                if any(p["message"] == form.get("message") for p in fake.posts):
                    return self.reply(400, fake.error(506, "Duplicate status message"))
                with fake._lock:
                    post = {
                        "id": f"{fake.page_id}_{next(fake._ids)}",
                        "message": form.get("message", ""),
                        "created_time": "2026-11-27T08:00:00+0000",
                    }
                    fake.posts.append(post)
                    if photo:
                        post["photo_url"] = form.get("url", "")
                if step == "timeout_after_post":
                    time.sleep(fake.slow_seconds)
                if photo:  # /photos answers with the photo's id and the page post's id
                    return self.reply(200, {"id": f"photo{len(fake.posts)}", "post_id": post["id"]})
                return self.reply(200, {"id": post["id"]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    @staticmethod
    def error(code: int, message: str) -> dict:
        return {"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf"}}

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class FakeInsights:
    """GET /{version}/{page-id}/insights?metric=page_impressions_unique&period=day: a day's reach per
    value, end_time at the end of the day (07:00 UTC is Pacific midnight), as the Graph API answers."""

    def __init__(self, page_id: str, token: str, reach_by_day: dict):
        self.page_id, self.token, self.reach_by_day = page_id, token, reach_by_day
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if query.get("access_token") != fake.token:
                    body, status = FakeGraph.error(190, "Invalid OAuth access token."), 400
                else:
                    values = [
                        {"value": reach, "end_time": f"{day.isoformat()}T07:00:00+0000"}
                        for day, reach in sorted(fake.reach_by_day.items())
                    ]
                    series = {"name": query.get("metric"), "period": "day", "values": values, "id": "x"}
                    body, status = {"data": [series], "paging": {}}, 200
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
