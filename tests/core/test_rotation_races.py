"""Refresh-token rotation races between handlers that share one token store.

Holders A and B share a store and hold token T1 with refresh token R1. When A rotates R1
first, B must never send R1 (the store's lock serialises renewals), and when it did all the
same (a holder outside the lock), B reloads the store once and adopts A's token.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import responses

from oauth2core import (
    BearerToken,
    InvalidClient,
    InvalidGrant,
    InvalidResponse,
    MemoryTokenStore,
    OAuth2AccessTokenAuth,
    OAuth2Client,
    OAuth2ResourceOwnerPasswordAuth,
    TemporarilyUnavailable,
)
from oauth2core.testing import FakeClock

TOKEN = "https://as.example.com/oauth/token"
API = "https://api.example.com/things"
LIFETIME = 60


class RotatingServer:
    """A token endpoint that rotates refresh tokens and refuses a used one with invalid_grant.

    ``before_refresh`` runs once, inside the next refresh request, before it is answered:
    the moment for another holder to rotate the same refresh token.
    """

    def __init__(self, *, rotate: bool = True, expires_in: int = LIFETIME) -> None:
        self.rotate = rotate
        self.expires_in = expires_in
        self.lock = threading.Lock()
        self.issued = 0
        self.live = {"rt-0"}
        self.requests = 0
        self.refused = 0
        self.before_refresh: Callable[[], None] | None = None
        self.fail_with: tuple[int, str] | None = None

    def __call__(self, request: Any) -> tuple[int, dict[str, str], str]:
        form = parse_qs(request.body)
        hook, self.before_refresh = self.before_refresh, None
        if hook is not None:
            hook()
        with self.lock:
            self.requests += 1
            if self.fail_with is not None:
                status, error = self.fail_with
                return status, {}, json.dumps({"error": error}) if error else ""
            if form["grant_type"] == ["password"]:
                self.refused += 1
                return 400, {}, json.dumps({"error": "invalid_grant"})
            refresh_token = form["refresh_token"][0]
            if refresh_token not in self.live:
                self.refused += 1
                return 400, {}, json.dumps({"error": "invalid_grant"})
            self.issued += 1
            body: dict[str, Any] = {
                "access_token": f"at-{self.issued}",
                "token_type": "Bearer",
                "expires_in": self.expires_in,
            }
            if self.rotate:
                self.live.discard(refresh_token)
                self.live.add(f"rt-{self.issued}")
                body["refresh_token"] = f"rt-{self.issued}"
            return 200, {}, json.dumps(body)


class UnlockedStore(MemoryTokenStore):
    """A shared store that cannot lock: its holders race, as holders outside a lock do."""

    def lock(self, key: str) -> contextlib.nullcontext[None]:
        return contextlib.nullcontext()


class CountingStore(MemoryTokenStore):
    """Counts loads; ``fail_on_load`` makes that load (1-based) raise."""

    def __init__(self, fail_on_load: int | None = None) -> None:
        super().__init__()
        self.loads = 0
        self.fail_on_load = fail_on_load

    def load(self, key: str) -> BearerToken | None:
        self.loads += 1
        if self.loads == self.fail_on_load:
            raise OSError("the store is offline")
        return super().load(key)


class ObservedStore(MemoryTokenStore):
    """Counts the renewals that reached the lock (before they wait for it)."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Semaphore(0)

    def lock(self, key: str) -> contextlib.AbstractContextManager[object]:
        self.entered.release()
        return super().lock(key)


@pytest.fixture
def server() -> RotatingServer:
    return RotatingServer()


@pytest.fixture
def http(server: RotatingServer) -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, TOKEN, callback=server)
        mock.add(responses.GET, API, json={"ok": True})
        yield mock


@pytest.fixture
def client(registry: Any, clock: FakeClock) -> Iterator[OAuth2Client]:
    with OAuth2Client(TOKEN, ("id", "secret"), registry=registry, clock=clock) as client:
        yield client


def first_token(clock: FakeClock) -> BearerToken:
    return BearerToken("at-0", expires_in=LIFETIME, refresh_token="rt-0", clock=clock)


def holders(
    client: OAuth2Client, store: MemoryTokenStore, clock: FakeClock
) -> tuple[OAuth2AccessTokenAuth, OAuth2AccessTokenAuth]:
    """A and B, sharing ``store`` and the token T1 (at-0, rt-0)."""
    a = OAuth2AccessTokenAuth(client, first_token(clock), store=store, leeway=0)
    b = OAuth2AccessTokenAuth(client, store=store, leeway=0)
    assert a.token is b.token
    return a, b


def get(auth: requests.auth.AuthBase) -> requests.Response:
    with requests.Session() as session:
        response = session.get(API, auth=auth)
        response.close()
        return response


def api_calls(mock: responses.RequestsMock) -> list[str]:
    return [str(c.request.headers["Authorization"]) for c in mock.calls if c.request.url == API]


# ------------------------------------------------------------------------------ forced races


