"""Error mapping at the token endpoint: OAuth error bodies, malformed answers, transport."""

from __future__ import annotations

import pytest
import requests

import oauth2core
from oauth2core import (
    SKIP_ID_TOKEN_VALIDATION,
    AccessDenied,
    AuthorizationPending,
    BearerToken,
    EndpointError,
    ExpiredToken,
    FeatureImportError,
    FeatureNotInstalled,
    InvalidAuthorizationResponse,
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    InvalidResponse,
    InvalidScope,
    InvalidTarget,
    InvalidTokenResponse,
    MismatchingState,
    MissingAuthCode,
    OAuth2Error,
    ServerError,
    SlowDown,
    TemporarilyUnavailable,
    TransportError,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnvalidatedIdToken,
)

ACCESS = "at-do-not-leak"
SECRET = "secret-do-not-leak"
SHARED = {
    "invalid_request": InvalidRequest,
    "invalid_client": InvalidClient,
    "invalid_grant": InvalidGrant,
    "unauthorized_client": UnauthorizedClient,
    "unsupported_grant_type": UnsupportedGrantType,
    "invalid_scope": InvalidScope,
    "invalid_target": InvalidTarget,
    "access_denied": AccessDenied,
    "server_error": ServerError,
    "temporarily_unavailable": TemporarilyUnavailable,
    "authorization_pending": AuthorizationPending,
    "slow_down": SlowDown,
    "expired_token": ExpiredToken,
}


@pytest.fixture
def client(make_client):
    return make_client(("client-1", SECRET))


def assert_no_secrets(error: BaseException) -> None:
    for text in (str(error), repr(error)):
        assert SECRET not in text
        assert ACCESS not in text


# ------------------------------------------------------------------------------ OAuth error bodies


@pytest.mark.parametrize(("code", "cls"), sorted(SHARED.items()))
def test_shared_codes_map_to_their_class(client, mock_http, endpoints, code, cls):
    status = 401 if code == "invalid_client" else 400
    body = {
        "error": code,
        "error_description": "something went wrong",
        "error_uri": "https://as.example.com/errors/1",
    }
    mock_http.post(endpoints.token, status=status, json=body)
    with pytest.raises(cls) as excinfo:
        client.client_credentials()
    error = excinfo.value
    assert type(error) is cls
    assert isinstance(error, EndpointError)
    assert isinstance(error, OAuth2Error)
    assert error.error == code
    assert error.error_description == "something went wrong"
    assert error.description == "something went wrong"
    assert error.error_uri == "https://as.example.com/errors/1"
    assert error.status_code == status
    assert error.response is not None
    assert error.response.status_code == status
    assert error.response.json() == body
    assert code in str(error)
    assert_no_secrets(error)


def test_unknown_code_is_an_endpoint_error(client, mock_http, endpoints):
    mock_http.post(endpoints.token, status=400, json={"error": "weird_error"})
    with pytest.raises(EndpointError) as excinfo:
        client.client_credentials()
    assert type(excinfo.value) is EndpointError
    assert excinfo.value.error == "weird_error"
    assert excinfo.value.error_description is None
    assert excinfo.value.error_uri is None
    assert str(excinfo.value) == "weird_error"


def test_error_fields_of_the_wrong_type_are_dropped(client, mock_http, endpoints):
    mock_http.post(
        endpoints.token,
        status=400,
        json={"error": "invalid_grant", "error_description": 42, "error_uri": ["x"]},
    )
    with pytest.raises(InvalidGrant) as excinfo:
        client.client_credentials()
    assert excinfo.value.error_description is None
    assert excinfo.value.error_uri is None


@pytest.mark.parametrize(
    ("status", "code", "transient"),
    [
        (400, "invalid_grant", False),
        (503, "invalid_grant", True),
        (400, "server_error", True),
        (400, "temporarily_unavailable", True),
    ],
)
def test_transient_endpoint_errors(client, mock_http, endpoints, status, code, transient):
    mock_http.post(endpoints.token, status=status, json={"error": code})
    with pytest.raises(EndpointError) as excinfo:
        client.client_credentials()
    assert excinfo.value.transient is transient


@pytest.mark.parametrize(
    "body",
    [
        {"error": ""},
        {"error": 42},
        {"error": None},
        {"message": "bad"},
        ["invalid_grant"],
    ],
)
def test_error_status_without_an_oauth_error_body(client, mock_http, endpoints, body):
    mock_http.post(endpoints.token, status=400, json=body)
    with pytest.raises(InvalidTokenResponse, match="400") as excinfo:
        client.client_credentials()
    assert type(excinfo.value) is InvalidTokenResponse
    assert excinfo.value.response is not None


def test_server_error_page(client, mock_http, endpoints):
    html = "<html><body>Internal Server Error</body></html>"
    mock_http.post(endpoints.token, status=500, body=html, content_type="text/html")
    with pytest.raises(InvalidResponse, match="500") as excinfo:
        client.client_credentials()
    assert isinstance(excinfo.value, InvalidTokenResponse)
    assert "text/html" in str(excinfo.value)
    assert excinfo.value.response is not None
    assert excinfo.value.response.text == html
    assert_no_secrets(excinfo.value)


