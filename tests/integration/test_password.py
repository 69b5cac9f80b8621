"""The resource owner password grant through OAuth2Client."""

from __future__ import annotations

import pytest

from oauth2core import BearerToken, InvalidGrant
from tests.integration._authorization_server import AuthorizationServer
from tests.integration._library import get_resource, library_client

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("name", ["basic", "post"])
def test_password_grant_then_refresh(authorization_server: AuthorizationServer, name: str):
    alice = authorization_server.users["alice"]
    with library_client(authorization_server, name) as client:
        token = client.resource_owner_password(alice.username, alice.password, scope="api:read")
        assert isinstance(token, BearerToken)
        assert token.refresh_token
        assert token.scope == "api:read"
        described = get_resource(authorization_server, token).json()
        assert described["sub"] == "alice"
        assert described["client_id"] == authorization_server.clients[name].client_id

        refreshed = client.refresh_token(token)
        assert refreshed.access_token != token.access_token
        assert refreshed.refresh_token
        assert refreshed.refresh_token != token.refresh_token
        assert get_resource(authorization_server, refreshed).json()["sub"] == "alice"


def test_wrong_password_is_invalid_grant(authorization_server: AuthorizationServer):
    bob = authorization_server.users["bob"]
    with library_client(authorization_server, "post") as client:
        with pytest.raises(InvalidGrant) as caught:
            client.resource_owner_password(bob.username, "not-bobs-password")
        assert caught.value.error == "invalid_grant"
        assert "not-bobs-password" not in str(caught.value)
        assert "not-bobs-password" not in repr(caught.value)
        # The right password still works after a failure.
        assert client.resource_owner_password(bob.username, bob.password).access_token
