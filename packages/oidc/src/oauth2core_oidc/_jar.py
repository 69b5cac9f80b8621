"""JAR (RFC 9101): authorization requests sent as signed (and encrypted) request objects."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from oauth2core import SYSTEM_CLOCK, AuthorizationRequest
from oauth2core_clientauth_jwt import (
    KEY_MANAGEMENT_ALGS,
    SigningKey,
    encrypt_jwe,
    load_private_key,
)

if TYPE_CHECKING:
    from oauth2core import Clock

__all__ = [
    "REQUEST_OBJECT_TYP",
    "RequestParameterAuthorizationRequest",
    "sign_and_encrypt_request",
    "sign_request",
]

REQUEST_OBJECT_TYP: Final = "oauth-authz-req+jwt"
"""The ``typ`` of request objects (RFC 9101 §10.8)."""

DEFAULT_LIFETIME: Final = 60
"""Seconds a request object is valid, by default."""


class RequestParameterAuthorizationRequest(AuthorizationRequest):
    """An authorization request sent by value: its URI carries ``client_id`` and ``request``.

    It keeps every field of the request it was made from, so its callback is validated
    exactly as that request's (state, nonce, PKCE verifier, issuer, response mode), and
    ``client.pushed_authorization_request(...)`` pushes the request object (RFC 9126 §3).

    :ivar request: the request object: a compact JWS, or a JWE wrapping one.
    :ivar expires_at: when the request object expires.
    :ivar authorization_request: the request it was made from.
    """

    request: str
    expires_at: datetime
    authorization_request: AuthorizationRequest

    def __init__(
        self, authorization_request: AuthorizationRequest, request: str, expires_at: datetime
    ) -> None:
        # every field of the original (no constructor call: nothing is generated again)
        vars(self).update(vars(authorization_request))
        self.authorization_request = authorization_request
        self.request = request
        self.expires_at = expires_at

    @property
    def args(self) -> dict[str, str | list[str]]:
        """The parameters sent in the URI (or pushed): ``client_id`` and ``request``."""
        return {"client_id": self.client_id, "request": self.request}

    def __repr__(self) -> str:
        return (
            f"RequestParameterAuthorizationRequest({self.authorization_endpoint!r}, "
            f"client_id={self.client_id!r})"
        )


def _parameters(request: AuthorizationRequest) -> dict[str, Any]:
    """The authorization parameters as request object claims, with their JSON types."""
    claims: dict[str, Any] = dict(request.args)
    if request.max_age is not None:
        claims["max_age"] = request.max_age
    if request.claims is not None:
        claims["claims"] = request.claims
    if request.authorization_details is not None:
        claims["authorization_details"] = request.authorization_details
    return claims


def _signed(
    request: AuthorizationRequest,
    key: object,
    alg: str | None,
    lifetime: int,
    audience: str | None,
    typ: str | None,
) -> tuple[str, datetime]:
    if isinstance(request, RequestParameterAuthorizationRequest):
        raise TypeError("this authorization request is already a request object")
    if isinstance(lifetime, bool) or not isinstance(lifetime, int) or lifetime <= 0:
        raise ValueError("lifetime must be a positive number of seconds")
    aud = audience if audience is not None else request.issuer
    if aud is None:
        raise ValueError(
            "a request object's audience is the issuer: build the request with issuer= "
            "(client.authorization_request does), or pass audience="
        )
    signing_key = key if isinstance(key, SigningKey) else load_private_key(key, alg=alg)
    if alg is not None and signing_key.alg != alg:
        raise ValueError(f"the key signs with {signing_key.alg}, not {alg}")
    clock: Clock = request.client.clock if request.client is not None else SYSTEM_CLOCK
    now = int(clock.time())
    claims = {
        **_parameters(request),
        "iss": request.client_id,
        "aud": aud,
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
        "jti": secrets.token_urlsafe(24),
    }
    signed = signing_key.signer(typ=typ)(claims)
    return signed, datetime.fromtimestamp(now + lifetime, tz=UTC)


def sign_request(
    request: AuthorizationRequest,
    jwk: object,
    alg: str | None = None,
    lifetime: int = DEFAULT_LIFETIME,
    *,
    audience: str | None = None,
    typ: str | None = REQUEST_OBJECT_TYP,
) -> RequestParameterAuthorizationRequest:
    """``request`` as a signed request object (RFC 9101 §4, §5.1); also ``request.sign(...)``.

    The JWT carries every authorization parameter (``max_age`` as a number, ``claims`` and
    ``authorization_details`` as JSON), ``iss`` (the client_id), ``aud`` (the issuer),
    ``iat``, ``nbf``, ``exp`` (``lifetime`` seconds later, on the client's clock) and a
    random ``jti``.

    :param jwk: the client's private key (anything ``load_private_key`` takes), or a
        :class:`~oauth2core_clientauth_jwt.SigningKey` (``load_secret_key(client_secret)``
        for HS256).
    :param alg: the signature algorithm, when the key does not say.
    :param audience: instead of the request's issuer.
    :param typ: the JWS ``typ`` header (None sends none).
    """
    signed, expires_at = _signed(request, jwk, alg, lifetime, audience, typ)
    return RequestParameterAuthorizationRequest(request, signed, expires_at)


def _server_encryption_key(request: AuthorizationRequest, enc_alg: str | None) -> dict[str, Any]:
    """The one encryption key of the server's JWK Set (for ``enc_alg`` when given)."""
    from ._settings import server_keys

    if request.client is None:
        raise ValueError("pass enc_jwk=, the server's public encryption key")
    found = []
    for jwk in server_keys(request.client).keys:
        use, key_alg = jwk.get("use"), jwk.get("alg")
        if use == "sig" or (key_alg is not None and key_alg not in KEY_MANAGEMENT_ALGS):
            continue
        if use != "enc" and key_alg is None:
            continue
        if enc_alg is not None and key_alg not in (None, enc_alg):
            continue
        found.append(jwk)
    if len(found) != 1:
        raise ValueError(
            f"the server's JWK Set has {len(found)} suitable encryption keys: pass enc_jwk="
        )
    return found[0]


def sign_and_encrypt_request(
    request: AuthorizationRequest,
    sign_jwk: object,
    enc_jwk: object = None,
    *,
    sign_alg: str | None = None,
    enc_alg: str | None = None,
    enc: str = "A128CBC-HS256",
    lifetime: int = DEFAULT_LIFETIME,
    audience: str | None = None,
    typ: str | None = REQUEST_OBJECT_TYP,
) -> RequestParameterAuthorizationRequest:
    """``request`` as a signed then encrypted request object (RFC 9101 §4).

    Also ``request.sign_and_encrypt(...)``; the signed JWT is as :func:`sign_request` makes
    it, wrapped in a JWE with ``cty: JWT``.

    :param enc_jwk: the server's public encryption key; default: the one key of the
        server's JWK Set meant for encryption (``use: enc``).
    :param enc_alg: the key management algorithm (default: the key's ``alg``, else
        ``RSA-OAEP-256`` for RSA and ``ECDH-ES`` for EC keys).
    :param enc: the content encryption algorithm.
    """
    signed, expires_at = _signed(request, sign_jwk, sign_alg, lifetime, audience, typ)
    key = enc_jwk if enc_jwk is not None else _server_encryption_key(request, enc_alg)
    encrypted = encrypt_jwe(signed.encode(), key, alg=enc_alg, enc=enc, headers={"cty": "JWT"})
    return RequestParameterAuthorizationRequest(request, encrypted, expires_at)


RequestParameterAuthorizationRequest.__module__ = (
    "oauth2core_oidc"  # shown as the public package in reprs and tracebacks
)
