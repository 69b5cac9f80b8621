"""register_token_response_steps: a step that provides ``id_token_validation``.

It accepts only the ID token ``toy.id.token`` (a stand-in for real validation).
"""

from __future__ import annotations

from typing import Any

from oauth2core import InvalidTokenResponse, hookimpl
from oauth2core.hookspecs import Register, TokenResponseContext, TokenResponseStep

VALID_ID_TOKEN = "toy.id.token"


def validate_id_token(token: Any, context: TokenResponseContext) -> Any:
    id_token = getattr(token, "id_token", None)
    if id_token is None:
        return token
    if id_token != VALID_ID_TOKEN:
        raise InvalidTokenResponse("toy: the id_token does not validate", context.response)
    token.extra["toy_id_token_validated"] = True
    return token


@hookimpl
def register_token_response_steps(register: Register[TokenResponseStep]) -> None:
    register(
        TokenResponseStep("toy_id_token", validate_id_token, frozenset({"id_token_validation"}))
    )
