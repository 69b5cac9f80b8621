"""Transport hardening against a real socket: a slow, a stalling, a flooding and a redirecting
server on 127.0.0.1 (a small ``http.server`` thread, not the oidc-provider).

What ``responses`` cannot show: requests' own timeouts firing, a body that stalls after
the headers (requests raises a ConnectionError then), a chunked body with no length
stopped at the cap with the connection closed, and lengths that lie.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from oauth2core import (
    DEFAULT_MAX_RESPONSE_SIZE,
    InvalidTokenResponse,
    OAuth2Client,
    RequestTimeout,
    ResponseTooLarge,
    UnexpectedRedirect,
)
from oauth2core.testing import registry_from

SECRET = "canary-slow-server-secret-81"
TOKEN_BODY = json.dumps({"access_token": "at", "token_type": "Bearer"}).encode()
DELAY = 0.5
"""How long the slow paths keep the client waiting (released early at teardown)."""


class Server:
    """The server's state, shared with its handler threads."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.hits: dict[str, int] = {}
        self.sent: dict[str, int] = {}
        self.closed_by_client = threading.Event()
        self.url = ""


def handler_for(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            self.route()

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            self.rfile.read(length)
            self.route()

        def route(self) -> None:
            path = self.path.split("?")[0]
            server.hits[path] = server.hits.get(path, 0) + 1
            routes: dict[str, Callable[[], None]] = {
                "/slow-headers": self.slow_headers,
                "/slow-body": self.slow_body,
                "/chunked-flood": self.chunked_flood,
                "/declared-huge": self.declared_huge,
                "/short-length": self.short_length,
                "/.well-known/openid-configuration": self.redirect,
            }
            routes.get(path, self.not_found)()

        def send_json_headers(self, length: int | None) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if length is None:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(length))
            self.end_headers()

        def slow_headers(self) -> None:
            server.release.wait(DELAY)
            self.send_json_headers(len(TOKEN_BODY))
            self.wfile.write(TOKEN_BODY)

        def slow_body(self) -> None:
            self.send_json_headers(len(TOKEN_BODY))
            self.wfile.write(TOKEN_BODY[:5])
            self.wfile.flush()
            server.release.wait(DELAY)
            self.wfile.write(TOKEN_BODY[5:])

        def chunked_flood(self) -> None:
            self.send_json_headers(None)
            chunk = b"x" * 65536
            sent = 0
            try:
                for _ in range(256):  # 16 MiB if nobody stops it
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += len(chunk)
                self.wfile.write(b"0\r\n\r\n")
            except OSError:  # broken pipe, reset: the client closed the connection
                server.closed_by_client.set()
            finally:
                server.sent["/chunked-flood"] = sent
            self.close_connection = True

        def declared_huge(self) -> None:
            self.send_json_headers(10**9)
            self.wfile.write(b"{")
            self.close_connection = True

        def short_length(self) -> None:
            self.send_json_headers(10)  # the first 10 bytes of a token response: cut JSON
            self.wfile.write(TOKEN_BODY + b" " * 65536)
            self.close_connection = True

        def redirect(self) -> None:
            self.send_response(302)
            self.send_header("Location", f"{server.url}/elsewhere?x=1")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def not_found(self) -> None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture
def make_client(server: Server) -> Iterator[Callable[..., OAuth2Client]]:
    made: list[OAuth2Client] = []

    def make(path: str, **kwargs: Any) -> OAuth2Client:
        kwargs.setdefault("registry", registry_from())
        client = OAuth2Client(f"{server.url}{path}", ("client-1", SECRET), **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.session.close()


def test_a_server_slower_than_the_timeout(make_client):
    client = make_client("/slow-headers", timeout=0.1)
    started = time.monotonic()
    with pytest.raises(RequestTimeout) as caught:
        client.client_credentials()
    elapsed = time.monotonic() - started
    assert elapsed < DELAY
    error = caught.value
    assert isinstance(error, requests.Timeout)
    assert isinstance(error, TimeoutError)
    assert error.transient is True
    assert str(error) == "the token endpoint did not answer within 0.1 s (ReadTimeout)"
    assert SECRET not in repr(error)


def test_a_body_that_stalls_after_the_headers(make_client):
    """requests raises ConnectionError(ReadTimeoutError) here, not ReadTimeout."""
    client = make_client("/slow-body", timeout=(1, 0.1))
    started = time.monotonic()
    with pytest.raises(RequestTimeout) as caught:
        client.client_credentials()
    assert time.monotonic() - started < DELAY
    assert isinstance(caught.value.__cause__, requests.ConnectionError)
    assert caught.value.timeout == 0.1


def test_the_same_server_within_the_timeout(make_client):
    client = make_client("/slow-headers", timeout=5)
    assert client.client_credentials().access_token == "at"


def test_a_chunked_flood_is_cut_at_the_cap(make_client, server):
    client = make_client("/chunked-flood", max_response_size=256 * 1024)
    with pytest.raises(ResponseTooLarge) as caught:
        client.client_credentials()
    assert caught.value.limit == 256 * 1024
    assert server.closed_by_client.wait(5)  # the client hung up instead of reading on
    assert server.sent["/chunked-flood"] < 16 * 1024 * 1024


def test_a_chunked_flood_under_the_default_cap(make_client, server):
    client = make_client("/chunked-flood")
    with pytest.raises(ResponseTooLarge) as caught:
        client.client_credentials()
    assert caught.value.limit == DEFAULT_MAX_RESPONSE_SIZE
    assert server.closed_by_client.wait(5)


def test_a_huge_declared_length_is_refused_at_once(make_client):
    client = make_client("/declared-huge", timeout=5)
    started = time.monotonic()
    with pytest.raises(ResponseTooLarge):
        client.client_credentials()
    assert time.monotonic() - started < 1  # nothing waited for the body


def test_a_length_shorter_than_the_body_cuts_the_json(make_client):
    client = make_client("/short-length")
    with pytest.raises(InvalidTokenResponse, match="not JSON"):
        client.client_credentials()


def test_discovery_does_not_follow_a_real_redirect(server):
    with pytest.raises(UnexpectedRedirect) as caught:
        OAuth2Client.from_discovery_endpoint(issuer=server.url, registry=registry_from())
    assert f"{server.url}/elsewhere" in str(caught.value)
    assert "x=1" not in str(caught.value)
    assert server.hits.get("/elsewhere") is None
