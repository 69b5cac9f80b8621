"""Hostile answers from the authorization server, one named test per kind, at every endpoint.

Each case asserts the exact error class of the tree, that the error carries the response,
its ``transient`` flag, and that no canary (client secret, token, code) shows in
``str(err)`` or ``repr(err)``. The endpoints: the token endpoint (client credentials and
authorization code), revocation, introspection, userinfo, PAR and discovery.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
import requests
import responses
from urllib3.exceptions import ReadTimeoutError

import oauth2core
from oauth2core import (
    DEFAULT_MAX_RESPONSE_SIZE,
    BearerToken,
    InvalidDiscoveryDocument,
    InvalidRequest,
    InvalidResponse,
    InvalidTokenResponse,
    OAuth2Client,
    OAuth2Error,
    RequestTimeout,
    ResponseTooLarge,
    TransportError,
    UnexpectedRedirect,
)

ISSUER = "https://as.example.com"
TOKEN = f"{ISSUER}/oauth/token"
REVOKE = f"{ISSUER}/oauth/revoke"
INTROSPECT = f"{ISSUER}/oauth/introspect"
USERINFO = f"{ISSUER}/userinfo"
PAR = f"{ISSUER}/oauth/par"
DISCOVERY = oauth2core.oidc_discovery_document_url(ISSUER)
ELSEWHERE = "https://elsewhere.example.net/steal"

CANARY_SECRET = "canary-client-secret-7f3a"
CANARY_TOKEN = "canary-access-token-9b1c"
CANARY_CODE = "canary-auth-code-4d2e"
CANARIES = (CANARY_SECRET, CANARY_TOKEN, CANARY_CODE)

NO_POOL: Any = None
"""What urllib3 puts in a ReadTimeoutError; unused here."""
CAP = 4096
"""The clients' ``max_response_size`` here, so that over-the-cap bodies stay small."""

E = TypeVar("E", bound=OAuth2Error)

TOKEN_BODY = {"access_token": "issued-at", "token_type": "Bearer", "expires_in": 60}


@dataclass(frozen=True)
class Endpoint:
    """One endpoint under attack: how to call it, what success and failure look like."""

    name: str
    method: str
    url: str
    call: Callable[[OAuth2Client], Any]
    invalid: type[InvalidResponse]
    valid_body: dict[str, Any]
    ok: Callable[[Any], bool]
    ok_status: int = 200
    ignores_body: bool = False  # RFC 7009 §2.2: revocation's 200 means done, body or not
    shows_redirect_target: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _discover(client: OAuth2Client) -> OAuth2Client:
    return OAuth2Client.from_discovery_endpoint(
        issuer=ISSUER,
        auth=("client-1", CANARY_SECRET),
        registry=client.registry,
        timeout=client.timeout,
        max_response_size=client.max_response_size,
    )


def _par(client: OAuth2Client) -> Any:
    return client.pushed_authorization_request(client.authorization_request())


ENDPOINTS = [
    Endpoint(
        "token_client_credentials",
        "POST",
        TOKEN,
        lambda client: client.client_credentials(),
        InvalidTokenResponse,
        TOKEN_BODY,
        lambda token: isinstance(token, BearerToken),
    ),
    Endpoint(
        "token_authorization_code",
        "POST",
        TOKEN,
        lambda client: client.authorization_code(CANARY_CODE),
        InvalidTokenResponse,
        TOKEN_BODY,
        lambda token: isinstance(token, BearerToken),
    ),
    Endpoint(
        "revocation",
        "POST",
        REVOKE,
        lambda client: client.revoke_access_token(CANARY_TOKEN),
        InvalidResponse,
        {},
        lambda result: result is True,
        ignores_body=True,
    ),
    Endpoint(
        "introspection",
        "POST",
        INTROSPECT,
        lambda client: client.introspect_token(CANARY_TOKEN),
        InvalidResponse,
        {"active": True, "scope": "read"},
        lambda fields: fields["active"] is True,
    ),
    Endpoint(
        "userinfo",
        "GET",
        USERINFO,
        lambda client: client.userinfo(CANARY_TOKEN),
        InvalidResponse,
        {"sub": "user-1"},
        lambda claims: claims == {"sub": "user-1"},
    ),
    Endpoint(
        "pushed_authorization",
        "POST",
        PAR,
        _par,
        InvalidResponse,
        {"request_uri": "urn:ietf:params:oauth:request_uri:abc", "expires_in": 60},
        lambda request: "request_uri=" in request.uri,
        ok_status=201,
    ),
    Endpoint(
        "discovery",
        "GET",
        DISCOVERY,
        _discover,
        InvalidDiscoveryDocument,
        {"issuer": ISSUER, "token_endpoint": TOKEN},
        lambda client: isinstance(client, OAuth2Client) and client.token_endpoint == TOKEN,
        shows_redirect_target=True,
    ),
]
BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}
TOKEN_ENDPOINTS = [BY_NAME["token_client_credentials"], BY_NAME["token_authorization_code"]]

