"""Auth handlers: renewal rules, single flight, the 401 retry, and the token store."""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import responses

from oauth2core import (
    BearerToken,
    InvalidGrant,
    MemoryTokenStore,
    NonRenewableTokenError,
    OAuth2AccessTokenAuth,
    OAuth2AuthorizationCodeAuth,
    OAuth2Client,
    OAuth2ClientCredentialsAuth,
    OAuth2ResourceOwnerPasswordAuth,
)

TOKEN = "https://as.example.com/oauth/token"
API = "https://api.example.com/things"


class TokenServer:
    """A token endpoint that issues numbered tokens, counting requests in flight."""

    def __init__(self, expires_in: int | None = 60, refresh: bool = True) -> None:
        self.expires_in = expires_in
        self.refresh = refresh
        self.issued = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.forms: list[dict[str, list[str]]] = []
        self.lock = threading.Lock()
        self.gate: threading.Event | None = None
        self.fail_with: str | None = None

    def __call__(self, request: Any) -> tuple[int, dict[str, str], str]:
        import json

        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.gate is not None:
                assert self.gate.wait(timeout=10)
            with self.lock:
                self.forms.append(parse_qs(request.body))
                if self.fail_with:
                    return 400, {}, json.dumps({"error": self.fail_with})
                self.issued += 1
                body: dict[str, Any] = {"access_token": f"at-{self.issued}", "token_type": "Bearer"}
                if self.expires_in is not None:
                    body["expires_in"] = self.expires_in
                if self.refresh:
                    body["refresh_token"] = f"rt-{self.issued}"
                return 200, {}, json.dumps(body)
        finally:
            with self.lock:
                self.in_flight -= 1


@pytest.fixture
def server() -> TokenServer:
    return TokenServer()


@pytest.fixture
def http(server):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, TOKEN, callback=server)
        mock.add(responses.GET, API, json={"ok": True})
        yield mock


@pytest.fixture
def client(registry, clock):
    with OAuth2Client(TOKEN, ("id", "secret"), registry=registry, clock=clock) as client:
        yield client


def auth_header(mock: responses.RequestsMock, index: int = -1) -> str:
    return str(mock.calls[index].request.headers["Authorization"])


def api_calls(mock: responses.RequestsMock) -> list[str]:
    return [str(c.request.headers["Authorization"]) for c in mock.calls if c.request.url == API]


def get(auth: requests.auth.AuthBase) -> requests.Response:
    with requests.Session() as session:
        response = session.get(API, auth=auth)
        response.close()
        return response


# ------------------------------------------------------------------------------ renewal rules


def test_client_credentials_token_is_fetched_lazily_and_reused(client, http, server, clock):
    auth = OAuth2ClientCredentialsAuth(client, scope="a b")
    assert server.issued == 0
    for _ in range(3):
        assert get(auth).status_code == 200
    assert server.issued == 1
    assert server.forms[0]["scope"] == ["a b"]
    assert api_calls(http) == ["Bearer at-1"] * 3


def test_renewal_happens_leeway_before_expiry(client, http, server, clock):
    auth = OAuth2ClientCredentialsAuth(client, leeway=20)
    get(auth)
    clock.advance(39.9)
    get(auth)
    assert server.issued == 1
    clock.advance(0.1)
    get(auth)
    assert server.issued == 2
    assert api_calls(http)[-1] == "Bearer at-2"


def test_leeway_is_clamped_for_short_tokens(client, http, server, clock):
    server.expires_in = 10
    auth = OAuth2ClientCredentialsAuth(client, leeway=20)
    get(auth)
    get(auth)
    assert server.issued == 1  # not renewed on every request although 10 < leeway
    clock.advance(5)
    get(auth)
    assert server.issued == 2


def test_token_chosen_is_attached_without_a_second_expiry_check(client, http, server, clock):
    auth = OAuth2ClientCredentialsAuth(client, leeway=0)
    get(auth)
    clock.advance(59.999)
    assert get(auth).status_code == 200  # chosen as fresh: no ExpiredAccessToken afterwards
    assert server.issued == 1


def test_tokens_without_expiry_are_kept(client, http, server, clock):
    server.expires_in = None
    auth = OAuth2ClientCredentialsAuth(client)
    get(auth)
    clock.advance(10**6)
    get(auth)
    assert server.issued == 1


def test_access_token_auth_refreshes_and_keeps_the_refresh_token(client, http, server, clock):
    server.refresh = False
    start = BearerToken("at-0", expires_in=30, refresh_token="rt-0", clock=clock)
    auth = OAuth2AccessTokenAuth(client, start, leeway=10)
    get(auth)
    assert server.issued == 0
    clock.advance(20)
    get(auth)
    assert server.forms[0]["grant_type"] == ["refresh_token"]
    assert server.forms[0]["refresh_token"] == ["rt-0"]
    assert auth.token is not None
    assert auth.token.refresh_token == "rt-0"  # RFC 6749 §6: the old one stays valid
    clock.advance(60)
    get(auth)
    assert server.forms[1]["refresh_token"] == ["rt-0"]


