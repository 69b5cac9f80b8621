"""How OAuth2Client arguments become JWT client authentication; imports no JOSE library.

Keys are recognised by their shape: a mapping with ``kty`` (a JWK), a PEM or JSON JWK text,
or an object of jwskate, cryptography or this package (checked by its type and
``sys.modules``: an object of a library that was never imported cannot exist). The real
classes are imported when a handler is built.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from oauth2core import Clock
    from oauth2core.hookspecs import AuthCoercionContext

    from ._client_auth import ClientSecretJwt, PrivateKeyJwt

__all__ = [
    "KEYWORDS",
    "client_secret_jwt",
    "coerce_private_key",
    "looks_like_key",
    "private_key_jwt",
]

KEYWORDS: Final = frozenset({"private_key", "private_jwk"})
"""The OAuth2Client keywords this package claims: ``private_key=`` and ``private_jwk=``."""

_PACKAGE = __name__.rpartition(".")[0]


def _text_looks_like_key(text: str) -> bool:
    stripped = text.lstrip()
    return stripped.startswith("-----BEGIN") or (stripped.startswith("{") and '"kty"' in stripped)


def looks_like_key(value: object) -> bool:
    """Whether ``value`` is a key (never a client secret), judged without importing jwskate.

    True for a mapping with ``kty``, a PEM or JSON JWK (text or bytes), a jwskate ``Jwk``, a
    cryptography key object, or a key of this package.
    """
    if isinstance(value, str):  # the common case first: a secret
        return _text_looks_like_key(value)
    if isinstance(value, dict | Mapping):
        return "kty" in value
    if isinstance(value, bytes):
        return _text_looks_like_key(value.decode("latin-1"))
    module = type(value).__module__
    if module.startswith("cryptography."):
        return True
    jwskate = sys.modules.get("jwskate")
    if jwskate is not None and isinstance(value, jwskate.Jwk):
        return True
    jose = sys.modules.get(f"{_PACKAGE}._jose")
    return jose is not None and isinstance(value, jose.SigningKey)


def client_secret_jwt(client_id: str, client_secret: str | None = None) -> ClientSecretJwt:
    """Build :class:`ClientSecretJwt` (``token_endpoint_auth_method="client_secret_jwt"``)."""
    if client_secret is None:
        raise TypeError("token_endpoint_auth_method='client_secret_jwt' needs client_secret=")
    from ._client_auth import ClientSecretJwt

    return ClientSecretJwt(client_id, client_secret)


def private_key_jwt(
    client_id: str, private_key: object = None, *, clock: Clock | None = None
) -> PrivateKeyJwt:
    """Build :class:`PrivateKeyJwt` (``token_endpoint_auth_method="private_key_jwt"``)."""
    if private_key is None:
        raise TypeError("token_endpoint_auth_method='private_key_jwt' needs private_key=")
    from ._client_auth import PrivateKeyJwt

    if clock is None:
        return PrivateKeyJwt(client_id, private_key)
    return PrivateKeyJwt(client_id, private_key, clock=clock)


def coerce_private_key(auth: object, context: AuthCoercionContext) -> PrivateKeyJwt | None:
    """Claim ``auth=(client_id, key)`` and ``client_id=`` with ``private_key=``/``private_jwk=``.

    ``(client_id, "secret")`` is left to core (``client_secret_post``). A private key given
    as ``client_secret=`` is refused: it would never be sent, but the mistake is worth saying.
    """
    if auth is None:
        given = {name: value for name, value in context.keywords.items() if name in KEYWORDS}
        if not given:
            secret = context.client_secret
            if context.client_id is not None and secret is not None and looks_like_key(secret):
                raise ValueError(
                    "client_secret= holds a private key (a PEM or a JWK), which is never used "
                    "as a client secret: pass it as private_key="
                )
            return None
        if len(given) > 1:
            raise TypeError("pass private_key= or private_jwk=, not both")
        ((name, key),) = given.items()
        if context.client_id is None:
            raise TypeError(f"{name}= needs client_id=")
        if context.client_secret is not None:
            raise TypeError(f"pass client_secret= or {name}=, not both")
        if key is None:
            raise TypeError(f"{name}= must be a private key, not None")
        return private_key_jwt(context.client_id, key, clock=context.clock)
    if isinstance(auth, tuple) and len(auth) == 2:
        client_id, key = auth
        if isinstance(client_id, str) and looks_like_key(key):
            return private_key_jwt(client_id, key, clock=context.clock)
    return None
