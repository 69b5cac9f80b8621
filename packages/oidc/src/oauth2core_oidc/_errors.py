"""The errors of oauth2core-oidc; this module imports nothing heavy.

Every failed check raises a :class:`JwtValidationError` subclass: an
:class:`~oauth2core.OAuth2Error` and a :class:`ValueError`, with a stable ``code`` (a
:class:`ValidationCode`), the ``claim`` (or header member) checked, and the ``expected`` and
``received`` values. Messages name the rule that failed, never a token or a claim value::

    OAuth2Error
    ├── JwtValidationError (also ValueError)        .code .claim .expected .received
    │   ├── InvalidIdToken                          an ID token failed OIDC Core §3.1.3.7
    │   │   ├── MissingIdToken                      an OpenID code exchange returned none
    │   │   ├── MalformedIdToken                    not a JWS/JWE, bad JSON, mistyped claim
    │   │   ├── InvalidIdTokenEncryption            JWE expected, not expected, or undecryptable
    │   │   ├── MismatchingIdTokenAlg               alg not allowed (``none`` never is)
    │   │   ├── UnknownIdTokenKey                   no (or several) AS keys fit
    │   │   ├── InvalidIdTokenSignature
    │   │   ├── MissingIdTokenClaim                 iss, sub, aud, exp or iat absent
    │   │   ├── MismatchingIdTokenIssuer, MismatchingIdTokenAudience, MismatchingIdTokenAzp,
    │   │   │   MismatchingIdTokenNonce, MismatchingIdTokenAcr, MismatchingIdTokenAuthTime,
    │   │   │   MismatchingIdTokenAtHash, MismatchingIdTokenCHash, MismatchingIdTokenSHash
    │   │   ├── ExpiredIdToken                      exp passed
    │   │   ├── IdTokenNotYetValid                  iat or nbf in the future
    │   │   └── MismatchingRefreshedIdToken         OIDC Core §12.2: iss/sub/aud/azp/auth_time
    │   ├── InvalidJarmResponse (also InvalidAuthorizationResponse)   JARM response JWT
    │   ├── InvalidUserinfoResponse                 signed/encrypted userinfo
    │   │   └── MismatchingUserinfoSubject          sub differs from the ID token's
    │   └── InvalidJwtIntrospectionResponse         RFC 9701 response
    └── InvalidResponse
        └── InvalidJwksResponse                     the JWKS endpoint answered garbage

    AuthorizationResponseError (redirect errors of JAR, OIDC Core §3.1.2.6)
    ├── InvalidRequestObject, InvalidRequestUri, RequestNotSupported, RequestUriNotSupported
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from oauth2core import (
    AuthorizationResponseError,
    InvalidAuthorizationResponse,
    InvalidResponse,
    OAuth2Error,
)

__all__ = [
    "ExpiredIdToken",
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
    "RequestUriNotSupported",
    "UnknownIdTokenKey",
    "ValidationCode",
]


class ValidationCode(StrEnum):
    """Stable codes of :class:`JwtValidationError`: assert on these, not on messages."""

    MALFORMED = "malformed"
    """Not a compact JWS or JWE, bad base64url or JSON, or a claim of the wrong type."""
    MISSING_ID_TOKEN = "missing_id_token"  # noqa: S105 - a code, not a token
    """An OpenID code exchange answered without an ``id_token``."""
    MISSING_CLAIM = "missing_claim"
    """A required claim (or the JARM ``response`` parameter) is absent."""
    CLAIM_MISMATCH = "claim_mismatch"
    """A claim differs from the expected value (iss, aud, azp, nonce, acr, hashes, sub...)."""
    TIMESTAMP_CHECK = "timestamp_check"
    """``exp`` passed, ``iat``/``nbf`` in the future, or ``auth_time`` older than ``max_age``."""
    UNEXPECTED_ALG = "unexpected_alg"
    """A signature (or encryption) algorithm that is not allowed; ``none`` never is."""
    UNEXPECTED_TYP = "unexpected_typ"
    """A ``typ`` header that says the JWT is of another kind."""
    NO_MATCHING_KEY = "no_matching_key"
    """No key of the server fits the header (``kid``, ``alg``), even after a JWKS refresh."""
    AMBIGUOUS_KEY = "ambiguous_key"
    """Several keys fit a header without ``kid`` (or with a duplicated ``kid``)."""
    BAD_SIGNATURE = "bad_signature"
    """The signature does not verify."""
    ENCRYPTION_EXPECTED = "encryption_expected"
    """The client registered an encryption algorithm and the JWT arrived unencrypted."""
    UNEXPECTED_ENCRYPTION = "unexpected_encryption"
    """A JWE arrived where the client registered no encryption."""
    DECRYPTION_FAILED = "decryption_failed"
    """The JWE cannot be decrypted with the client's keys, or is not what was registered."""


