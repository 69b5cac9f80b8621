"""Fixtures of the oauth2core-oidc unit tests: a fake authorization server that signs.

Keys are generated at test time, once per session. The registry holds core's built-ins,
the jwt package and the oidc plugin only (no entry points). Under
``--import-mode=importlib`` test modules cannot import this file, so what they share is a
fixture.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519
from cryptography.hazmat.primitives.asymmetric import rsa as rsa_keys
from jwskate import Jwk

from oauth2core import AuthorizationRequest, AuthorizationResponse, OAuth2Client, Registry
from oauth2core.testing import FakeClock, registry_from
from oauth2core_clientauth_jwt import SigningKey, load_private_key

PLUGINS = ("oauth2core_clientauth_jwt._plugin", "oauth2core_oidc._plugin")
ISSUER = "https://as.example.com"
URLS = SimpleNamespace(
    issuer=ISSUER,
    token=f"{ISSUER}/oauth/token",
    authorization=f"{ISSUER}/oauth/authorize",
    par=f"{ISSUER}/oauth/par",
    jwks=f"{ISSUER}/jwks",
    userinfo=f"{ISSUER}/userinfo",
    introspection=f"{ISSUER}/introspect",
    end_session=f"{ISSUER}/logout",
    discovery=f"{ISSUER}/.well-known/openid-configuration",
    redirect_uri="https://app.example.com/callback",
)
CLIENT_ID = "client-1"
CLIENT_SECRET = "a-client-secret-long-enough-for-hs512-0123456789abcdef"
NOW = 1_700_000_000


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class Keys:
    """Private keys generated once per session (cryptography objects)."""

    rsa: rsa_keys.RSAPrivateKey
    rsa2: rsa_keys.RSAPrivateKey
    p256: ec.EllipticCurvePrivateKey
    p384: ec.EllipticCurvePrivateKey
    p521: ec.EllipticCurvePrivateKey
    ed25519: ed25519.Ed25519PrivateKey
    ed448: ed448.Ed448PrivateKey
    client_rsa: rsa_keys.RSAPrivateKey
    client_p256: ec.EllipticCurvePrivateKey

    def jwk(self, name: str, **members: Any) -> dict[str, Any]:
        """The private JWK of key ``name`` with extra ``members`` (converted once)."""
        return {**_as_jwk(getattr(self, name)), **members}

    def public_jwk(self, name: str, **members: Any) -> dict[str, Any]:
        """The public JWK of key ``name`` with extra ``members``."""
        return {**_as_jwk(getattr(self, name)).public_jwk(), **members}


_JWKS: dict[int, Jwk] = {}


def _as_jwk(key: Any) -> Jwk:
    """jwskate reads an RSA key's numbers slowly (~0.1 s): once per key and session."""
    if id(key) not in _JWKS:
        _JWKS[id(key)] = Jwk(key)
    return _JWKS[id(key)]


@pytest.fixture(scope="session")
def keys() -> Keys:
    return Keys(
        rsa=rsa_keys.generate_private_key(public_exponent=65537, key_size=2048),
        rsa2=rsa_keys.generate_private_key(public_exponent=65537, key_size=2048),
        p256=ec.generate_private_key(ec.SECP256R1()),
        p384=ec.generate_private_key(ec.SECP384R1()),
        p521=ec.generate_private_key(ec.SECP521R1()),
        ed25519=ed25519.Ed25519PrivateKey.generate(),
        ed448=ed448.Ed448PrivateKey.generate(),
        client_rsa=rsa_keys.generate_private_key(public_exponent=65537, key_size=2048),
        client_p256=ec.generate_private_key(ec.SECP256R1()),
    )


ALG_KEYS = {
    "RS256": "rsa",
    "RS384": "rsa",
    "RS512": "rsa",
    "PS256": "rsa",
    "PS384": "rsa",
    "PS512": "rsa",
    "ES256": "p256",
    "ES384": "p384",
    "ES512": "p521",
    "EdDSA": "ed25519",
}
"""The server key of each signature algorithm (Ed448 is tested on its own)."""


