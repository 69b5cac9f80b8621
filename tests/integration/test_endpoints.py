"""End to end: discovery, revocation, introspection, userinfo and token exchange."""

from __future__ import annotations

import pytest

import oauth2core
from oauth2core import (
    InvalidDiscoveryDocument,
    IssuedToken,
    OAuth2Client,
    UserinfoError,
)
from tests.integration._authorization_server import AuthorizationServer
from tests.integration._library import get_resource, secret_of


def discovered(server: AuthorizationServer, name: str = "basic") -> OAuth2Client:
    config = server.clients[name]
    return OAuth2Client.from_discovery_endpoint(
        issuer=server.issuer,
        client_id=config.client_id,
        client_secret=secret_of(config),
        token_endpoint_auth_method=config.auth_method,
    )


def test_discovery_takes_every_endpoint(authorization_server):
    with discovered(authorization_server) as client:
        metadata = authorization_server.discovery
        assert client.issuer == metadata["issuer"]
        for name in OAuth2Client.ENDPOINTS:
            assert getattr(client, name) == metadata.get(name), name
        assert client.device_authorization_endpoint is not None
        assert client.backchannel_authentication_endpoint is not None
        assert client.metadata["authorization_response_iss_parameter_supported"] is True


def test_discovery_refuses_another_issuer(authorization_server):
    url = oauth2core.oidc_discovery_document_url(authorization_server.issuer)
    with pytest.raises(InvalidDiscoveryDocument, match="not the expected"):
        OAuth2Client.from_discovery_endpoint(url, issuer=authorization_server.issuer + "/other")


def test_discovery_of_a_missing_document_is_typed(authorization_server):
    url = oauth2core.oauth2_discovery_document_url(authorization_server.issuer + "/nope")
    with pytest.raises(InvalidDiscoveryDocument) as caught:
        OAuth2Client.from_discovery_endpoint(url)
    assert caught.value.response is not None
    assert caught.value.response.status_code == 404


def test_introspection_then_revocation(authorization_server):
    with discovered(authorization_server) as client:
        token = client.client_credentials(
            scope="api:read", resource=authorization_server.resource_indicator
        )
        assert get_resource(authorization_server, token).status_code == 200
        introspection = client.introspect_token(token)
        assert introspection["active"] is True
        assert introspection["client_id"] == authorization_server.clients["basic"].client_id
        assert introspection["scope"] == "api:read"

        assert client.revoke_access_token(token) is True
        assert client.introspect_token(token.access_token)["active"] is False
        assert get_resource(authorization_server, token).status_code == 401


def test_refresh_token_revocation(authorization_server):
    config = authorization_server.clients["web"]
    with (
        OAuth2Client.from_discovery_endpoint(
            issuer=authorization_server.issuer,
            auth=(config.client_id, secret_of(config)),
            token_endpoint_auth_method=None,
            redirect_uri=config.redirect_uri,
        ) as client,
        authorization_server.user_agent() as ua,
    ):
        request = client.authorization_request(scope="openid offline_access")
        response = request.validate_callback(ua.authorize(request.uri))
        token = client.authorization_code(response)
        assert token.refresh_token
        assert client.revoke_refresh_token(token) is True
        with pytest.raises(oauth2core.InvalidGrant):
            client.refresh_token(token)


def test_userinfo_with_a_code_flow_token(authorization_server):
    config = authorization_server.clients["web"]
    with (
        OAuth2Client.from_discovery_endpoint(
            issuer=authorization_server.issuer,
            auth=(config.client_id, secret_of(config)),
            redirect_uri=config.redirect_uri,
        ) as client,
        authorization_server.user_agent() as ua,
    ):
        request = client.authorization_request(scope="openid email")
        response = request.validate_callback(ua.authorize(request.uri, user="bob"))
        token = client.authorization_code(response)
        claims = client.userinfo(token)
        assert claims["sub"] == "bob"
        assert claims["email"] == authorization_server.users["bob"].email
        assert client.userinfo(token.access_token)["sub"] == "bob"
        with pytest.raises(UserinfoError) as caught:
            client.userinfo("not-a-token")
        assert caught.value.error == "invalid_token"
        assert caught.value.response is not None
        assert caught.value.response.status_code == 401


def test_token_exchange(authorization_server):
    with discovered(authorization_server) as client:
        subject = client.client_credentials(scope="api:read api:write")
        exchanged = client.token_exchange(subject, scope="api:read")
        assert exchanged.access_token != subject.access_token
        assert exchanged.issued_token_type == "urn:ietf:params:oauth:token-type:access_token"
        assert exchanged.scope == "api:read"
        assert not isinstance(exchanged, IssuedToken)
        with pytest.raises(oauth2core.InvalidGrant):
            client.token_exchange("garbage", "access_token")
