"""Authorization code + PKCE, refresh rotation and PAR through OAuth2Client.

ID tokens are validated for real (oauth2core-oidc); one test shows that
``SKIP_ID_TOKEN_VALIDATION`` still keeps an ID token unverified when asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from oauth2core import (
    SKIP_ID_TOKEN_VALIDATION,
    AuthorizationRequest,
    AuthorizationResponse,
    AuthorizationResponseError,
    BearerToken,
    InvalidGrant,
    MismatchingState,
    OAuth2Client,
    RequestUriParameterAuthorizationRequest,
)
from oauth2core_oidc import IdToken
from tests.integration._authorization_server import AuthorizationServer, UserAgent
from tests.integration._library import get_resource, library_client

pytestmark = pytest.mark.integration


def code_client(server: AuthorizationServer, name: str = "web", **kwargs: Any) -> OAuth2Client:
    config = server.clients[name]
    return library_client(
        server,
        name,
        authorization_endpoint=server.authorization_endpoint,
        redirect_uri=config.redirect_uri,
        issuer=server.issuer,
        **kwargs,
    )


@pytest.fixture
def web(authorization_server: AuthorizationServer) -> Iterator[OAuth2Client]:
    with code_client(authorization_server) as client:
        yield client


@pytest.fixture
def user_agent(authorization_server: AuthorizationServer) -> Iterator[UserAgent]:
    with authorization_server.user_agent() as ua:
        yield ua


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def authorize(
    client: OAuth2Client, ua: UserAgent, scope: str = "openid profile"
) -> tuple[AuthorizationRequest, AuthorizationResponse]:
    request = client.authorization_request(scope=scope)
    callback = ua.authorize(request.uri)
    return request, request.validate_callback(callback)


def test_authorization_request_uses_pkce_s256_state_and_nonce(
    authorization_server: AuthorizationServer, web: OAuth2Client
):
    request = web.authorization_request(scope="openid profile")
    sent = query(request.uri)
    assert request.uri.startswith(authorization_server.authorization_endpoint + "?")
    assert sent["client_id"] == [authorization_server.clients["web"].client_id]
    assert sent["response_type"] == ["code"]
    assert sent["redirect_uri"] == [authorization_server.clients["web"].redirect_uri]
    assert sent["scope"] == ["openid profile"]
    assert sent["code_challenge_method"] == ["S256"]
    assert sent["code_challenge"][0] != request.code_verifier
    assert len(sent["state"][0]) >= 32
    assert len(sent["nonce"][0]) >= 32


def test_code_flow_with_pkce(
    authorization_server: AuthorizationServer, web: OAuth2Client, user_agent: UserAgent
):
    request, response = authorize(web, user_agent)
    assert response.iss == authorization_server.issuer
    assert response.code_verifier == request.code_verifier
    assert response.redirect_uri == authorization_server.clients["web"].redirect_uri
    assert response.code not in repr(response)

    token = web.authorization_code(response)
    assert isinstance(token, BearerToken)
    assert token.refresh_token
    assert isinstance(token.id_token, IdToken)
    assert token.id_token.subject == "alice"
    assert token.scope is not None
    assert set(token.scope.split()) == {"openid", "profile"}
    for secret in (token.access_token, token.refresh_token, token.id_token):
        assert secret not in repr(token)

    described = get_resource(authorization_server, token).json()
    assert described["sub"] == "alice"
    assert described["client_id"] == authorization_server.clients["web"].client_id


def test_skip_id_token_validation_still_keeps_the_id_token_unverified(
    web: OAuth2Client, user_agent: UserAgent
):
    _, response = authorize(web, user_agent)
    token = web.authorization_code(response, id_token_validation=SKIP_ID_TOKEN_VALIDATION)
    assert isinstance(token.id_token, str)
    assert not isinstance(token.id_token, IdToken)
    refreshed = web.refresh_token(token, id_token_validation=SKIP_ID_TOKEN_VALIDATION)
    assert not isinstance(refreshed.id_token, IdToken)


def test_without_openid_there_is_no_id_token_and_no_sentinel_is_needed(
    web: OAuth2Client, user_agent: UserAgent
):
    request, response = authorize(web, user_agent, scope="api:read")
    assert request.nonce is None
    token = web.authorization_code(response)
    assert token.id_token is None
    assert token.scope == "api:read"


def test_refresh_rotates_and_the_old_refresh_token_is_refused(
    authorization_server: AuthorizationServer, web: OAuth2Client, user_agent: UserAgent
):
    _, response = authorize(web, user_agent)
    token = web.authorization_code(response)

    refreshed = web.refresh_token(token)  # its new ID token is checked against the original
    assert isinstance(refreshed.id_token, IdToken)
    assert refreshed.access_token != token.access_token
    assert refreshed.refresh_token
    assert refreshed.refresh_token != token.refresh_token
    assert get_resource(authorization_server, refreshed).json()["sub"] == "alice"

    with pytest.raises(InvalidGrant) as replay:
        web.refresh_token(token.refresh_token)
    assert replay.value.error == "invalid_grant"
    assert token.refresh_token not in str(replay.value)
    # Replaying a consumed refresh token revokes the whole grant, the new tokens included.
    assert get_resource(authorization_server, refreshed).status_code == 401
    with pytest.raises(InvalidGrant):
        web.refresh_token(refreshed)


def test_a_forged_state_is_refused(web: OAuth2Client, user_agent: UserAgent):
    request = web.authorization_request(scope="openid")
    callback = user_agent.authorize(request.uri)
    other = web.authorization_request(scope="openid")
    with pytest.raises(MismatchingState):
        other.validate_callback(callback)
    # The genuine request still accepts its own callback.
    assert request.validate_callback(callback).code


def test_pushed_authorization_request(
    authorization_server: AuthorizationServer, user_agent: UserAgent
):
    config = authorization_server.clients["par"]
    with code_client(
        authorization_server,
        "par",
        pushed_authorization_request_endpoint=authorization_server.endpoint(
            "pushed_authorization_request"
        ),
    ) as client:
        request = client.authorization_request(scope="openid profile")
        # This client must use PAR: the server refuses the plain request.
        with pytest.raises(AuthorizationResponseError) as refused:
            request.validate_callback(user_agent.authorize(request.uri))
        assert refused.value.error == "invalid_request"

        par = client.pushed_authorization_request(request)
        assert isinstance(par, RequestUriParameterAuthorizationRequest)
        assert set(query(par.uri)) == {"client_id", "request_uri"}
        assert query(par.uri)["client_id"] == [config.client_id]
        assert par.request_uri.startswith("urn:ietf:params:oauth:request_uri:")

        callback = user_agent.authorize(par.uri)
        response = par.validate_callback(callback)
        assert response.iss == authorization_server.issuer
        assert response.code_verifier == request.code_verifier
        token = client.authorization_code(response)
    assert isinstance(token.id_token, IdToken)
    described = get_resource(authorization_server, token).json()
    assert described["sub"] == "alice"
    assert described["client_id"] == config.client_id
