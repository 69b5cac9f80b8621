"""Built-in token type: Bearer (RFC 6750)."""

from __future__ import annotations

from .._extensions import TokenType
from .._markers import hookimpl
from .._tokens import bearer_from_response, issued_from_response
from ..hookspecs import Register


@hookimpl
def register_token_types(register: Register[TokenType]) -> None:
    """Register ``Bearer``, and ``N_A`` for what token exchange issues (RFC 8693 §2.2.1)."""
    register(TokenType("Bearer", bearer_from_response))
    register(TokenType("N_A", issued_from_response))
