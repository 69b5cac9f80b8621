"""Built-in grants: client_credentials, authorization_code, refresh_token, password."""

from __future__ import annotations

from .. import _grants
from .._extensions import Grant
from .._markers import hookimpl
from ..hookspecs import Register


@hookimpl
def register_grants(register: Register[Grant]) -> None:
    """Register the grants of RFC 6749."""
    register(Grant("client_credentials", "client_credentials", _grants.client_credentials))
    register(Grant("authorization_code", "authorization_code", _grants.authorization_code))
    register(Grant("refresh_token", "refresh_token", _grants.refresh_token))
    register(Grant("password", "resource_owner_password", _grants.resource_owner_password))
    register(Grant(_grants.TOKEN_EXCHANGE, "token_exchange", _grants.token_exchange))
