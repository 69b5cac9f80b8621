"""Auth0's error answers at its OAuth endpoints, and its rate limits (HTTP 429)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import responses

from oauth2core import (
    AccessDenied,
    EndpointError,
    InvalidClient,
    InvalidGrant,
    InvalidTokenResponse,
    OAuth2Error,
    Registry,
    ServerError,
    UnauthorizedClient,
)
from oauth2core_vendor_auth0 import Auth0Client, TooManyRequests

TOKEN = "https://acme.auth0.com/oauth/token"
AUDIENCE = "https://api.acme.com/"
DATE = "Wed, 21 Oct 2026 07:28:00 GMT"


@pytest.fixture
def client(registry: Registry, closing: Any) -> Auth0Client:
    result: Auth0Client = closing(Auth0Client("acme", ("app", "CANARY-secret"), registry=registry))
    return result


@pytest.mark.parametrize(
    ("status", "body", "error_class"),
    [
        (401, {"error": "access_denied", "error_description": "Unauthorized"}, AccessDenied),
        (
            401,
            {"error": "invalid_client", "error_description": "Client authentication failed"},
            InvalidClient,
        ),
        (
            403,
            {
                "error": "unauthorized_client",
                "error_description": "Grant type 'client_credentials' not allowed for the client.",
            },
            UnauthorizedClient,
        ),
        (
            403,
            {"error": "invalid_grant", "error_description": "Invalid refresh token"},
            InvalidGrant,
        ),
        (500, {"error": "server_error", "error_description": "Internal error"}, ServerError),
    ],
)
def test_oauth_error_bodies_map_to_typed_errors(
    client: Auth0Client,
    mocked: responses.RequestsMock,
    status: int,
    body: dict[str, str],
    error_class: type[EndpointError],
):
    mocked.post(TOKEN, status=status, json=body)
    with pytest.raises(error_class) as caught:
        client.client_credentials(audience=AUDIENCE)
    error = caught.value
    assert type(error) is error_class
    assert (error.error, error.error_description) == (body["error"], body["error_description"])
    assert error.status_code == status
    assert "CANARY" not in str(error)
    assert "CANARY" not in repr(error)


def test_too_many_requests_with_retry_after(client: Auth0Client, mocked: responses.RequestsMock):
    mocked.post(
        TOKEN,
        status=429,
        json={"error": "too_many_requests", "error_description": "Global limit has been reached"},
        headers={"Retry-After": "30", "X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "0"},
    )
    with pytest.raises(TooManyRequests) as caught:
        client.client_credentials(audience=AUDIENCE)
    error = caught.value
    assert isinstance(error, EndpointError)
    assert isinstance(error, OAuth2Error)
    assert error.transient is True
    assert error.retry_after == 30.0
    assert error.status_code == 429
    assert error.error == "too_many_requests"
    assert str(error) == "too_many_requests: Global limit has been reached"


@pytest.mark.parametrize(
    ("headers", "retry_after"),
    [
        pytest.param({}, None, id="no-header"),
        pytest.param({"Retry-After": "0"}, 0.0, id="zero"),
        pytest.param(
            {"Retry-After": "Wed, 21 Oct 2026 07:28:45 GMT", "Date": DATE}, 45.0, id="http-date"
        ),
        pytest.param(
            {"Retry-After": "Wed, 21 Oct 2026 07:27:00 GMT", "Date": DATE}, 0.0, id="date-passed"
        ),
        pytest.param({"Retry-After": "soon"}, None, id="unreadable"),
        pytest.param(
            {"X-RateLimit-Reset": "1792567690", "Date": DATE}, 10.0, id="x-ratelimit-reset"
        ),
        pytest.param(
            {"Retry-After": "3", "X-RateLimit-Reset": "1792567690", "Date": DATE},
            3.0,
            id="retry-after-first",
        ),
    ],
)
def test_retry_after(
    client: Auth0Client,
    mocked: responses.RequestsMock,
    headers: dict[str, str],
    retry_after: float | None,
):
    mocked.post(TOKEN, status=429, json={"error": "too_many_requests"}, headers=headers)
    with pytest.raises(TooManyRequests) as caught:
        client.client_credentials(audience=AUDIENCE)
    assert caught.value.retry_after == retry_after


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        pytest.param(
            {"body": "Too Many Requests", "content_type": "text/plain"},
            "too_many_requests",
            id="text",
        ),
        pytest.param(
            {"json": {"statusCode": 429, "error": "Too Many Requests"}},
            "Too Many Requests",
            id="management-api-shape",
        ),
        pytest.param({"body": ""}, "too_many_requests", id="empty"),
        pytest.param({"json": ["not", "an", "object"]}, "too_many_requests", id="json-list"),
    ],
)
def test_any_429_from_the_tenant_is_too_many_requests(
    client: Auth0Client, mocked: responses.RequestsMock, answer: dict[str, Any], error: str
):
    mocked.post(TOKEN, status=429, headers={"Retry-After": "2"}, **answer)
    with pytest.raises(TooManyRequests) as caught:
        client.client_credentials(audience=AUDIENCE)
    assert caught.value.error == error
    assert caught.value.retry_after == 2.0
    assert caught.value.transient


def test_a_429_keeps_the_code_and_description_auth0_sent(
    client: Auth0Client, mocked: responses.RequestsMock
):
    mocked.post(
        TOKEN,
        status=429,
        json={"error": "Rate limit reached", "error_description": "Access Denied"},
    )
    with pytest.raises(TooManyRequests) as caught:
        client.client_credentials(audience=AUDIENCE)
    assert (caught.value.error, caught.value.error_description) == (
        "Rate limit reached",
        "Access Denied",
    )


def test_a_429_at_another_endpoint_is_too_many_requests(
    client: Auth0Client, mocked: responses.RequestsMock
):
    mocked.post("https://acme.auth0.com/oauth/revoke", status=429, headers={"Retry-After": "5"})
    with pytest.raises(TooManyRequests) as caught:
        client.revoke_refresh_token("rt-1")
    assert caught.value.retry_after == 5.0


def test_other_answers_keep_core_behaviour(client: Auth0Client, mocked: responses.RequestsMock):
    mocked.post(TOKEN, status=502, body="<html>Bad Gateway</html>", content_type="text/html")
    with pytest.raises(InvalidTokenResponse) as caught:
        client.client_credentials(audience=AUDIENCE)
    assert caught.value.transient


def test_a_transport_failure_is_not_a_rate_limit(
    client: Auth0Client, mocked: responses.RequestsMock
):
    mocked.post(TOKEN, body=requests.ConnectionError("refused"))
    with pytest.raises(requests.RequestException) as caught:
        client.client_credentials(audience=AUDIENCE)
    assert not isinstance(caught.value, TooManyRequests)


def test_a_429_nested_too_deep_is_still_too_many_requests(
    client: Auth0Client, mocked: responses.RequestsMock
):
    mocked.post(TOKEN, status=429, body="[" * 100_000 + "]" * 100_000)
    with pytest.raises(TooManyRequests) as caught:
        client.client_credentials(audience=AUDIENCE)
    assert caught.value.status_code == 429