def test_a_refresh_rotated_by_another_holder_adopts_its_token(client, http, server, clock):
    store = UnlockedStore()
    a, b = holders(client, store, clock)
    clock.advance(LIFETIME)
    server.before_refresh = a.renew_token  # A rotates rt-0 between B's load and B's refresh

    assert get(b).status_code == 200  # B's rt-0 was refused: no error reaches the caller

    assert server.requests == 2  # A's refresh, B's refused one; no third
    assert server.refused == 1
    t2 = store.load("token")
    assert t2 is not None
    assert t2.access_token == "at-1"
    assert t2.refresh_token == "rt-1"
    assert b.token is t2
    assert a.token is t2
    assert api_calls(http) == ["Bearer at-1"]
    # B carries on with T2: its next renewal uses rt-1, and succeeds.
    clock.advance(LIFETIME)
    assert get(b).status_code == 200
    assert store.load("token").access_token == "at-2"  # type: ignore[union-attr]
    assert server.refused == 1


def test_the_store_lock_keeps_the_second_holder_from_refreshing(client, http, server, clock):
    """Threads: B, due while A renews, waits for A and adopts T2 with no request at all."""
    store = ObservedStore()
    a, b = holders(client, store, clock)
    clock.advance(LIFETIME)
    in_refresh, gate = threading.Event(), threading.Event()

    def hold() -> None:
        in_refresh.set()
        assert gate.wait(timeout=10)

    server.before_refresh = hold
    entered = store.entered
    results: list[int] = []
    thread_a = threading.Thread(target=lambda: results.append(get(a).status_code))
    thread_a.start()
    assert in_refresh.wait(timeout=10)  # A holds the lock, its refresh in flight
    assert entered.acquire(timeout=10)
    thread_b = threading.Thread(target=lambda: results.append(get(b).status_code))
    thread_b.start()
    assert entered.acquire(timeout=10)  # B is at the lock, before its load
    gate.set()
    thread_a.join(timeout=10)
    thread_b.join(timeout=10)

    assert results == [200, 200]
    assert server.requests == 1
    assert server.refused == 0
    assert a.token is b.token is store.load("token")
    assert api_calls(http) == ["Bearer at-1", "Bearer at-1"]


def test_without_rotation_compare_and_swap_keeps_one_token(client, http, server, clock):
    """B's refresh succeeds after A's: the first saved wins, and both keep rt-0."""
    server.rotate = False
    store = UnlockedStore()
    a, b = holders(client, store, clock)
    clock.advance(LIFETIME)
    server.before_refresh = a.renew_token

    assert get(b).status_code == 200

    assert server.requests == 2
    assert server.issued == 2  # at-1 for A, at-2 for B: B lost the compare-and-swap
    winner = store.load("token")
    assert winner is not None
    assert winner.access_token == "at-1"
    assert a.token is winner
    assert b.token is winner
    assert winner.refresh_token == "rt-0"  # kept, since the server returned none
    assert api_calls(http) == ["Bearer at-1"]


def test_a_due_token_in_the_store_is_refreshed_with_its_own_refresh_token(
    client, http, server, clock
):
    """B still holds T1, the store holds A's T2, due too: B refreshes rt-1, never rt-0."""
    store = MemoryTokenStore()
    a, b = holders(client, store, clock)
    clock.advance(LIFETIME)
    get(a)  # T2: at-1, rt-1
    clock.advance(LIFETIME)
    assert get(b).status_code == 200
    assert server.refused == 0
    assert server.requests == 2
    assert b.token is store.load("token")
    assert b.token is not None
    assert b.token.refresh_token == "rt-2"


@pytest.mark.parametrize("cas_by_value", [True, False], ids=["cas-by-value", "cas-by-identity"])
def test_a_store_of_copies_is_compared_by_value_on_the_401_retry(
    client, http, server, clock, cas_by_value
):
    """A persistent store loads a new copy each time: the refused token is not re-adopted."""

    class CopyingStore(MemoryTokenStore):
        def load(self, key: str) -> BearerToken | None:
            token = super().load(key)
            if token is None:
                return None
            return BearerToken(
                token.access_token,
                expires_in=LIFETIME,
                refresh_token=token.refresh_token,
                clock=clock,
            )

        def compare_and_swap(
            self, key: str, expected: BearerToken | None, new: BearerToken
        ) -> bool:
            if not cas_by_value:
                return super().compare_and_swap(key, expected, new)
            held = super().load(key)
            if (held and held.access_token) != (expected and expected.access_token):
                return False
            self.save(key, new)
            return True

    def api(request: Any) -> tuple[int, dict[str, str], str]:
        if request.headers["Authorization"] == "Bearer at-0":  # revoked early by the server
            return 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}, ""
        return 200, {}, "{}"

    http.remove(responses.GET, API)
    http.add_callback(responses.GET, API, callback=api)
    auth = OAuth2AccessTokenAuth(client, first_token(clock), store=CopyingStore(), leeway=0)

    assert get(auth).status_code == 200
    assert server.requests == 1
    assert api_calls(http) == ["Bearer at-0", "Bearer at-1"]