def test_access_token_without_refresh_token_is_used_until_it_expires(client, http, clock):
    auth = OAuth2AccessTokenAuth(client, BearerToken("at-0", expires_in=30, clock=clock))
    clock.advance(25)  # inside the leeway, but still valid
    assert get(auth).status_code == 200
    assert api_calls(http) == ["Bearer at-0"]
    clock.advance(5)
    with pytest.raises(NonRenewableTokenError):
        get(auth)
    assert len(api_calls(http)) == 1  # never sent once known to be expired


def test_string_token_never_expires(client, http):
    auth = OAuth2AccessTokenAuth(client, "plain")
    get(auth)
    assert api_calls(http) == ["Bearer plain"]


def test_failed_renewal_raises_the_endpoint_error(client, http, server):
    server.fail_with = "invalid_client"
    auth = OAuth2ClientCredentialsAuth(client)
    with pytest.raises(Exception) as caught:  # noqa: PT011 - checked below
        get(auth)
    assert type(caught.value).__name__ == "InvalidClient"
    assert api_calls(http) == []


def test_expired_token_from_the_server_is_refused(client, http, server):
    server.expires_in = 0
    auth = OAuth2ClientCredentialsAuth(client)
    with pytest.raises(Exception, match="has expired"):
        get(auth)


# ------------------------------------------------------------------------------ other grants


def test_authorization_code_is_redeemed_once_then_refreshed(client, http, server, clock):
    auth = OAuth2AuthorizationCodeAuth(client, "the-code", leeway=0)
    get(auth)
    assert server.forms[0]["grant_type"] == ["authorization_code"]
    assert server.forms[0]["code"] == ["the-code"]
    clock.advance(60)
    get(auth)
    assert server.forms[1]["grant_type"] == ["refresh_token"]
    assert server.forms[1]["refresh_token"] == ["rt-1"]
    assert auth.code is None


def test_password_grant_then_refresh(client, http, server, clock):
    auth = OAuth2ResourceOwnerPasswordAuth(client, username="alice", password="pw", leeway=0)
    get(auth)
    assert server.forms[0]["password"] == ["pw"]
    clock.advance(60)
    get(auth)
    assert server.forms[1]["grant_type"] == ["refresh_token"]
    assert "pw" not in repr(auth)


# ------------------------------------------------------------------------------ the 401 retry


def challenge(error: str | None) -> dict[str, str]:
    value = "Bearer" if error is None else f'Bearer error="{error}"'
    return {"WWW-Authenticate": value}


def test_invalid_token_is_renewed_once_and_resent(registry, clock, server):
    with (
        responses.RequestsMock() as mock,
        OAuth2Client(TOKEN, ("id", "s"), registry=registry, clock=clock) as client,
    ):
        mock.add_callback(responses.POST, TOKEN, callback=server)
        mock.add(responses.POST, API, status=401, headers=challenge("invalid_token"))
        mock.add(responses.POST, API, json={"ok": True})
        auth = OAuth2ClientCredentialsAuth(client)
        with requests.Session() as session:
            response = session.post(API, data={"x": "1"}, auth=auth)
        assert response.status_code == 200
        assert server.issued == 2
        sent = [c.request for c in mock.calls if c.request.url == API]
        assert [r.headers["Authorization"] for r in sent] == ["Bearer at-1", "Bearer at-2"]
        assert sent[1].body == "x=1"
        assert response.history[0].status_code == 401


def test_a_second_401_is_returned(registry, clock, server):
    with (
        responses.RequestsMock() as mock,
        OAuth2Client(TOKEN, ("id", "s"), registry=registry, clock=clock) as client,
    ):
        mock.add_callback(responses.POST, TOKEN, callback=server)
        mock.add(responses.GET, API, status=401, headers=challenge("invalid_token"))
        mock.add(responses.GET, API, status=401, headers=challenge("invalid_token"))
        response = get(OAuth2ClientCredentialsAuth(client))
        assert response.status_code == 401
        assert server.issued == 2


@pytest.mark.parametrize("error", [None, "insufficient_scope"])
def test_other_401_are_not_retried(registry, clock, server, error):
    with (
        responses.RequestsMock() as mock,
        OAuth2Client(TOKEN, ("id", "s"), registry=registry, clock=clock) as client,
    ):
        mock.add_callback(responses.POST, TOKEN, callback=server)
        mock.add(responses.GET, API, status=401, headers=challenge(error))
        assert get(OAuth2ClientCredentialsAuth(client)).status_code == 401
        assert server.issued == 1


def test_a_stream_body_is_not_replayed(registry, clock, server):
    with (
        responses.RequestsMock() as mock,
        OAuth2Client(TOKEN, ("id", "s"), registry=registry, clock=clock) as client,
    ):
        mock.add_callback(responses.POST, TOKEN, callback=server)
        mock.add(responses.POST, API, status=401, headers=challenge("invalid_token"))
        with requests.Session() as session:
            response = session.post(
                API, data=iter([b"chunk"]), auth=OAuth2ClientCredentialsAuth(client)
            )
        assert response.status_code == 401
        assert server.issued == 1


