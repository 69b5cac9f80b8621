"""Client credentials through OAuth2Client against the test Authorization Server."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from urllib.parse import parse_qs

import pytest
import requests

import oauth2core
from oauth2core import (
    BearerToken,
    ClientSecretBasic,
    ClientSecretPost,
    ExpiredAccessToken,
    InvalidClient,
    InvalidTarget,
    OAuth2Client,
)
from tests.integration._authorization_server import AuthorizationServer
from tests.integration._library import (
    TIMEOUT,
    get_resource,
    get_resource_with_bearer,
    library_client,
    secret_of,
)

pytestmark = pytest.mark.integration

ClientFactory = Callable[[AuthorizationServer], OAuth2Client]


def _basic_auth_object(server: AuthorizationServer) -> OAuth2Client:
    config = server.clients["basic"]
    return OAuth2Client(
        server.token_endpoint, auth=ClientSecretBasic(config.client_id, secret_of(config))
    )


def _basic_by_method(server: AuthorizationServer) -> OAuth2Client:
    config = server.clients["basic"]
    return OAuth2Client(
        server.token_endpoint,
        client_id=config.client_id,
        client_secret=secret_of(config),
        token_endpoint_auth_method="client_secret_basic",
    )


def _post_tuple(server: AuthorizationServer) -> OAuth2Client:
    config = server.clients["post"]
    return OAuth2Client(server.token_endpoint, auth=(config.client_id, secret_of(config)))


def _post_keywords(server: AuthorizationServer) -> OAuth2Client:
    config = server.clients["post"]
    return OAuth2Client(
        server.token_endpoint, client_id=config.client_id, client_secret=secret_of(config)
    )


CLIENTS: dict[str, tuple[str, type[oauth2core.BaseClientAuthenticationMethod], ClientFactory]] = {
    "basic-auth-object": ("basic", ClientSecretBasic, _basic_auth_object),
    "basic-auth-method": ("basic", ClientSecretBasic, _basic_by_method),
    "post-tuple": ("post", ClientSecretPost, _post_tuple),
    "post-keywords": ("post", ClientSecretPost, _post_keywords),
}


@pytest.mark.parametrize("variant", sorted(CLIENTS))
def test_client_credentials_token_works_at_the_resource(
    authorization_server: AuthorizationServer, variant: str
):
    name, auth_class, factory = CLIENTS[variant]
    config = authorization_server.clients[name]
    with factory(authorization_server) as client:
        assert type(client.auth) is auth_class
        token = client.client_credentials(scope="api:read")

    assert isinstance(token, BearerToken)
    assert token.token_type == "Bearer"
    assert token.scope == "api:read"
    assert token.expires_in is not None
    assert 3590 <= token.expires_in <= 3600
    assert token.is_expired() is False
    assert token.refresh_token is None
    assert str(token) == token.access_token
    assert token.access_token not in repr(token)

    resource = get_resource(authorization_server, token)
    assert resource.status_code == 200, resource.text
    described = resource.json()
    assert described["client_id"] == config.client_id
    assert described["scope"] == "api:read"
    assert described["token_type"] == "Bearer"
    assert "sub" not in described
    assert "aud" not in described


def test_scope_as_an_iterable(authorization_server: AuthorizationServer):
    with library_client(authorization_server, "basic") as client:
        token = client.client_credentials(scope=["api:read", "api:write"])
    assert set(token.scope.split()) == {"api:read", "api:write"}
    assert set(get_resource(authorization_server, token).json()["scope"].split()) == {
        "api:read",
        "api:write",
    }


@pytest.mark.parametrize("name", ["basic", "post"])
def test_resource_indicator(authorization_server: AuthorizationServer, name: str):
    indicator = authorization_server.resource_indicator
    with library_client(authorization_server, name) as client:
        token = client.client_credentials(scope="api:read", resource=indicator)
        as_a_list = client.client_credentials(scope="api:write", resource=[indicator])
        with pytest.raises(InvalidTarget) as caught:
            client.client_credentials(resource="http://127.0.0.1:1/unknown")

    described = get_resource(authorization_server, token).json()
    assert described["aud"] == indicator
    assert described["scope"] == "api:read"
    assert get_resource(authorization_server, as_a_list).json()["aud"] == indicator
    assert caught.value.error == "invalid_target"
    assert caught.value.status_code == 400
    assert caught.value.response is not None
    assert caught.value.response.status_code == 400


@pytest.mark.parametrize("name", ["basic", "post"])
def test_wrong_secret_is_invalid_client_without_leaking_it(
    authorization_server: AuthorizationServer, name: str
):
    config = authorization_server.clients[name]
    wrong = "wrong-secret-that-must-never-be-shown-0123456789"
    auth = (
        ClientSecretBasic(config.client_id, wrong)
        if config.auth_method == "client_secret_basic"
        else ClientSecretPost(config.client_id, wrong)
    )
    with OAuth2Client(authorization_server.token_endpoint, auth) as client:
        with pytest.raises(InvalidClient) as caught:
            client.client_credentials(scope="api:read")
        assert wrong not in repr(client)

    error = caught.value
    assert isinstance(error, oauth2core.EndpointError)
    assert isinstance(error, oauth2core.OAuth2Error)
    assert error.error == "invalid_client"
    assert error.status_code == 401
    assert isinstance(error.response, requests.Response)
    assert error.response.status_code == 401
    assert error.response.json()["error"] == "invalid_client"
    for text in (str(error), repr(error), repr(error.args), repr(auth)):
        assert wrong not in text
        assert secret_of(config) not in text


@pytest.mark.parametrize("variant", sorted(CLIENTS))
def test_client_authentication_on_the_wire(authorization_server: AuthorizationServer, variant: str):
    # The server accepts either secret method for any secret client, so check what was
    # actually sent: the credentials go in exactly one place.
    name, auth_class, factory = CLIENTS[variant]
    config = authorization_server.clients[name]
    sent: list[requests.PreparedRequest] = []
    with factory(authorization_server) as client:
        client.session.hooks["response"].append(lambda r, **_: sent.append(r.request))
        client.client_credentials(scope="api:read")
    assert len(sent) == 1
    form = parse_qs(str(sent[0].body))
    assert form["grant_type"] == ["client_credentials"]
    assert form["scope"] == ["api:read"]
    if auth_class is ClientSecretBasic:
        expected = base64.b64encode(f"{config.client_id}:{secret_of(config)}".encode()).decode()
        assert sent[0].headers["Authorization"] == f"Basic {expected}"
        assert "client_secret" not in form
        assert "client_id" not in form
    else:
        assert "Authorization" not in sent[0].headers
        assert form["client_id"] == [config.client_id]
        assert form["client_secret"] == [secret_of(config)]


def test_garbage_and_revoked_tokens_are_refused(authorization_server: AuthorizationServer):
    assert get_resource_with_bearer(authorization_server, "garbage").status_code == 401
    garbage = get_resource(authorization_server, BearerToken("garbage"))
    assert garbage.status_code == 401
    assert 'error="invalid_token"' in garbage.headers["WWW-Authenticate"]

    with library_client(
        authorization_server,
        "basic",
        revocation_endpoint=authorization_server.endpoint("revocation"),
    ) as client:
        token = client.client_credentials(scope="api:read")
        assert get_resource(authorization_server, token).status_code == 200
        assert client.revoke_access_token(token) is True
    refused = get_resource(authorization_server, token)
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_short_lived_token_expires(authorization_server: AuthorizationServer):
    with library_client(authorization_server, "short_lived") as client:
        token = client.client_credentials()
    assert token.expires_in is not None
    assert 0 < token.expires_in <= 2
    assert token.is_expired() is False
    assert token.is_expired(leeway=5) is True
    assert get_resource(authorization_server, token).status_code == 200

    # The library counts the lifetime from when the response arrived, so its deadline is
    # never before the server's (whose `exp` is whole seconds, from the second it issued).
    deadline = time.monotonic() + 4
    while not token.is_expired():
        assert time.monotonic() < deadline, "the token never expired"
        time.sleep(0.05)
    assert token.expires_in == 0
    with requests.Session() as http, pytest.raises(ExpiredAccessToken):
        http.get(authorization_server.resource_url, auth=token, timeout=TIMEOUT)
    refused = get_resource_with_bearer(authorization_server, token.access_token)
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
