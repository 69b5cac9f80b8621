"""Property tests of what reads stored or server text: serializers, lifetimes, form encoding.

``loads`` of any text gives back an object or a ``ValueError``; ``dumps`` then ``loads``
gives the same object back; ``parse_seconds`` takes any JSON value; form parameters
survive the trip to the wire.
"""

from __future__ import annotations

import base64
import json
import math
import zlib
from typing import Any
from urllib.parse import parse_qs

import requests
from hypothesis import example, given
from hypothesis import strategies as st

from oauth2core import (
    AuthorizationRequest,
    AuthorizationRequestSerializer,
    BearerToken,
    IssuedToken,
    TokenSerializer,
    parse_seconds,
)
from oauth2core._client import _form
from oauth2core._compact import pack
from oauth2core.testing import FakeClock, registry_from

REGISTRY = registry_from()
CLOCK = FakeClock()

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)


def _raw(data: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(data)).rstrip(b"=").decode()


texts = (
    st.text(max_size=40)
    | st.binary(max_size=40).map(_raw)
    | json_values.map(lambda value: _raw(json.dumps(value).encode()))
    | st.dictionaries(st.text(max_size=8), json_values, max_size=4).map(pack)
)
token_fields = st.fixed_dictionaries(
    {},
    optional={
        "access_token": st.text(max_size=5) | json_values,
        "token_type": st.sampled_from(["Bearer", "N_A", "DPoP", "x"]) | json_values,
        "expires_at": json_values | st.floats(-1e20, 1e20),
        "refresh_token": json_values,
        "clock": json_values,
    },
)
token_like = st.tuples(
    token_fields, st.dictionaries(st.text(max_size=8), json_values, max_size=2)
).map(lambda both: pack({**both[1], **both[0]}))


@given(text=texts | token_like)
@example(text=_raw(b"[" * 5000)).via("deep JSON")
@example(text=pack({"access_token": 1})).via("a mistyped field")
@example(text=pack({"access_token": "a", "expires_at": 1e300})).via("a huge expiry")
def test_property_token_serializer_loads_gives_a_token_or_a_value_error(text):
    try:
        token = TokenSerializer().loads(text)
    except ValueError:
        return
    assert isinstance(token, BearerToken)
    assert token.access_token


PARAMETERS = {"access_token", "refresh_token", "scope", "expires_in", "token_type", "id_token"}
extra_fields = st.dictionaries(
    st.sampled_from(["clock", "expires_at", "issued_token_type", "x"])
    | st.text(max_size=6).filter(lambda name: name not in PARAMETERS),
    json_values,
    max_size=3,
)


@given(
    access_token=st.text(min_size=1, max_size=10),
    refresh_token=st.none() | st.text(max_size=10),
    scope=st.none() | st.text(max_size=10),
    expires_in=st.none() | st.integers(0, 10**9) | st.floats(0, 1e9),
    issued=st.booleans(),
    extra=extra_fields,
)
@example(
    access_token="a",
    refresh_token=None,
    scope=None,
    expires_in=60,
    issued=False,
    extra={"clock": 5},
).via("a response field named clock")
@example(
    access_token="a",
    refresh_token=None,
    scope=None,
    expires_in=None,
    issued=False,
    extra={"self": 1},
).via("a response field named self")
def test_property_token_serializer_round_trips(
    access_token, refresh_token, scope, expires_in, issued, extra
):
    cls = IssuedToken if issued else BearerToken
    # a token response keeps these as extra fields (expires_at only next to expires_in)
    moved = ("clock", "expires_at") if expires_in is not None else ("clock",)
    reserved = {k: extra.pop(k) for k in moved if k in extra}
    extra.pop("expires_at", None)
    token = cls(
        access_token,
        token_type=cls.TOKEN_TYPE,
        refresh_token=refresh_token,
        scope=scope,
        expires_in=expires_in,
        clock=CLOCK,
        **extra,
    )
    token.extra.update(reserved)  # as a token response gives them
    loaded = TokenSerializer().loads(TokenSerializer().dumps(token))
    assert type(loaded) is cls
    # a server's own expires_at next to expires_in is not kept: the serializer writes
    # the token's expiry under that name
    assert loaded.as_dict().keys() - {"expires_at"} == token.as_dict().keys() - {"expires_at"}
    assert (loaded.access_token, loaded.refresh_token, loaded.scope) == (
        access_token,
        refresh_token,
        scope,
    )
    if expires_in is None:
        assert loaded.expires_at is None
    else:
        assert loaded.expires_at is not None
        assert token.expires_at is not None
        assert abs(loaded.expires_at.timestamp() - token.expires_at.timestamp()) < 1e-3


