"""Hostile answers from the JWKS endpoint: typed errors, the client's cap, no redirect.

Each case asserts the exact error class, the response it carries, the ``transient`` flag,
and that no secret shows in ``str(err)`` or ``repr(err)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TypeVar

import pytest
import requests
from urllib3.exceptions import ReadTimeoutError

from oauth2core import (
    DEFAULT_MAX_RESPONSE_SIZE,
    OAuth2Error,
    RequestTimeout,
    ResponseTooLarge,
    TransportError,
    UnexpectedRedirect,
)
from oauth2core_oidc import InvalidJwksResponse, Jwks, validate_id_token

JWKS_URL = "https://as.example.com/jwks"
CAP = 4096
NO_POOL: Any = None
E = TypeVar("E", bound=OAuth2Error)
CANARY_SECRET = "canary-jwks-client-secret-3c9"


@pytest.fixture
def remote(clock: Any) -> Iterator[Jwks]:
    with requests.Session() as session:
        yield Jwks(JWKS_URL, session=session, clock=clock, max_response_size=CAP, timeout=(2, 6))


def attack(jwks: Jwks, expected: type[E], status: int | None) -> E:
    with pytest.raises(OAuth2Error) as caught:
        jwks.verification_key("RS256", "rsa")
    error = caught.value
    assert type(error) is expected, f"{type(error).__name__}: {error}"
    assert isinstance(error, expected)
    assert CANARY_SECRET not in f"{error}{error!r}"
    response = getattr(error, "response", None)
    if status is None:
        assert response is None
    else:
        assert isinstance(response, requests.Response)
        assert response.status_code == status
        assert response.request.url == JWKS_URL
    return error


@pytest.mark.parametrize(
    ("kwargs", "status", "transient"),
    [
        ({"body": "<html>login</html>", "content_type": "text/html"}, 200, False),
        ({"body": "<h1>oops</h1>", "status": 500, "content_type": "text/html"}, 500, True),
        ({"body": "<h1>oops</h1>", "status": 502, "content_type": "text/html"}, 502, True),
        ({"body": "<h1>oops</h1>", "status": 503, "content_type": "text/html"}, 503, True),
        ({"body": ""}, 200, False),
        ({"body": '{"keys": [{"kty": "RSA"'}, 200, False),
        ({"json": [{"kty": "RSA"}]}, 200, False),
        ({"json": "keys"}, 200, False),
        ({"json": 42}, 200, False),
        ({"json": None}, 200, False),
        ({"json": {"keys": None}}, 200, False),
        ({"json": {"keys": {"kty": "RSA"}}}, 200, False),
        ({"json": {"keys": [None]}}, 200, False),
        ({"body": "[" * 2000 + "]" * 2000}, 200, False),
        ({"json": {"error": 42}, "status": 400}, 400, False),
        (
            {"status": 401, "body": "", "headers": {"WWW-Authenticate": 'Bearer error="x'}},
            401,
            False,
        ),
        ({"status": 304}, 304, False),
    ],
    ids=[
        "html_200",
        "html_500",
        "html_502",
        "html_503",
        "empty",
        "truncated",
        "array",
        "string",
        "number",
        "null",
        "null_keys",
        "keys_object",
        "null_key",
        "deeply_nested",
        "non_string_error",
        "garbage_challenge",
        "3xx_without_location",
    ],
)
def test_bad_answers_are_invalid_jwks_responses(remote, mock_http, kwargs, status, transient):
    mock_http.get(JWKS_URL, **kwargs)
    error = attack(remote, InvalidJwksResponse, status)
    assert error.transient is transient


@pytest.mark.parametrize("content_type", ["text/plain", "text/html", "application/jwk-set+json"])
def test_a_jwk_set_under_another_content_type_is_accepted(remote, mock_http, server, content_type):
    mock_http.get(JWKS_URL, body=json.dumps(server.jwks("rsa")), content_type=content_type)
    assert remote.verification_key("RS256", "rsa").kid == "rsa"


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "undeclared"])
@pytest.mark.parametrize(("status", "transient"), [(200, False), (503, True)])
def test_a_body_over_the_cap(remote, mock_http, declared, status, transient):
    body = b'{"keys": [], "pad": "' + b"x" * CAP + b'"}'
    headers = {"Content-Length": str(len(body))} if declared else {}
    mock_http.get(JWKS_URL, body=body, status=status, headers=headers)
    error = attack(remote, ResponseTooLarge, status)
    assert (error.endpoint, error.limit, error.transient) == ("jwks", CAP, transient)
    assert error.response is not None
    assert error.response.content == b""


def test_the_default_cap(mock_http, clock):
    jwks = Jwks(JWKS_URL, clock=clock)
    mock_http.get(JWKS_URL, body=b" " * (DEFAULT_MAX_RESPONSE_SIZE + 1))
    assert attack(jwks, ResponseTooLarge, 200).limit == DEFAULT_MAX_RESPONSE_SIZE


def test_the_client_cap_and_timeout_are_used(mock_http, make_client, server):
    client = make_client(
        (("client-1", CANARY_SECRET)), jwks_uri=JWKS_URL, max_response_size=CAP, timeout=(1, 4)
    )
    mock_http.get(JWKS_URL, body=b" " * (CAP + 1))
    with pytest.raises(ResponseTooLarge) as caught:
        validate_id_token(server.id_token(), client)
    assert caught.value.limit == CAP
    assert mock_http.calls[0].request.req_kwargs["timeout"] == (1, 4)


def test_a_redirect_is_not_followed(remote, mock_http):
    target = "https://elsewhere.example.net/keys"
    mock_http.get(JWKS_URL, status=302, headers={"Location": f"{target}?sig=abc"})
    error = attack(remote, UnexpectedRedirect, 302)
    assert len(mock_http.calls) == 1
    assert error.transient is False
    assert error.location == f"{target}?sig=abc"
    assert target in str(error)  # the key set is public: say where, without the query
    assert "sig=abc" not in str(error)


@pytest.mark.parametrize(
    ("failure", "limit"),
    [
        (requests.exceptions.ConnectTimeout("connect"), 2),
        (requests.exceptions.ReadTimeout("read"), 6),
        (requests.ConnectionError(ReadTimeoutError(NO_POOL, "/jwks", "read timed out")), 6),
    ],
    ids=["connect", "read", "read_while_streaming"],
)
def test_a_timeout_is_typed(remote, mock_http, failure, limit):
    mock_http.get(JWKS_URL, body=failure)
    error = attack(remote, RequestTimeout, None)
    assert isinstance(error, TransportError)
    assert isinstance(error, requests.Timeout)
    assert isinstance(error, TimeoutError)
    assert (error.transient, error.timeout, error.endpoint) == (True, limit, "jwks")
    assert str(error).startswith("the jwks endpoint ")
    assert f"within {limit} s" in str(error)
    assert error.__cause__ is failure


@pytest.mark.parametrize(
    ("failure", "transient"),
    [
        (requests.ConnectionError("refused"), True),
        (requests.exceptions.SSLError("bad certificate"), False),
        (requests.exceptions.ChunkedEncodingError("broken"), True),
        (requests.exceptions.InvalidHeader("bad"), False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_transport_failures(remote, mock_http, failure, transient):
    mock_http.get(JWKS_URL, body=failure)
    error = attack(remote, TransportError, None)
    assert error.transient is transient
    assert error.endpoint == "jwks"
