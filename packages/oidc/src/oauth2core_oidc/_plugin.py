"""The entry point of the oauth2core-oidc plugin: its hook implementations.

Imports no JOSE library (DESIGN: lazy by rule): what is registered here are small
functions that import the real code, and with it jwskate and cryptography, on first use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from oauth2core import hookimpl
from oauth2core.hookspecs import (
    RETRY_PHASE,
    ClientMethod,
    ErrorCode,
    Export,
    Flow,
    FlowContext,
    Register,
    RequestFlow,
    RequestOption,
    ResponseMode,
    TokenResponseContext,
    TokenResponseStep,
)

from ._errors import AUTHORIZATION_ERROR_CODES
from ._settings import CLIENT_OPTIONS

if TYPE_CHECKING:
    import requests

    from oauth2core import AuthorizationRequest, OAuth2Client

PACKAGE = __name__.rpartition(".")[0]

JARM_RESPONSE_MODES = ("jwt", "query.jwt", "fragment.jwt", "form_post.jwt")
"""The ``response_mode`` values of JARM."""

EXPORTS = {
    "IdToken": "_id_token",
    "validate_id_token": "_id_token",
    "Jwks": "_jwks",
    "RequestParameterAuthorizationRequest": "_jar",
    "sign_request": "_jar",
    "sign_and_encrypt_request": "_jar",
    "validate_jarm_response": "_jarm",
    "decode_endpoint_response": "_responses",
    "end_session_url": "_logout",
    "token_hash": "_hashes",
    "ValidationCode": "_errors",
    "JwtValidationError": "_errors",
    "InvalidIdToken": "_errors",
    "MissingIdToken": "_errors",
    "MalformedIdToken": "_errors",
    "InvalidIdTokenEncryption": "_errors",
    "MismatchingIdTokenAlg": "_errors",
    "UnknownIdTokenKey": "_errors",
    "InvalidIdTokenSignature": "_errors",
    "MissingIdTokenClaim": "_errors",
    "MismatchingIdTokenIssuer": "_errors",
    "MismatchingIdTokenAudience": "_errors",
    "MismatchingIdTokenAzp": "_errors",
    "MismatchingIdTokenNonce": "_errors",
    "MismatchingIdTokenAcr": "_errors",
    "MismatchingIdTokenAuthTime": "_errors",
    "MismatchingIdTokenAtHash": "_errors",
    "MismatchingIdTokenCHash": "_errors",
    "MismatchingIdTokenSHash": "_errors",
    "ExpiredIdToken": "_errors",
    "IdTokenNotYetValid": "_errors",
    "MismatchingRefreshedIdToken": "_errors",
    "InvalidJarmResponse": "_errors",
    "InvalidUserinfoResponse": "_errors",
    "MismatchingUserinfoSubject": "_errors",
    "InvalidJwtIntrospectionResponse": "_errors",
    "InvalidJwksResponse": "_errors",
    "InvalidRequestObject": "_errors",
    "InvalidRequestUri": "_errors",
    "RequestNotSupported": "_errors",
    "RequestUriNotSupported": "_errors",
}
"""Every public name of the package -> its module; all exported through ``oauth2core``."""


def id_token_step(token: Any, context: TokenResponseContext) -> Any:
    """Validate the ID token of a token response: see ``oauth2core_oidc._id_token``."""
    from ._id_token import id_token_step

    return id_token_step(token, context)


def parse_jarm(params: Mapping[str, str], request: AuthorizationRequest) -> Mapping[str, str]:
    """Unwrap a JARM callback: see :func:`oauth2core_oidc.validate_jarm_response`."""
    from ._jarm import parse_jarm_callback

    return parse_jarm_callback(params, request)


def end_session_url(client: OAuth2Client, *args: Any, **kwargs: Any) -> str:
    """``client.end_session_url(...)``: see :func:`oauth2core_oidc.end_session_url`."""
    from ._logout import end_session_url

    return end_session_url(client, *args, **kwargs)


def decode_endpoint_response(
    client: OAuth2Client, response: requests.Response, endpoint: str, token: object = None
) -> dict[str, Any]:
    """What core calls for userinfo and introspection responses: see the package function."""
    from ._responses import decode_endpoint_response

    return decode_endpoint_response(client, response, endpoint, token)


def sign(request: AuthorizationRequest, *args: Any, **kwargs: Any) -> Any:
    """``request.sign(jwk, alg=None, lifetime=60)``: see :func:`oauth2core_oidc.sign_request`."""
    from ._jar import sign_request

    return sign_request(request, *args, **kwargs)


def sign_and_encrypt(request: AuthorizationRequest, *args: Any, **kwargs: Any) -> Any:
    """``request.sign_and_encrypt(...)``: see :func:`oauth2core_oidc.sign_and_encrypt_request`."""
    from ._jar import sign_and_encrypt_request

    return sign_and_encrypt_request(request, *args, **kwargs)


def introspection_accept(request: requests.PreparedRequest, context: FlowContext) -> Flow | None:
    """Ask for a JWT introspection response (RFC 9701) when the client registered one."""
    from ._responses import introspection_accept_flow

    flow: Flow | None = introspection_accept_flow(request, context)
    return flow


@hookimpl
def register_token_response_steps(register: Register[TokenResponseStep]) -> None:
    """Validate ID tokens in every token response (OIDC Core §3.1.3.7, §12.2)."""
    register(
        TokenResponseStep(f"{PACKAGE}.id_token", id_token_step, frozenset({"id_token_validation"}))
    )


@hookimpl
def register_response_modes(register: Register[ResponseMode]) -> None:
    """Register the JARM response modes: ``jwt``, ``query.jwt``, ``fragment.jwt``..."""
    for mode in JARM_RESPONSE_MODES:
        register(ResponseMode(mode, parse_jarm))


@hookimpl
def register_client_methods(register: Register[ClientMethod]) -> None:
    """``client.end_session_url``, ``client.decode_endpoint_response``; ``request.sign``..."""
    register(ClientMethod("end_session_url", end_session_url))
    register(ClientMethod("decode_endpoint_response", decode_endpoint_response))
    register(ClientMethod("sign", sign, "authorization_request"))
    register(ClientMethod("sign_and_encrypt", sign_and_encrypt, "authorization_request"))


@hookimpl
def register_request_options(register: Register[RequestOption]) -> None:
    """The client options: response algorithms, keys, clock skew."""
    for name in CLIENT_OPTIONS:
        register(RequestOption(name, scope="client"))


@hookimpl
def register_request_flows(register: Register[RequestFlow]) -> None:
    """Ask for JWT introspection responses; outermost, as it only sets the Accept header."""
    register(
        RequestFlow(
            f"{PACKAGE}.introspection_jwt",
            RETRY_PHASE + 50,
            introspection_accept,
            frozenset({"introspection"}),
        )
    )


@hookimpl
def register_error_codes(register: Register[ErrorCode]) -> None:
    """The authorization response errors of request objects (OIDC Core §3.1.2.6)."""
    for code, exception in AUTHORIZATION_ERROR_CODES.items():
        register(ErrorCode(code, exception, "authorization_response"))


@hookimpl
def register_exports(register: Register[Export]) -> None:
    """Export the package's public names through ``oauth2core``."""
    for name, module in EXPORTS.items():
        register(Export(name, f"{PACKAGE}.{module}:{name}"))
