"""JARM: JWT-secured authorization responses (``response_mode=jwt``, ``query.jwt``...)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from oauth2core import ConfigurationError

from ._errors import InvalidJarmResponse, JwtValidationError, ValidationCode
from ._jws import check_audience, check_issuer, check_timestamps, rethrow

if TYPE_CHECKING:
    from oauth2core import AuthorizationRequest, OAuth2Client

__all__ = ["parse_jarm_callback", "validate_jarm_response"]

_JWT_ONLY: Final = frozenset({"aud", "exp", "iat", "nbf", "jti"})
"""Claims of the response JWT that are not authorization response parameters."""


def validate_jarm_response(
    response: str, client: OAuth2Client, *, issuer: str | None = None
) -> dict[str, Any]:
    """Verify a JARM ``response`` JWT and return its claims (JARM §2.4, §4.4).

    Decrypted when the client registered ``authorization_encrypted_response_alg``; the
    signature must use an ``authorization_signed_response_alg`` (default ``RS256``) and
    verify with the server's keys; ``iss`` must be the issuer, ``aud`` contain the
    client_id, ``exp`` be in the future. The state, ``iss`` and ``error`` rules of the
    callback are applied by ``validate_callback`` to what this returns.

    :param issuer: the expected issuer (default: the client's).
    :raises InvalidJarmResponse: a check failed (``code`` says which).
    :raises ConfigurationError: the issuer is unknown.
    """
    from ._settings import clock_skew, expected_client_id
    from ._verify import verify_signed

    expected = issuer if issuer is not None else client.issuer
    if expected is None:
        raise ConfigurationError("validating a JARM response needs the issuer (issuer=)")
    try:
        if not isinstance(response, str) or not response:
            raise JwtValidationError(
                "the callback has no response JWT",
                code=ValidationCode.MISSING_CLAIM,
                claim="response",
            )
        jws, _ = verify_signed(response, client, "authorization")
        claims = jws.claims
        check_issuer(claims, (expected,), required=True)
        check_audience(claims, expected_client_id(client), required=True)
        check_timestamps(
            claims, client.clock.time(), clock_skew(client), require_exp=True, require_iat=False
        )
    except JwtValidationError as err:
        rethrow(err, InvalidJarmResponse)
    return dict(claims)


def parse_jarm_callback(params: Mapping[str, str], request: AuthorizationRequest) -> dict[str, str]:
    """The ``parse`` of the JARM response modes: the verified parameters of ``response``.

    Only ``response`` is read from the callback: anything next to it is not protected.
    """
    client = request.client
    if client is None:
        raise ConfigurationError(
            "a JARM callback is verified with the settings of the client that made the "
            "request: build it with client.authorization_request(...), or set request.client"
        )
    claims = validate_jarm_response(params.get("response", ""), client, issuer=request.issuer)
    parameters: dict[str, str] = {}
    for name, value in claims.items():
        if name in _JWT_ONLY:
            continue
        if not isinstance(value, str):
            raise InvalidJarmResponse(
                f"the response JWT parameter {name} is not a string",
                code=ValidationCode.MALFORMED,
                claim=name,
            )
        parameters[name] = value
    return parameters