class JwtValidationError(OAuth2Error, ValueError):
    """A JWT (or a response built on one) failed a check; nothing of the token is shown.

    :ivar code: the :class:`ValidationCode`.
    :ivar claim: the claim or header member checked (``"iss"``, ``"alg"``...), or None.
    :ivar expected: what was expected (a value, a list of allowed values), or None.
    :ivar received: what arrived, or None.
    """

    def __init__(
        self,
        message: str,
        *,
        code: ValidationCode = ValidationCode.MALFORMED,
        claim: str | None = None,
        expected: Any = None,
        received: Any = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.claim = claim
        self.expected = expected
        self.received = received


class InvalidIdToken(JwtValidationError):
    """An ID token failed validation (OIDC Core §3.1.3.7); the subclass says which check."""


class MissingIdToken(InvalidIdToken):
    """The token response of an OpenID code exchange has no ``id_token``."""


class MalformedIdToken(InvalidIdToken):
    """The ID token is not a compact JWS (or JWE), or a claim has the wrong type."""


class InvalidIdTokenEncryption(InvalidIdToken):
    """The ID token is encrypted when it should not be, or the reverse, or cannot be decrypted."""


class MismatchingIdTokenAlg(InvalidIdToken):
    """The ID token's ``alg`` is not allowed (``id_token_signed_response_alg``; never ``none``)."""


class UnknownIdTokenKey(InvalidIdToken):
    """No key of the server (or several) fits the ID token's header."""


class InvalidIdTokenSignature(InvalidIdToken):
    """The ID token's signature does not verify."""


class MissingIdTokenClaim(InvalidIdToken):
    """A claim every ID token must have (iss, sub, aud, exp, iat) is absent."""


class MismatchingIdTokenIssuer(InvalidIdToken):
    """``iss`` is not the expected issuer."""


class MismatchingIdTokenAudience(InvalidIdToken):
    """``aud`` does not contain the client_id."""


class MismatchingIdTokenAzp(InvalidIdToken):
    """``azp`` is not the client_id, or is absent while there are several audiences."""


class MismatchingIdTokenNonce(InvalidIdToken):
    """``nonce`` is absent or differs from the one sent (compared in constant time)."""


class MismatchingIdTokenAcr(InvalidIdToken):
    """``acr`` is absent or not one of the requested ``acr_values``."""


class MismatchingIdTokenAuthTime(InvalidIdToken):
    """``auth_time`` is absent or older than the requested ``max_age``."""


class MismatchingIdTokenAtHash(InvalidIdToken):
    """``at_hash`` does not match the access token."""


class MismatchingIdTokenCHash(InvalidIdToken):
    """``c_hash`` does not match the authorization code (or is absent where required)."""


class MismatchingIdTokenSHash(InvalidIdToken):
    """``s_hash`` does not match the state (or is absent where required)."""


class ExpiredIdToken(InvalidIdToken):
    """``exp`` has passed (beyond the clock skew)."""


class IdTokenNotYetValid(InvalidIdToken):
    """``iat`` or ``nbf`` is in the future (beyond the clock skew)."""


class MismatchingRefreshedIdToken(InvalidIdToken):
    """A refreshed ID token differs from the original in iss, sub, aud, azp or auth_time."""


class InvalidJarmResponse(InvalidAuthorizationResponse, JwtValidationError):
    """A JARM authorization response JWT failed a check (signature, iss, aud, exp...).

    Also an :class:`~oauth2core.InvalidAuthorizationResponse`, like the other callback
    checks.
    """

    def __init__(
        self,
        message: str,
        *,
        code: ValidationCode = ValidationCode.MALFORMED,
        claim: str | None = None,
        expected: Any = None,
        received: Any = None,
    ) -> None:
        JwtValidationError.__init__(
            self, message, code=code, claim=claim, expected=expected, received=received
        )


class InvalidUserinfoResponse(JwtValidationError):
    """A signed or encrypted userinfo response failed a check (OIDC Core §5.3.2)."""


class MismatchingUserinfoSubject(InvalidUserinfoResponse):
    """The userinfo ``sub`` is not the ID token's (OIDC Core §5.3.4): do not use the claims."""


class InvalidJwtIntrospectionResponse(JwtValidationError):
    """A JWT introspection response (RFC 9701) failed a check."""


class InvalidJwksResponse(InvalidResponse):
    """The JWKS endpoint answered with something that is not a JWK Set."""


class InvalidRequestObject(AuthorizationResponseError):
    """``invalid_request_object``: the request object is invalid (OIDC Core §3.1.2.6)."""


class InvalidRequestUri(AuthorizationResponseError):
    """``invalid_request_uri``: the ``request_uri`` is invalid or unreachable."""


class RequestNotSupported(AuthorizationResponseError):
    """``request_not_supported``: the server does not accept request objects."""


class RequestUriNotSupported(AuthorizationResponseError):
    """``request_uri_not_supported``: the server does not accept ``request_uri``."""


AUTHORIZATION_ERROR_CODES: dict[str, type[AuthorizationResponseError]] = {
    "invalid_request_object": InvalidRequestObject,
    "invalid_request_uri": InvalidRequestUri,
    "request_not_supported": RequestNotSupported,
    "request_uri_not_supported": RequestUriNotSupported,
}
"""Authorization response error codes of request objects (OIDC Core §3.1.2.6, RFC 9101 §6)."""


def _publish() -> None:
    """Show the public package in reprs and tracebacks."""
    for name in __all__:
        globals()[name].__module__ = "oauth2core_oidc"


_publish()
