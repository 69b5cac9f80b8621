"""Helpers for the end-to-end tests that go through oauth2core against the test server."""

from __future__ import annotations

from typing import Any

import requests

from oauth2core import ClientSecretBasic, OAuth2Client
from tests.integration._authorization_server import AuthorizationServer, ClientConfig

TIMEOUT = 10


def secret_of(client: ClientConfig) -> str:
    """The client secret of a confidential static client."""
    assert client.client_secret is not None, f"{client.name} has no client secret"
    return client.client_secret


def library_client(server: AuthorizationServer, name: str, **kwargs: Any) -> OAuth2Client:
    """An OAuth2Client for the static client ``name``, authenticating as the server expects.

    ``client_secret_basic`` clients get ``auth=ClientSecretBasic(...)``, ``client_secret_post``
    clients the ``(client_id, client_secret)`` tuple (which means client_secret_post).
    """
    config = server.clients[name]
    auth: Any
    if config.auth_method == "client_secret_basic":
        auth = ClientSecretBasic(config.client_id, secret_of(config))
    elif config.auth_method == "client_secret_post":
        auth = (config.client_id, secret_of(config))
    elif config.auth_method == "none":
        auth = config.client_id
    else:  # pragma: no cover - JWT client authentication is tested with its plugin
        raise AssertionError(f"no secret-based auth for {config.auth_method}")
    return OAuth2Client(server.token_endpoint, auth, **kwargs)


def get_resource(
    server: AuthorizationServer, auth: requests.auth.AuthBase | None
) -> requests.Response:
    """``GET`` the protected resource with ``auth`` (a token), in a fresh Session."""
    with requests.Session() as http:
        response = http.get(server.resource_url, auth=auth, timeout=TIMEOUT)
        response.close()
    return response


def get_resource_with_bearer(server: AuthorizationServer, value: str) -> requests.Response:
    """``GET`` the protected resource with a raw ``Authorization: Bearer <value>`` header."""
    with requests.Session() as http:
        response = http.get(
            server.resource_url, headers={"Authorization": f"Bearer {value}"}, timeout=TIMEOUT
        )
        response.close()
    return response
