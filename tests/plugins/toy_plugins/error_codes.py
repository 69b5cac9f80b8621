"""register_error_codes: plugin codes, for every endpoint, one endpoint, or redirects."""

from __future__ import annotations

from oauth2core import AuthorizationResponseError, EndpointError, hookimpl
from oauth2core.hookspecs import ErrorCode, Register


class ToyError(EndpointError):
    """``toy_error`` at any backend endpoint."""


class ToyTokenError(EndpointError):
    """``toy_error`` at the token endpoint."""


class ToyRevocationError(EndpointError):
    """``toy_revocation_only``, registered for the revocation endpoint only."""


class ToyDenied(AuthorizationResponseError):
    """``toy_denied`` in an authorization response."""


@hookimpl
def register_error_codes(register: Register[ErrorCode]) -> None:
    register(ErrorCode("toy_error", ToyError))
    register(ErrorCode("toy_error", ToyTokenError, "token"))
    register(ErrorCode("toy_revocation_only", ToyRevocationError, "revocation"))
    register(ErrorCode("toy_denied", ToyDenied, "authorization_response"))