# ------------------------------------------------------------------------------ malformed 200s


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("<html>logged out</html>", "text/html"),
        ('{"access_token": "at-do-not-leak", "token_ty', "application/json"),
        ('["at-do-not-leak"]', "application/json"),
        ('"at-do-not-leak"', "application/json"),
        ("42", "application/json"),
        ("null", "application/json"),
        ("", "application/json"),
        ('{"token_type": "Bearer"}', "application/json"),
        ('{"access_token": 42, "token_type": "Bearer"}', "application/json"),
        ('{"access_token": "", "token_type": "Bearer"}', "application/json"),
        ('{"access_token": null, "token_type": "Bearer"}', "application/json"),
        ('{"access_token": "at-do-not-leak", "token_type": "mac"}', "application/json"),
        ('{"access_token": "at-do-not-leak", "token_type": 1}', "application/json"),
        ('{"access_token": "at-do-not-leak", "token_type": "N_A"}', "application/json"),
        ('{"access_token": "at-do-not-leak", "expires_in": "soon"}', "application/json"),
        ('{"access_token": "at-do-not-leak", "expires_in": -1}', "application/json"),
        ('{"access_token": "at-do-not-leak", "expires_in": true}', "application/json"),
        ('{"access_token": "at-do-not-leak", "expires_in": 1e300}', "application/json"),
        ('{"access_token": "at-do-not-leak", "expires_in": [1]}', "application/json"),
        ('{"access_token": "at-do-not-leak", "refresh_token": 1}', "application/json"),
        ('{"access_token": "at-do-not-leak", "scope": ["a"]}', "application/json"),
    ],
    ids=[
        "html",
        "truncated-json",
        "json-array",
        "json-string",
        "json-number",
        "json-null",
        "empty",
        "missing-access-token",
        "non-string-access-token",
        "empty-access-token",
        "null-access-token",
        "unknown-token-type",
        "non-string-token-type",
        "n_a-outside-token-exchange",
        "non-numeric-expires-in",
        "negative-expires-in",
        "boolean-expires-in",
        "huge-expires-in",
        "list-expires-in",
        "non-string-refresh-token",
        "list-scope",
    ],
)
def test_malformed_token_responses(client, mock_http, endpoints, body, content_type):
    mock_http.post(endpoints.token, status=200, body=body, content_type=content_type)
    with pytest.raises(InvalidTokenResponse) as excinfo:
        client.client_credentials()
    error = excinfo.value
    assert isinstance(error, InvalidResponse)
    assert isinstance(error, OAuth2Error)
    assert not isinstance(error, KeyError | TypeError | ValueError)
    assert error.response is not None
    assert error.response.status_code == 200
    assert error.response.text == body
    assert_no_secrets(error)


