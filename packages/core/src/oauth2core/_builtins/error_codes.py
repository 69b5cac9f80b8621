"""Built-in error codes: the ones several features share (DESIGN §3)."""

from __future__ import annotations

from .._errors import SHARED_ERROR_CODES, UnsupportedTokenType
from .._extensions import ErrorCode
from .._markers import hookimpl
from ..hookspecs import Register


@hookimpl
def register_error_codes(register: Register[ErrorCode]) -> None:
    """Register the shared endpoint codes for every backend endpoint."""
    for code, exception in SHARED_ERROR_CODES.items():
        register(ErrorCode(code, exception, "endpoint"))
    register(ErrorCode("unsupported_token_type", UnsupportedTokenType, "revocation"))
