"""register_token_types: ``token_type=Toy`` responses become ToyToken objects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oauth2core import InvalidTokenResponse, hookimpl
from oauth2core.hookspecs import Register, TokenResponseContext, TokenType


class ToyToken:
    """A made-up token type."""

    def __init__(self, access_token: str, token_type: str, grant_type: str) -> None:
        self.access_token = access_token
        self.token_type = token_type
        self.grant_type = grant_type

    def __repr__(self) -> str:
        return "ToyToken(access_token=<redacted>)"


def build_toy_token(fields: Mapping[str, Any], context: TokenResponseContext) -> ToyToken:
    access_token = fields.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise InvalidTokenResponse("a Toy token response needs an access_token", context.response)
    return ToyToken(access_token, fields["token_type"], context.grant_type)


@hookimpl
def register_token_types(register: Register[TokenType]) -> None:
    register(TokenType("Toy", build_toy_token))
