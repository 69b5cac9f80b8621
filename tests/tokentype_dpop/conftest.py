"""Fixtures of the oauth2core-tokentype-dpop unit tests.

These tests run with only core, the jwt package and this package installed (``uv run
--exact --package oauth2core-tokentype-dpop``). Keys are generated once per session (a
2048-bit RSA key costs ~50-100 ms). Under ``--import-mode=importlib`` test modules cannot
import this file, so what they share is a fixture.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType, SimpleNamespace
from typing import Any
from urllib.parse import parse_qs

import pytest
import responses
from jwskate import Jwk, SignedJwt

import oauth2core
from oauth2core import OAuth2Client, Registry
from oauth2core import _plugins as plugins_module
from oauth2core.testing import FakeClock, registry_from
from oauth2core_tokentype_dpop import DPoPKey
from oauth2core_tokentype_dpop._nonces import DEFAULT_NONCE_CACHE

JWT_PLUGIN = "oauth2core_clientauth_jwt._plugin"
PLUGIN = "oauth2core_tokentype_dpop._plugin"
ISSUER = "https://as.example.com"
URLS = SimpleNamespace(
    issuer=ISSUER,
    token=f"{ISSUER}/oauth/token",
    authorization=f"{ISSUER}/oauth/authorize",
    par=f"{ISSUER}/oauth/par",
    userinfo=f"{ISSUER}/userinfo",
    redirect_uri="https://app.example.com/callback",
    resource="https://api.example.com/v1/things",
    other_resource="https://other.example.com/data",
)
ALGS = ("ES256", "ES384", "ES512", "RS256", "PS256", "EdDSA")


@dataclass(frozen=True)
class Proof:
    """A decoded DPoP proof whose signature was verified with its own ``jwk`` header."""

    header: dict[str, Any]
    claims: dict[str, Any]
    jwk: Jwk

    @property
    def thumbprint(self) -> str:
        return str(self.jwk.thumbprint())


def decode_proof(proof: str) -> Proof:
    jwt = SignedJwt(proof)
    jwk = Jwk(jwt.headers["jwk"])
    assert not jwk.is_private
    assert jwt.verify_signature(jwk, alg=jwt.alg), "the proof's signature does not verify"
    return Proof(dict(jwt.headers), dict(jwt.claims), jwk)


@pytest.fixture(autouse=True)
def _fresh_nonces() -> Iterator[None]:
    """Each test starts with an empty process-wide nonce cache."""
    DEFAULT_NONCE_CACHE.clear()
    yield
    DEFAULT_NONCE_CACHE.clear()


@pytest.fixture(scope="session")
def keys() -> dict[str, DPoPKey]:
    """One DPoP key per algorithm, generated once."""
    return {alg: DPoPKey.generate(alg) for alg in ALGS}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(wall=1_700_000_000.75)


@pytest.fixture
def key(clock: FakeClock) -> DPoPKey:
    """An ES256 key on the fake clock."""
    return DPoPKey.generate(clock=clock)


@pytest.fixture
def proof_of() -> Callable[[Any], Proof]:
    """The verified proof of a request (a ``responses`` call or a PreparedRequest)."""

    def decode(call: Any) -> Proof:
        request = getattr(call, "request", call)
        return decode_proof(request.headers["DPoP"])

    return decode


@pytest.fixture
def form_of() -> Callable[[Any], dict[str, list[str]]]:
    """The form sent in a ``responses`` call."""

    def form(call: Any) -> dict[str, list[str]]:
        body = call.request.body or ""
        text = body.decode() if isinstance(body, bytes) else body
        return parse_qs(text, keep_blank_values=True)

    return form


@pytest.fixture(scope="session")
def urls() -> SimpleNamespace:
    return URLS


@pytest.fixture(scope="session")
def registry() -> Registry:
    """Core's built-ins, the jwt plugin and this one: no entry points, no environment."""
    return registry_from(JWT_PLUGIN, PLUGIN)


@pytest.fixture
def make_client(registry: Registry, clock: FakeClock) -> Iterator[Callable[..., OAuth2Client]]:
    """Build clients on the deterministic registry and the fake clock; closed at teardown."""
    made: list[OAuth2Client] = []

    def make(auth: Any = ("client-1", "secret-1"), **kwargs: Any) -> OAuth2Client:
        kwargs.setdefault("registry", registry)
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("issuer", URLS.issuer)
        kwargs.setdefault("authorization_endpoint", URLS.authorization)
        kwargs.setdefault("pushed_authorization_request_endpoint", URLS.par)
        kwargs.setdefault("userinfo_endpoint", URLS.userinfo)
        kwargs.setdefault("redirect_uri", URLS.redirect_uri)
        client = OAuth2Client(URLS.token, auth, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.session.close()


@pytest.fixture
def client(make_client: Callable[..., OAuth2Client]) -> OAuth2Client:
    return make_client()


@pytest.fixture
def mock_http() -> Iterator[responses.RequestsMock]:
    """Transport-level HTTP mock; every registered response must be used."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def install_default(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Registry], None]]:
    """Make a registry the process default for one test; forget the exports it cached."""
    cached = set(vars(oauth2core))

    def install(registry: Registry) -> None:
        monkeypatch.setattr(plugins_module, "_default", registry)

    yield install
    for name in set(vars(oauth2core)) - cached:
        if not isinstance(getattr(oauth2core, name), ModuleType):
            delattr(oauth2core, name)


@pytest.fixture
def run_python() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run code in a fresh interpreter (only the ``jwt`` and ``dpop`` entry points enabled)."""

    def run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "OAUTH2CORE_PLUGINS": "jwt,dpop", **env}
        environment.pop("OAUTH2CORE_DISABLE_PLUGINS", None)
        result = subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True,
            text=True,
            env=environment,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result

    return run


def token_json(**fields: Any) -> dict[str, Any]:
    """A DPoP token response."""
    return {"access_token": "at-1", "token_type": "DPoP", "expires_in": 60, **fields}


@pytest.fixture
def token_response() -> Callable[..., dict[str, Any]]:
    return token_json
