"""register_grants: ``client.toy_ticket(ticket, **params)`` requests a made-up grant type."""

from __future__ import annotations

from typing import Any

from oauth2core import OAuth2Client, hookimpl
from oauth2core.hookspecs import Grant, Register

GRANT_TYPE = "urn:example:params:oauth:grant-type:toy-ticket"


def toy_ticket(client: OAuth2Client, ticket: str, **params: Any) -> Any:
    """Exchange a toy ticket for a token."""
    return client.grant_request(GRANT_TYPE, ticket=ticket, **params)


@hookimpl
def register_grants(register: Register[Grant]) -> None:
    register(Grant(GRANT_TYPE, "toy_ticket", toy_ticket))
