"""End to end: a public client (token_endpoint_auth_method none) with PKCE."""

from __future__ import annotations

import pytest

from oauth2core import InvalidGrant, InvalidRequest, OAuth2Client, PublicApp
from tests.integration._authorization_server import AuthorizationServer
from tests.integration._library import get_resource


def public_client(server: AuthorizationServer) -> OAuth2Client:
    config = server.clients["public"]
    return OAuth2Client(
        server.token_endpoint,
        config.client_id,
        authorization_endpoint=server.authorization_endpoint,
        revocation_endpoint=server.discovery["revocation_endpoint"],
        redirect_uri=config.redirect_uri,
        issuer=server.issuer,
    )


def test_public_client_code_flow_with_pkce_and_refresh(authorization_server):
    with public_client(authorization_server) as client, authorization_server.user_agent() as ua:
        assert isinstance(client.auth, PublicApp)
        request = client.authorization_request(scope="api:read offline_access")
        response = request.validate_callback(ua.authorize(request.uri))
        token = client.authorization_code(response)
        assert get_resource(authorization_server, token).json()["sub"] == "alice"

        refreshed = client.refresh_token(token)
        assert refreshed.refresh_token != token.refresh_token
        assert client.revoke_refresh_token(refreshed) is True
        with pytest.raises(InvalidGrant):
            client.refresh_token(refreshed)


def test_public_client_without_the_verifier_is_refused(authorization_server):
    with public_client(authorization_server) as client, authorization_server.user_agent() as ua:
        request = client.authorization_request(scope="api:read")
        response = request.validate_callback(ua.authorize(request.uri))
        with pytest.raises(InvalidGrant):
            client.authorization_code(response.code, redirect_uri=response.redirect_uri)


def test_public_client_cannot_use_client_credentials(authorization_server):
    # This server answers invalid_request ("grant type is not allowed for this client").
    with public_client(authorization_server) as client, pytest.raises(InvalidRequest) as caught:
        client.client_credentials()
    assert "not allowed" in (caught.value.error_description or "")
