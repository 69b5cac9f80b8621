"""Fixtures of the oauth2core-clientauth-jwt unit tests.

Keys are generated at test time, once per session (a 2048-bit RSA key costs ~50-100 ms).
Under ``--import-mode=importlib`` test modules cannot import this file, so what they share
is a fixture.
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

import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, x25519
from cryptography.hazmat.primitives.asymmetric import rsa as rsa_keys
from jwskate import Jwk

import oauth2core
from oauth2core import OAuth2Client, Registry
from oauth2core import _plugins as plugins_module
from oauth2core.testing import FakeClock, registry_from

PLUGIN = "oauth2core_clientauth_jwt._plugin"
ISSUER = "https://as.example.com"
URLS = SimpleNamespace(
    issuer=ISSUER,
    token=f"{ISSUER}/oauth/token",
    revocation=f"{ISSUER}/oauth/revoke",
    par=f"{ISSUER}/oauth/par",
)


@dataclass(frozen=True)
class Keys:
    """Private keys generated once per session, as cryptography objects."""

    rsa: rsa_keys.RSAPrivateKey
    rsa_1024: rsa_keys.RSAPrivateKey
    p256: ec.EllipticCurvePrivateKey
    p384: ec.EllipticCurvePrivateKey
    p521: ec.EllipticCurvePrivateKey
    secp256k1: ec.EllipticCurvePrivateKey
    ed25519: ed25519.Ed25519PrivateKey
    ed448: ed448.Ed448PrivateKey
    x25519: x25519.X25519PrivateKey

    def jwk(self, name: str, **members: Any) -> dict[str, Any]:
        """The private JWK (a dict) of key ``name``, with extra ``members``."""
        return {**Jwk(getattr(self, name)), **members}

    def public_jwk(self, name: str, **members: Any) -> dict[str, Any]:
        """The public JWK (a dict) of key ``name``, with extra ``members``."""
        return {**Jwk(getattr(self, name)).public_jwk(), **members}


@pytest.fixture(scope="session")
def keys() -> Keys:
    return Keys(
        rsa=rsa_keys.generate_private_key(public_exponent=65537, key_size=2048),
        rsa_1024=rsa_keys.generate_private_key(65537, 1024),  # noqa: S505 - to be refused
        p256=ec.generate_private_key(ec.SECP256R1()),
        p384=ec.generate_private_key(ec.SECP384R1()),
        p521=ec.generate_private_key(ec.SECP521R1()),
        secp256k1=ec.generate_private_key(ec.SECP256K1()),
        ed25519=ed25519.Ed25519PrivateKey.generate(),
        ed448=ed448.Ed448PrivateKey.generate(),
        x25519=x25519.X25519PrivateKey.generate(),
    )


@pytest.fixture(scope="session")
def signing_keys(keys: Keys) -> dict[str, dict[str, Any]]:
    """One private JWK (with ``alg``) per supported signature algorithm family."""
    return {
        "RS256": keys.jwk("rsa", alg="RS256"),
        "RS384": keys.jwk("rsa", alg="RS384"),
        "RS512": keys.jwk("rsa", alg="RS512"),
        "PS256": keys.jwk("rsa", alg="PS256"),
        "PS384": keys.jwk("rsa", alg="PS384"),
        "PS512": keys.jwk("rsa", alg="PS512"),
        "ES256": keys.jwk("p256", alg="ES256"),
        "ES384": keys.jwk("p384", alg="ES384"),
        "ES512": keys.jwk("p521", alg="ES512"),
        "EdDSA": keys.jwk("ed25519", alg="EdDSA"),
    }


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(wall=1_700_000_000.25)


@pytest.fixture(scope="session")
def urls() -> SimpleNamespace:
    return URLS


@pytest.fixture(scope="session")
def registry() -> Registry:
    """Core's built-ins and this plugin only: no entry points, no environment variables."""
    return registry_from(PLUGIN)


@pytest.fixture
def make_client(registry: Registry) -> Iterator[Callable[..., OAuth2Client]]:
    """Build clients on the deterministic registry; each one is closed at teardown."""
    made: list[OAuth2Client] = []

    def make(auth: Any = None, **kwargs: Any) -> OAuth2Client:
        kwargs.setdefault("registry", registry)
        client = OAuth2Client(URLS.token, auth, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.session.close()


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
    """Run code in a fresh interpreter (only the ``jwt`` entry-point plugin enabled)."""

    def run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "OAUTH2CORE_PLUGINS": "jwt", **env}
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