@dataclass
class Server:
    """A fake authorization server: its keys, its JWK Set, and JWTs it signs."""

    keys: Keys
    clock: FakeClock
    signing: dict[str, SigningKey] = field(default_factory=dict)

    def key(self, alg: str, name: str | None = None) -> SigningKey:
        name = name or ALG_KEYS[alg]
        slot = f"{name}:{alg}"
        if slot not in self.signing:
            self.signing[slot] = load_private_key(getattr(self.keys, name), alg=alg, kid=name)
        return self.signing[slot]

    def jwks(self, *names: str) -> dict[str, Any]:
        """The public JWK Set of keys ``names`` (default: one key per key type), kid = name."""
        names = names or ("rsa", "p256", "p384", "p521", "ed25519")
        return {"keys": [self.keys.public_jwk(n, kid=n, use="sig") for n in names]}

    def claims(self, **overrides: Any) -> dict[str, Any]:
        """Valid ID token claims for CLIENT_ID, minus the ones overridden with None."""
        now = int(self.clock.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "sub": "alice",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "auth_time": now - 10,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(
        self,
        claims: dict[str, Any],
        alg: str = "RS256",
        *,
        key: str | None = None,
        kid: bool | str = True,
        headers: dict[str, Any] | None = None,
    ) -> str:
        """A JWS of ``claims``; ``kid=False`` leaves the kid out, a string sets it."""
        signing = self.key(alg, key)
        extra = dict(headers or {})
        if isinstance(kid, str):
            extra["kid"] = kid
        signer = signing.signer(include_kid=kid is True, headers=extra)
        return signer(claims)

    def id_token(self, alg: str = "RS256", **overrides: Any) -> str:
        return self.sign(self.claims(**overrides), alg)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(wall=float(NOW))


@pytest.fixture(scope="session")
def signing_keys() -> dict[str, SigningKey]:
    """Loaded signing keys, shared by the whole session (loading an RSA key costs ~50 ms)."""
    return {}


@pytest.fixture
def server(keys: Keys, clock: FakeClock, signing_keys: dict[str, SigningKey]) -> Server:
    return Server(keys, clock, signing_keys)


@pytest.fixture(scope="session")
def urls() -> SimpleNamespace:
    return URLS


@pytest.fixture(scope="session")
def registry() -> Registry:
    """Core's built-ins, the jwt package and the oidc plugin: no entry points."""
    return registry_from(*PLUGINS)


@pytest.fixture
def mock_http() -> Iterator[responses.RequestsMock]:
    """Transport-level HTTP mock; every registered response must be used."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def make_client(
    registry: Registry, clock: FakeClock, server: Server
) -> Iterator[Callable[..., OAuth2Client]]:
    """Clients of the fake server, with its static JWK Set unless told otherwise."""
    made: list[OAuth2Client] = []

    def make(auth: Any = (CLIENT_ID, CLIENT_SECRET), **kwargs: Any) -> OAuth2Client:
        kwargs.setdefault("registry", registry)
        kwargs.setdefault("issuer", ISSUER)
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("authorization_endpoint", URLS.authorization)
        kwargs.setdefault("redirect_uri", URLS.redirect_uri)
        if "jwks_uri" not in kwargs:
            kwargs.setdefault("authorization_server_jwks", server.jwks())
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
def code_flow(
    mock_http: responses.RequestsMock,
) -> Callable[..., tuple[AuthorizationRequest, AuthorizationResponse]]:
    """``code_flow(client, **request_kwargs)``: a request and its validated callback."""

    def run(
        client: OAuth2Client, **kwargs: Any
    ) -> tuple[AuthorizationRequest, AuthorizationResponse]:
        kwargs.setdefault("scope", "openid")
        request = client.authorization_request(**kwargs)
        callback = f"{URLS.redirect_uri}?code=the-code&state={request.state}&iss={ISSUER}"
        return request, request.validate_callback(callback)

    return run


@pytest.fixture
def token_response(mock_http: responses.RequestsMock) -> Callable[..., None]:
    """``token_response(id_token=..., **fields)``: the next token endpoint answer."""

    def answer(**fields: Any) -> None:
        body = {"access_token": "an-access-token", "token_type": "Bearer", "expires_in": 300}
        body.update({k: v for k, v in fields.items() if v is not None})
        mock_http.post(URLS.token, json=body)

    return answer


def unsigned(claims: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    """An ``alg: none`` JWT (empty signature)."""
    head = header or {"alg": "none"}
    return f"{b64(json.dumps(head).encode())}.{b64(json.dumps(claims).encode())}."


@pytest.fixture
def make_unsigned() -> Callable[..., str]:
    return unsigned
