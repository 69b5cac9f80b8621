"""Built-in error codes: the ones several features share (DESIGN §3)."""

from __future__ import annotations

from .._errors import AUTHORIZATION_ERROR_CODES, SHARED_ERROR_CODES, UnsupportedTokenType
from .._extensions import ErrorCode
from .._markers import hookimpl
from ..hookspecs import Register


@hookimpl
def register_error_codes(register: Register[ErrorCode]) -> None:
    """Register the shared endpoint codes, and the OIDC authorization response codes."""
    for code, exception in SHARED_ERROR_CODES.items():
        register(ErrorCode(code, exception, "endpoint"))
    register(ErrorCode("unsupported_token_type", UnsupportedTokenType, "revocation"))
    for code, interaction in AUTHORIZATION_ERROR_CODES.items():
        register(ErrorCode(code, interaction, "authorization_response"))
