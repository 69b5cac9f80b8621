"""backchannel_authentication_request(): parameters, hints, client auth, error mapping."""

from __future__ import annotations

import sys
from urllib.parse import parse_qs

import pytest

from oauth2core import (
    AccessDenied,
    ClientSecretBasic,
    FeatureNotInstalled,
    InvalidClient,
    InvalidRequest,
    InvalidScope,
    MissingEndpointUri,
    OAuth2Client,
    UnauthorizedClient,
)
from oauth2core_grants_ciba import (
    BackChannelAuthenticationError,
    BackChannelAuthenticationResponse,
    ExpiredLoginHintToken,
    InvalidBackChannelAuthenticationResponse,
    InvalidBindingMessage,
    InvalidUserCode,
    MissingUserCode,
    UnknownUserId,
    backchannel_authentication_request,
)

ISSUER = "https://as.example.com"
TOKEN = f"{ISSUER}/oauth/token"
BACKCHANNEL = f"{ISSUER}/oauth/bc-authorize"
ANSWER = {"auth_req_id": "arid-1", "expires_in": 120, "interval": 2}


def form(mock_http, index: int = 0) -> dict[str, list[str]]:
    return parse_qs(mock_http.calls[index].request.body or "")


def test_request_and_response(client, mock_http, clock):
    mock_http.post(BACKCHANNEL, json=ANSWER)
    response = client.backchannel_authentication_request(login_hint="alice")
    assert isinstance(response, BackChannelAuthenticationResponse)
    assert response.auth_req_id == "arid-1"
    clock.advance(20)
    assert response.expires_in == 100  # the client's clock
    assert mock_http.calls[0].request.headers["Accept"] == "application/json"
    assert form(mock_http) == {
        "scope": ["openid"],
        "login_hint": ["alice"],
        "client_id": ["client-1"],
        "client_secret": ["secret-1"],
    }


def test_every_parameter(client, mock_http):
    mock_http.post(BACKCHANNEL, json=ANSWER)
    client.backchannel_authentication_request(
        ["openid", "profile"],
        id_token_hint="eyJ.hint.sig",
        binding_message="W4SCT",
        user_code="1234",
        requested_expiry=300,
        acr_values=["urn:a", "urn:b"],
        client_notification_token="cnt",
        resource="https://api.example.com",
        unused=None,
    )
    assert form(mock_http) == {
        "scope": ["openid profile"],
        "id_token_hint": ["eyJ.hint.sig"],
        "binding_message": ["W4SCT"],
        "user_code": ["1234"],
        "requested_expiry": ["300"],
        "acr_values": ["urn:a urn:b"],
        "client_notification_token": ["cnt"],
        "resource": ["https://api.example.com"],
        "client_id": ["client-1"],
        "client_secret": ["secret-1"],
    }


def test_login_hint_token(client, mock_http):
    mock_http.post(BACKCHANNEL, json=ANSWER)
    client.backchannel_authentication_request("openid email", login_hint_token="lht")
    assert form(mock_http)["login_hint_token"] == ["lht"]
    assert form(mock_http)["scope"] == ["openid email"]


def test_client_secret_basic_and_public_clients(make_client, mock_http):
    mock_http.post(BACKCHANNEL, json=ANSWER)
    mock_http.post(BACKCHANNEL, json=ANSWER)
    make_client(ClientSecretBasic("client-1", "secret-1")).backchannel_authentication_request(
        login_hint="alice"
    )
    assert mock_http.calls[0].request.headers["Authorization"].startswith("Basic ")
    assert "client_secret" not in form(mock_http, 0)
    make_client("public-app").backchannel_authentication_request(login_hint="alice")
    assert form(mock_http, 1)["client_id"] == ["public-app"]


def test_typed_function(client, mock_http):
    mock_http.post(BACKCHANNEL, json=ANSWER)
    assert backchannel_authentication_request(client, login_hint="a").auth_req_id == "arid-1"


@pytest.mark.parametrize(
    "hints",
    [
        {},
        {"login_hint": "a", "id_token_hint": "b"},
        {"login_hint": "a", "login_hint_token": "b"},
        {"login_hint": "a", "login_hint_token": "b", "id_token_hint": "c"},
    ],
)
def test_exactly_one_hint(client, hints):
    with pytest.raises(TypeError, match="exactly one"):
        client.backchannel_authentication_request(**hints)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"login_hint": ""}, ValueError),
        ({"login_hint": 7}, TypeError),
        ({"id_token_hint": b"x"}, TypeError),
        ({"login_hint": "a", "scope": "profile"}, ValueError),
        ({"login_hint": "a", "scope": ["email"]}, ValueError),
        ({"login_hint": "a", "scope": 3}, TypeError),
        ({"login_hint": "a", "acr_values": 3}, TypeError),
        ({"login_hint": "a", "binding_message": 5}, TypeError),
        ({"login_hint": "a", "binding_message": ""}, ValueError),
        ({"login_hint": "a", "user_code": ["1"]}, TypeError),
        ({"login_hint": "a", "requested_expiry": "300"}, TypeError),
        ({"login_hint": "a", "requested_expiry": True}, TypeError),
        ({"login_hint": "a", "requested_expiry": 0}, ValueError),
        ({"login_hint": "a", "requested_expiry": -5}, ValueError),
        ({"login_hint": "a", "client_notification_token": 1}, TypeError),
        ({"login_hint": "a", "custom": True}, TypeError),
        ({"login_hint": "a", "custom": {"a": 1}}, TypeError),
        ({"login_hint": "a", "alg": "ES256"}, TypeError),
    ],
)
def test_argument_errors(client, mock_http, kwargs, error):
    with pytest.raises(error):
        client.backchannel_authentication_request(**kwargs)


