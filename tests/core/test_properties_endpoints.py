"""Property tests of the other endpoints' answers and of ``WWW-Authenticate`` headers.

Introspection, userinfo, revocation and PAR answers, discovery documents (given and
fetched), and 401 challenges met by ``userinfo()`` and by auth handlers: any answer gives
a correct value or a typed error carrying the response.
"""

from __future__ import annotations

import json
import re
from typing import Any

import requests
import responses
from hypothesis import example, given
from hypothesis import strategies as st

from oauth2core import (
    ApiClient,
    AuthorizationRequest,
    EndpointError,
    InvalidDiscoveryDocument,
    InvalidResponse,
    OAuth2Client,
    OAuth2ClientCredentialsAuth,
    OAuth2Error,
    RequestUriParameterAuthorizationRequest,
    UserinfoError,
)
from oauth2core._client import challenge_param
from oauth2core.testing import FakeClock, registry_from

ISSUER = "https://as.example.com"
TOKEN_URL = f"{ISSUER}/token"
URLS: dict[str, Any] = {
    "revocation_endpoint": f"{ISSUER}/revoke",
    "introspection_endpoint": f"{ISSUER}/introspect",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
    "pushed_authorization_request_endpoint": f"{ISSUER}/par",
    "authorization_endpoint": f"{ISSUER}/authorize",
}
REGISTRY = registry_from()
CLOCK = FakeClock()
CLIENT = OAuth2Client(
    TOKEN_URL,
    ("client-1", "client-secret-canary"),
    registry=REGISTRY,
    clock=CLOCK,
    issuer=ISSUER,
    redirect_uri="https://app.example.com/callback",
    **URLS,
)
TOKEN = "AT-canary-0123456789abcdef"

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)
objects = st.dictionaries(
    st.sampled_from(["active", "error", "error_description", "request_uri", "sub", "exp"])
    | st.text(max_size=6),
    json_values | st.sampled_from([True, False, "invalid_token", "urn:x"]),
    max_size=4,
)
bodies = (
    objects.map(lambda o: json.dumps(o).encode())
    | json_values.map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=30)
    | st.just(b"[" * 5000)
)
statuses = st.sampled_from([200, 200, 201, 202, 302, 400, 401, 403, 404, 500, 503])
content_types = st.sampled_from(["application/json", "text/plain", "application/jwt", ""])


def _respond(
    method: str, url: str, body: bytes, status: int, call: Any, **kw: Any
) -> tuple[Any, Any]:
    """``(what call() returned, None)``, or ``(None, the OAuth2Error it raised)``."""
    with responses.RequestsMock() as mock:
        mock.add(method, url, body=body, status=status, **kw)
        try:
            return call(), None
        except OAuth2Error as error:
            return None, error


def _typed(error: OAuth2Error, body: bytes) -> None:
    assert isinstance(error, OAuth2Error)
    response = getattr(error, "response", None)
    assert response is not None
    assert response.content == body
    assert TOKEN not in f"{error} {error!r}"


@given(body=bodies, status=statuses, content_type=content_types)
def test_property_introspection(body, status, content_type):
    call = lambda: CLIENT.introspect_token(TOKEN)  # noqa: E731
    fields, error = _respond(
        "POST", URLS["introspection_endpoint"], body, status, call, content_type=content_type
    )
    if error is not None:
        _typed(error, body)
        return
    assert status == 200
    assert fields == json.loads(body)
    assert isinstance(fields["active"], bool)


@given(body=bodies, status=statuses)
def test_property_revocation(body, status):
    call = lambda: CLIENT.revoke_token(TOKEN)  # noqa: E731
    revoked, error = _respond("POST", URLS["revocation_endpoint"], body, status, call)
    if error is not None:
        _typed(error, body)
    assert (revoked is True) == (status == 200)  # RFC 7009 §2.2: 200 is revoked


@given(body=bodies, status=statuses)
def test_property_pushed_authorization(body, status):
    request = CLIENT.authorization_request(scope="profile")
    call = lambda: CLIENT.pushed_authorization_request(request)  # noqa: E731
    pushed, error = _respond(
        "POST", URLS["pushed_authorization_request_endpoint"], body, status, call
    )
    if error is not None:
        _typed(error, body)
        return
    assert isinstance(pushed, RequestUriParameterAuthorizationRequest)
    assert status in (200, 201)
    assert pushed.request_uri == json.loads(body)["request_uri"]


tokens = st.text(st.sampled_from("abc_=, \t\"\\'ée"), max_size=10)
params = st.tuples(
    st.sampled_from(["error", "error_description", "realm", "Error", "xerror", "scope"])
    | st.text(st.sampled_from("abcer_"), min_size=1, max_size=6),
    tokens,
    st.booleans(),
).map(lambda p: f'{p[0]}="{p[1]}"' if p[2] else f"{p[0]}={p[1]}")
challenges = st.lists(
    st.tuples(
        st.sampled_from(["Bearer", "DPoP", "Basic", "bearer", ""]),
        st.lists(params, max_size=3),
    ).map(lambda c: f"{c[0]} {', '.join(c[1])}".strip()),
    max_size=3,
).map(", ".join) | st.text(max_size=30)


