"""The built-in grants over mocked HTTP: what is sent, and what comes back."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs

import pytest
import responses

from oauth2core import (
    AuthorizationResponse,
    BearerToken,
    ClientSecretBasic,
    FeatureNotInstalled,
    UnexpectedRedirect,
)

ACCESS = "at-value-123"
REFRESH = "rt-value-456"
SECRET = "client-secret-789"
TOKEN_RESPONSE = {
    "access_token": ACCESS,
    "token_type": "Bearer",
    "expires_in": 3600,
    "refresh_token": REFRESH,
    "scope": "read write",
}


def sent_form(call: responses.Call) -> dict[str, list[str]]:
    body = call.request.body
    text = body.decode() if isinstance(body, bytes) else body if isinstance(body, str) else ""
    return parse_qs(text, keep_blank_values=True)


@pytest.fixture
def client(make_client):
    return make_client(("client-1", SECRET))


@pytest.fixture
def token_endpoint(mock_http, endpoints):
    """The token endpoint answers one successful token response."""
    mock_http.post(endpoints.token, json=TOKEN_RESPONSE)
    return mock_http


def test_client_credentials(client, token_endpoint):
    token = client.client_credentials(scope="read write")
    assert isinstance(token, BearerToken)
    assert token.access_token == ACCESS
    assert token.refresh_token == REFRESH
    assert token.scope == "read write"
    assert token.expires_in is not None
    assert 3599 <= token.expires_in <= 3600
    (call,) = token_endpoint.calls
    assert call.request.method == "POST"
    assert sent_form(call) == {
        "grant_type": ["client_credentials"],
        "scope": ["read write"],
        "client_id": ["client-1"],
        "client_secret": [SECRET],
    }
    assert call.request.headers["Accept"] == "application/json"
    assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in call.request.headers


@pytest.mark.parametrize("scope", [["read", "write"], ("read", "write"), iter(["read", "write"])])
def test_scope_as_an_iterable(client, token_endpoint, scope):
    client.client_credentials(scope=scope)
    assert sent_form(token_endpoint.calls[0])["scope"] == ["read write"]


def test_no_scope_sends_no_scope(client, token_endpoint):
    client.client_credentials()
    assert "scope" not in sent_form(token_endpoint.calls[0])


@pytest.mark.parametrize("scope", [42, ["read", 1]])
def test_scope_of_the_wrong_type(client, mock_http, scope):
    with pytest.raises(TypeError, match="scope"):
        client.client_credentials(scope=scope)
    assert len(mock_http.calls) == 0


def test_extra_params_and_none_values(client, token_endpoint):
    client.client_credentials(
        scope="read", audience="https://api.example.com", resource=None, max_age=300
    )
    form = sent_form(token_endpoint.calls[0])
    assert form["audience"] == ["https://api.example.com"]
    assert form["max_age"] == ["300"]
    assert "resource" not in form


def test_boolean_params_are_refused(client, mock_http):
    with pytest.raises(TypeError, match="flag"):
        client.client_credentials(flag=True)
    assert len(mock_http.calls) == 0


@pytest.mark.parametrize("option", ["dpop", "dpop_key"])
def test_options_of_absent_plugins_fail_closed(client, mock_http, option):
    with pytest.raises(FeatureNotInstalled, match=r"oauth2core\[dpop\]"):
        client.client_credentials(**{option: True})
    assert len(mock_http.calls) == 0


def test_undeclared_token_request_option(client, mock_http):
    with pytest.raises(TypeError, match="bogus"):
        client.token_request({"grant_type": "client_credentials"}, bogus=1)
    assert len(mock_http.calls) == 0


def test_client_secret_basic_is_applied(make_client, token_endpoint):
    client = make_client(ClientSecretBasic("client-1", SECRET))
    client.client_credentials()
    request = token_endpoint.calls[0].request
    expected = base64.b64encode(f"client-1:{SECRET}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert sent_form(token_endpoint.calls[0]) == {"grant_type": ["client_credentials"]}


def test_public_client_sends_only_its_id(make_client, token_endpoint):
    make_client("public-client").client_credentials()
    assert sent_form(token_endpoint.calls[0]) == {
        "grant_type": ["client_credentials"],
        "client_id": ["public-client"],
    }


def test_client_without_auth_sends_the_bare_form(make_client, token_endpoint):
    make_client(None).client_credentials()
    assert sent_form(token_endpoint.calls[0]) == {"grant_type": ["client_credentials"]}
    assert "Authorization" not in token_endpoint.calls[0].request.headers


def test_redirects_are_not_followed(client, mock_http, endpoints):
    mock_http.post(
        endpoints.token, status=302, headers={"Location": "https://elsewhere.example.com/token"}
    )
    with pytest.raises(UnexpectedRedirect, match="302") as excinfo:
        client.client_credentials()
    assert excinfo.value.response is not None
    assert excinfo.value.response.status_code == 302
    assert "elsewhere" not in str(excinfo.value)  # only discovery and JWKS name the target
    assert len(mock_http.calls) == 1
    assert SECRET not in str(excinfo.value)


def test_resource_owner_password(client, token_endpoint):
    token = client.resource_owner_password("alice", "pa ss&word", scope=["read", "write"])
    assert token.access_token == ACCESS
    form = sent_form(token_endpoint.calls[0])
    assert form["grant_type"] == ["password"]
    assert form["username"] == ["alice"]
    assert form["password"] == ["pa ss&word"]
    assert form["scope"] == ["read write"]


def test_refresh_token_from_a_string(client, token_endpoint):
    token = client.refresh_token("old-refresh", scope="read")
    assert token.access_token == ACCESS
    assert sent_form(token_endpoint.calls[0]) == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["old-refresh"],
        "scope": ["read"],
        "client_id": ["client-1"],
        "client_secret": [SECRET],
    }


def test_refresh_token_from_a_token(client, token_endpoint):
    client.refresh_token(BearerToken("at", refresh_token="from-token"))
    assert sent_form(token_endpoint.calls[0])["refresh_token"] == ["from-token"]


@pytest.mark.parametrize("value", [BearerToken("at"), "", None, 42])
def test_refresh_without_a_refresh_token(client, mock_http, value):
    with pytest.raises(ValueError, match="refresh token"):
        client.refresh_token(value)
    assert len(mock_http.calls) == 0


def test_authorization_code_from_a_string(client, token_endpoint, endpoints):
    client.authorization_code(
        "the-code", redirect_uri=endpoints.redirect_uri, code_verifier="verifier"
    )
    form = sent_form(token_endpoint.calls[0])
    assert form["grant_type"] == ["authorization_code"]
    assert form["code"] == ["the-code"]
    assert form["redirect_uri"] == [endpoints.redirect_uri]
    assert form["code_verifier"] == ["verifier"]


def test_authorization_code_from_an_authorization_response(client, token_endpoint, endpoints):
    response = AuthorizationResponse(
        "the-code",
        state="state",
        redirect_uri=endpoints.redirect_uri,
        code_verifier="the-verifier",
    )
    token = client.authorization_code(response)
    assert token.access_token == ACCESS
    form = sent_form(token_endpoint.calls[0])
    assert form["code"] == ["the-code"]
    assert form["code_verifier"] == ["the-verifier"]
    assert form["redirect_uri"] == [endpoints.redirect_uri]
    assert "state" not in form


def test_authorization_code_without_pkce(client, token_endpoint):
    client.authorization_code(AuthorizationResponse("the-code"))
    form = sent_form(token_endpoint.calls[0])
    assert "code_verifier" not in form
    assert "redirect_uri" not in form


def test_authorization_code_params_win_over_the_response(client, token_endpoint):
    response = AuthorizationResponse("c", redirect_uri="https://a/cb", code_verifier="v1")
    client.authorization_code(response, code_verifier="v2")
    assert sent_form(token_endpoint.calls[0])["code_verifier"] == ["v2"]


def test_authorization_code_end_to_end(client, mock_http, endpoints):
    request = client.authorization_request(scope="read")
    callback = f"{endpoints.redirect_uri}?code=abc&state={request.state}"
    mock_http.post(endpoints.token, json=TOKEN_RESPONSE)
    client.authorization_code(request.validate_callback(callback))
    form = sent_form(mock_http.calls[0])
    assert form["code"] == ["abc"]
    assert form["code_verifier"] == [request.code_verifier]
    assert form["redirect_uri"] == [endpoints.redirect_uri]


def test_grant_request_with_any_grant_type(client, token_endpoint):
    grant = "urn:example:params:oauth:grant-type:custom"
    token = client.grant_request(grant, scope=["a", "b"], assertion="xyz", skipped=None)
    assert token.access_token == ACCESS
    assert sent_form(token_endpoint.calls[0]) == {
        "grant_type": [grant],
        "scope": ["a b"],
        "assertion": ["xyz"],
        "client_id": ["client-1"],
        "client_secret": [SECRET],
    }


def test_token_request_with_a_plain_form(client, token_endpoint):
    token = client.token_request({"grant_type": "client_credentials", "n": 1, "none": None})
    assert token.access_token == ACCESS
    form = sent_form(token_endpoint.calls[0])
    assert form["n"] == ["1"]
    assert "none" not in form


def test_extra_response_fields_are_kept(client, mock_http, endpoints):
    mock_http.post(endpoints.token, json={**TOKEN_RESPONSE, "custom": 0, "nested": {"a": 1}})
    token = client.client_credentials()
    assert token.custom == 0
    assert token["nested"] == {"a": 1}