every_endpoint = pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
token_endpoints = pytest.mark.parametrize("endpoint", TOKEN_ENDPOINTS, ids=lambda e: e.name)


@pytest.fixture
def client(make_client: Callable[..., OAuth2Client]) -> OAuth2Client:
    return make_client(
        ("client-1", CANARY_SECRET),
        revocation_endpoint=REVOKE,
        introspection_endpoint=INTROSPECT,
        userinfo_endpoint=USERINFO,
        pushed_authorization_request_endpoint=PAR,
        max_response_size=CAP,
        timeout=(3, 7),
    )


def wire_name(endpoint: Endpoint) -> str:
    """The endpoint name errors carry (both token grants call ``"token"``)."""
    return "token" if endpoint.name.startswith("token_") else endpoint.name


def answer(mock: responses.RequestsMock, endpoint: Endpoint, **kwargs: Any) -> None:
    mock.add(endpoint.method, endpoint.url, **kwargs)


def attack(client: OAuth2Client, endpoint: Endpoint, expected: type[E]) -> E:
    """Call ``endpoint``, expect exactly ``expected``, and check no canary leaks."""
    with pytest.raises(OAuth2Error) as caught:
        endpoint.call(client)
    error = caught.value
    assert type(error) is expected, f"{type(error).__name__}: {error}"
    assert isinstance(error, expected)
    shown = f"{error}\n{error!r}\n{error.args!r}"
    for canary in CANARIES:
        assert canary not in shown
    return error


def check_response(error: OAuth2Error, endpoint: Endpoint, status: int) -> None:
    response = getattr(error, "response", None)
    assert isinstance(response, requests.Response)
    assert response.status_code == status
    assert response.request.url is not None
    assert response.request.url.startswith(endpoint.url)


def check_rejected(
    client: OAuth2Client, endpoint: Endpoint, status: int, *, transient: bool = False
) -> InvalidResponse:
    error = attack(client, endpoint, endpoint.invalid)
    check_response(error, endpoint, status)
    assert error.transient is transient
    return error


# ------------------------------------------------------------------------------ baseline


@every_endpoint
def test_a_valid_answer_is_accepted(client, mock_http, endpoint):
    answer(mock_http, endpoint, json=endpoint.valid_body, status=endpoint.ok_status)
    assert endpoint.ok(endpoint.call(client))
    sent = mock_http.calls[0].request
    assert sent.url.startswith(endpoint.url)


# ------------------------------------------------------------------------------ not JSON


@every_endpoint
def test_html_with_200(client, mock_http, endpoint):
    html = "<html><body>Welcome! Please log in.</body></html>"
    answer(mock_http, endpoint, body=html, status=200, content_type="text/html")
    if endpoint.ignores_body:
        assert endpoint.ok(endpoint.call(client))
        return
    error = check_rejected(client, endpoint, 200)
    assert "JSON" in str(error)
    assert "Welcome" not in str(error)  # the body is never quoted


@every_endpoint
@pytest.mark.parametrize("status", [500, 502, 503])
def test_html_with_a_server_error(client, mock_http, endpoint, status):
    answer(
        mock_http, endpoint, body="<h1>Bad Gateway</h1>", status=status, content_type="text/html"
    )
    error = check_rejected(client, endpoint, status, transient=True)
    assert str(status) in str(error)


