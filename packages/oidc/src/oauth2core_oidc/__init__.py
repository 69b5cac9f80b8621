"""OpenID Connect for oauth2core: ID tokens, JWKS cache, JAR, JARM, signed userinfo, logout.

Installed with ``pip install oauth2core[oidc]``, it is found through its entry point:

- every token response carrying an ``id_token`` is validated (OIDC Core §3.1.3.7) and
  ``token.id_token`` becomes an :class:`IdToken`; refreshed ID tokens are compared with the
  original (§12.2);
- the server's keys come from a :class:`Jwks` cache (``jwks_uri``, refreshed on a new ``kid``);
- ``request.sign(...)`` / ``request.sign_and_encrypt(...)`` make request objects (JAR);
- ``response_mode="jwt"`` (and ``query.jwt``, ``fragment.jwt``, ``form_post.jwt``) callbacks
  are verified (JARM);
- ``client.userinfo(...)`` accepts signed and encrypted responses and checks ``sub``;
  ``client.introspect_token(...)`` JWT responses (RFC 9701) when asked;
- ``client.end_session_url(...)`` builds RP-initiated logout URLs.

Typed code calls the functions of this module (:func:`validate_id_token`,
:func:`end_session_url`, :func:`sign_request`...). This module stays light: the names that
need the JOSE libraries load on first use (PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from oauth2core import lazy_attributes

from ._errors import (
    ExpiredIdToken,
    IdTokenNotYetValid,
    InvalidIdToken,
    InvalidIdTokenEncryption,
    InvalidIdTokenSignature,
    InvalidJarmResponse,
    InvalidJwksResponse,
    InvalidJwtIntrospectionResponse,
    InvalidRequestObject,
    InvalidRequestUri,
    InvalidUserinfoResponse,
    JwtValidationError,
    MalformedIdToken,
    MismatchingIdTokenAcr,
    MismatchingIdTokenAlg,
    MismatchingIdTokenAtHash,
    MismatchingIdTokenAudience,
    MismatchingIdTokenAuthTime,
    MismatchingIdTokenAzp,
    MismatchingIdTokenCHash,
    MismatchingIdTokenIssuer,
    MismatchingIdTokenNonce,
    MismatchingIdTokenSHash,
    MismatchingRefreshedIdToken,
    MismatchingUserinfoSubject,
    MissingIdToken,
    MissingIdTokenClaim,
    RequestNotSupported,
    RequestUriNotSupported,
    UnknownIdTokenKey,
    ValidationCode,
)
from ._hashes import token_hash
from ._logout import end_session_url

if TYPE_CHECKING:
    from ._id_token import IdToken, validate_id_token
    from ._jar import RequestParameterAuthorizationRequest, sign_and_encrypt_request, sign_request
    from ._jarm import validate_jarm_response
    from ._jwks import Jwks
    from ._responses import decode_endpoint_response

__all__ = [
    "ExpiredIdToken",
    "IdToken",
    "IdTokenNotYetValid",
    "InvalidIdToken",
    "InvalidIdTokenEncryption",
    "InvalidIdTokenSignature",
    "InvalidJarmResponse",
    "InvalidJwksResponse",
    "InvalidJwtIntrospectionResponse",
    "InvalidRequestObject",
    "InvalidRequestUri",
    "InvalidUserinfoResponse",
    "Jwks",
    "JwtValidationError",
    "MalformedIdToken",
    "MismatchingIdTokenAcr",
    "MismatchingIdTokenAlg",
    "MismatchingIdTokenAtHash",
    "MismatchingIdTokenAudience",
    "MismatchingIdTokenAuthTime",
    "MismatchingIdTokenAzp",
    "MismatchingIdTokenCHash",
    "MismatchingIdTokenIssuer",
    "MismatchingIdTokenNonce",
    "MismatchingIdTokenSHash",
    "MismatchingRefreshedIdToken",
    "MismatchingUserinfoSubject",
    "MissingIdToken",
    "MissingIdTokenClaim",
    "RequestNotSupported",
    "RequestParameterAuthorizationRequest",
    "RequestUriNotSupported",
    "UnknownIdTokenKey",
    "ValidationCode",
    "decode_endpoint_response",
    "end_session_url",
    "sign_and_encrypt_request",
    "sign_request",
    "token_hash",
    "validate_id_token",
    "validate_jarm_response",
]

_LAZY = {
    "IdToken": "._id_token",
    "validate_id_token": "._id_token",
    "Jwks": "._jwks",
    "RequestParameterAuthorizationRequest": "._jar",
    "sign_request": "._jar",
    "sign_and_encrypt_request": "._jar",
    "validate_jarm_response": "._jarm",
    "decode_endpoint_response": "._responses",
}
"""Names whose module imports (or soon needs) the JOSE libraries: loaded on first access."""


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
