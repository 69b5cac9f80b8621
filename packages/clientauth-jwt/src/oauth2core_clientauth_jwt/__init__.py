"""Client authentication with JWT assertions (RFC 7523), and the shared key handling.

- ``client_secret_jwt`` and ``private_key_jwt``: :class:`ClientSecretJwt`,
  :class:`PrivateKeyJwt`;
- the JWT bearer grant: :func:`jwt_bearer` (also ``client.jwt_bearer(...)``);
- key handling used by the other JOSE packages: :func:`load_private_key`,
  :func:`load_public_key`, :func:`load_secret_key`, :class:`SigningKey`,
  :class:`VerificationKey`, and their errors.

Installed with ``pip install oauth2core[jwt]``. This module stays light: the names that need
jwskate or cryptography load on first use (PEP 562), so the entry point imports it cheaply.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._constants import CLIENT_ASSERTION_TYPE, CLIENT_AUTHENTICATION_JWT, JWT_BEARER_GRANT
from ._errors import (
    InvalidAlg,
    InvalidClientAssertionSigningKeyOrAlg,
    InvalidKey,
    KeyErrorCode,
    UnsuitableKey,
    UnsupportedKeyFormat,
    WeakKey,
)
from ._grant import jwt_bearer

if TYPE_CHECKING:
    from ._auth import OAuth2JwtBearerAuth
    from ._client_auth import (
        BaseClientAssertionAuthenticationMethod,
        ClientSecretJwt,
        PrivateKeyJwt,
    )
    from ._jose import (
        MIN_RSA_KEY_SIZE,
        SIGNATURE_ALGS,
        JwtSigner,
        SigningKey,
        VerificationKey,
        load_private_key,
        load_public_key,
        load_secret_key,
    )

__all__ = [
    "CLIENT_ASSERTION_TYPE",
    "CLIENT_AUTHENTICATION_JWT",
    "JWT_BEARER_GRANT",
    "MIN_RSA_KEY_SIZE",
    "SIGNATURE_ALGS",
    "BaseClientAssertionAuthenticationMethod",
    "ClientSecretJwt",
    "InvalidAlg",
    "InvalidClientAssertionSigningKeyOrAlg",
    "InvalidKey",
    "JwtSigner",
    "KeyErrorCode",
    "OAuth2JwtBearerAuth",
    "PrivateKeyJwt",
    "SigningKey",
    "UnsuitableKey",
    "UnsupportedKeyFormat",
    "VerificationKey",
    "WeakKey",
    "jwt_bearer",
    "load_private_key",
    "load_public_key",
    "load_secret_key",
]

_LAZY = {
    "OAuth2JwtBearerAuth": "_auth",
    "BaseClientAssertionAuthenticationMethod": "_client_auth",
    "ClientSecretJwt": "_client_auth",
    "PrivateKeyJwt": "_client_auth",
    "MIN_RSA_KEY_SIZE": "_jose",
    "SIGNATURE_ALGS": "_jose",
    "JwtSigner": "_jose",
    "SigningKey": "_jose",
    "VerificationKey": "_jose",
    "load_private_key": "_jose",
    "load_public_key": "_jose",
    "load_secret_key": "_jose",
}
"""Names whose module imports jwskate and cryptography: loaded on first access."""


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