# ------------------------------------------------------------------------------ no rescue


def test_nothing_newer_in_the_store_raises_invalid_grant(client, http, server, clock):
    store = CountingStore()
    _, b = holders(client, store, clock)
    server.live.clear()  # rt-0 revoked; nobody rotated it
    clock.advance(LIFETIME)

    with pytest.raises(InvalidGrant) as caught:
        b.renew_token()

    assert caught.value.response is not None
    assert caught.value.response.status_code == 400
    assert "rt-0" not in str(caught.value)
    assert server.requests == 1
    assert store.loads == 3  # B's construction, its load before renewing, the one reload
    assert store.load("token").access_token == "at-0"  # type: ignore[union-attr]


@pytest.mark.parametrize("found", ["nothing", "expired"])
def test_an_empty_or_expired_store_is_not_adopted(client, http, server, clock, found):
    store = UnlockedStore()
    _, b = holders(client, store, clock)
    clock.advance(LIFETIME)

    def other_holder() -> None:
        server.live.clear()
        if found == "nothing":
            store.delete("token")
        else:
            store.save("token", BearerToken("at-other", expires_in=0, clock=clock))

    server.before_refresh = other_holder
    with pytest.raises(InvalidGrant):
        get(b)
    assert server.requests == 1
    assert api_calls(http) == []


@pytest.mark.parametrize(
    ("status", "error", "raised"),
    [
        (401, "invalid_client", InvalidClient),
        (503, "temporarily_unavailable", TemporarilyUnavailable),
        (503, "", InvalidResponse),
    ],
    ids=["invalid_client", "temporarily_unavailable", "503"],
)
def test_other_errors_are_not_masked_and_not_retried(
    client, http, server, clock, status, error, raised
):
    store = CountingStore()
    _, b = holders(client, store, clock)
    clock.advance(LIFETIME)
    rotated = BearerToken("at-9", expires_in=LIFETIME, refresh_token="rt-9", clock=clock)
    server.before_refresh = lambda: store.save("token", rotated)  # there, but not for these
    server.fail_with = (status, error)

    with pytest.raises(raised) as caught:
        b.renew_token()

    assert not isinstance(caught.value, InvalidGrant)
    assert server.requests == 1  # no retry
    assert store.loads == 2  # B's construction, its load before renewing: no reload
    assert b.token is not None
    assert b.token.access_token == "at-0"


def test_invalid_grant_on_another_grant_is_not_a_rotation(client, http, server, clock):
    store = CountingStore()
    store.save("token", BearerToken("at-other", expires_in=LIFETIME, clock=clock))
    auth = OAuth2ResourceOwnerPasswordAuth(
        client, username="alice", password="wrong", store=store, leeway=0
    )
    clock.advance(LIFETIME)  # due; no refresh token: the password grant, refused
    with pytest.raises(InvalidGrant):
        auth.renew_token()
    assert server.requests == 1
    assert store.loads == 2  # construction, the load before renewing: no reload


@pytest.mark.parametrize("failing_load", [2, 3], ids=["before-refresh", "reload"])
def test_a_store_whose_load_raises_propagates(client, http, server, clock, failing_load):
    store = CountingStore(fail_on_load=failing_load)
    _, b = holders(client, store, clock)
    server.live.clear()
    clock.advance(LIFETIME)
    with pytest.raises(OSError, match="offline"):
        b.renew_token()
    assert server.requests == failing_load - 2


# ------------------------------------------------------------------------------ threads


@pytest.mark.parametrize("threads_per_holder", [1, 4])
def test_threads_and_two_holders_never_fail_against_a_rotating_server(
    client, http, server, clock, threads_per_holder
):
    server.expires_in = 10
    store = MemoryTokenStore()
    a, b = holders(client, store, clock)
    calls_per_thread = 240 // threads_per_holder
    failures: list[Exception | int] = []
    start = threading.Barrier(2 * threads_per_holder)
    tick = threading.Lock()

    def work(auth: OAuth2AccessTokenAuth) -> None:
        start.wait(timeout=10)
        with requests.Session() as session:
            for _ in range(calls_per_thread):
                try:
                    response = session.get(API, auth=auth)
                except Exception as err:
                    failures.append(err)
                    continue
                if response.status_code != 200:
                    failures.append(response.status_code)
                with tick:
                    clock.advance(1)

    threads = [
        threading.Thread(target=work, args=(auth,))
        for auth in (a, b)
        for _ in range(threads_per_holder)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert server.refused == 0  # nobody ever sent a rotated refresh token
    assert server.issued >= 30  # 480 calls, one second each, 10-second tokens
    last = store.load("token")
    assert last is not None
    assert last.access_token == f"at-{server.issued}"
    assert last.refresh_token == f"rt-{server.issued}"
    assert server.live == {f"rt-{server.issued}"}
