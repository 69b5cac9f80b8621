"""Userinfo (OIDC Core §5.3) and introspection (RFC 7662, RFC 9701) responses.

Core's ``userinfo()`` and ``introspect_token()`` hand their successful responses to
:func:`decode_endpoint_response` (registered as the client method
``decode_endpoint_response``) when this plugin is installed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final

from oauth2core import InvalidResponse, json_object

from ._errors import (
    InvalidJwtIntrospectionResponse,
    InvalidUserinfoResponse,
    JwtValidationError,
    MismatchingUserinfoSubject,
    ValidationCode,
)
from ._jws import (
    check_audience,
    check_issuer,
    check_timestamps,
    check_typ,
    is_jwe,
    parse_jws,
    rethrow,
    string_claim,
)

if TYPE_CHECKING:
    import requests

    from oauth2core import OAuth2Client

__all__ = [
    "INTROSPECTION_JWT",
    "decode_endpoint_response",
    "introspection_accept_flow",
    "wants_jwt_introspection",
]

INTROSPECTION_JWT: Final = "application/token-introspection+jwt"
"""The media type of JWT introspection responses (RFC 9701 §4)."""


def _content_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def _json_object(response: requests.Response, what: str) -> dict[str, Any]:
    return json_object(response, InvalidResponse, f"the {what} response")  # core's one parser


def _expected_sub(token: object) -> str | None:
    """The ``sub`` of the ID token that came with ``token``, when there is one."""
    from ._id_token import IdToken

    id_token = getattr(token, "id_token", None)
    if not isinstance(id_token, str):
        return None
    try:
        parsed = id_token if isinstance(id_token, IdToken) else IdToken(id_token)
        return parsed.subject
    except JwtValidationError:
        return None


def _userinfo_jwt(client: OAuth2Client, value: str) -> dict[str, Any]:
    from ._settings import allowed_algs, clock_skew, expected_client_id
    from ._verify import unwrap, verify_jws

    inner = unwrap(value, client, "userinfo")
    if is_jwe(value) and inner.startswith("{"):  # encrypted, not signed (OIDC Core §5.3.2)
        if client.options.get("userinfo_signed_response_alg") is not None:
            raise JwtValidationError(
                "the userinfo response is not signed, and the client registered "
                "userinfo_signed_response_alg",
                code=ValidationCode.UNEXPECTED_ALG,
                claim="alg",
                expected=sorted(allowed_algs(client, "userinfo")),
            )
        try:
            claims = json.loads(inner)
        except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
            claims = None
        if not isinstance(claims, dict):
            raise JwtValidationError("the decrypted userinfo response is not a JSON object")
        return claims
    jws = parse_jws(inner)
    verify_jws(jws, client, "userinfo")
    claims = jws.claims
    # §5.3.2: a signed response SHOULD carry iss and aud; when it does they must be right.
    issuer = client.issuer
    check_issuer(claims, (issuer,) if issuer is not None else (), required=False)
    check_audience(claims, expected_client_id(client), required=False)
    check_timestamps(
        claims, client.clock.time(), clock_skew(client), require_exp=False, require_iat=False
    )
    return dict(claims)


def _userinfo(client: OAuth2Client, response: requests.Response, token: object) -> dict[str, Any]:
    from ._settings import allowed_algs, encryption_settings

    try:
        if _content_type(response) == "application/jwt":
            claims = _userinfo_jwt(client, response.text.strip())
        else:
            if encryption_settings(client, "userinfo") is not None:
                raise JwtValidationError(
                    "the userinfo response is plain JSON, and the client registered "
                    "userinfo_encrypted_response_alg",
                    code=ValidationCode.ENCRYPTION_EXPECTED,
                    claim="alg",
                )
            if client.options.get("userinfo_signed_response_alg") is not None:
                raise JwtValidationError(
                    "the userinfo response is plain JSON, and the client registered "
                    "userinfo_signed_response_alg",
                    code=ValidationCode.UNEXPECTED_ALG,
                    claim="alg",
                    expected=sorted(allowed_algs(client, "userinfo")),
                )
            claims = _json_object(response, "userinfo")
        sub = string_claim(claims, "sub", required=True)
    except JwtValidationError as err:
        rethrow(err, InvalidUserinfoResponse)
    expected = _expected_sub(token)
    if expected is not None and sub != expected:  # OIDC Core §5.3.4
        raise MismatchingUserinfoSubject(
            "the userinfo sub is not the ID token's: do not use these claims",
            code=ValidationCode.CLAIM_MISMATCH,
            claim="sub",
            expected=expected,
            received=sub,
        )
    return claims


def wants_jwt_introspection(client: OAuth2Client) -> bool:
    """Whether the client asks for JWT introspection responses (RFC 9701)."""
    options = client.options
    return (
        options.get("introspection_signed_response_alg") is not None
        or options.get("introspection_encrypted_response_alg") is not None
    )


def _introspection(client: OAuth2Client, response: requests.Response) -> dict[str, Any]:
    from ._settings import clock_skew, expected_client_id
    from ._verify import verify_signed

    jwt_asked = wants_jwt_introspection(client)
    if _content_type(response) != INTROSPECTION_JWT:
        if jwt_asked:
            raise InvalidJwtIntrospectionResponse(
                "the introspection response is not a JWT, and the client asked for one",
                code=ValidationCode.UNEXPECTED_ALG,
                claim="alg",
                received=_content_type(response) or None,
            )
        return _json_object(response, "introspection")
    try:
        jws, _ = verify_signed(response.text.strip(), client, "introspection")
        check_typ(jws, ("token-introspection+jwt",))  # RFC 9701 §5
        claims = jws.claims
        issuer = client.issuer
        if issuer is None:
            raise JwtValidationError("the issuer of a JWT introspection response is unknown")
        check_issuer(claims, (issuer,), required=True)
        check_audience(claims, expected_client_id(client), required=True)
        check_timestamps(
            claims, client.clock.time(), clock_skew(client), require_exp=False, require_iat=True
        )
        introspection = claims.get("token_introspection")
        if not isinstance(introspection, dict):
            raise JwtValidationError(
                "the JWT has no token_introspection object",
                code=ValidationCode.MISSING_CLAIM,
                claim="token_introspection",
            )
    except JwtValidationError as err:
        rethrow(err, InvalidJwtIntrospectionResponse)
    return introspection


def decode_endpoint_response(
    client: OAuth2Client, response: requests.Response, endpoint: str, token: object = None
) -> dict[str, Any]:
    """The claims of a successful userinfo or introspection response, checked.

    Registered as ``client.decode_endpoint_response(...)``, which core calls.

    - ``userinfo``: JSON, or a JWT (``application/jwt``) signed, encrypted, or signed then
      encrypted as the client registered (``userinfo_signed_response_alg``,
      ``userinfo_encrypted_response_alg``); ``sub`` must equal the ID token's when
      ``token`` carries one (OIDC Core §5.3.4).
    - ``introspection``: JSON, or, when the client registered
      ``introspection_signed_response_alg`` (which asks for it), a JWT (RFC 9701): its
      ``token_introspection`` object.

    :raises InvalidUserinfoResponse: (``MismatchingUserinfoSubject``...)
    :raises InvalidJwtIntrospectionResponse: a check of RFC 9701 failed.
    """
    if endpoint == "userinfo":
        return _userinfo(client, response, token)
    if endpoint == "introspection":
        return _introspection(client, response)
    raise ValueError(f"no response decoder for the {endpoint!r} endpoint")


def introspection_accept_flow(request: requests.PreparedRequest, context: Any) -> Any:
    """A request flow asking for a JWT introspection response when the client registered one."""
    client = context.client
    if client is None or not wants_jwt_introspection(client):
        return None

    def flow() -> Any:
        request.headers["Accept"] = INTROSPECTION_JWT
        yield request

    return flow()
