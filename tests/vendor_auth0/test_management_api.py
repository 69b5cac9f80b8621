"""Auth0ManagementApiClient: the Management API with a client credentials token."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
import requests
import responses
from responses import matchers

from oauth2core import (
    AccessDenied,
    ApiClient,
    FeatureNotInstalled,
    OAuth2ClientCredentialsAuth,
    OAuth2Error,
    Registry,
)
from oauth2core_vendor_auth0 import (
    Auth0Client,
    Auth0ManagementApiClient,
    Auth0ManagementApiError,
    Auth0ManagementApiTooManyRequests,
    TooManyRequests,
)

ORIGIN = "https://acme.eu.auth0.com"
API = f"{ORIGIN}/api/v2/"
USERS = [{"user_id": "auth0|1", "email": "ada@acme.com"}, {"user_id": "auth0|2"}]
BEARER = {"Authorization": "Bearer at-CANARY-1"}


@pytest.fixture
def a0mgmt(registry: Registry, closing: Any) -> Auth0ManagementApiClient:
    client: Auth0ManagementApiClient = closing(
        Auth0ManagementApiClient("acme.eu", ("app", "secret"), registry=registry)
    )
    return client


@pytest.fixture
def token_endpoint(mocked: responses.RequestsMock, token_response: dict[str, Any]) -> None:
    """Auth0's token endpoint, answering once."""
    mocked.post(f"{ORIGIN}/oauth/token", json=token_response)


def test_base_url_and_token_client(a0mgmt: Auth0ManagementApiClient):
    assert isinstance(a0mgmt, ApiClient)
    assert a0mgmt.base_url == API
    auth = a0mgmt.auth
    assert isinstance(auth, OAuth2ClientCredentialsAuth)
    assert isinstance(auth.client, Auth0Client)
    assert auth.client.tenant == "acme.eu.auth0.com"
    assert auth.token_kwargs == {"audience": API}
    assert auth.client.session is a0mgmt.session


@pytest.mark.usefixtures("token_endpoint")
def test_get_users_with_paging(a0mgmt: Auth0ManagementApiClient, mocked, form):
    mocked.get(
        f"{API}users",
        json={"start": 0, "limit": 2, "length": 2, "total": 7, "users": USERS},
        match=[
            matchers.query_param_matcher({"page": "0", "per_page": "2", "include_totals": "true"}),
            matchers.header_matcher(BEARER),
        ],
    )
    response = a0mgmt.get("users", params={"page": 0, "per_page": 2, "include_totals": True})
    assert response.json()["users"] == USERS
    assert form(mocked.calls[0]) == {
        "grant_type": ["client_credentials"],
        "audience": [API],
        "client_id": ["app"],
        "client_secret": ["secret"],
    }


@pytest.mark.usefixtures("token_endpoint")
def test_sub_clients_keep_the_token(a0mgmt: Auth0ManagementApiClient, mocked):
    mocked.get(f"{API}users", json=USERS, match=[matchers.header_matcher(BEARER)])
    mocked.get(
        f"{API}users/auth0%7C1/roles",
        json=[{"id": "rol_1", "name": "admin"}],
        match=[matchers.header_matcher(BEARER)],
    )
    mocked.patch(
        f"{API}users/auth0%7C1",
        json=USERS[0],
        match=[matchers.header_matcher(BEARER), matchers.json_params_matcher({"blocked": True})],
    )
    users = a0mgmt.users
    assert isinstance(users, Auth0ManagementApiClient)
    assert users.get().json() == USERS
    assert a0mgmt["users"][["auth0|1", "roles"]].get().json()[0]["name"] == "admin"
    users.patch(["auth0|1"], json={"blocked": True})
    token_calls = [call for call in mocked.calls if call.request.url.endswith("/oauth/token")]
    assert len(token_calls) == 1  # one token for every call


@pytest.mark.usefixtures("token_endpoint")
def test_management_api_error_shape(a0mgmt: Auth0ManagementApiClient, mocked):
    mocked.get(
        f"{API}users/auth0%7C9",
        status=404,
        json={
            "statusCode": 404,
            "error": "Not Found",
            "message": "The user does not exist.",
            "errorCode": "inexistent_user",
        },
    )
    with pytest.raises(Auth0ManagementApiError) as caught:
        a0mgmt.users.get(["auth0|9"])
    error = caught.value
    assert type(error) is Auth0ManagementApiError
    assert isinstance(error, requests.HTTPError)
    assert isinstance(error, OAuth2Error)
    assert (error.status_code, error.error, error.message, error.error_code) == (
        404,
        "Not Found",
        "The user does not exist.",
        "inexistent_user",
    )
    assert error.response is not None
    assert error.response.status_code == 404
    assert error.transient is False
    assert error.retry_after is None
    assert str(error) == (
        "Auth0 Management API: HTTP 404 Not Found (inexistent_user): The user does not exist."
    )
    assert "CANARY" not in str(error)


@pytest.mark.usefixtures("token_endpoint")
def test_management_api_rate_limit(a0mgmt: Auth0ManagementApiClient, mocked):
    mocked.get(
        f"{API}users",
        status=429,
        json={
            "statusCode": 429,
            "error": "Too Many Requests",
            "message": "Global limit has been reached",
            "errorCode": "too_many_requests",
        },
        headers={"Retry-After": "12", "X-RateLimit-Remaining": "0"},
    )
    with pytest.raises(Auth0ManagementApiTooManyRequests) as caught:
        a0mgmt.get("users")
    assert isinstance(caught.value, Auth0ManagementApiError)
    assert caught.value.transient is True
    assert caught.value.retry_after == 12.0
    assert caught.value.error_code == "too_many_requests"