def test_options_of_absent_plugins_fail_closed(client):
    with pytest.raises(FeatureNotInstalled, match=r"oauth2core\[dpop\]"):
        client.backchannel_authentication_request(login_hint="a", dpop=True)


def test_missing_endpoint(make_client):
    client = make_client(backchannel_authentication_endpoint=None)
    with pytest.raises(MissingEndpointUri, match="backchannel_authentication_endpoint"):
        client.backchannel_authentication_request(login_hint="alice")


def test_endpoint_from_discovery(registry, mock_http):
    document = {
        "issuer": ISSUER,
        "token_endpoint": TOKEN,
        "backchannel_authentication_endpoint": BACKCHANNEL,
    }
    with OAuth2Client.from_discovery_document(
        document, auth=("client-1", "secret-1"), registry=registry
    ) as client:
        assert client.backchannel_authentication_endpoint == BACKCHANNEL
        mock_http.post(BACKCHANNEL, json=ANSWER)
        assert client.backchannel_authentication_request(login_hint="a").auth_req_id == "arid-1"


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, "expired_login_hint_token", ExpiredLoginHintToken),
        (400, "unknown_user_id", UnknownUserId),
        (400, "missing_user_code", MissingUserCode),
        (400, "invalid_user_code", InvalidUserCode),
        (400, "invalid_binding_message", InvalidBindingMessage),
        (400, "invalid_request", InvalidRequest),
        (400, "invalid_scope", InvalidScope),
        (401, "invalid_client", InvalidClient),
        (400, "unauthorized_client", UnauthorizedClient),
        (403, "access_denied", AccessDenied),
        (400, "transaction_failed", BackChannelAuthenticationError),
    ],
)
def test_errors(client, mock_http, status, code, cls):
    mock_http.post(BACKCHANNEL, status=status, json={"error": code, "error_description": "d"})
    with pytest.raises(cls) as caught:
        client.backchannel_authentication_request(login_hint="alice")
    assert type(caught.value) is cls
    assert (caught.value.error, caught.value.error_description) == (code, "d")
    assert caught.value.status_code == status


def test_ciba_codes_belong_to_the_backchannel_endpoint_only(registry):
    from oauth2core import EndpointError

    assert registry.error_class("token", "unknown_user_id", EndpointError) is EndpointError
    assert (
        registry.error_class("backchannel_authentication", "unknown_user_id", EndpointError)
        is UnknownUserId
    )
    for cls in (ExpiredLoginHintToken, UnknownUserId, MissingUserCode, InvalidUserCode):
        assert issubclass(cls, BackChannelAuthenticationError)


def test_an_error_body_sent_with_200(client, mock_http):
    mock_http.post(BACKCHANNEL, json={"error": "unknown_user_id"})
    with pytest.raises(UnknownUserId):
        client.backchannel_authentication_request(login_hint="mallory")


@pytest.mark.parametrize(
    ("status", "kwargs"),
    [
        (400, {"body": "<html/>", "content_type": "text/html"}),
        (502, {"json": ["bad gateway"]}),
        (200, {"body": "oops", "content_type": "text/plain"}),
        (200, {"json": {"expires_in": 60}}),
        (200, {"json": {"auth_req_id": 5, "expires_in": 60}}),
        (200, {"json": {**ANSWER, "expires_in": "never"}}),
    ],
)
def test_invalid_answers(client, mock_http, status, kwargs):
    mock_http.post(BACKCHANNEL, status=status, **kwargs)
    with pytest.raises(InvalidBackChannelAuthenticationResponse) as caught:
        client.backchannel_authentication_request(login_hint="alice")
    assert caught.value.response is not None
    assert caught.value.response.status_code == status


def test_signed_request_without_the_jwt_package(client, mock_http, monkeypatch):
    monkeypatch.setitem(sys.modules, "oauth2core_clientauth_jwt", None)  # import fails
    with pytest.raises(FeatureNotInstalled, match=r"pip install oauth2core\[jwt\]"):
        client.backchannel_authentication_request(login_hint="alice", private_jwk={"kty": "EC"})
