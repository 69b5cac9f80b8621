"""authorize_device() and device_code(): requests, client authentication, error mapping."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from oauth2core import (
    SKIP_ID_TOKEN_VALIDATION,
    AccessDenied,
    AuthorizationPending,
    BearerToken,
    ClientSecretBasic,
    ExpiredToken,
    FeatureNotInstalled,
    InvalidClient,
    InvalidGrant,
    InvalidScope,
    MissingEndpointUri,
    OAuth2Client,
    ServerError,
    SlowDown,
    UnvalidatedIdToken,
)
from oauth2core_grants_device import (
    DEVICE_CODE_GRANT,
    DeviceAuthorizationError,
    DeviceAuthorizationResponse,
    InvalidDeviceAuthorizationResponse,
    authorize_device,
    device_code,
)

ISSUER = "https://as.example.com"
TOKEN = f"{ISSUER}/oauth/token"
DEVICE = f"{ISSUER}/oauth/device"
ANSWER = {
    "device_code": "dc-1",
    "user_code": "ABCD-EFGH",
    "verification_uri": f"{ISSUER}/device",
    "expires_in": 600,
}
TOKEN_ANSWER = {"access_token": "at-1", "token_type": "Bearer", "expires_in": 60}


def form(call) -> dict[str, list[str]]:
    return parse_qs(call.request.body or "")


# ------------------------------------------------------------------------------- authorize_device


def test_authorize_device(client, mock_http, clock):
    mock_http.post(DEVICE, json=ANSWER)
    response = client.authorize_device(scope="api:read")
    assert isinstance(response, DeviceAuthorizationResponse)
    assert response.device_code == "dc-1"
    assert response.requested_scope == "api:read"
    clock.advance(10)
    assert response.expires_in == 590  # measured with the client's clock
    sent = mock_http.calls[0].request
    assert sent.headers["Accept"] == "application/json"
    assert form(mock_http.calls[0]) == {
        "scope": ["api:read"],
        "client_id": ["client-1"],
        "client_secret": ["secret-1"],
    }


def test_scope_iterable_and_extra_params(client, mock_http):
    mock_http.post(DEVICE, json=ANSWER)
    response = client.authorize_device(
        scope=["openid", "api:read"],
        resource=["https://a.example", "https://b.example"],
        audience="api",
        ignored=None,
    )
    assert response.requested_scope == "openid api:read"
    sent = form(mock_http.calls[0])
    assert sent["scope"] == ["openid api:read"]
    assert sent["resource"] == ["https://a.example", "https://b.example"]
    assert sent["audience"] == ["api"]
    assert "ignored" not in sent


def test_no_scope(client, mock_http):
    mock_http.post(DEVICE, json=ANSWER)
    assert client.authorize_device().requested_scope is None
    assert "scope" not in form(mock_http.calls[0])


def test_public_client_sends_its_id(make_client, mock_http):
    mock_http.post(DEVICE, json=ANSWER)
    make_client("public-app").authorize_device()
    assert form(mock_http.calls[0]) == {"client_id": ["public-app"]}


def test_client_secret_basic_applies(make_client, mock_http):
    mock_http.post(DEVICE, json=ANSWER)
    make_client(ClientSecretBasic("client-1", "secret-1")).authorize_device(scope="a")
    request = mock_http.calls[0].request
    assert request.headers["Authorization"].startswith("Basic ")
    assert form(mock_http.calls[0]) == {"scope": ["a"]}


def test_typed_function(client, mock_http):
    mock_http.post(DEVICE, json=ANSWER)
    assert authorize_device(client, scope="x").user_code == "ABCD-EFGH"


@pytest.mark.parametrize("value", [True, {"a": 1}, b"bytes", [], [1, 2], object()], ids=repr)
def test_bad_form_values(client, mock_http, value):
    with pytest.raises(TypeError):
        client.authorize_device(custom=value)


@pytest.mark.parametrize("scope", [42, [1], b"openid"])
def test_bad_scope(client, mock_http, scope):
    with pytest.raises(TypeError, match="scope"):
        client.authorize_device(scope=scope)


def test_number_params_are_sent_as_text(client, mock_http):
    mock_http.post(DEVICE, json=ANSWER)
    client.authorize_device(max_age=30, ratio=0.5)
    assert form(mock_http.calls[0])["max_age"] == ["30"]
    assert form(mock_http.calls[0])["ratio"] == ["0.5"]


def test_options_of_absent_plugins_fail_closed(client, mock_http):
    with pytest.raises(FeatureNotInstalled, match=r"oauth2core\[dpop\]"):
        client.authorize_device(dpop=True)


def test_missing_endpoint(make_client):
    client = make_client(device_authorization_endpoint=None)
    with pytest.raises(MissingEndpointUri, match="device_authorization_endpoint"):
        client.authorize_device()


def test_endpoint_from_discovery(registry, mock_http):
    document = {
        "issuer": ISSUER,
        "token_endpoint": TOKEN,
        "device_authorization_endpoint": DEVICE,
    }
    with OAuth2Client.from_discovery_document(
        document, auth="public-app", registry=registry
    ) as client:
        assert client.device_authorization_endpoint == DEVICE
        mock_http.post(DEVICE, json=ANSWER)
        assert client.authorize_device().device_code == "dc-1"


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (401, "invalid_client", InvalidClient),
        (400, "invalid_scope", InvalidScope),
        (400, "access_denied", AccessDenied),
        (500, "server_error", ServerError),
        (400, "device_flow_disabled", DeviceAuthorizationError),
    ],
)
def test_errors_map_through_the_registry(client, mock_http, status, code, cls):
    mock_http.post(
        DEVICE, status=status, json={"error": code, "error_description": "no", "error_uri": "u"}
    )
    with pytest.raises(cls) as caught:
        client.authorize_device()
    error = caught.value
    assert (error.error, error.error_description, error.error_uri) == (code, "no", "u")
    assert error.response is not None
    assert error.response.status_code == status


def test_an_error_body_sent_with_200(client, mock_http):
    mock_http.post(DEVICE, json={"error": "invalid_client"})
    with pytest.raises(InvalidClient):
        client.authorize_device()


@pytest.mark.parametrize(
    ("status", "kwargs"),
    [
        (400, {"body": "<html>bad</html>", "content_type": "text/html"}),
        (503, {"json": {"message": "down"}}),
        (200, {"body": "not json", "content_type": "text/plain"}),
        (200, {"json": {"user_code": "x"}}),
        (200, {"json": {**ANSWER, "interval": "never"}}),
        (201, {"json": ANSWER}),
    ],
)
def test_invalid_answers(client, mock_http, status, kwargs):
    mock_http.post(DEVICE, status=status, **kwargs)
    with pytest.raises(InvalidDeviceAuthorizationResponse) as caught:
        client.authorize_device()
    assert caught.value.response is not None
    assert caught.value.response.status_code == status


# ------------------------------------------------------------------------------- device_code


def test_device_code_grant(client, mock_http):
    mock_http.post(TOKEN, json=TOKEN_ANSWER)
    token = client.device_code("dc-1")
    assert isinstance(token, BearerToken)
    assert form(mock_http.calls[0]) == {
        "grant_type": [DEVICE_CODE_GRANT],
        "device_code": ["dc-1"],
        "client_id": ["client-1"],
        "client_secret": ["secret-1"],
    }


def test_device_code_from_a_response(client, mock_http, clock):
    mock_http.post(TOKEN, json=TOKEN_ANSWER)
    response = DeviceAuthorizationResponse("dc-9", "U", f"{ISSUER}/d", clock=clock)
    device_code(client, response, resource="https://api.example.com")
    sent = form(mock_http.calls[0])
    assert sent["device_code"] == ["dc-9"]
    assert sent["resource"] == ["https://api.example.com"]


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("authorization_pending", AuthorizationPending),
        ("slow_down", SlowDown),
        ("expired_token", ExpiredToken),
        ("access_denied", AccessDenied),
        ("invalid_grant", InvalidGrant),
    ],
)
def test_device_code_errors(client, mock_http, code, cls):
    mock_http.post(TOKEN, status=400, json={"error": code})
    with pytest.raises(cls):
        client.device_code("dc-1")


def test_openid_scope_needs_an_id_token_validator(client, mock_http):
    mock_http.post(DEVICE, json=ANSWER)
    response = client.authorize_device(scope="openid")
    with pytest.raises(UnvalidatedIdToken):  # refused before the code is spent
        client.device_code(response)
    assert len(mock_http.calls) == 1


def test_openid_scope_with_the_opt_out(client, mock_http):
    mock_http.post(DEVICE, json=ANSWER)
    mock_http.post(TOKEN, json={**TOKEN_ANSWER, "id_token": "a.b.c"})
    response = client.authorize_device(scope="openid")
    token = client.device_code(response, id_token_validation=SKIP_ID_TOKEN_VALIDATION)
    assert token.id_token == "a.b.c"
    assert "id_token_validation" not in form(mock_http.calls[1])


def test_an_unexpected_id_token_is_refused(client, mock_http):
    mock_http.post(TOKEN, json={**TOKEN_ANSWER, "id_token": "a.b.c"})
    with pytest.raises(UnvalidatedIdToken):
        client.device_code("dc-1")


@pytest.mark.parametrize(("value", "error"), [("", ValueError), (None, TypeError), (3, TypeError)])
def test_bad_device_code(client, value, error):
    with pytest.raises(error):
        client.device_code(value)
