"""The entry point of the oauth2core-clientauth-jwt plugin: its hook implementations.

Imports no JOSE library (DESIGN: lazy by rule): what is registered here are small
functions that import the real classes, and with them jwskate and cryptography, on first
use.
"""

from __future__ import annotations

from oauth2core import hookimpl
from oauth2core.hookspecs import AuthCoercion, ClientAuthMethod, Export, Grant, Register

from ._coerce import KEYWORDS, client_secret_jwt, coerce_private_key, private_key_jwt
from ._constants import JWT_BEARER_GRANT
from ._grant import jwt_bearer

PACKAGE = __name__.rpartition(".")[0]

EXPORTS = (
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
    "load_private_key",
    "load_public_key",
    "load_secret_key",
)
"""Names importable from ``oauth2core`` when this package is installed."""


@hookimpl
def register_client_auth_methods(register: Register[ClientAuthMethod]) -> None:
    """Register ``client_secret_jwt`` and ``private_key_jwt``."""
    register(ClientAuthMethod("client_secret_jwt", client_secret_jwt))
    register(ClientAuthMethod("private_key_jwt", private_key_jwt))


@hookimpl
def register_auth_coercions(register: Register[AuthCoercion]) -> None:
    """Claim ``auth=(client_id, key)`` and the ``private_key=``/``private_jwk=`` keywords."""
    register(AuthCoercion(f"{PACKAGE}.private_key", coerce_private_key, KEYWORDS))


@hookimpl
def register_grants(register: Register[Grant]) -> None:
    """Register the JWT bearer grant as ``client.jwt_bearer(assertion, **params)``."""
    register(Grant(JWT_BEARER_GRANT, "jwt_bearer", jwt_bearer))


@hookimpl
def register_exports(register: Register[Export]) -> None:
    """Export the client assertion classes and the key handling through ``oauth2core``."""
    for name in EXPORTS:
        register(Export(name, f"{PACKAGE}:{name}"))
