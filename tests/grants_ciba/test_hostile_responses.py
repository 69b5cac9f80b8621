"""Hostile answers from the backchannel authentication endpoint (CIBA Core §7.3): typed errors."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from oauth2core import (
    InvalidRequest,
    OAuth2Client,
    OAuth2Error,
    RequestTimeout,
    ResponseTooLarge,
    UnexpectedRedirect,
)
from oauth2core_grants_ciba import InvalidBackChannelAuthenticationResponse

BACKCHANNEL_ENDPOINT = "https://as.example.com/oauth/bc-authorize"
CANARY_SECRET = "canary-ciba-client-secret-5e1"
CAP = 2048
VALID = {"auth_req_id": "canary-auth-req-id-a7", "expires_in": 120, "interval": 2}


@pytest.fixture
def client(make_client: Any) -> OAuth2Client:
    result: OAuth2Client = make_client(
        ("client-1", CANARY_SECRET), max_response_size=CAP, timeout=(2, 5)
    )
    return result


def attack(client: OAuth2Client, expected: type[OAuth2Error], status: int | None) -> Any:
    with pytest.raises(OAuth2Error) as caught:
        client.backchannel_authentication_request(login_hint="alice")
    error = caught.value
    assert type(error) is expected, f"{type(error).__name__}: {error}"
    for shown in (str(error), repr(error)):
        assert CANARY_SECRET not in shown
        assert "canary-auth-req-id" not in shown
    if status is not None:
        response = getattr(error, "response", None)
        assert isinstance(response, requests.Response)
        assert response.status_code == status
    return error


@pytest.mark.parametrize(
    ("kwargs", "status", "transient"),
    [
        ({"body": "<html>hi</html>", "content_type": "text/html"}, 200, False),
        ({"body": "<h1>502</h1>", "status": 502, "content_type": "text/html"}, 502, True),
        ({"body": ""}, 200, False),
        ({"body": '{"auth_req_id": "x'}, 200, False),
        ({"json": ["a"]}, 200, False),
        ({"json": None}, 200, False),
        ({"json": {**VALID, "auth_req_id": None}}, 200, False),
        ({"json": {**VALID, "expires_in": "soon"}}, 200, False),
        ({"json": {"error": 42}, "status": 400}, 400, False),
        (
            {"status": 401, "body": "", "headers": {"WWW-Authenticate": 'Bearer error="x'}},
            401,
            False,
        ),
    ],
    ids=[
        "html_200",
        "html_502",
        "empty",
        "truncated",
        "array",
        "null",
        "null_auth_req_id",
        "expires_in_not_a_number",
        "non_string_error",
        "garbage_challenge",
    ],
)
def test_bad_answers_are_invalid_responses(client, mock_http, kwargs, status, transient):
    mock_http.post(BACKCHANNEL_ENDPOINT, **kwargs)
    error = attack(client, InvalidBackChannelAuthenticationResponse, status)
    assert error.transient is transient


def test_expires_in_as_a_numeric_string_is_accepted(client, mock_http):
    mock_http.post(BACKCHANNEL_ENDPOINT, json={**VALID, "expires_in": "120"})
    assert client.backchannel_authentication_request(login_hint="alice").expires_in == 120


def test_json_under_text_plain_is_accepted(client, mock_http):
    mock_http.post(BACKCHANNEL_ENDPOINT, json=VALID, content_type="text/plain")
    assert (
        client.backchannel_authentication_request(login_hint="alice").auth_req_id
        == VALID["auth_req_id"]
    )


def test_non_string_description_is_dropped(client, mock_http):
    body = {"error": "invalid_request", "error_description": ["x"]}
    mock_http.post(BACKCHANNEL_ENDPOINT, json=body, status=400)
    error = attack(client, InvalidRequest, 400)
    assert error.error_description is None


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "undeclared"])
def test_a_body_over_the_cap(client, mock_http, declared):
    body = b" " * (CAP + 1)
    mock_http.post(
        BACKCHANNEL_ENDPOINT,
        body=body,
        headers={"Content-Length": str(len(body))} if declared else {},
    )
    error = attack(client, ResponseTooLarge, 200)
    assert error.endpoint == "backchannel_authentication"
    assert error.transient is False


def test_a_redirect_is_not_followed(client, mock_http):
    mock_http.post(BACKCHANNEL_ENDPOINT, status=307, headers={"Location": "https://evil.example/d"})
    error = attack(client, UnexpectedRedirect, 307)
    assert len(mock_http.calls) == 1
    assert "evil" not in str(error)


def test_a_timeout_is_typed(client, mock_http):
    mock_http.post(BACKCHANNEL_ENDPOINT, body=requests.exceptions.ReadTimeout("slow"))
    error = attack(client, RequestTimeout, None)
    assert error.transient is True
    assert "the backchannel_authentication endpoint did not answer within 5 s" in str(error)
