"""register_token_response_steps: two steps that enrich the token, in registration order."""

from __future__ import annotations

from typing import Any

from oauth2core import hookimpl
from oauth2core.hookspecs import Register, TokenResponseContext, TokenResponseStep


def enrich(token: Any, context: TokenResponseContext) -> Any:
    token.extra["toy_grant_type"] = context.grant_type
    token.extra["toy_status"] = context.response.status_code
    token.extra["toy_steps"] = ["toy_enrich"]
    return token


def stamp(token: Any, context: TokenResponseContext) -> Any:
    token.extra["toy_steps"].append("toy_stamp")
    return token


@hookimpl
def register_token_response_steps(register: Register[TokenResponseStep]) -> None:
    register(TokenResponseStep("toy_enrich", enrich))
    register(TokenResponseStep("toy_stamp", stamp))
