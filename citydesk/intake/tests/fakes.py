"""Local fake Telegram Bot API and Zalo OA servers on 127.0.0.1, speaking the platforms' wire formats.

They record every call, so tests can read what our code sent, and can be told to fail the way the
real platforms do (Telegram: ok=false with error_code/description/parameters.retry_after; Zalo:
HTTP 200 with a non-zero "error", -216 for an expired access token).
"""

import io
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from PIL import Image


def jpeg_with_exif(size=(64, 48)) -> bytes:
    """A real JPEG carrying EXIF with a GPS position and a camera model (what must be stripped)."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "Tipster Phone 12"  # Model
    exif[0x8825] = {1: "N", 2: (16.0, 4.0, 0.0), 3: "E", 4: (108.0, 13.0, 0.0)}  # GPSInfo: Đà Nẵng
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


class _FakeServer:
    def __init__(self, *, keep_alive: bool = False):
        self.calls: list[dict] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # keep_alive: HTTP/1.1, a client's connection stays open between calls (as the real APIs do)
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"
            disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms wait on a kept connection

            def log_message(self, *args):
                pass

            def _reply(self, status: int, body, content_type="application/json"):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                fake._handle(self, "GET", b"")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                fake._handle(self, "POST", self.rfile.read(length))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _record(self, call: dict) -> None:
        call.setdefault("at", time.monotonic())  # when it arrived (benchmarks time replies by it)
        with self._lock:
            self.calls.append(call)

    def _handle(self, handler, method, body):  # pragma: no cover - overridden
        raise NotImplementedError


class FakeTelegram(_FakeServer):
    """POST /bot<token>/<method> with JSON; GET /file/bot<token>/<file_path>."""

    def __init__(self, token: str, *, keep_alive: bool = False):
        super().__init__(keep_alive=keep_alive)
        self.token = token
        self.files: dict[str, bytes] = {}  # file_id → content
        self.fail_with: dict | None = (
            None  # e.g. {"error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        )
        self._ids = itertools.count(1000)
        self.slow: dict[str, float] = {}  # method → seconds to hold the request after recording it
        self.slow_chats: dict[str, float] = {}  # chat id → seconds to hold a message to it after recording it

    def messages(self) -> list[dict]:
        return [call["json"] for call in self.calls if call["method"] == "sendMessage"]

    def photos(self) -> list[dict]:
        return [call["json"] for call in self.calls if call["method"] == "sendPhoto"]

    def _handle(self, handler, method, body):
        path = urlsplit(handler.path).path
        if method == "GET" and path.startswith(f"/file/bot{self.token}/"):
            file_path = path.removeprefix(f"/file/bot{self.token}/")
            content = self.files.get(file_path.rsplit("/", 1)[-1])
            self._record({"method": "download", "file_path": file_path})
            return handler._reply(200, content, "image/jpeg") if content is not None else handler._reply(404, b"")
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return handler._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        api_method = path.removeprefix(prefix)
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            return handler._reply(400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid JSON"})
        self._record({"method": api_method, "json": payload})
        if self.slow.get(api_method):
            time.sleep(self.slow[api_method])  # the platform has the request; the caller waits
        if self.slow_chats.get(str(payload.get("chat_id"))):
            time.sleep(self.slow_chats[str(payload.get("chat_id"))])
        if self.fail_with:
            error = dict(self.fail_with)
            status = error.get("error_code", 400)
            return handler._reply(status, {"ok": False, **error})
        if api_method == "sendPhoto":
            if "chat_id" not in payload or not payload.get("photo"):
                return handler._reply(
                    400, {"ok": False, "error_code": 400, "description": "Bad Request: there is no photo"}
                )
            if len(payload.get("caption", "")) > 1024:
                return handler._reply(
                    400, {"ok": False, "error_code": 400, "description": "Bad Request: caption is too long"}
                )
            payload = {**payload, "text": payload.get("caption", "")}
        if api_method in ("sendMessage", "sendPhoto"):
            if "chat_id" not in payload or not payload.get("text"):
                return handler._reply(
                    400, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}
                )
            chat_id = payload["chat_id"]
            if isinstance(chat_id, str) and chat_id.startswith("@"):
                chat = {"id": -1001234567890, "type": "channel", "title": "Kênh", "username": chat_id[1:]}
            else:
                chat = {"id": int(chat_id), "type": "private"}
            message = {"message_id": next(self._ids), "date": 1790000000, "chat": chat, "text": payload["text"]}
            return handler._reply(200, {"ok": True, "result": message})
        if api_method == "getFile":
            file_id = payload.get("file_id", "")
            if file_id not in self.files:
                return handler._reply(
                    400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
                )
            result = {
                "file_id": file_id,
                "file_unique_id": "u" + file_id,
                "file_size": len(self.files[file_id]),
                "file_path": f"photos/{file_id}",
            }
            return handler._reply(200, {"ok": True, "result": result})
        return handler._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})


class FakeZalo(_FakeServer):
    """POST /v3.0/oa/message/cs (header access_token), POST /v4/oa/access_token (oauth), GET /media/<name>."""

    def __init__(self, *, access_token: str, refresh_token: str, app_id: str, app_secret: str):
        super().__init__()
        self.access_token, self.refresh_token = access_token, refresh_token
        self.app_id, self.app_secret = app_id, app_secret
        self.media: dict[str, bytes] = {}
        self.message_error: dict | None = None  # e.g. {"error": -213, "message": "User has not interacted …"}
        self._ids = itertools.count(1)

    def messages(self) -> list[dict]:
        return [call["json"] for call in self.calls if call["path"] == "/v3.0/oa/message/cs" and call.get("accepted")]

    def articles(self) -> list[dict]:
        return [call["json"] for call in self.calls if call["path"] == "/v2.0/article/create" and call.get("accepted")]

    def expire_token(self) -> None:
        self.access_token = "rotated-" + self.access_token

    def _handle(self, handler, method, body):
        path = urlsplit(handler.path).path
        if method == "GET" and path.startswith("/media/"):
            content = self.media.get(path.removeprefix("/media/"))
            return handler._reply(200, content, "image/jpeg") if content is not None else handler._reply(404, b"")
        if path == "/v3.0/oa/message/cs":
            payload = json.loads(body or b"{}")
            call = {"path": path, "json": payload, "access_token": handler.headers.get("access_token")}
            self._record(call)
            if handler.headers.get("access_token") != self.access_token:
                return handler._reply(200, {"error": -216, "message": "Access token is invalid"})
            if self.message_error:
                return handler._reply(200, self.message_error)
            call["accepted"] = True
            user_id = payload.get("recipient", {}).get("user_id")
            return handler._reply(
                200,
                {"data": {"message_id": f"m{next(self._ids)}", "user_id": user_id}, "error": 0, "message": "Success"},
            )
        if path == "/v2.0/article/create":
            payload = json.loads(body or b"{}")
            call = {"path": path, "json": payload, "access_token": handler.headers.get("access_token")}
            self._record(call)
            if handler.headers.get("access_token") != self.access_token:
                return handler._reply(200, {"error": -216, "message": "Access token is invalid"})
            if self.message_error:
                return handler._reply(200, self.message_error)
            call["accepted"] = True
            return handler._reply(200, {"data": {"token": f"art-{next(self._ids)}"}, "error": 0, "message": "Success"})
        if path == "/v4/oa/access_token":
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            self._record({"path": path, "form": form, "secret_key": handler.headers.get("secret_key")})
            ok = (
                handler.headers.get("secret_key") == self.app_secret
                and form.get("app_id") == self.app_id
                and form.get("grant_type") == "refresh_token"
                and form.get("refresh_token") == self.refresh_token
            )
            if not ok:
                return handler._reply(
                    200,
                    {
                        "error": -14014,
                        "error_name": "Invalid refresh token",
                        "error_description": "Invalid refresh token",
                    },
                )
            self.access_token, self.refresh_token = f"access-{next(self._ids)}", f"refresh-{next(self._ids)}"
            return handler._reply(
                200, {"access_token": self.access_token, "refresh_token": self.refresh_token, "expires_in": "90000"}
            )
        return handler._reply(404, {"error": 404, "message": "not found"})
