"""ApiClient against the test Authorization Server's protected resource."""

from __future__ import annotations

import pytest
import requests

from oauth2core import ApiClient, BearerAuth, BearerToken, InvalidPathParam
from tests.integration._authorization_server import AuthorizationServer
from tests.integration._library import TIMEOUT, library_client

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def token(authorization_server: AuthorizationServer) -> BearerToken:
    client = library_client(authorization_server, "basic")
    token = client.client_credentials(
        scope="api:read", resource=authorization_server.resource_indicator
    )
    assert isinstance(token, BearerToken)
    return token


@pytest.fixture
def api(authorization_server: AuthorizationServer, token: BearerToken):
    with ApiClient(authorization_server.resource_indicator, token, timeout=TIMEOUT) as client:
        yield client


def test_get_the_protected_resource(authorization_server, api, token):
    response = api.get("resource")
    described = response.json()
    assert described["active"] is True
    assert described["client_id"] == authorization_server.clients["basic"].client_id
    assert described["aud"] == authorization_server.resource_indicator
    assert described["token_type"] == "Bearer"
    assert response.request.headers["Authorization"] == f"Bearer {token.access_token}"


def test_sub_client_keeps_the_token(authorization_server, api):
    echo = api.echo
    assert echo.base_url == authorization_server.echo_url
    described = echo.post(params={"flag": True, "q": "a b"}, json={"x": 1, "gone": None}).json()
    assert described["active"] is True
    assert described["method"] == "POST"
    assert described["path"] == "/api/echo"
    assert described["query"] == {"flag": "true", "q": "a b"}
    assert described["body"] == '{"x": 1}'
    assert described["content_type"] == "application/json"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_any_method_through_path_parts(api, method):
    described = getattr(api, method)(["echo"], data={"a": "1", "b": False}).json()
    assert described["method"] == method.upper()
    assert described["body"] == "a=1&b=false"


def test_refused_token_raises_http_error_401(authorization_server):
    with ApiClient(
        authorization_server.resource_indicator, BearerAuth("not-a-valid-token"), timeout=TIMEOUT
    ) as api:
        with pytest.raises(requests.HTTPError) as info:
            api.get("resource")
        response = info.value.response
        assert response is not None
        assert response.status_code == 401
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
        assert "not-a-valid-token" not in str(info.value)
        assert api.get("resource", raise_for_status=False).status_code == 401


def test_no_token_outside_base_url(authorization_server, api):
    # the userinfo endpoint is on the same host, outside /api: the token is not sent
    response = api.get(authorization_server.url("/me"), raise_for_status=False)
    assert "Authorization" not in response.request.headers
    assert response.status_code in (400, 401)


def test_full_url_under_base_url_gets_the_token(authorization_server, api):
    assert api.get(authorization_server.resource_url).json()["active"] is True


def test_escaping_path_is_refused_before_sending(api):
    with pytest.raises(InvalidPathParam):
        api.get("../token")
    with pytest.raises(InvalidPathParam):
        api.get(["%2e%2e", "token"])
