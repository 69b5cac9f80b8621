"""End to end: auth handlers renewing real short-lived tokens, with real time."""

from __future__ import annotations

import math
import time

import pytest
import requests

from oauth2core import (
    ClientSecretBasic,
    OAuth2AccessTokenAuth,
    OAuth2AuthorizationCodeAuth,
    OAuth2Client,
    OAuth2ClientCredentialsAuth,
    OAuth2ResourceOwnerPasswordAuth,
)
from tests.integration._authorization_server import AuthorizationServer
from tests.integration._library import secret_of

RUN_SECONDS = 2.6  # a little over one 2-second token lifetime: the renewal must happen


def short_lived(server: AuthorizationServer) -> OAuth2Client:
    config = server.clients["short_lived"]
    return OAuth2Client(
        server.token_endpoint,
        ClientSecretBasic(config.client_id, secret_of(config)),
        authorization_endpoint=server.authorization_endpoint,
        redirect_uri=config.redirect_uri,
        issuer=server.issuer,
    )


def hammer(server: AuthorizationServer, auth: requests.auth.AuthBase) -> int:
    """Call the protected resource for RUN_SECONDS; every call must succeed."""
    calls = 0
    deadline = time.monotonic() + RUN_SECONDS
    with requests.Session() as session:
        while time.monotonic() < deadline:
            response = session.get(server.resource_url, auth=auth, timeout=10)
            assert response.status_code == 200, response.text
            calls += 1
            time.sleep(0.05)
    return calls


def windows() -> int:
    """How many 2-second lifetimes (with whole-second ``exp``) fit in a run, plus one."""
    return math.ceil(RUN_SECONDS / 1) + 1


@pytest.mark.parametrize("kind", ["client_credentials", "password", "authorization_code"])
def test_handlers_renew_short_lived_tokens(authorization_server, kind):
    config = authorization_server.clients["short_lived"]
    with short_lived(authorization_server) as client:
        auth: requests.auth.AuthBase
        if kind == "client_credentials":
            auth = OAuth2ClientCredentialsAuth(client, leeway=5)
        elif kind == "password":
            user = authorization_server.users["alice"]
            auth = OAuth2ResourceOwnerPasswordAuth(
                client, username=user.username, password=user.password, leeway=5
            )
        else:
            with authorization_server.user_agent() as ua:
                request = client.authorization_request(scope="openid offline_access")
                response = request.validate_callback(ua.authorize(request.uri))
            auth = OAuth2AuthorizationCodeAuth(client, response, leeway=5)
        authorization_server.reset_token_request_counts()
        calls = hammer(authorization_server, auth)
        requests_made = authorization_server.token_request_count(config.client_id)
        assert calls > 10
        # One token per lifetime at most (the leeway is clamped to half of 2 s), never per call.
        assert 2 <= requests_made <= windows()


def test_access_token_auth_refreshes_a_code_flow_token(authorization_server):
    config = authorization_server.clients["short_lived"]
    with short_lived(authorization_server) as client, authorization_server.user_agent() as ua:
        request = client.authorization_request(scope="openid offline_access")
        response = request.validate_callback(ua.authorize(request.uri))
        token = client.authorization_code(response)
        auth = OAuth2AccessTokenAuth(client, token, leeway=5)
        authorization_server.reset_token_request_counts()
        hammer(authorization_server, auth)
        assert 1 <= authorization_server.token_request_count(config.client_id) <= windows()
        assert auth.token is not None
        assert auth.token.access_token != token.access_token
        assert auth.token.refresh_token  # rotated or kept, never lost
