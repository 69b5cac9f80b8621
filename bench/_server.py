"""The loopback token endpoint and protected resource the benchmark starts and stops itself.

Run as a separate process (``python -m bench._server``) so that its threads do not compete
with the measured client for the GIL. It binds 127.0.0.1 on a free port and prints the
port on its first line of output.

- ``POST /token``: waits ``delay`` seconds, then issues a Bearer token of ``lifetime``
  seconds (counted from when the response is written);
- ``GET /resource``: 200 for a live token, else 401 with
  ``WWW-Authenticate: Bearer error="invalid_token"``; the token ``static-token`` never
  expires (the static-header baseline);
- ``POST /admin/config`` (JSON ``delay``, ``lifetime``): set both and reset the counters;
- ``GET /admin/stats``: token requests, the most token requests in flight at once, and
  resource responses by status.

Responses go through a buffered writer with Nagle off: an unbuffered ``http.server``
writes the status line and headers in several small segments, and the Nagle/delayed-ACK
interaction then stalls each keep-alive request for about 40 ms.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

STATIC_TOKEN = "static-token"  # noqa: S105 - a fake token of the loopback server
ROOT = Path(__file__).resolve().parent.parent


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.delay = 0.0
        self.lifetime = 3600
        self.reset()

    def reset(self) -> None:
        self.issued = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.tokens: dict[str, float] = {STATIC_TOKEN: float("inf")}
        self.statuses: dict[str, int] = {}


STATE = _State()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = -1  # a buffered wfile, flushed once per response
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        body = self._body()
        if self.path == "/token":
            self._token()
        elif self.path == "/admin/config":
            config = json.loads(body)
            with STATE.lock:
                STATE.delay = float(config["delay"])
                STATE.lifetime = int(config["lifetime"])
                STATE.reset()
            self._send(200, b"{}")
        else:
            self._send(404, b"{}")

    def _token(self) -> None:
        with STATE.lock:
            STATE.issued += 1
            number = STATE.issued
            STATE.in_flight += 1
            STATE.max_in_flight = max(STATE.max_in_flight, STATE.in_flight)
            delay, lifetime = STATE.delay, STATE.lifetime
        if delay:
            time.sleep(delay)
        token = f"token-{number}"
        with STATE.lock:
            STATE.in_flight -= 1
            STATE.tokens[token] = time.monotonic() + lifetime
        body = {"access_token": token, "token_type": "Bearer", "expires_in": lifetime}
        self._send(200, json.dumps(body).encode(), {"Cache-Control": "no-store"})

    def do_GET(self) -> None:
        if self.path == "/resource":
            scheme, _, token = self.headers.get("Authorization", "").partition(" ")
            live = scheme.lower() in ("bearer", "dpop") and (
                STATE.tokens.get(token, 0.0) > time.monotonic()
            )
            status = 200 if live else 401
            with STATE.lock:
                STATE.statuses[str(status)] = STATE.statuses.get(str(status), 0) + 1
            if live:
                self._send(200, b'{"ok":true}')
            else:
                challenge = 'Bearer error="invalid_token"'
                self._send(401, b"{}", {"WWW-Authenticate": challenge})
        elif self.path == "/admin/stats":
            with STATE.lock:
                stats = {
                    "token_requests": STATE.issued,
                    "max_in_flight": STATE.max_in_flight,
                    "statuses": dict(STATE.statuses),
                }
            self._send(200, json.dumps(stats).encode())
        else:
            self._send(404, b"{}")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def serve() -> None:
    """Serve on 127.0.0.1 until stdin closes; print the port first."""
    server = _Server(("127.0.0.1", 0), _Handler)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # the parent closes our stdin to stop us
    server.shutdown()


class LoopbackServer:
    """The server process, as a context manager: ``with LoopbackServer() as server: ...``."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._admin = requests.Session()
        self.base = ""

    def __enter__(self) -> LoopbackServer:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench._server"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        port = int(self._process.stdout.readline())
        self.base = f"http://127.0.0.1:{port}"
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._admin.close()
        process = self._process
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    @property
    def token_url(self) -> str:
        """The token endpoint."""
        return f"{self.base}/token"

    @property
    def resource_url(self) -> str:
        """The protected resource."""
        return f"{self.base}/resource"

    def configure(self, *, delay: float = 0.0, lifetime: int = 3600) -> None:
        """Set the token endpoint's delay and the tokens' lifetime; reset the counters."""
        body = {"delay": delay, "lifetime": lifetime}
        self._admin.post(f"{self.base}/admin/config", json=body, timeout=10).raise_for_status()

    def stats(self) -> dict[str, Any]:
        """The counters since the last :meth:`configure`."""
        response = self._admin.get(f"{self.base}/admin/stats", timeout=10)
        response.raise_for_status()
        stats: dict[str, Any] = response.json()
        return stats


if __name__ == "__main__":
    serve()
