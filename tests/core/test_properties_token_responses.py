"""Property tests: any token endpoint answer gives a correct token or a typed error.

Driven through ``client_credentials()`` and ``authorization_code()`` with ``responses``:
whatever the body, status and headers, the client returns a token that matches the
response, or raises an :class:`~oauth2core.OAuth2Error` carrying the response, and no
secret of the response shows in the error.
"""

from __future__ import annotations

import json
import math
from typing import Any

import requests
import responses
from hypothesis import example, given
from hypothesis import strategies as st

from oauth2core import (
    SKIP_ID_TOKEN_VALIDATION,
    AuthorizationRequest,
    BearerToken,
    EndpointError,
    InvalidTokenResponse,
    OAuth2Client,
    OAuth2Error,
    TokenSerializer,
    UnvalidatedIdToken,
)
from oauth2core.testing import FakeClock, registry_from

ISSUER = "https://as.example.com"
TOKEN_URL = f"{ISSUER}/oauth/token"
REDIRECT = "https://app.example.com/callback"
REGISTRY = registry_from()
CLOCK = FakeClock()
CLIENT = OAuth2Client(
    TOKEN_URL,
    ("client-1", "client-secret-canary"),
    registry=REGISTRY,
    clock=CLOCK,
    issuer=ISSUER,
    authorization_endpoint=f"{ISSUER}/authorize",
    redirect_uri=REDIRECT,
)
# secrets a response may carry: long enough never to show in a message by chance
ACCESS = "AT-canary-0123456789abcdef"
REFRESH = "RT-canary-0123456789abcdef"
ID_TOKEN = "IDT-canary-0123456789abcdef"

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["", " ", "0", "-1", "1e400", "nan", "Infinity", "3600", " 60 "])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)
token_types = (
    st.sampled_from(["Bearer", "bearer", "BEARER", "DPoP", "N_A", "mac", ""]) | json_values
)
lifetimes = (
    st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.integers(0, 10**6).map(str)
    | json_values
)
field_names = st.sampled_from(
    ["clock", "expires_at", "dpop_key", "extra", "self", "issued_token_type", "error", "state"]
) | st.text(max_size=8)
token_fields = st.fixed_dictionaries(
    {},
    optional={
        "access_token": st.just(ACCESS) | json_values,
        "token_type": token_types,
        "expires_in": lifetimes,
        "expires_at": lifetimes,
        "refresh_token": st.just(REFRESH) | json_values,
        "scope": st.text(max_size=10) | json_values,
        "id_token": st.just(ID_TOKEN) | json_values,
        "error": json_values,
    },
)
token_fields = st.tuples(token_fields, st.dictionaries(field_names, json_values, max_size=3)).map(
    lambda both: {**both[1], **both[0]}
)
statuses = st.sampled_from([200, 200, 200, 201, 202, 301, 400, 401, 403, 404, 429, 500, 503])
content_types = st.sampled_from(
    ["application/json", "application/json;charset=utf-8", "text/html", "", "application/jwt"]
)


def _body(value: Any) -> bytes:
    return json.dumps(value).encode()


bodies = token_fields.map(_body) | json_values.map(_body) | st.binary(max_size=40)


def _post(body: bytes, status: int, content_type: str, call: Any) -> tuple[Any, Any]:
    """``(token, None)``, or ``(None, the OAuth2Error raised)``."""
    with responses.RequestsMock() as mock:
        mock.post(TOKEN_URL, body=body, status=status, content_type=content_type or None)
        try:
            return call(), None
        except OAuth2Error as error:
            return None, error


def _check_error(error: OAuth2Error, body: bytes) -> None:
    """A typed error carries the response; no secret of the body shows in it."""
    assert isinstance(error, OAuth2Error)
    if isinstance(error, InvalidTokenResponse | EndpointError | UnvalidatedIdToken):
        assert error.response is not None
        assert error.response.content == body
    shown = f"{error} {error!r} {error.args!r}"
    for secret in (ACCESS, REFRESH, ID_TOKEN, "client-secret-canary"):
        assert secret not in shown


