"""DPoP (RFC 9449) end to end against the test Authorization Server.

Client ``dpop`` must use DPoP and the server always demands a nonce, at the token
endpoint and at the protected resource (which shares the server's nonces: same origin).
No ID-token validator plugin exists yet: flows with ``openid`` pass
``SKIP_ID_TOKEN_VALIDATION``; drop it when oauth2core-oidc lands.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

import oauth2core
from oauth2core import (
    SKIP_ID_TOKEN_VALIDATION,
    ClientSecretBasic,
    EndpointError,
    OAuth2Client,
    OAuth2ClientCredentialsAuth,
)
from oauth2core_tokentype_dpop import (
    DPoPKey,
    DPoPNonceCache,
    DPoPToken,
    DPoPTokenSerializer,
)
from tests.integration._authorization_server import AuthorizationServer, UserAgent
from tests.integration._library import TIMEOUT, get_resource, secret_of

pytestmark = pytest.mark.integration


def dpop_client(server: AuthorizationServer, name: str = "dpop", **kwargs: Any) -> OAuth2Client:
    """A client for static client ``name``, configured from the server metadata."""
    config = server.clients[name]
    kwargs.setdefault("redirect_uri", config.redirect_uri)
    return OAuth2Client.from_discovery_document(
        server.discovery,
        server.issuer,
        auth=ClientSecretBasic(config.client_id, secret_of(config)),
        **kwargs,
    )


@pytest.fixture
def client(authorization_server: AuthorizationServer) -> Iterator[OAuth2Client]:
    with dpop_client(authorization_server, dpop_bound_access_tokens=True) as client:
        yield client


@pytest.fixture
def key() -> DPoPKey:
    """A key with a nonce cache of its own, so that each test starts without a nonce."""
    return DPoPKey.generate(nonces=DPoPNonceCache())


@pytest.fixture
def user_agent(authorization_server: AuthorizationServer) -> Iterator[UserAgent]:
    with authorization_server.user_agent() as ua:
        yield ua


def test_client_credentials_with_dpop_and_an_as_nonce(
    authorization_server: AuthorizationServer, client: OAuth2Client, key: DPoPKey
):
    client_id = authorization_server.clients["dpop"].client_id
    before = authorization_server.token_request_count(client_id)

    token = client.client_credentials(scope="api:read", dpop_key=key)

    assert isinstance(token, DPoPToken)
    assert token.token_type == "DPoP"
    assert token.dpop_key is key
    # the first proof had no nonce: use_dpop_nonce, then the one retry with it
    assert authorization_server.token_request_count(client_id) == before + 2
    assert key.nonces.get(authorization_server.token_endpoint) is not None

    introspection = client.introspect_token(token)
    assert introspection["active"] is True
    assert introspection["cnf"] == {"jkt": key.thumbprint}


def test_the_client_default_generates_one_key_and_binds_the_token(
    authorization_server: AuthorizationServer, client: OAuth2Client
):
    token = client.client_credentials(scope="api:read")
    assert isinstance(token, DPoPToken)
    assert client.introspect_token(token)["cnf"]["jkt"] == token.dpop_key.thumbprint


def test_dpop_is_required_for_this_client(authorization_server: AuthorizationServer):
    with dpop_client(authorization_server) as plain, pytest.raises(EndpointError) as refused:
        plain.client_credentials(scope="api:read")
    assert refused.value.error in ("invalid_grant", "invalid_dpop_proof")


def test_the_resource_demands_its_nonce_first(
    authorization_server: AuthorizationServer, client: OAuth2Client, key: DPoPKey
):
    token = client.client_credentials(scope="api:read", dpop_key=key)
    key.nonces.clear()  # forget the token endpoint's nonce: the resource asks for one

    response = get_resource(authorization_server, token)

    assert response.status_code == 200
    assert [r.status_code for r in response.history] == [401]
    challenge = response.history[0].headers["WWW-Authenticate"]
    assert challenge.startswith("DPoP ")
    assert 'error="use_dpop_nonce"' in challenge
    described = response.json()
    assert described["token_type"] == "DPoP"
    assert described["cnf"] == {"jkt": key.thumbprint}

    # the nonce is cached for the origin: the next request is accepted at once
    again = get_resource(authorization_server, token)
    assert again.status_code == 200
    assert again.history == []


def test_the_token_endpoint_nonce_works_at_the_resource_of_the_same_origin(
    authorization_server: AuthorizationServer, client: OAuth2Client, key: DPoPKey
):
    token = client.client_credentials(scope="api:read", dpop_key=key)
    response = get_resource(authorization_server, token)
    assert response.status_code == 200
    assert response.history == []


def test_a_bearer_use_of_the_dpop_token_is_refused(
    authorization_server: AuthorizationServer, client: OAuth2Client
):
    token = client.client_credentials(scope="api:read")
    with requests.Session() as http:
        refused = http.get(
            authorization_server.resource_url,
            headers={"Authorization": f"Bearer {token.access_token}"},
            timeout=TIMEOUT,
        )
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("DPoP ")


def test_a_handler_renews_dpop_tokens_for_resource_requests(
    authorization_server: AuthorizationServer, client: OAuth2Client
):
    auth = OAuth2ClientCredentialsAuth(client, scope="api:read")
    first = get_resource(authorization_server, auth)
    assert first.status_code == 200
    assert first.json()["token_type"] == "DPoP"
    token = auth.token
    assert isinstance(token, DPoPToken)

    renewed = auth.renew_token()
    assert isinstance(renewed, DPoPToken)
    assert renewed.access_token != token.access_token
    assert renewed.dpop_key is token.dpop_key  # the renewal kept the key
    second = get_resource(authorization_server, auth)
    assert second.json()["cnf"] == {"jkt": token.dpop_key.thumbprint}


def test_api_client_sends_dpop_tokens(
    authorization_server: AuthorizationServer, client: OAuth2Client, key: DPoPKey
):
    api_client = vars(oauth2core).get("ApiClient")
    if api_client is None:  # pragma: no cover - for an oauth2core without ApiClient yet
        pytest.skip("this oauth2core has no ApiClient")
    token = client.client_credentials(scope="api:read api:write", dpop_key=key)
    key.nonces.clear()
    with api_client(authorization_server.resource_indicator, token, timeout=TIMEOUT) as api:
        described = api.post("echo", params={"q": "1"}, json={"a": 1}).json()
    assert described["method"] == "POST"
    assert described["token_type"] == "DPoP"
    assert described["cnf"] == {"jkt": key.thumbprint}


def test_authorization_code_with_dpop_jkt_then_userinfo_and_refresh_with_the_same_key(
    authorization_server: AuthorizationServer, client: OAuth2Client, user_agent: UserAgent
):
    request = client.authorization_request(scope="openid profile offline_access", dpop=True)
    key = request.options["dpop_key"]
    assert isinstance(key, DPoPKey)
    assert parse_qs(urlsplit(request.uri).query)["dpop_jkt"] == [key.thumbprint]
    response = request.validate_callback(user_agent.authorize(request.uri))

    token = client.authorization_code(response, id_token_validation=SKIP_ID_TOKEN_VALIDATION)

    assert isinstance(token, DPoPToken)
    assert token.dpop_key is key
    assert token.refresh_token
    assert client.introspect_token(token)["cnf"] == {"jkt": key.thumbprint}

    key.nonces.clear()  # userinfo asks for its nonce, and gets the one retry
    claims = client.userinfo(token)
    assert claims["sub"] == "alice"
    assert claims["name"] == authorization_server.users["alice"].name

    refreshed = client.refresh_token(token, id_token_validation=SKIP_ID_TOKEN_VALIDATION)
    assert isinstance(refreshed, DPoPToken)
    assert refreshed.dpop_key is key
    assert refreshed.access_token != token.access_token
    assert client.introspect_token(refreshed)["cnf"] == {"jkt": key.thumbprint}
    assert get_resource(authorization_server, refreshed).json()["sub"] == "alice"


def test_a_code_bound_by_dpop_jkt_refuses_another_key(
    authorization_server: AuthorizationServer, client: OAuth2Client, user_agent: UserAgent
):
    request = client.authorization_request(scope="profile", dpop=True)
    response = request.validate_callback(user_agent.authorize(request.uri))
    with pytest.raises(EndpointError) as refused:
        client.authorization_code(response, dpop_key=DPoPKey.generate())
    assert refused.value.error in ("invalid_grant", "invalid_dpop_proof")


def test_par_with_dpop_binds_the_code_to_the_key(
    authorization_server: AuthorizationServer, client: OAuth2Client, user_agent: UserAgent
):
    key = DPoPKey.generate("PS256", nonces=DPoPNonceCache())
    request = client.authorization_request(scope="profile", dpop_key=key)
    pushed = client.pushed_authorization_request(request)
    response = pushed.validate_callback(user_agent.authorize(pushed.uri))

    token = client.authorization_code(response)

    assert isinstance(token, DPoPToken)
    assert token.dpop_key is key
    assert client.introspect_token(token)["cnf"] == {"jkt": key.thumbprint}
    assert get_resource(authorization_server, token).json()["sub"] == "alice"


def test_par_of_a_client_bound_by_default_binds_the_code_to_a_new_key(
    authorization_server: AuthorizationServer, client: OAuth2Client, user_agent: UserAgent
):
    request = client.authorization_request(scope="profile")
    assert "dpop_jkt" not in request.args
    pushed = client.pushed_authorization_request(request)
    key = pushed.options["dpop_key"]
    response = pushed.validate_callback(user_agent.authorize(pushed.uri))

    token = client.authorization_code(response)

    assert token.dpop_key is key
    assert client.introspect_token(token)["cnf"] == {"jkt": key.thumbprint}


def test_a_code_bound_by_the_par_proof_refuses_another_key(
    authorization_server: AuthorizationServer, client: OAuth2Client, user_agent: UserAgent
):
    pushed = client.pushed_authorization_request(client.authorization_request(scope="profile"))
    response = pushed.validate_callback(user_agent.authorize(pushed.uri))
    with pytest.raises(EndpointError) as refused:
        client.authorization_code(response, dpop_key=DPoPKey.generate())
    assert refused.value.error in ("invalid_grant", "invalid_dpop_proof")


@pytest.mark.parametrize("alg", ["ES384", "RS256", "EdDSA"])
def test_other_algorithms(authorization_server: AuthorizationServer, client: OAuth2Client, alg):
    key = DPoPKey.generate(alg)
    token = client.client_credentials(scope="api:read", dpop_key=key)
    assert get_resource(authorization_server, token).json()["cnf"] == {"jkt": key.thumbprint}


def test_a_serialized_token_keeps_working(
    authorization_server: AuthorizationServer, client: OAuth2Client
):
    token = client.client_credentials(scope="api:read")
    serializer = DPoPTokenSerializer()
    loaded = serializer.loads(serializer.dumps(token))
    assert get_resource(authorization_server, loaded).json()["cnf"] == {
        "jkt": token.dpop_key.thumbprint
    }


def test_a_stale_nonce_is_replaced_by_the_servers_in_one_retry(
    authorization_server: AuthorizationServer, client: OAuth2Client, key: DPoPKey
):
    client_id = authorization_server.clients["dpop"].client_id
    key.nonces.put(authorization_server.token_endpoint, "stale-nonce")
    before = authorization_server.token_request_count(client_id)
    token = client.client_credentials(scope="api:read", dpop_key=key)
    assert isinstance(token, DPoPToken)
    assert authorization_server.token_request_count(client_id) == before + 2
    assert key.nonces.get(authorization_server.token_endpoint) != "stale-nonce"