@given(header=challenges)
@example(header='Bearer error="invalid_token", error_description="the \\"x\\" token"')
@example(header='Bearer xerror="a", error=b').via("a longer name ending in error")
def test_property_challenge_param(header):
    error = challenge_param(header, "error")
    assert error is None or isinstance(error, str)
    if error is not None:
        assert "error" in header
    if re.fullmatch(r"Bearer error=([a-z_]+)", header):
        assert error == header.partition("=")[2]


@given(header=challenges, body=bodies, status=st.sampled_from([200, 400, 401, 403, 500]))
def test_property_userinfo_challenges(header, body, status):
    def call() -> Any:
        return CLIENT.userinfo(TOKEN)

    claims, error = _respond(
        "GET",
        URLS["userinfo_endpoint"],
        body,
        status,
        call,
        headers={"WWW-Authenticate": header},
        content_type="application/json",
    )
    if error is not None:
        _typed(error, body)
        if isinstance(error, EndpointError):
            assert isinstance(error, UserinfoError)
            assert error.error in (challenge_param(header, "error"), json_error(body))
        return
    assert status == 200
    assert claims == json.loads(body)


def json_error(body: bytes) -> object:
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return value.get("error") if isinstance(value, dict) else None


@given(header=challenges, status=st.sampled_from([200, 401, 403]))
@example(header='Bearer error="invalid_token"', status=401).via("the renewal case")
def test_property_auth_handler_401_challenges(header, status):
    token_body = {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(TOKEN_URL, json=token_body)
        mock.get(
            "https://api.example.com/v1/x",
            status=status,
            headers={"WWW-Authenticate": header},
        )
        api = ApiClient(
            "https://api.example.com/v1",
            auth=OAuth2ClientCredentialsAuth(CLIENT),
            raise_for_status=False,
        )
        response = api.get("x")
        resource_calls = [c for c in mock.calls if "api.example.com" in (c.request.url or "")]
    assert isinstance(response, requests.Response)
    assert response.status_code == status
    retried = status == 401 and challenge_param(header, "error") == "invalid_token"
    assert len(resource_calls) == (2 if retried else 1)


endpoint_urls = st.sampled_from(
    [f"{ISSUER}/x", "http://as.example.com/x", "http://127.0.0.1/x", "https://u:p@h/x", "/x", ""]
) | st.text(max_size=10)
documents = st.fixed_dictionaries(
    {},
    optional={
        "issuer": st.just(ISSUER) | json_values,
        "token_endpoint": endpoint_urls | json_values,
        "authorization_endpoint": endpoint_urls | json_values,
        "jwks_uri": endpoint_urls,
        "userinfo_endpoint": endpoint_urls,
        "authorization_response_iss_parameter_supported": json_values,
    },
)
documents = st.tuples(documents, st.dictionaries(st.text(max_size=6), json_values, max_size=2)).map(
    lambda both: {**both[1], **both[0]}
)


@given(document=documents, expected=st.sampled_from([None, ISSUER]))
@example(document={"issuer": ISSUER, "token_endpoint": "http://as.example.com/t"}, expected=None)
def test_property_discovery_documents(document, expected):
    try:
        client = OAuth2Client.from_discovery_document(document, expected, registry=REGISTRY)
    except InvalidDiscoveryDocument:
        return
    assert client.issuer == document["issuer"]
    assert client.token_endpoint == document["token_endpoint"]
    for key in OAuth2Client.ENDPOINTS:
        assert getattr(client, key) == document.get(key)
    if client.authorization_endpoint is not None:  # a client from metadata can start a flow
        request = AuthorizationRequest(
            client.authorization_endpoint,
            "client-1",
            "https://app.example.com/cb",
            registry=REGISTRY,
        )
        assert request.uri.startswith(client.authorization_endpoint)


@given(body=bodies, status=statuses)
@example(body=b"{}", status=200).via("the error of an unusable document carries the response")
@example(body=b'{"issuer": "https://as.example.com", "token_endpoint": "http://x/t"}', status=200)
def test_property_discovery_fetch(body, status):
    url = f"{ISSUER}/.well-known/openid-configuration"
    call = lambda: OAuth2Client.from_discovery_endpoint(url, ISSUER, registry=REGISTRY)  # noqa: E731
    client, error = _respond("GET", url, body, status, call)
    if error is not None:
        assert isinstance(error, InvalidResponse)
        _typed(error, body)
        return
    assert status == 200
    assert client.token_endpoint == json.loads(body)["token_endpoint"]
    client.session.close()
