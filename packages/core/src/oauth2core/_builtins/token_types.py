"""Built-in token type: Bearer (RFC 6750)."""

from __future__ import annotations

from .._extensions import TokenType
from .._markers import hookimpl
from .._tokens import bearer_from_response
from ..hookspecs import Register


@hookimpl
def register_token_types(register: Register[TokenType]) -> None:
    """Register ``Bearer``."""
    register(TokenType("Bearer", bearer_from_response))
