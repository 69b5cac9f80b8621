"""Client authentication with JWT assertions (RFC 7523), and the shared key handling.

- ``client_secret_jwt`` and ``private_key_jwt``: :class:`ClientSecretJwt`,
  :class:`PrivateKeyJwt`;
- the JWT bearer grant: :func:`jwt_bearer` (also ``client.jwt_bearer(...)``);
- key handling used by the other JOSE packages: :func:`load_private_key`,
  :func:`load_public_key`, :func:`load_secret_key`, :func:`generate_private_key`,
  :class:`SigningKey`,
  :class:`VerificationKey`, and their errors;
- JWE for the other JOSE packages: :func:`load_decryption_key` (:class:`DecryptionKey`),
  :func:`decrypt_jwe`, :func:`encrypt_jwe` (:class:`InvalidJwe`).

Installed with ``pip install oauth2core[jwt]``. This module stays light: the names that need
jwskate or cryptography load on first use (PEP 562), so the entry point imports it cheaply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from oauth2core import lazy_attributes

from ._constants import CLIENT_ASSERTION_TYPE, CLIENT_AUTHENTICATION_JWT, JWT_BEARER_GRANT
from ._errors import (
    InvalidAlg,
    InvalidClientAssertionSigningKeyOrAlg,
    InvalidJwe,
    InvalidKey,
    JweErrorCode,
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
        CONTENT_ENCRYPTION_ALGS,
        KEY_MANAGEMENT_ALGS,
        MIN_RSA_KEY_SIZE,
        SIGNATURE_ALGS,
        DecryptionKey,
        JwtSigner,
        SigningKey,
        VerificationKey,
        decrypt_jwe,
        encrypt_jwe,
        generate_private_key,
        load_decryption_key,
        load_private_key,
        load_public_key,
        load_secret_key,
    )

__all__ = [
    "CLIENT_ASSERTION_TYPE",
    "CLIENT_AUTHENTICATION_JWT",
    "CONTENT_ENCRYPTION_ALGS",
    "JWT_BEARER_GRANT",
    "KEY_MANAGEMENT_ALGS",
    "MIN_RSA_KEY_SIZE",
    "SIGNATURE_ALGS",
    "BaseClientAssertionAuthenticationMethod",
    "ClientSecretJwt",
    "DecryptionKey",
    "InvalidAlg",
    "InvalidClientAssertionSigningKeyOrAlg",
    "InvalidJwe",
    "InvalidKey",
    "JweErrorCode",
    "JwtSigner",
    "KeyErrorCode",
    "OAuth2JwtBearerAuth",
    "PrivateKeyJwt",
    "SigningKey",
    "UnsuitableKey",
    "UnsupportedKeyFormat",
    "VerificationKey",
    "WeakKey",
    "decrypt_jwe",
    "encrypt_jwe",
    "generate_private_key",
    "jwt_bearer",
    "load_decryption_key",
    "load_private_key",
    "load_public_key",
    "load_secret_key",
]

_LAZY = {
    "OAuth2JwtBearerAuth": "._auth",
    "BaseClientAssertionAuthenticationMethod": "._client_auth",
    "ClientSecretJwt": "._client_auth",
    "PrivateKeyJwt": "._client_auth",
    "CONTENT_ENCRYPTION_ALGS": "._jose",
    "KEY_MANAGEMENT_ALGS": "._jose",
    "MIN_RSA_KEY_SIZE": "._jose",
    "SIGNATURE_ALGS": "._jose",
    "DecryptionKey": "._jose",
    "JwtSigner": "._jose",
    "SigningKey": "._jose",
    "VerificationKey": "._jose",
    "decrypt_jwe": "._jose",
    "encrypt_jwe": "._jose",
    "generate_private_key": "._jose",
    "load_decryption_key": "._jose",
    "load_private_key": "._jose",
    "load_public_key": "._jose",
    "load_secret_key": "._jose",
}
"""Names whose module imports jwskate and cryptography: loaded on first access."""


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
