"""A small web server on 127.0.0.1 for the tests of downloads (core.fetch, feed monitoring): each path
answers as it is told (a body, a redirect, a status, a slow trickle), and every request is recorded."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    chunked: bool = False  # Transfer-Encoding: chunked, no Content-Length
    trickle_body: float = 0  # seconds between bytes of the body
    trickle_headers: float = 0  # seconds between bytes of the status line and headers


class LocalWebServer:
    def __init__(self):
        self.routes: dict[str, Reply] = {}
        self.requests: list[tuple[str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                reply = server.routes.get(self.path.split("?")[0], Reply(status=404, body=b"not here"))
                head = [f"HTTP/1.1 {reply.status} X"]
                headers = {"Connection": "close", **reply.headers}
                if reply.chunked:
                    headers["Transfer-Encoding"] = "chunked"
                else:
                    headers.setdefault("Content-Length", str(len(reply.body)))
                head += [f"{name}: {value}" for name, value in headers.items()]
                try:
                    self._write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"), reply.trickle_headers)
                    if reply.chunked:
                        for start in range(0, len(reply.body), 1000):
                            part = reply.body[start : start + 1000]
                            self._write(f"{len(part):x}\r\n".encode() + part + b"\r\n", 0)
                        self._write(b"0\r\n\r\n", 0)
                    else:
                        self._write(reply.body, reply.trickle_body)
                except OSError:
                    pass  # the client gave up (what the deadline tests expect)
                self.close_connection = True

            def _write(self, data: bytes, pause: float):
                if not pause:
                    self.wfile.write(data)
                    return
                for index in range(min(len(data), 600)):  # bounded: at most 600 slow bytes
                    self.wfile.write(data[index : index + 1])
                    self.wfile.flush()
                    time.sleep(pause)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def reply(self, path: str, **kwargs) -> None:
        self.routes[path] = Reply(**kwargs)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = Reply(status=status, headers={"Location": location})

    def allow(self, settings) -> None:
        """Let core.fetch reach this server (tests only: loopback is refused by default)."""
        settings.CITYDESK_FETCH_ALLOW_LOOPBACK_PORTS = [*settings.CITYDESK_FETCH_ALLOW_LOOPBACK_PORTS, self.port]

    def paths(self) -> list[str]:
        return [path for path, _headers in self.requests]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
