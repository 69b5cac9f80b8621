"""Property tests of what DPoP reads from servers and from storage.

``WWW-Authenticate`` challenges, ``DPoP-Nonce`` headers and error bodies met by the token
endpoint flow and by resource requests, DPoP token responses, and the DPoP serializer's
``loads``: each gives a value or a typed error, and a request is retried at most once.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests
import responses
from hypothesis import example, given
from hypothesis import strategies as st

from oauth2core import InvalidTokenResponse, OAuth2Client, OAuth2Error, TokenSerializer
from oauth2core.testing import FakeClock, registry_from
from oauth2core_tokentype_dpop import DPoPKey, DPoPNonceCache, DPoPToken, DPoPTokenSerializer
from oauth2core_tokentype_dpop._flows import challenges

ISSUER = "https://as.example.com"
TOKEN_URL = f"{ISSUER}/oauth/token"
RESOURCE = "https://api.example.com/things"
REGISTRY = registry_from("oauth2core_clientauth_jwt._plugin", "oauth2core_tokentype_dpop._plugin")
CLOCK = FakeClock()
KEY = DPoPKey.generate(clock=CLOCK, nonces=DPoPNonceCache())
CLIENT = OAuth2Client(TOKEN_URL, ("client-1", "secret-1"), registry=REGISTRY, clock=CLOCK)
NQCHAR = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]{1,1024}")

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=30)
params = st.tuples(
    st.sampled_from(["error", "Error", "algs", "realm", "error_description"]),
    st.sampled_from(["use_dpop_nonce", "invalid_token", "", 'a"b', "x,y"]) | header_text,
    st.booleans(),
).map(lambda p: f'{p[0]}="{p[1]}"' if p[2] else f"{p[0]}={p[1]}")
challenge_headers = (
    st.lists(
        st.tuples(
            st.sampled_from(["DPoP", "dpop", "Bearer", "Basic", "Negotiate abc=="]),
            st.lists(params, max_size=3),
        ).map(lambda c: f"{c[0]} {', '.join(c[1])}".strip()),
        max_size=3,
    ).map(", ".join)
    | header_text
)
nonces = st.sampled_from(["n-1", "n-2", "", " n", 'a"b', "x" * 1025]) | header_text


@given(header=challenge_headers)
@example(header='DPoP error="use_dpop_nonce", algs="ES256 PS256"')
@example(header='Bearer realm="a\\"b", DPoP error=use_dpop_nonce')
def test_property_challenges(header):
    found = challenges(header)
    for scheme, values in found:
        assert scheme == scheme.lower()
        assert all(name == name.lower() for name in values)
    if header.startswith('DPoP error="use_dpop_nonce"'):
        assert found[0] == ("dpop", {"error": "use_dpop_nonce", **found[0][1]})


@given(nonce=nonces)
def test_property_nonce_headers(nonce):
    cache = DPoPNonceCache()
    with responses.RequestsMock() as mock:
        mock.get(RESOURCE, headers={"DPoP-Nonce": nonce})
        with requests.Session() as http:
            response = http.get(RESOURCE)
    kept = cache.update(RESOURCE, response)
    if NQCHAR.fullmatch(nonce):  # RFC 9449 §8.1: 1*NQCHAR
        assert kept == nonce
        assert cache.get(RESOURCE + "/other") == nonce
    else:
        assert kept is None
        assert cache.get(RESOURCE) is None


answers = st.tuples(
    st.sampled_from([200, 400, 401, 500]),
    st.sampled_from(
        [
            {"error": "use_dpop_nonce"},
            {"access_token": "at", "token_type": "DPoP", "expires_in": 60},
            {"access_token": "at", "token_type": "Bearer"},
            {"access_token": "a t", "token_type": "DPoP"},
        ]
    )
    | st.dictionaries(
        st.sampled_from(["access_token", "token_type", "error", "dpop_key", "expires_in"]),
        json_values | st.sampled_from(["DPoP", "use_dpop_nonce"]),
        max_size=4,
    ),
    nonces,
    challenge_headers,
)


@given(first=answers, second=answers)
@example(
    first=(400, {"error": "use_dpop_nonce"}, "n-1", ""),
    second=(200, {"access_token": "at", "token_type": "DPoP"}, "n-2", ""),
).via("the nonce retry")
@example(
    first=(200, {"dpop_key": "DPoP", "access_token": "DPoP"}, "n-1", ""),
    second=(200, {"error": "use_dpop_nonce"}, "n-1", ""),
).via("a Bearer answer with a field named dpop_key is still a downgrade")
def test_property_token_endpoint_nonce_retry(first, second):
    KEY.nonces.clear()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for status, body, nonce, header in (first, second):
            mock.post(
                TOKEN_URL,
                json=body,
                status=status,
                headers={"DPoP-Nonce": nonce, "WWW-Authenticate": header},
            )
        try:
            token: Any = CLIENT.client_credentials(dpop_key=KEY)
        except OAuth2Error:
            token = None
        proofs = [call.request.headers["DPoP"] for call in mock.calls]
    sent = len(proofs)
    assert sent in (1, 2)  # at most one retry
    if sent == 2:
        status, body, nonce, _ = first
        assert status in (400, 401)
        assert NQCHAR.fullmatch(nonce)
        assert proofs[0] != proofs[1]
    if token is not None:
        status, body, _, _ = second if sent == 2 else first
        assert status == 200
        assert isinstance(token, DPoPToken)  # a Bearer token for a DPoP request is refused
        assert token.access_token == body["access_token"]


@given(status=st.sampled_from([200, 400, 401, 403]), nonce=nonces, header=challenge_headers)
def test_property_resource_nonce_retry(status, nonce, header):
    KEY.nonces.clear()
    token = DPoPToken("at", dpop_key=KEY, clock=CLOCK)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(RESOURCE, status=status, headers={"DPoP-Nonce": nonce, "WWW-Authenticate": header})
        mock.get(RESOURCE, status=200)
        with requests.Session() as http:
            response = http.get(RESOURCE, auth=token)
        sent = len(mock.calls)
    assert sent in (1, 2)
    asked = any(s == "dpop" and p.get("error") == "use_dpop_nonce" for s, p in challenges(header))
    retried = status == 401 and asked and NQCHAR.fullmatch(nonce) is not None
    assert sent == (2 if retried else 1)
    assert response.status_code == (200 if retried else status)


def _packed(value: Any) -> str:
    import base64
    import zlib

    data = zlib.compress(json.dumps(value).encode())
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


serialized = (
    st.text(max_size=30)
    | json_values.map(_packed)
    | st.dictionaries(
        st.sampled_from(["access_token", "token_type", "dpop_key", "expires_at", "clock"])
        | st.text(max_size=4),
        json_values | st.sampled_from(["DPoP", "at", "Bearer"]) | st.just(KEY.private_jwk),
        max_size=5,
    ).map(_packed)
)


@given(text=serialized)
@example(text=_packed({"access_token": "at", "token_type": "DPoP", "dpop_key": {"kty": "EC"}}))
@example(text=_packed({"access_token": "at", "token_type": "DPoP", "dpop_key": 5}))
def test_property_dpop_serializer_loads(text):
    try:
        token = DPoPTokenSerializer().loads(text)
    except ValueError:
        return
    assert token.access_token


@given(
    access_token=st.from_regex(r"[A-Za-z0-9\-._~+/]+=*", fullmatch=True),
    lifetime=st.integers(0, 10**6),
)
def test_property_dpop_serializer_round_trips(access_token, lifetime):
    token = DPoPToken(access_token, dpop_key=KEY, expires_in=lifetime, clock=CLOCK)
    loaded = DPoPTokenSerializer().loads(DPoPTokenSerializer().dumps(token))
    assert isinstance(loaded, DPoPToken)
    assert loaded.access_token == access_token
    assert loaded.dpop_key.thumbprint == KEY.thumbprint
    assert loaded.expires_at is not None
    assert token.expires_at is not None
    assert abs(loaded.expires_at.timestamp() - token.expires_at.timestamp()) < 1e-3
    # the core serializer never writes the key, so its text does not load as DPoP
    with pytest.raises(ValueError, match="DPoPTokenSerializer"):
        DPoPTokenSerializer().loads(TokenSerializer().dumps(token))


def test_a_deeply_nested_error_body_with_a_nonce_is_a_typed_error():
    KEY.nonces.clear()
    with responses.RequestsMock() as mock:
        mock.post(TOKEN_URL, body=b"[" * 5000, status=400, headers={"DPoP-Nonce": "n-1"})
        with pytest.raises(InvalidTokenResponse) as raised:
            CLIENT.client_credentials(dpop_key=KEY)
    assert raised.value.response is not None