@pytest.mark.usefixtures("token_endpoint")
def test_a_body_that_is_not_json(a0mgmt: Auth0ManagementApiClient, mocked):
    mocked.get(f"{API}users", status=502, body="<html>Bad Gateway</html>", content_type="text/html")
    with pytest.raises(Auth0ManagementApiError) as caught:
        a0mgmt.get("users")
    assert (caught.value.error, caught.value.message, caught.value.error_code) == (
        "Bad Gateway",
        None,
        None,
    )
    assert caught.value.transient is True


@pytest.mark.usefixtures("token_endpoint")
def test_raise_for_status_false(registry: Registry, closing: Any, mocked):
    mocked.get(f"{API}users", status=400, json={"statusCode": 400, "error": "Bad Request"})
    mocked.get(f"{API}roles", status=400, json={"statusCode": 400, "error": "Bad Request"})
    a0mgmt = closing(
        Auth0ManagementApiClient(
            "acme.eu", ("app", "secret"), registry=registry, raise_for_status=False
        )
    )
    assert a0mgmt.get("users").status_code == 400
    with pytest.raises(Auth0ManagementApiError):
        a0mgmt.roles.get(raise_for_status=True)


def test_a_refused_token_request_raises_the_oauth_error(a0mgmt: Auth0ManagementApiClient, mocked):
    mocked.post(
        f"{ORIGIN}/oauth/token",
        status=403,
        json={"error": "access_denied", "error_description": "Service not enabled within domain"},
    )
    with pytest.raises(AccessDenied, match="Service not enabled"):
        a0mgmt.get("users")


def test_a_rate_limited_token_request(a0mgmt: Auth0ManagementApiClient, mocked):
    mocked.post(
        f"{ORIGIN}/oauth/token",
        status=429,
        json={"error": "too_many_requests", "error_description": "Global limit has been reached"},
        headers={"Retry-After": "4"},
    )
    with pytest.raises(TooManyRequests) as caught:
        a0mgmt.get("users")
    assert caught.value.retry_after == 4.0


def test_api_client_settings_pass_through(registry: Registry, closing: Any):
    a0mgmt = closing(
        Auth0ManagementApiClient(
            "acme", ("app", "secret"), registry=registry, timeout=5, headers={"X-Trace": "1"}
        )
    )
    assert a0mgmt.timeout == 5
    assert a0mgmt.session.headers["X-Trace"] == "1"
    assert a0mgmt.base_url == "https://acme.auth0.com/api/v2/"


def test_a_loopback_tenant_keeps_http(registry: Registry, closing: Any):
    a0mgmt = closing(Auth0ManagementApiClient("http://127.0.0.1:8080", "app", registry=registry))
    assert a0mgmt.base_url == "http://127.0.0.1:8080/api/v2/"
    assert a0mgmt.auth.token_kwargs == {"audience": "http://127.0.0.1:8080/api/v2/"}


class RecordingSession(requests.Session):
    """A Session that counts its closes; ``made`` lists the instances."""

    made: ClassVar[list[RecordingSession]] = []

    def __init__(self) -> None:
        super().__init__()
        self.closed = 0
        self.made.append(self)

    def close(self) -> None:
        self.closed += 1
        super().close()


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[RecordingSession]:
    """Sessions created by the code under test, recorded."""
    monkeypatch.setattr(requests, "Session", RecordingSession)
    monkeypatch.setattr(RecordingSession, "made", [])
    return RecordingSession.made


def test_the_session_it_creates_is_closed_by_the_root_client_only(
    registry: Registry, recorded: list[RecordingSession]
):
    a0mgmt = Auth0ManagementApiClient("acme", ("app", "secret"), registry=registry)
    session = a0mgmt.session
    assert isinstance(session, RecordingSession)
    assert recorded == [session]
    with a0mgmt.users as users:
        assert users.session is session
    assert session.closed == 0
    with a0mgmt:
        pass
    assert session.closed == 1


def test_a_given_session_is_left_open(registry: Registry):
    with RecordingSession() as session:
        with Auth0ManagementApiClient("acme", "app", session=session, registry=registry) as api:
            assert api.session is session
            assert isinstance(api.auth, OAuth2ClientCredentialsAuth)
            assert api.auth.client.session is session
        assert session.closed == 0


def test_a_private_key_without_the_jwt_plugin_fails_closed(
    registry: Registry, recorded: list[RecordingSession]
):
    with pytest.raises(FeatureNotInstalled, match=r"pip install oauth2core\[jwt\]"):
        Auth0ManagementApiClient(
            "acme", client_id="app", private_jwk={"kty": "EC"}, registry=registry
        )
    assert [session.closed for session in recorded] == [1]  # the session it made is closed


def test_a_bad_tenant(registry: Registry):
    with pytest.raises(ValueError, match="unsupported scheme"):
        Auth0ManagementApiClient("ftp://acme", "app", registry=registry)


@pytest.mark.usefixtures("token_endpoint")
def test_management_api_error_nested_too_deep(a0mgmt: Auth0ManagementApiClient, mocked):
    mocked.get(f"{API}users", status=400, body="[" * 100_000 + "]" * 100_000)
    with pytest.raises(Auth0ManagementApiError) as caught:
        a0mgmt.get("users")
    assert caught.value.status_code == 400
    assert caught.value.message is None