@pytest.mark.parametrize("token_type", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_token_type_is_case_insensitive(client, mock_http, endpoints, token_type):
    mock_http.post(endpoints.token, json={"access_token": ACCESS, "token_type": token_type})
    token = client.client_credentials()
    assert type(token) is BearerToken
    assert token.token_type == "Bearer"


def test_missing_token_type_is_bearer(client, mock_http, endpoints):
    mock_http.post(endpoints.token, json={"access_token": ACCESS})
    token = client.client_credentials()
    assert type(token) is BearerToken
    assert token.access_token == ACCESS
    assert token.expires_in is None


def test_unknown_token_type_names_it(client, mock_http, endpoints):
    mock_http.post(endpoints.token, json={"access_token": ACCESS, "token_type": "mac"})
    with pytest.raises(InvalidTokenResponse, match="'mac'"):
        client.client_credentials()


# ---------------------------------------------------------------------------- id_token fail-closed


def test_id_token_without_a_validator_fails_closed(client, mock_http, endpoints):
    body = {"access_token": ACCESS, "token_type": "Bearer", "id_token": "eyJ.eyJ.sig"}
    mock_http.post(endpoints.token, json=body)
    with pytest.raises(UnvalidatedIdToken) as excinfo:
        client.authorization_code("code")
    assert "oauth2core[oidc]" in str(excinfo.value)
    assert "SKIP_ID_TOKEN_VALIDATION" in str(excinfo.value)
    assert excinfo.value.response is not None
    assert excinfo.value.response.json() == body
    assert "eyJ.eyJ.sig" not in str(excinfo.value)
    assert_no_secrets(excinfo.value)


@pytest.mark.parametrize("grant", ["authorization_code", "refresh_token", "client_credentials"])
def test_id_token_check_can_be_skipped_explicitly(client, mock_http, endpoints, grant):
    body = {"access_token": ACCESS, "token_type": "Bearer", "id_token": "eyJ.eyJ.sig"}
    mock_http.post(endpoints.token, json=body)
    args = () if grant == "client_credentials" else ("value",)
    token = getattr(client, grant)(*args, id_token_validation=SKIP_ID_TOKEN_VALIDATION)
    assert token.id_token == "eyJ.eyJ.sig"
    assert "id_token_validation" not in mock_http.calls[0].request.body
    assert repr(SKIP_ID_TOKEN_VALIDATION) == "SKIP_ID_TOKEN_VALIDATION"


def test_only_the_sentinel_skips_the_id_token_check(client, mock_http, endpoints):
    body = {"access_token": ACCESS, "token_type": "Bearer", "id_token": "eyJ.eyJ.sig"}
    mock_http.post(endpoints.token, json=body)
    with pytest.raises(UnvalidatedIdToken):
        client.grant_request("authorization_code", code="c", id_token_validation=None)


# ------------------------------------------------------------------------------ transport


@pytest.mark.parametrize(
    ("failure", "transient"),
    [
        (requests.ConnectionError("connection refused"), True),
        (requests.ConnectTimeout("connect timeout"), True),
        (requests.ReadTimeout("read timeout"), True),
        (requests.Timeout("timeout"), True),
        (requests.exceptions.SSLError("certificate verify failed"), False),
        (requests.exceptions.InvalidURL("bad url"), False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_transport_failures(client, mock_http, endpoints, failure, transient):
    mock_http.post(endpoints.token, body=failure)
    with pytest.raises(TransportError) as excinfo:
        client.client_credentials()
    error = excinfo.value
    assert isinstance(error, OAuth2Error)
    assert isinstance(error, requests.RequestException)
    assert error.transient is transient
    assert error.__cause__ is failure
    assert type(failure).__name__ in str(error)
    assert error.request is not None
    assert error.request.url == endpoints.token
    assert_no_secrets(error)


def test_transport_error_is_caught_by_requests_handlers(client, mock_http, endpoints):
    mock_http.post(endpoints.token, body=requests.ConnectionError("down"))
    with pytest.raises(requests.RequestException):
        client.client_credentials()


# ------------------------------------------------------------------------------ the tree


@pytest.mark.parametrize(
    ("cls", "bases"),
    [
        (FeatureNotInstalled, (OAuth2Error, AttributeError)),
        (FeatureImportError, (OAuth2Error, ImportError)),
        (TransportError, (OAuth2Error, requests.RequestException)),
        (InvalidTokenResponse, (InvalidResponse,)),
        (MismatchingState, (InvalidAuthorizationResponse, ValueError)),
        (MissingAuthCode, (InvalidAuthorizationResponse, ValueError)),
        (UnvalidatedIdToken, (OAuth2Error,)),
        *((cls, (EndpointError,)) for cls in SHARED.values()),
    ],
)
def test_error_tree(cls, bases):
    for base in bases:
        assert issubclass(cls, base)


def test_errors_are_public_names():
    for cls in SHARED.values():
        assert getattr(oauth2core, cls.__name__) is cls


def test_openid_request_fails_closed_before_sending(client, mock_http):
    """No code or refresh token is spent when the ID token could not be validated anyway."""
    with pytest.raises(UnvalidatedIdToken, match=r"oauth2core\[oidc\]") as excinfo:
        client.refresh_token("rt", scope="openid profile")
    assert excinfo.value.response is None
    assert len(mock_http.calls) == 0


def test_code_exchange_of_an_openid_request_fails_closed_before_sending(client, mock_http):
    request = client.authorization_request(scope="openid")
    response = request.validate_callback(f"code=c&state={request.state}")
    with pytest.raises(UnvalidatedIdToken):
        client.authorization_code(response)
    assert len(mock_http.calls) == 0


def test_openid_request_with_the_opt_out(client, mock_http, endpoints):
    request = client.authorization_request(scope="openid")
    response = request.validate_callback(f"code=c&state={request.state}")
    body = {"access_token": ACCESS, "token_type": "Bearer", "id_token": "eyJ.eyJ.sig"}
    mock_http.post(endpoints.token, json=body)
    token = client.authorization_code(response, id_token_validation=SKIP_ID_TOKEN_VALIDATION)
    assert token.id_token == "eyJ.eyJ.sig"


def test_error_body_sent_with_200_is_mapped(client, mock_http, endpoints):
    mock_http.post(endpoints.token, status=200, json={"error": "invalid_grant"})
    with pytest.raises(oauth2core.InvalidGrant) as excinfo:
        client.client_credentials()
    assert excinfo.value.status_code == 200


def test_server_expires_at_is_kept_beside_expires_in(client, mock_http, endpoints):
    mock_http.post(
        endpoints.token,
        json={"access_token": ACCESS, "token_type": "Bearer", "expires_in": 60, "expires_at": 1},
    )
    token = client.client_credentials()
    assert 59 <= (token.expires_in or 0) <= 60
    assert token.is_expired() is False
    assert token.extra["expires_at"] == 1


def test_dpop_token_type_without_the_plugin_names_the_extra(client, mock_http, endpoints):
    mock_http.post(endpoints.token, json={"access_token": ACCESS, "token_type": "DPoP"})
    with pytest.raises(InvalidTokenResponse, match=r"pip install oauth2core\[dpop\]"):
        client.client_credentials()