def _check_token(token: object, body: bytes) -> None:
    """A token returned matches the response it came from."""
    fields = json.loads(body)
    assert isinstance(fields, dict)
    assert isinstance(token, BearerToken)
    assert token.access_token == fields["access_token"]
    assert str(token) == fields["access_token"]
    assert token.token_type.lower() == str(fields.get("token_type", "Bearer")).lower()
    assert token.refresh_token == fields.get("refresh_token")
    assert token.scope == fields.get("scope")
    if fields.get("expires_in") is not None:
        lifetime = fields["expires_in"]
        seconds = float(lifetime) if isinstance(lifetime, str) else lifetime
        expected = max(0, math.ceil(seconds))
        assert math.isclose(token.expires_in or 0, expected, rel_tol=1e-9, abs_tol=1)
    elif fields.get("expires_at") is None:
        assert token.expires_in is None
    for secret in (ACCESS, REFRESH, ID_TOKEN):
        assert secret not in repr(token)
    # the token can be sent: http.client writes header values as latin-1
    header = {"Authorization": token.authorization_header()}
    sent = requests.Request("GET", "https://api.example.com/", headers=header).prepare()
    value = sent.headers["Authorization"]
    assert isinstance(value, str)
    value.encode("latin-1")
    # a token from a response survives persistence
    loaded = TokenSerializer().loads(TokenSerializer().dumps(token))
    assert loaded.access_token == token.access_token
    assert loaded.refresh_token == token.refresh_token
    assert loaded.expires_at == token.expires_at


@given(body=bodies, status=statuses, content_type=content_types)
@example(body=b"[" * 5000, status=200, content_type="application/json").via("deep JSON")
@example(body=b"[" * 5000, status=400, content_type="application/json").via("deep JSON error")
@example(body=b'{"access_token": "a", "clock": 5, "expires_in": 60}', status=200, content_type="")
@example(body=b'{"access_token": "a", "expires_at": 1e17}', status=200, content_type="").via(
    "a date past year 9999 (OSError on Linux)"
)
@example(body=b'{"access_token": "a", "expires_in": 1e17}', status=200, content_type="")
@example(body=b'{"access_token": "a\\nb"}', status=200, content_type="").via("a header break")
@example(body=b'{"access_token": "\\u20ac"}', status=200, content_type="").via("not latin-1")
@example(
    body=b'{"access_token": "a", "expires_in": null, "expires_at": 0}', status=200, content_type=""
)
@example(
    body=b'{"access_token": "a", "expires_in": null, "expires_at": []}', status=200, content_type=""
)
@example(
    body=b'{"access_token": "a", "expires_at": 253402300799.99997}', status=200, content_type=""
)
def test_property_client_credentials_gives_a_token_or_a_typed_error(body, status, content_type):
    token, error = _post(body, status, content_type, CLIENT.client_credentials)
    if error is not None:
        _check_error(error, body)
        return
    assert status == 200
    _check_token(token, body)


errors = st.text(max_size=12) | json_values
error_bodies = st.fixed_dictionaries(
    {"error": errors},
    optional={"error_description": errors, "error_uri": errors, "access_token": st.just(ACCESS)},
)


@given(fields=error_bodies, status=statuses)
def test_property_error_bodies_raise_their_class_or_give_a_token(fields, status):
    body = _body(fields)
    token, error = _post(body, status, "application/json", CLIENT.client_credentials)
    if isinstance(error, EndpointError):
        _check_error(error, body)
        assert isinstance(fields["error"], str)
        assert fields["error"]
        assert error.error == fields["error"]
        description = fields.get("error_description")
        assert error.error_description == (description if isinstance(description, str) else None)
        uri = fields.get("error_uri")
        assert error.error_uri == (uri if isinstance(uri, str) else None)
        assert error.status_code == status
    elif error is not None:
        _check_error(error, body)
        assert not (isinstance(fields["error"], str) and fields["error"]) or (
            status == 200 and "access_token" in fields
        )
    else:
        # RFC 6749 §5.1: only a 200 with an access token is a token, even next to an error
        assert status == 200
        assert "access_token" in fields
        _check_token(token, body)


@given(body=bodies, status=statuses, skip=st.booleans())
def test_property_code_exchange_gives_a_token_or_a_typed_error(body, status, skip):
    request = AuthorizationRequest(
        f"{ISSUER}/authorize", "client-1", REDIRECT, scope="profile", registry=REGISTRY
    )
    response = request.validate_callback(f"{REDIRECT}?code=the-code&state={request.state}")
    options = {"id_token_validation": SKIP_ID_TOKEN_VALIDATION} if skip else {}
    token, error = _post(
        body, status, "application/json", lambda: CLIENT.authorization_code(response, **options)
    )
    if error is not None:
        _check_error(error, body)
        # no validator here: an ID token is refused unless the caller skips the check
        assert not (skip and isinstance(error, UnvalidatedIdToken))
        return
    _check_token(token, body)
    if not skip:
        assert token.id_token is None


def test_a_response_field_named_self_is_an_extra_field():
    body = _body({"access_token": "at", "self": "https://as.example.com/t/1"})
    token, error = _post(body, 200, "application/json", CLIENT.client_credentials)
    assert error is None
    assert token.extra == {"self": "https://as.example.com/t/1"}
    assert TokenSerializer().loads(TokenSerializer().dumps(token)).extra == token.extra
