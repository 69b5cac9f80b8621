"""End to end: holders sharing a token store race to refresh a rotating refresh token.

The test server rotates every refresh token, and answers the reuse of a rotated one with
``invalid_grant`` and the revocation of the whole grant (RFC 9700 §4.14.2). Reloading the
store after ``invalid_grant`` cannot save such a grant, so holders must renew one at a
time: under the store's lock, which a file-backed store takes across processes.
"""

from __future__ import annotations

import contextlib
import json
import math
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from oauth2core import (
    BearerToken,
    ClientSecretBasic,
    InvalidGrant,
    MemoryTokenStore,
    OAuth2AccessTokenAuth,
    OAuth2Client,
)
from tests.integration._authorization_server import AuthorizationServer
from tests.integration._file_token_store import FileTokenStore
from tests.integration._library import get_resource, secret_of

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
RUN_SECONDS = 5.0  # two and a half 2-second lifetimes: both processes renew, and race
TIMEOUT = 60


class UnlockedStore(MemoryTokenStore):
    """A shared store that cannot lock."""

    def lock(self, key: str) -> contextlib.nullcontext[None]:
        return contextlib.nullcontext()


class FirstRequestHook(requests.auth.AuthBase):
    """Client authentication that runs ``hook`` once, just before its first token request."""

    def __init__(self, inner: requests.auth.AuthBase, hook: Any) -> None:
        self.inner = inner
        self.hook = hook

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        hook, self.hook = self.hook, None
        if hook is not None:
            hook()
        return self.inner(request)


def short_lived(server: AuthorizationServer, auth: requests.auth.AuthBase | None = None) -> Any:
    config = server.clients["short_lived"]
    basic = ClientSecretBasic(config.client_id, secret_of(config))
    return OAuth2Client(server.token_endpoint, auth or basic)


def alice_token(server: AuthorizationServer) -> BearerToken:
    """A 2-second token with a rotating refresh token (the password grant)."""
    alice = server.users["alice"]
    with short_lived(server) as client:
        token: BearerToken = client.resource_owner_password(
            alice.username, alice.password, scope="api:read"
        )
    assert token.refresh_token
    return token


def test_without_the_lock_a_reused_refresh_token_revokes_the_grant(
    authorization_server: AuthorizationServer,
):
    """What the server does with the race the lock prevents (recorded, not wished for)."""
    server = authorization_server
    store = UnlockedStore()
    token = alice_token(server)
    config = server.clients["short_lived"]
    basic = ClientSecretBasic(config.client_id, secret_of(config))
    with short_lived(server) as client_a:
        a = OAuth2AccessTokenAuth(client_a, token, store=store)
        # A rotates R1 after B loaded the store and before B's refresh request with R1.
        with short_lived(server, FirstRequestHook(basic, a.renew_token)) as client_b:
            b = OAuth2AccessTokenAuth(client_b, store=store)
            adopted = b.renew_token()  # R1 refused: B reloads the store and adopts T2

    t2 = store.load("token")
    assert adopted is t2
    assert t2 is not None
    assert t2.access_token != token.access_token
    # ...but the server revoked the grant on the reuse of R1: T2 and its R2 are dead.
    assert get_resource(server, t2).status_code == 401
    with short_lived(server) as client, pytest.raises(InvalidGrant):
        client.refresh_token(t2)


def test_two_processes_sharing_a_file_store_renew_in_turn(
    authorization_server: AuthorizationServer, tmp_path: Path
):
    server = authorization_server
    config = server.clients["short_lived"]
    path = tmp_path / "tokens.json"
    store = FileTokenStore(path)
    store.save("token", alice_token(server))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    start = time.time() + 2  # both processes are up and waiting by then
    job = {
        "store": str(path),
        "token_endpoint": server.token_endpoint,
        "client_id": config.client_id,
        "client_secret": secret_of(config),
        "resource_url": server.resource_url,
        "leeway": 5,  # clamped to half of 2 s: both processes renew 1 s before expiry
        "pause": 0.02,
        "start": start,
        "until": start + RUN_SECONDS,
    }
    job_file = tmp_path / "job.json"
    job_file.write_text(json.dumps(job), encoding="utf-8")
    job_file.chmod(0o600)
    server.reset_token_request_counts()
    workers = [
        subprocess.Popen(  # noqa: S603 - this interpreter, a module of this repository
            [sys.executable, "-m", "tests.integration._file_token_store", str(job_file)],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=TIMEOUT)
        assert worker.returncode == 0, err
        assert err == ""
        results.append(json.loads(out))
    requested = server.token_request_count(config.client_id)

    for result in results:
        assert result["failures"] == []
        assert result["calls"] > 10
        assert result["tokens"] >= 2  # each process used tokens renewed by either
    fetched = sum(result["fetched"] for result in results)
    assert requested == fetched  # every token request succeeded: no refresh token reused
    # One renewal per lifetime at most (whole-second exp), never one per process.
    assert 2 <= fetched <= math.ceil(RUN_SECONDS / 1) + 1

    final = store.load("token")
    assert final is not None
    # The grant is alive: the last refresh token still refreshes (the stored access
    # token itself may have expired while the workers exited), and its successor works.
    with short_lived(server) as client:
        renewed = client.refresh_token(final)
    assert renewed.refresh_token
    assert get_resource(server, renewed).status_code == 200