@every_endpoint
def test_empty_body(client, mock_http, endpoint):
    answer(mock_http, endpoint, body=b"", status=200, content_type="application/json")
    if endpoint.ignores_body:
        assert endpoint.ok(endpoint.call(client))
        return
    check_rejected(client, endpoint, 200)


@every_endpoint
def test_truncated_json(client, mock_http, endpoint):
    whole = json.dumps(endpoint.valid_body or {"a": "b"})
    answer(mock_http, endpoint, body=whole[: len(whole) // 2], content_type="application/json")
    if endpoint.ignores_body:
        assert endpoint.ok(endpoint.call(client))
        return
    check_rejected(client, endpoint, 200)


@every_endpoint
@pytest.mark.parametrize(
    "body",
    ['["access_token", "x"]', '"a string"', "42", "null", "true"],
    ids=["array", "string", "number", "null", "boolean"],
)
def test_json_that_is_not_an_object(client, mock_http, endpoint, body):
    answer(
        mock_http, endpoint, body=body, status=endpoint.ok_status, content_type="application/json"
    )
    if endpoint.ignores_body:
        assert endpoint.ok(endpoint.call(client))
        return
    error = check_rejected(client, endpoint, endpoint.ok_status)
    assert "not an object" in str(error)


@every_endpoint
def test_deeply_nested_json(client, mock_http, endpoint):
    body = "[" * 2000 + "]" * 2000  # under the cap, over the parser's recursion limit
    answer(
        mock_http, endpoint, body=body, status=endpoint.ok_status, content_type="application/json"
    )
    if endpoint.ignores_body:
        assert endpoint.ok(endpoint.call(client))
        return
    check_rejected(client, endpoint, endpoint.ok_status)


# ------------------------------------------------------------------------------ field types


@token_endpoints
@pytest.mark.parametrize(("value", "seconds"), [("3600", 3600), (" 60 ", 60), ("1.5", 2)])
def test_expires_in_as_a_numeric_string_is_accepted(client, mock_http, endpoint, value, seconds):
    """RFC 6749 §5.1 shows numbers, but servers send strings (Azure AD v1): parse_seconds
    accepts a numeric string, so the token gets its lifetime rather than an error."""
    answer(mock_http, endpoint, json={**TOKEN_BODY, "expires_in": value})
    token = endpoint.call(client)
    assert token.expires_in == seconds


@token_endpoints
@pytest.mark.parametrize("value", ["soon", "-1", "NaN", "1e999", True, [60], {"s": 60}])
def test_expires_in_that_is_no_lifetime_is_refused(client, mock_http, endpoint, value):
    answer(mock_http, endpoint, json={**TOKEN_BODY, "expires_in": value})
    error = check_rejected(client, endpoint, 200)
    assert "expires_in" in str(error)


@token_endpoints
@pytest.mark.parametrize("name", ["access_token", "token_type"])
def test_null_required_token_fields_are_refused(client, mock_http, endpoint, name):
    answer(mock_http, endpoint, json={**TOKEN_BODY, name: None})
    check_rejected(client, endpoint, 200)


@token_endpoints
@pytest.mark.parametrize("name", ["expires_in", "refresh_token", "scope"])
def test_null_optional_token_fields_count_as_absent(client, mock_http, endpoint, name):
    answer(mock_http, endpoint, json={**TOKEN_BODY, name: None})
    token = endpoint.call(client)
    assert getattr(token, name) is None
    assert name not in token.as_dict()


@token_endpoints
@pytest.mark.parametrize(
    ("name", "value"),
    [("access_token", 12345), ("access_token", ""), ("token_type", 1), ("refresh_token", 7)],
)
def test_mistyped_token_fields_are_refused(client, mock_http, endpoint, name, value):
    answer(mock_http, endpoint, json={**TOKEN_BODY, name: value})
    check_rejected(client, endpoint, 200)


@pytest.mark.parametrize("active", [None, "true", 1, "false"])
def test_introspection_active_must_be_a_boolean(client, mock_http, active):
    """RFC 7662 §2.2: ``active`` is a REQUIRED boolean; no string or number stands in."""
    endpoint = BY_NAME["introspection"]
    answer(mock_http, endpoint, json={"active": active})
    check_rejected(client, endpoint, 200)


@pytest.mark.parametrize("request_uri", [None, "", 42])
def test_par_request_uri_must_be_a_string(client, mock_http, request_uri):
    endpoint = BY_NAME["pushed_authorization"]
    answer(mock_http, endpoint, json={"request_uri": request_uri, "expires_in": 60}, status=201)
    check_rejected(client, endpoint, 201)


@pytest.mark.parametrize(
    "document",
    [
        {"issuer": None, "token_endpoint": TOKEN},
        {"issuer": ISSUER, "token_endpoint": None},
        {"issuer": ISSUER, "token_endpoint": 42},
        {"issuer": ISSUER, "token_endpoint": TOKEN, "jwks_uri": ["x"]},
        {"issuer": "https://other.example.com", "token_endpoint": TOKEN},
    ],
    ids=["null_issuer", "null_token_endpoint", "number_token_endpoint", "list_jwks_uri", "issuer"],
)
def test_unusable_discovery_documents(client, mock_http, document):
    endpoint = BY_NAME["discovery"]
    answer(mock_http, endpoint, json=document)
    with pytest.raises(InvalidDiscoveryDocument) as caught:
        endpoint.call(client)
    assert type(caught.value) is InvalidDiscoveryDocument
    assert caught.value.transient is False


def test_null_optional_discovery_endpoints_count_as_absent(client, mock_http):
    endpoint = BY_NAME["discovery"]
    answer(mock_http, endpoint, json={**endpoint.valid_body, "jwks_uri": None})
    assert endpoint.call(client).jwks_uri is None


# ------------------------------------------------------------------------------ content types


@every_endpoint
@pytest.mark.parametrize(
    "content_type", ["text/plain", "text/html", "application/octet-stream", None]
)
def test_json_under_another_content_type_is_accepted(client, mock_http, endpoint, content_type):
    """The body decides, not the header: a JSON object under a wrong media type is read.

    RFC 6749 §5.1 says ``application/json``, but servers get it wrong (``text/plain``,
    ``text/html``) and nothing is rendered or sniffed: the parse is strict JSON. As
    requests_oauth2client does. (``application/jwt`` userinfo is the one exception: it is
    a signed answer, for the oidc plugin.)
    """
    body = json.dumps(endpoint.valid_body)
    answer(mock_http, endpoint, body=body, status=endpoint.ok_status, content_type=content_type)
    assert endpoint.ok(endpoint.call(client))


# ------------------------------------------------------------------------------ size cap


@every_endpoint
@pytest.mark.parametrize("content_length", [True, False], ids=["declared", "undeclared"])
def test_a_body_over_the_cap(client, mock_http, endpoint, content_length):
    body = b'{"padding": "' + b"x" * CAP + b'"}'
    headers = {"Content-Length": str(len(body))} if content_length else {}
    answer(mock_http, endpoint, body=body, status=endpoint.ok_status, headers=headers)
    error = attack(client, endpoint, ResponseTooLarge)
    check_response(error, endpoint, endpoint.ok_status)
    assert error.transient is False
    assert isinstance(error, InvalidResponse)
    assert error.response is not None
    assert error.response.content == b""
    assert error.endpoint == wire_name(endpoint)
    assert str(CAP) in str(error)
    assert "max_response_size" in str(error)


@every_endpoint
def test_a_server_error_over_the_cap_stays_transient(client, mock_http, endpoint):
    answer(mock_http, endpoint, body=b"<p>" * CAP, status=503, content_type="text/html")
    error = attack(client, endpoint, ResponseTooLarge)
    check_response(error, endpoint, 503)
    assert error.transient is True


@every_endpoint
def test_a_compressed_body_is_capped_once_decoded(client, mock_http, endpoint):
    """A gzip bomb: 2 KiB on the wire (under the cap), 2 MiB decoded (over it)."""
    bomb = gzip.compress(b" " * (2 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < CAP
    headers = {"Content-Encoding": "gzip", "Content-Length": str(len(bomb))}
    answer(mock_http, endpoint, body=bomb, status=endpoint.ok_status, headers=headers)
    error = attack(client, endpoint, ResponseTooLarge)
    check_response(error, endpoint, endpoint.ok_status)


@pytest.mark.parametrize(
    "endpoint", [BY_NAME["token_client_credentials"], BY_NAME["discovery"]], ids=lambda e: e.name
)
@pytest.mark.parametrize("content_length", [True, False], ids=["declared", "undeclared"])
def test_the_default_cap_is_one_mebibyte(make_client, mock_http, endpoint, content_length):
    client = make_client(("client-1", CANARY_SECRET))
    assert client.max_response_size == DEFAULT_MAX_RESPONSE_SIZE == 1024 * 1024
    fitting = json.dumps(endpoint.valid_body).encode()
    fitting += b" " * (DEFAULT_MAX_RESPONSE_SIZE - len(fitting))  # exactly the cap: read
    over = fitting + b" "
    for body in (fitting, over):
        headers = {"Content-Length": str(len(body))} if content_length else {}
        answer(mock_http, endpoint, body=body, headers=headers, content_type="application/json")
    assert endpoint.ok(endpoint.call(client))
    error = attack(client, endpoint, ResponseTooLarge)
    assert error.limit == DEFAULT_MAX_RESPONSE_SIZE


def test_a_declared_length_over_the_cap_is_refused_before_reading(client, mock_http):
    endpoint = BY_NAME["token_client_credentials"]
    read: list[int] = []

    def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Length": str(CAP + 1)}, b"x" * (CAP + 1)

    mock_http.add_callback(responses.POST, TOKEN, callback=callback)
    original = requests.Response.iter_content

    def spy(self: requests.Response, *args: Any, **kwargs: Any) -> Any:
        read.append(1)
        return original(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(requests.Response, "iter_content", spy)
        attack(client, endpoint, ResponseTooLarge)
    assert read == []


@pytest.mark.parametrize("value", [0, -1])
def test_max_response_size_must_be_positive(make_client, value):
    with pytest.raises(ValueError, match="max_response_size"):
        make_client(max_response_size=value)


@pytest.mark.parametrize("value", [1.5, "1024", None, True])
def test_max_response_size_must_be_an_integer(make_client, value):
    with pytest.raises(TypeError, match="max_response_size"):
        make_client(max_response_size=value)


# ------------------------------------------------------------------------------ redirects


@every_endpoint
def test_a_redirect_is_not_followed(client, mock_http, endpoint):
    location = f"{ELSEWHERE}?code={CANARY_CODE}&token={CANARY_TOKEN}"
    answer(mock_http, endpoint, status=302, headers={"Location": location})
    error = attack(client, endpoint, UnexpectedRedirect)
    check_response(error, endpoint, 302)
    assert error.transient is False
    assert error.location == location
    assert error.endpoint == wire_name(endpoint)
    assert len(mock_http.calls) == 1  # credentials went out once, to the configured URL
    assert "302" in str(error)
    assert "redirect" in str(error)
    if endpoint.shows_redirect_target:  # carries no secret: say where, without the query
        assert ELSEWHERE in str(error)
    else:
        assert "elsewhere" not in str(error)


@pytest.mark.parametrize(
    "endpoint", [BY_NAME["token_client_credentials"], BY_NAME["discovery"]], ids=lambda e: e.name
)
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_every_redirect_status_is_refused(client, mock_http, endpoint, status):
    answer(mock_http, endpoint, status=status, headers={"Location": "/elsewhere"})
    error = attack(client, endpoint, UnexpectedRedirect)
    check_response(error, endpoint, status)
    assert len(mock_http.calls) == 1


def test_a_redirect_to_plain_http_is_not_followed_by_discovery(client, mock_http):
    """A followed redirect would skip the https check of the configured URL."""
    endpoint = BY_NAME["discovery"]
    answer(mock_http, endpoint, status=301, headers={"Location": "http://as.example.com/x"})
    error = attack(client, endpoint, UnexpectedRedirect)
    assert "http://as.example.com/x" in str(error)


def test_a_3xx_without_location_is_an_invalid_response(client, mock_http):
    endpoint = BY_NAME["token_client_credentials"]
    answer(mock_http, endpoint, status=304)
    check_rejected(client, endpoint, 304)


# ------------------------------------------------------------------------------ error bodies


@every_endpoint
@pytest.mark.parametrize(
    "body",
    [{"error": 42}, {"error": None}, {"error": ["invalid_grant"]}, {"error": {}}, {"error": ""}],
    ids=["number", "null", "list", "object", "empty"],
)
def test_an_error_body_whose_error_is_not_a_string(client, mock_http, endpoint, body):
    answer(mock_http, endpoint, json=body, status=400)
    error = check_rejected(client, endpoint, 400)
    if endpoint.name != "discovery":
        assert "without an OAuth error body" in str(error)


@every_endpoint
def test_non_string_error_description_and_uri_are_dropped(client, mock_http, endpoint):
    body = {"error": "invalid_request", "error_description": 42, "error_uri": ["x"]}
    answer(mock_http, endpoint, json=body, status=400)
    if endpoint.name == "discovery":  # metadata has no OAuth error bodies
        check_rejected(client, endpoint, 400)
        return
    error = attack(client, endpoint, InvalidRequest)
    check_response(error, endpoint, 400)
    assert (error.error, error.error_description, error.error_uri) == (
        "invalid_request",
        None,
        None,
    )


@every_endpoint
@pytest.mark.parametrize(
    "challenge",
    [
        'Bearer error="unterminated',
        "Bearer error=",
        "Bearer error=,,,",
        ",,,, ,,,",
        "Bearer error=\x7fbad",
        "Bearer " + "a=b, " * 5000,
        'Bearer error="' + "\\" * 5000,
        "\u00e9t\u00e9 error=caf\u00e9",
    ],
    ids=[
        "unterminated_quote",
        "empty_value",
        "commas",
        "only_commas",
        "control_character",
        "huge",
        "backslashes",
        "non_ascii",
    ],
)
def test_a_401_with_a_garbage_challenge(client, mock_http, endpoint, challenge):
    answer(
        mock_http,
        endpoint,
        status=401,
        body="",
        headers={"WWW-Authenticate": challenge.encode("utf-8").decode("latin-1")},
    )
    error = check_rejected(client, endpoint, 401)
    assert "401" in str(error)


# ------------------------------------------------------------------------------ timeouts


@every_endpoint
@pytest.mark.parametrize(
    ("failure", "limit", "kind"),
    [
        (requests.exceptions.ConnectTimeout("connect timed out"), 3, "ConnectTimeout"),
        (requests.exceptions.ReadTimeout("read timed out"), 7, "ReadTimeout"),
        (
            requests.ConnectionError(ReadTimeoutError(NO_POOL, "/x", "read timed out")),
            7,
            "ReadTimeout",
        ),
    ],
    ids=["connect", "read", "read_while_streaming"],
)
def test_a_timeout_is_typed(client, mock_http, endpoint, failure, limit, kind):
    """requests raises a ConnectionError (not a ReadTimeout) when a streamed body stalls:
    both are a RequestTimeout here."""
    answer(mock_http, endpoint, body=failure)
    error = attack(client, endpoint, RequestTimeout)
    assert isinstance(error, TransportError)
    assert isinstance(error, requests.Timeout)
    assert isinstance(error, requests.RequestException)
    assert isinstance(error, TimeoutError)
    assert error.transient is True
    assert error.timeout == limit
    assert error.__cause__ is failure
    name = wire_name(endpoint)
    assert error.endpoint == name
    assert str(error).startswith(f"the {name} endpoint ")
    assert f"within {limit} s" in str(error)
    assert kind in str(error)
    assert "?" not in str(error)
    assert "https://" not in str(error)


def test_a_single_number_timeout_is_named(make_client, mock_http):
    client = make_client(timeout=2.5)
    mock_http.post(TOKEN, body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(RequestTimeout, match=r"within 2\.5 s") as caught:
        client.client_credentials()
    assert caught.value.timeout == 2.5


def test_the_timeout_pair_reaches_requests(client, mock_http):
    mock_http.post(TOKEN, json=TOKEN_BODY)
    client.client_credentials()
    assert mock_http.calls[0].request.req_kwargs["timeout"] == (3, 7)
    assert mock_http.calls[0].request.req_kwargs["stream"] is True


@pytest.mark.parametrize("value", [None, 0, -1, float("inf"), "10", (1, None), (1, 2, 3), True])
def test_a_timeout_is_a_bounded_number_or_pair(make_client, value):
    with pytest.raises(TypeError, match="timeout"):
        make_client(timeout=value)


# ------------------------------------------------------------------------------ transport


@pytest.mark.parametrize(
    ("failure", "transient"),
    [
        (requests.ConnectionError("refused"), True),
        (requests.exceptions.ProxyError("proxy down"), True),
        (requests.exceptions.SSLError("certificate verify failed"), False),
        (requests.exceptions.ChunkedEncodingError("connection broken"), True),
        (requests.exceptions.RetryError("too many 503"), True),
        (requests.exceptions.ContentDecodingError("bad gzip"), False),
        (requests.exceptions.TooManyRedirects("loop"), False),
        (requests.exceptions.InvalidURL("bad url"), False),
        (requests.exceptions.InvalidProxyURL("bad proxy url"), False),
        (requests.exceptions.MissingSchema("no scheme"), False),
        (requests.exceptions.InvalidSchema("ftp"), False),
        (requests.exceptions.InvalidHeader("bad header"), False),
        (requests.exceptions.UnrewindableBodyError("cannot rewind"), False),
        (requests.RequestException("other"), False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_transport_failure_kinds_and_their_transient_flag(client, mock_http, failure, transient):
    mock_http.post(TOKEN, body=failure)
    error = attack(client, BY_NAME["token_client_credentials"], TransportError)
    assert error.transient is transient
    assert error.__cause__ is failure
    assert error.endpoint == "token"
    assert type(failure).__name__ in str(error)
    assert str(failure) not in str(error)  # requests' own message may hold the URL


# ------------------------------------------------------------------------------ the tree


@pytest.mark.parametrize(
    ("cls", "bases"),
    [
        (RequestTimeout, (TransportError, requests.Timeout, TimeoutError, OAuth2Error)),
        (ResponseTooLarge, (InvalidResponse, OAuth2Error)),
        (UnexpectedRedirect, (InvalidResponse, OAuth2Error)),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else "bases",
)
def test_the_new_errors_in_the_tree(cls, bases):
    for base in bases:
        assert issubclass(cls, base)
    assert cls.__name__ in oauth2core.__all__
    assert cls.__module__ == "oauth2core"
    assert f"{cls.__name__} " in (oauth2core._errors.__doc__ or "")  # drawn in the tree


def test_fetch_document_for_plugins(mock_http):
    """What the oidc JWKS cache uses: a status is the caller's to check."""
    mock_http.get(DISCOVERY, json={"error": "nope"}, status=404)
    response = oauth2core.fetch_document(
        DISCOVERY, endpoint="discovery", headers={"Accept": "application/json"}
    )
    assert response.status_code == 404
    assert response.json() == {"error": "nope"}
    assert mock_http.calls[0].request.headers["Accept"] == "application/json"
    assert mock_http.calls[0].request.req_kwargs["stream"] is True


def test_fetch_document_checks_its_arguments():
    with pytest.raises(TypeError, match="timeout"):
        oauth2core.fetch_document(DISCOVERY, endpoint="discovery", timeout=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_response_size"):
        oauth2core.fetch_document(DISCOVERY, endpoint="discovery", max_response_size=0)


def test_transport_errors_survive_pickling(client, mock_http):
    """For process pools and task queues: constructors take keyword-only arguments."""
    import pickle

    mock_http.post(TOKEN, body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(RequestTimeout) as caught:
        client.client_credentials()
    error = caught.value
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert type(copy) is RequestTimeout
    assert (str(copy), copy.transient, copy.timeout, copy.endpoint) == (
        str(error),
        True,
        7,
        "token",
    )
    plain = pickle.loads(pickle.dumps(TransportError("down", transient=True)))  # noqa: S301
    assert (str(plain), plain.transient) == ("down", True)