def test_401_without_a_way_to_renew_returns_the_response(registry, clock):
    with (
        responses.RequestsMock() as mock,
        OAuth2Client(TOKEN, ("id", "s"), registry=registry, clock=clock) as client,
    ):
        mock.add(responses.GET, API, status=401, headers=challenge("invalid_token"))
        auth = OAuth2AccessTokenAuth(client, BearerToken("at", expires_in=60, clock=clock))
        assert get(auth).status_code == 401


# ------------------------------------------------------------------------------ the store


def test_handlers_share_a_store(client, http, server):
    saved: list[str] = []
    store = MemoryTokenStore(on_save=lambda key, token: saved.append(key))
    first = OAuth2ClientCredentialsAuth(client, store=store, store_key="api")
    get(first)
    second = OAuth2ClientCredentialsAuth(client, store=store, store_key="api")
    get(second)
    assert server.issued == 1
    assert api_calls(http) == ["Bearer at-1", "Bearer at-1"]
    assert saved == ["api"]


def test_renewal_adopts_a_fresher_token_from_the_store(client, http, server, clock):
    store = MemoryTokenStore()
    first = OAuth2ClientCredentialsAuth(client, store=store, leeway=0)
    second = OAuth2ClientCredentialsAuth(client, store=store, leeway=0)
    get(first)
    get(second)
    clock.advance(60)
    get(first)  # renews: at-2
    get(second)  # due too, but the store has at-2: no request
    assert server.issued == 2
    assert api_calls(http)[-2:] == ["Bearer at-2", "Bearer at-2"]


def test_forget_token(client, http, server):
    store = MemoryTokenStore()
    auth = OAuth2ClientCredentialsAuth(client, store=store)
    get(auth)
    auth.forget_token()
    assert store.load("token") is None
    assert auth.token is None
    get(auth)
    assert server.issued == 2


def test_renew_token(client, http, server):
    auth = OAuth2ClientCredentialsAuth(client)
    assert auth.renew_token().access_token == "at-1"
    assert auth.renew_token().access_token == "at-2"


def test_compare_and_swap():
    store = MemoryTokenStore()
    first, second = BearerToken("a"), BearerToken("b")
    assert store.compare_and_swap("k", None, first) is True
    assert store.compare_and_swap("k", None, second) is False
    assert store.load("k") is first
    assert store.compare_and_swap("k", first, second) is True
    assert "a" not in repr(store)


def test_repr_hides_tokens(client, http):
    auth = OAuth2ClientCredentialsAuth(client)
    get(auth)
    assert "at-1" not in repr(auth)


# ------------------------------------------------------------------------------ concurrency


def run_threads(count: int, target: Any) -> list[BaseException]:
    errors: list[BaseException] = []
    ready = threading.Barrier(count)

    def worker() -> None:
        ready.wait(timeout=10)
        try:
            target()
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return errors


def test_32_threads_one_handler_one_token_request_per_expiry(client, http, server, clock):
    auth = OAuth2ClientCredentialsAuth(client, leeway=10)
    sessions = threading.local()

    def call() -> None:
        session = getattr(sessions, "session", None) or requests.Session()
        sessions.session = session
        response = session.get(API, auth=auth)
        response.close()
        assert response.status_code == 200

    for expiry in range(1, 5):
        errors = run_threads(32, call)
        assert errors == []
        assert server.issued == expiry  # the cold start, then one renewal per expiry
        assert server.max_in_flight == 1
        assert set(api_calls(http)[-32:]) == {f"Bearer at-{expiry}"}
        clock.advance(50)


def test_all_waiters_get_the_leaders_exception(client, http, server, monkeypatch):
    from oauth2core import _auth

    waiting = threading.Condition()
    count = {"waiters": 0}

    class CountedEvent(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            with waiting:
                count["waiters"] += 1
                waiting.notify_all()
            return super().wait(timeout)

    class CountedFlight(_auth._Flight):
        def __init__(self) -> None:
            super().__init__()
            self.done = CountedEvent()

    monkeypatch.setattr(_auth, "_Flight", CountedFlight)
    server.fail_with = "invalid_grant"
    server.gate = threading.Event()
    auth = OAuth2ClientCredentialsAuth(client)

    def open_gate_when_all_wait() -> None:
        with waiting:
            assert waiting.wait_for(lambda: count["waiters"] == 7, timeout=10)
        server.gate.set()

    opener = threading.Thread(target=open_gate_when_all_wait)
    opener.start()
    errors = run_threads(8, lambda: get(auth))
    opener.join(timeout=10)
    assert len(errors) == 8
    assert all(isinstance(e, InvalidGrant) for e in errors)
    assert len(server.forms) == 1  # one request; its exception reached every waiter
