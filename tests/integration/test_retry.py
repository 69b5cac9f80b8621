"""End to end: the retry policy against the test Authorization Server.

With retry on, discovery, client credentials and introspection work as without it. A loopback
stand-in in front of the server answers 503 to the first request of each path and relays
the others, so a 503-then-200 sequence reaches the real server without changing it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pytest
import requests

from oauth2core import BearerToken, InvalidGrant, OAuth2Client, RetryPolicy
from oauth2core.testing import FakeClock, FakeSleeper
from tests.integration._authorization_server import AuthorizationServer
from tests.integration._library import TIMEOUT, get_resource, secret_of

pytestmark = pytest.mark.integration

RELAYED_HEADERS = ("Content-Type", "Cache-Control", "Pragma", "WWW-Authenticate")


def discovered(server: AuthorizationServer, **kwargs: Any) -> OAuth2Client:
    config = server.clients["basic"]
    return OAuth2Client.from_discovery_endpoint(
        issuer=server.issuer,
        client_id=config.client_id,
        client_secret=secret_of(config),
        token_endpoint_auth_method=config.auth_method,
        **kwargs,
    )


def test_retry_on_changes_nothing_when_the_server_answers(
    authorization_server: AuthorizationServer, caplog: pytest.LogCaptureFixture
):
    sleeper = FakeSleeper(FakeClock())
    with (
        caplog.at_level(logging.DEBUG, logger="oauth2core.retry"),
        discovered(authorization_server, retry=RetryPolicy(3, sleeper=sleeper)) as client,
    ):
        assert isinstance(client.retry, RetryPolicy)
        token = client.client_credentials(
            scope="api:read", resource=authorization_server.resource_indicator
        )
        assert isinstance(token, BearerToken)
        assert get_resource(authorization_server, token).status_code == 200
        assert client.introspect_token(token)["active"] is True
        with pytest.raises(InvalidGrant):  # a 4xx: answered once, never retried
            client.authorization_code("not-a-code", redirect_uri="https://rp.example/cb")
    assert sleeper.waits == []
    assert [r for r in caplog.records if r.name == "oauth2core.retry"] == []


class Unreliable(BaseHTTPRequestHandler):
    """Answers 503 to the first request of each path, then relays to the real server."""

    protocol_version = "HTTP/1.1"
    timeout = 10
    upstream: ClassVar[str]
    seen: ClassVar[list[tuple[str, str, int]]]
    lock: ClassVar[threading.Lock]

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        self.relay("GET")

    def do_POST(self) -> None:
        self.relay("POST")

    def relay(self, method: str) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length) if length else None
        path = urlsplit(self.path).path
        with self.lock:
            first = all(p != path for _, p, _ in self.seen)
        if first:
            self.send(503, b'{"error": "temporarily_unavailable"}', {"Retry-After": "1"})
            status = 503
        else:
            headers = {
                k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")
            }
            with requests.Session() as http:
                answer = http.request(
                    method,
                    self.upstream + self.path,
                    data=body,
                    headers=headers,
                    timeout=TIMEOUT,
                    allow_redirects=False,
                )
            relayed = {k: answer.headers[k] for k in RELAYED_HEADERS if k in answer.headers}
            self.send(answer.status_code, answer.content, relayed)
            status = answer.status_code
        with self.lock:
            self.seen.append((method, path, status))

    def send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        headers.setdefault("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def unreliable(authorization_server: AuthorizationServer) -> Iterator[tuple[str, list[Any]]]:
    """The stand-in's origin and the log of what it answered."""
    seen: list[tuple[str, str, int]] = []

    class Handler(Unreliable):
        upstream = authorization_server.issuer.rstrip("/")
        lock = threading.Lock()

    Handler.seen = seen
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host, port = server.server_address[:2]
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="unreliable-stand-in",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://{host!s}:{port}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_503_then_the_real_answer(
    authorization_server: AuthorizationServer,
    unreliable: tuple[str, list[Any]],
    caplog: pytest.LogCaptureFixture,
):
    origin, seen = unreliable
    issuer_path = urlsplit(authorization_server.issuer).path.rstrip("/")
    token_path = urlsplit(authorization_server.token_endpoint).path
    sleeper = FakeSleeper(FakeClock())
    policy = RetryPolicy(2, sleeper=sleeper)
    with caplog.at_level(logging.WARNING, logger="oauth2core.retry"):
        with discovered(
            authorization_server,
            url=f"{origin}{issuer_path}/.well-known/openid-configuration",
            retry=policy,
        ) as client:
            assert client.issuer == authorization_server.issuer
            assert client.retry is policy
        config = authorization_server.clients["post"]
        with OAuth2Client(
            origin + token_path, (config.client_id, secret_of(config)), retry=policy
        ) as client:
            token = client.client_credentials(
                scope="api:read", resource=authorization_server.resource_indicator
            )
    assert get_resource(authorization_server, token).status_code == 200
    assert [(method, status) for method, _, status in seen] == [
        ("GET", 503),
        ("GET", 200),
        ("POST", 503),
        ("POST", 200),
    ]
    assert sleeper.waits == [1.0, 1.0]  # Retry-After, through the injected sleeper
    messages = [r.getMessage() for r in caplog.records if r.name == "oauth2core.retry"]
    assert [m.split(" request")[0] for m in messages] == [
        "retrying the discovery",
        "retrying the token",
    ]
    assert all("after HTTP 503: attempt 2/3 in 1.00s" in m for m in messages)
