"""A scripted HTTP server on 127.0.0.1 that answers the way Modal's web endpoints can."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# A 1x1 PNG.
IMAGE_BASE64 = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63f8cfc0f01f0005000"
        "1ff89993d1d0000000049454e44ae426082"
    )
).decode()
# Body Modal's ASGI wrapper sends with its 408.
EXPIRED = b"Missing request, possibly due to expiry or cancellation"


class ModalLikeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, chain_hops: int = 3, flaky_failures: int = 1, slow_s: float = 3.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.chain_hops = chain_hops
        self.flaky_failures = flaky_failures
        self.slow_s = slow_s
        self.hits: Counter[str] = Counter()
        self.headers_seen: list[dict[str, str]] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def hit(self, path: str, headers: dict[str, str]) -> int:
        with self._lock:
            self.hits[path] += 1
            self.headers_seen.append(headers)
            return self.hits[path]

    def __enter__(self) -> ModalLikeServer:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: ModalLikeServer

    def log_message(self, *_: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", 0))
        self.rfile.read(length)
        self._dispatch("POST")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        count = self.server.hit(f"{method} {parts.path}", dict(self.headers))
        answer = getattr(self, f"_answer_{parts.path.strip('/')}", None)
        if answer is None:
            self._reply(404, b"not found")
        else:
            answer(count, parse_qs(parts.query))

    def _answer_chain(self, _count: int, query: dict[str, list[str]]) -> None:
        hop = int(query.get("hop", ["0"])[0])
        if hop < self.server.chain_hops:
            location = f"/chain?__modal_function_call_id=fc-1&hop={hop + 1}"
            self._reply(303, b"", {"Location": location})
        else:
            self._json({"done": True, "hops": hop})

    def _answer_flaky(self, count: int, _query: object) -> None:
        if count <= self.server.flaky_failures:
            self._reply(408, EXPIRED)
        else:
            self._json({"attempt": count})

    def _answer_strict(self, _count: int, _query: object) -> None:
        self._reply(408, EXPIRED)

    def _answer_slow(self, _count: int, _query: object) -> None:
        time.sleep(self.server.slow_s)
        self._json({"late": True})

    def _answer_health(self, _count: int, _query: object) -> None:
        self._json({"healthy": True})

    def _answer_broken(self, _count: int, _query: object) -> None:
        self._reply(500, b"Internal Server Error: pipeline exploded")

    def _answer_image(self, _count: int, _query: object) -> None:
        self._json({"media_type": "image/png", "output": IMAGE_BASE64, "width": 1, "seed": 7})

    def _answer_echo(self, _count: int, _query: object) -> None:
        """A server that shows a request's headers back (a debugging page left on)."""
        self._json({"headers": dict(self.headers)})

    def _answer_tattle(self, _count: int, _query: object) -> None:
        """An error page that shows the request's headers."""
        self._reply(500, f"bad request from {dict(self.headers)}".encode())

    def _answer_drop(self, _count: int, _query: object) -> None:
        """The server dies mid-request: the connection closes with no answer."""
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def _answer_cut(self, _count: int, _query: object) -> None:
        """The answer is cut short: it promises 1000 bytes and sends 10."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b'{"output":')
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def _answer_text(self, _count: int, _query: object) -> None:
        self._reply(200, b"<html>not json</html>")

    def _json(self, body: object) -> None:
        self._reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    def _reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first: that is what some tests want
