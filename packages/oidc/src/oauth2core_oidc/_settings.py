"""The client options of this package, and what each client keeps (JWKS cache, keys).

The options are declared as OAuth2Client client options (``register_request_options``)
and read from ``client.options``; this module imports no JOSE library itself.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from oauth2core import ConfigurationError, OAuth2Client

if TYPE_CHECKING:
    from oauth2core_clientauth_jwt import DecryptionKey, SigningKey

    from ._jwks import Jwks

__all__ = [
    "CLIENT_OPTIONS",
    "DEFAULT_CLOCK_SKEW",
    "DEFAULT_ENC",
    "DEFAULT_SIGNED_RESPONSE_ALG",
    "allowed_algs",
    "clock_skew",
    "decryption_keys",
    "encryption_settings",
    "expected_client_id",
    "secret_key",
    "server_keys",
]

DEFAULT_SIGNED_RESPONSE_ALG: Final = "RS256"
"""The signature algorithm expected when the client registered none (OIDC Registration §2)."""
DEFAULT_ENC: Final = "A128CBC-HS256"
"""The content encryption expected with an ``*_encrypted_response_alg`` and no ``*_enc``."""
DEFAULT_CLOCK_SKEW: Final = 30.0
"""Seconds of clock difference tolerated on ``exp``, ``iat``, ``nbf`` and ``auth_time``."""

PURPOSES: Final = ("id_token", "userinfo", "authorization", "introspection")
"""What the server signs or encrypts for the client, as in the client metadata names."""

CLIENT_OPTIONS: Final[Mapping[str, str]] = {
    **{
        f"{purpose}_signed_response_alg": (
            f"the JWS algorithm(s) allowed for {purpose} responses (a string or a list); "
            "default RS256, never none"
        )
        for purpose in PURPOSES
    },
    **{
        f"{purpose}_encrypted_response_alg": (
            f"the JWE key management algorithm the server encrypts {purpose} responses with; "
            "a plain response is then refused"
        )
        for purpose in PURPOSES
    },
    **{
        f"{purpose}_encrypted_response_enc": (
            f"the JWE content encryption of {purpose} responses (default A128CBC-HS256)"
        )
        for purpose in PURPOSES
    },
    "authorization_server_jwks": (
        "the server's public keys: a JWK Set (static) or a Jwks; default: fetched from the "
        "client's jwks_uri, else from the jwks_uri of the issuer's discovery document"
    ),
    "decryption_keys": (
        "the client's private key(s) to decrypt JWE: a key, a list of keys or a JWK Set"
    ),
    "id_token_decryption_key": "the requests_oauth2client name of decryption_keys",
    "clock_skew": "seconds of clock difference tolerated on JWT timestamps (default 30)",
}
"""Client options of the oidc plugin -> what they mean."""


class _State:
    """What one client keeps: its JWKS cache and its loaded keys."""

    __slots__ = ("decryption_keys", "jwks", "lock", "secret_keys")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.jwks: Jwks | None = None
        self.decryption_keys: tuple[DecryptionKey, ...] | None = None
        self.secret_keys: dict[str, SigningKey] = {}


_STATES: weakref.WeakKeyDictionary[OAuth2Client, _State] = weakref.WeakKeyDictionary()
_STATES_LOCK = threading.Lock()


def _state(client: OAuth2Client) -> _State:
    state = _STATES.get(client)
    if state is None:
        with _STATES_LOCK:
            state = _STATES.setdefault(client, _State())
    return state


def _names(value: object, option: str) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
        items = list(value)
        if items and all(isinstance(item, str) for item in items):
            return frozenset(items)
    raise TypeError(f"{option} must be an algorithm name or a non-empty list of them")


def allowed_algs(client: OAuth2Client, purpose: str) -> frozenset[str]:
    """The signature algorithms allowed for ``purpose`` responses.

    ``none`` is never among them, even when the option names it: unsigned responses are
    always refused.
    """
    option = f"{purpose}_signed_response_alg"
    value = client.options.get(option)
    algs = _names(value, option) if value is not None else frozenset({DEFAULT_SIGNED_RESPONSE_ALG})
    return algs - {"none"}


def encryption_settings(client: OAuth2Client, purpose: str) -> tuple[str, str] | None:
    """``(alg, enc)`` when ``purpose`` responses are encrypted for this client, else None."""
    alg = client.options.get(f"{purpose}_encrypted_response_alg")
    enc = client.options.get(f"{purpose}_encrypted_response_enc")
    if alg is None:
        if enc is not None:
            raise ValueError(
                f"{purpose}_encrypted_response_enc needs {purpose}_encrypted_response_alg"
            )
        return None
    if not isinstance(alg, str) or not (enc is None or isinstance(enc, str)):
        raise TypeError(f"{purpose}_encrypted_response_alg and _enc must be strings")
    return alg, enc or DEFAULT_ENC


def clock_skew(client: OAuth2Client) -> float:
    """The tolerated clock difference, in seconds."""
    value = client.options.get("clock_skew", DEFAULT_CLOCK_SKEW)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise TypeError("clock_skew must be a non-negative number of seconds")
    return float(value)


def expected_client_id(client: OAuth2Client) -> str:
    """The client_id the server's JWTs are for.

    :raises ConfigurationError: the client has no client_id.
    """
    client_id = getattr(client.auth, "client_id", None)
    if not isinstance(client_id, str) or not client_id:
        raise ConfigurationError("validating OpenID responses needs the client's client_id")
    return client_id


def secret_key(client: OAuth2Client, alg: str) -> SigningKey | None:
    """The HMAC key made from the client secret for ``alg`` (HS256...), or None without one."""
    secret = getattr(client.auth, "client_secret", None)
    if not isinstance(secret, str) or not secret:
        return None
    state = _state(client)
    key = state.secret_keys.get(alg)
    if key is None:
        from oauth2core_clientauth_jwt import load_secret_key

        key = state.secret_keys[alg] = load_secret_key(secret, alg=alg)
    return key


def server_keys(client: OAuth2Client) -> Jwks:
    """The server's keys: ``authorization_server_jwks``, else ``jwks_uri``, else discovery.

    Built once per client; a discovered ``jwks_uri`` comes from the issuer's OpenID
    discovery document, whose ``issuer`` must be the client's.

    :raises ConfigurationError: there is no way to find the keys.
    """
    from ._jwks import Jwks

    state = _state(client)
    jwks = state.jwks
    if jwks is not None:
        return jwks
    with state.lock:
        if state.jwks is not None:
            return state.jwks
        configured = client.options.get("authorization_server_jwks")
        if isinstance(configured, Jwks):
            jwks = configured
        elif configured is not None:
            jwks = Jwks(keys=configured)
        else:
            uri = client.jwks_uri or _discovered_jwks_uri(client)
            jwks = Jwks(
                uri,
                session=client.session,
                timeout=client.timeout,
                max_response_size=client.max_response_size,
                clock=client.clock,
                allow_insecure_http=client.allow_insecure_http,
                retry=client.retry,
            )
        state.jwks = jwks
    return jwks


def _discovered_jwks_uri(client: OAuth2Client) -> str:
    issuer = client.issuer
    if issuer is None:
        raise ConfigurationError(
            "the authorization server's keys are unknown: pass jwks_uri= (or "
            "authorization_server_jwks=, or issuer= to discover them)"
        )
    discovered = OAuth2Client.from_discovery_endpoint(
        issuer=issuer,
        session=client.session,
        timeout=client.timeout,
        max_response_size=client.max_response_size,
        allow_insecure_http=client.allow_insecure_http,
        registry=client.registry,
        retry=client.retry,
    )
    if discovered.jwks_uri is None:
        raise ConfigurationError(f"the discovery document of {issuer!r} has no jwks_uri")
    return discovered.jwks_uri


def decryption_keys(client: OAuth2Client, purpose: str) -> tuple[DecryptionKey, ...]:
    """The client's JWE decryption keys, loaded once.

    ``decryption_keys`` and ``id_token_decryption_key`` (requests_oauth2client's name) are
    merged; every key is tried whose ``kid`` and algorithm fit the JWE header.

    :raises ConfigurationError: there is none.
    """
    state = _state(client)
    keys = state.decryption_keys
    if keys is None:
        from oauth2core_clientauth_jwt import load_decryption_key

        given: list[Any] = []
        for option in ("id_token_decryption_key", "decryption_keys"):
            value = client.options.get(option)
            if value is None:
                continue
            if isinstance(value, Mapping) and "keys" in value:
                value = value["keys"]
            if isinstance(value, list | tuple):
                given.extend(value)
            else:
                given.append(value)
        keys = state.decryption_keys = tuple(load_decryption_key(key) for key in given)
    if not keys:
        raise ConfigurationError(
            f"{purpose} responses are encrypted for this client: pass its private key as "
            "decryption_keys="
        )
    return keys
