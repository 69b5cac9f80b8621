"""register_client_methods: one method on OAuth2Client, one on AuthorizationRequest."""

from __future__ import annotations

from oauth2core import AuthorizationRequest, OAuth2Client, hookimpl
from oauth2core.hookspecs import ClientMethod, Register


def toy_describe(client: OAuth2Client, suffix: str = "") -> str:
    return f"client of {client.token_endpoint}{suffix}"


def toy_sign(request: AuthorizationRequest, key: str) -> str:
    return f"signed({request.client_id},{request.state},{key})"


@hookimpl
def register_client_methods(register: Register[ClientMethod]) -> None:
    register(ClientMethod("toy_describe", toy_describe))
    register(ClientMethod("toy_sign", toy_sign, target="authorization_request"))