request_like = st.fixed_dictionaries(
    {},
    optional={
        "authorization_endpoint": json_values | st.just("https://as.example.com/authorize"),
        "client_id": json_values,
        "extra": json_values,
        "options": json_values,
        "scope": json_values,
        "max_age": json_values,
        "state": json_values,
        "response_mode": json_values,
        "authorization_response_iss_parameter_supported": json_values,
    },
).map(pack)


@given(text=texts | request_like)
@example(text=pack({"authorization_endpoint": "x", "client_id": "c", "extra": 1, "options": {}}))
def test_property_request_serializer_loads_gives_a_request_or_a_value_error(text):
    try:
        request = AuthorizationRequestSerializer(REGISTRY).loads(text)
    except ValueError:
        return
    assert isinstance(request, AuthorizationRequest)


names = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=8)
values = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@given(
    state=st.none() | values.filter(bool),
    nonce=st.none() | values.filter(bool),
    scope=st.lists(names.filter(lambda s: " " not in s), max_size=3),
    resource=st.none() | st.lists(values, min_size=1, max_size=2),
    max_age=st.none() | st.integers(0, 10**12),
    claims=st.none() | st.dictionaries(names, json_values.filter(lambda v: v == v), max_size=2),
    extra=st.dictionaries(
        names.map(lambda n: f"x_{n}"),  # a custom parameter, never a keyword or an option
        values,
        max_size=2,
    ),
)
def test_property_request_serializer_round_trips(
    state, nonce, scope, resource, max_age, claims, extra
):
    request = AuthorizationRequest(
        "https://as.example.com/authorize",
        "client-1",
        "https://app.example.com/callback",
        scope=scope,
        state=state,
        nonce=nonce,
        resource=resource,
        max_age=max_age,
        claims=claims,
        registry=REGISTRY,
        **extra,
    )
    serializer = AuthorizationRequestSerializer(REGISTRY)
    loaded = serializer.loads(serializer.dumps(request))
    assert loaded.uri == request.uri
    assert loaded.args == request.args
    assert (loaded.state, loaded.nonce, loaded.code_verifier) == (
        request.state,
        request.nonce,
        request.code_verifier,
    )


seconds = (
    json_values
    | st.integers()
    | st.floats()
    | st.floats().map(repr)
    | st.integers().map(str)
    | st.text(st.sampled_from("0123456789.e+-_ \t\n"), max_size=8)
)


@given(value=seconds, positive=st.booleans())
@example(value="1" + "0" * 5000, positive=False).via("a long numeric string")
@example(value=10**400, positive=False).via("an int too large for a float")
def test_property_parse_seconds_gives_a_finite_number_or_type_or_value_error(value, positive):
    try:
        result = parse_seconds("expires_in", value, positive=positive)
    except (TypeError, ValueError):
        return
    assert isinstance(result, float)
    assert math.isfinite(result)
    assert result > 0 if positive else result >= 0
    if isinstance(value, str):
        assert result == float(value.strip())
    else:
        assert result == float(value)


form_values = values | st.integers() | st.lists(values, min_size=1, max_size=3)


@given(fields=st.dictionaries(names, form_values | st.none(), max_size=4))
def test_property_form_parameters_round_trip_through_the_wire(fields):
    form = _form(fields)
    wire = requests.Request("POST", "https://as.example.com/token", data=form).prepare()
    raw = wire.body or ""
    body = raw.decode() if isinstance(raw, bytes) else str(raw)
    decoded = parse_qs(body, keep_blank_values=True)
    expected: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None:
            continue
        expected[name] = value if isinstance(value, list) else [str(value)]
    assert decoded == expected
