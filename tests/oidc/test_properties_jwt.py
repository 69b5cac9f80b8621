"""Property tests: any JWT or OpenID answer gives checked claims or a typed error.

ID tokens (parsed and validated, alone and in token responses), JARM callbacks, signed
and plain userinfo, JWT introspection and JWK Set fetches get arbitrary compact strings,
base64url garbage, and well-signed JWTs (HS256 with the client secret) whose claims have
any JSON types. Each gives a value that passed its checks or an ``OAuth2Error``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
from typing import Any

import responses
from hypothesis import example, given
from hypothesis import strategies as st

from oauth2core import (
    AuthorizationResponseError,
    InvalidAuthorizationResponse,
    OAuth2Client,
    OAuth2Error,
)
from oauth2core.testing import FakeClock, registry_from
from oauth2core_oidc import IdToken, InvalidIdToken, Jwks, JwtValidationError, validate_id_token

ISSUER = "https://as.example.com"
TOKEN_URL = f"{ISSUER}/oauth/token"
USERINFO_URL = f"{ISSUER}/userinfo"
INTROSPECTION_URL = f"{ISSUER}/introspect"
JWKS_URL = f"{ISSUER}/jwks"
CLIENT_ID = "client-1"
SECRET = "a-client-secret-long-enough-for-hs512-0123456789abcdef"
NOW = 1_700_000_000
REGISTRY = registry_from("oauth2core_clientauth_jwt._plugin", "oauth2core_oidc._plugin")
CLOCK = FakeClock(wall=NOW)
SIGNED = {
    f"{purpose}_signed_response_alg": ["HS256", "RS256"]
    for purpose in ("id_token", "authorization", "userinfo", "introspection")
}


def _client(**options: Any) -> OAuth2Client:
    return OAuth2Client(
        TOKEN_URL,
        (CLIENT_ID, SECRET),
        registry=REGISTRY,
        clock=CLOCK,
        issuer=ISSUER,
        authorization_endpoint=f"{ISSUER}/authorize",
        redirect_uri="https://app.example.com/callback",
        userinfo_endpoint=USERINFO_URL,
        introspection_endpoint=INTROSPECTION_URL,
        authorization_server_jwks={"keys": []},
        **options,
    )


CLIENT = _client(**SIGNED)
PLAIN_CLIENT = _client()  # JSON userinfo and introspection


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(header: object, claims: object) -> str:
    """A compact JWS over any JSON header and payload, HS256 with the client secret."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    mac = hmac.new(SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from([10**400, 1e17, -1e17, "\ud800", ISSUER, CLIENT_ID, NOW + 60])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)
CLAIM_NAMES = [
    "iss", "sub", "aud", "exp", "iat", "nbf", "nonce", "azp", "auth_time", "acr", "amr",
    "at_hash", "c_hash", "s_hash", "sid", "state", "code", "error", "token_introspection",
]  # fmt: skip
VALID = {"iss": ISSUER, "sub": "user", "aud": CLIENT_ID, "exp": NOW + 600, "iat": NOW - 10}
claim_sets = st.tuples(
    st.sampled_from([VALID, {}]),
    st.dictionaries(st.sampled_from(CLAIM_NAMES) | st.text(max_size=4), json_values, max_size=4),
).map(lambda both: {**both[0], **both[1]})
headers = st.sampled_from(
    [{"alg": "HS256"}, {"alg": "HS256", "typ": "token-introspection+jwt"}]
) | st.dictionaries(st.sampled_from(["alg", "kid", "typ", "crit", "enc"]), json_values, max_size=3)
b64_parts = st.binary(max_size=20).map(b64) | st.text("AZaz09-_=+/.", max_size=12)
garbage = (
    st.text(max_size=30)
    | st.lists(b64_parts, min_size=1, max_size=6).map(".".join)
    | st.tuples(json_values, json_values, b64_parts).map(
        lambda p: f"{b64(json.dumps(p[0]).encode())}.{b64(json.dumps(p[1]).encode())}.{p[2]}"
    )
)
signed = st.tuples(headers, claim_sets).map(lambda p: sign(*p))
jwts = signed | garbage

ACCESSORS = [
    "header", "alg", "kid", "claims", "issuer", "subject", "audiences", "authorized_party",
    "nonce", "acr", "amr", "sid", "at_hash", "c_hash", "s_hash", "auth_time", "auth_datetime",
    "issued_at", "expires_at", "not_before",
]  # fmt: skip


@given(value=jwts)
@example(value=sign({"alg": "HS256"}, {**VALID, "exp": 10**400})).via("an int past floats")
@example(value=sign({"alg": "HS256"}, {**VALID, "exp": 1e17})).via("a date past year 9999")
@example(value=sign({"alg": "HS256"}, {**VALID, "auth_time": float("inf")}))
def test_property_id_token_parsing_and_accessors(value):
    try:
        token = IdToken(value)
    except InvalidIdToken:
        return
    assert token == value
    repr(token)
    for name in ACCESSORS:
        try:
            getattr(token, name)
        except InvalidIdToken:
            pass


@given(value=jwts, nonce=st.none() | st.just("the-nonce") | st.text(max_size=4))
@example(value=sign({"alg": "HS256"}, {**VALID, "nonce": "\ud800"}), nonce="n").via(
    "a lone surrogate in a JSON string"
)
@example(value=sign({"alg": "HS256"}, {**VALID, "exp": float("nan")}), nonce=None).via(
    "NaN is not a date"
)
@example(value=sign({"alg": "HS256"}, {**VALID, "exp": 10**400}), nonce=None)
@example(value=sign({"alg": "HS256"}, {**VALID, "at_hash": "x"}), nonce=None)
def test_property_id_token_validation(value, nonce):
    try:
        token = validate_id_token(value, CLIENT, nonce=nonce, access_token="at-\ud800")
    except InvalidIdToken as error:
        message = str(error)
    else:
        message = ""
    assert SECRET not in message
    if message:
        return
    claims = token.claims
    assert claims["iss"] == ISSUER
    aud = claims["aud"]
    assert CLIENT_ID == aud or CLIENT_ID in aud
    assert isinstance(claims["exp"], int | float)
    assert math.isfinite(claims["exp"])
    assert claims["exp"] > NOW - 30
    assert claims["iat"] <= NOW + 30
    if nonce is not None:
        assert claims["nonce"] == nonce


@given(id_token=jwts | json_values, state=st.sampled_from(["s", "\ud800"]))
def test_property_id_tokens_in_code_exchanges(id_token, state):
    request = CLIENT.authorization_request(scope="openid", state="s", nonce="the-nonce")
    response = request.validate_callback({"code": "c", "state": "s", "iss": ISSUER})
    body = {"access_token": "at", "token_type": "Bearer", "id_token": id_token}
    try:
        with responses.RequestsMock() as mock:
            mock.post(TOKEN_URL, json=body)
            token = CLIENT.authorization_code(response)
    except OAuth2Error:
        return
    assert isinstance(token.id_token, IdToken)
    assert token.id_token.nonce == "the-nonce"


jarm_claims = st.tuples(
    st.sampled_from([{**VALID, "state": "s", "code": "c"}, {}]),
    st.dictionaries(st.sampled_from(CLAIM_NAMES) | st.text(max_size=4), json_values, max_size=4),
).map(lambda both: {**both[0], **both[1]})
jarm_signed = st.tuples(headers, jarm_claims).map(lambda p: sign(*p))
jarm_values = jarm_signed | garbage | json_values


@given(value=jarm_values, mode=st.sampled_from(["jwt", "query.jwt", "form_post.jwt"]))
@example(value=sign({"alg": "HS256"}, {**VALID, "state": "\ud800", "code": "c"}), mode="jwt").via(
    "a lone surrogate state in a JARM response"
)
def test_property_jarm_callbacks(value, mode):
    request = CLIENT.authorization_request(scope="openid", state="s", response_mode=mode)
    try:
        response = request.validate_callback({"response": value})
    except (InvalidAuthorizationResponse, AuthorizationResponseError):
        return
    claims = IdToken(value).claims  # the response JWT, read back without checks
    assert claims["state"] == "s"
    assert response.code == claims["code"]
    assert claims["iss"] == ISSUER


content_types = st.sampled_from(
    ["application/json", "application/jwt", "application/token-introspection+jwt", ""]
)
bodies = (
    jwts
    | jarm_signed
    | json_values.map(json.dumps)
    | claim_sets.map(json.dumps)
    | st.just("[" * 5000)
).map(lambda text: text.encode("utf-8", "surrogatepass"))  # the bytes a server sends


@given(
    body=bodies,
    content_type=content_types,
    signed_=st.booleans(),
    status=st.sampled_from([200, 200, 401]),
)
@example(body=b"[" * 5000, content_type="application/json", signed_=False, status=200).via(
    "deep JSON"
)
def test_property_userinfo(body, content_type, signed_, status):
    client = CLIENT if signed_ else PLAIN_CLIENT
    try:
        with responses.RequestsMock() as mock:
            mock.get(USERINFO_URL, body=body, status=status, content_type=content_type or None)
            claims = client.userinfo("access-token")
    except OAuth2Error as error:
        message = str(error)
    else:
        message = ""
    assert SECRET not in message
    if message:
        return
    assert isinstance(claims, dict)
    assert isinstance(claims["sub"], str)


@given(body=bodies, content_type=content_types, signed_=st.booleans())
@example(body=b"[" * 5000, content_type="application/json", signed_=False).via("deep JSON")
def test_property_introspection(body, content_type, signed_):
    client = CLIENT if signed_ else PLAIN_CLIENT
    try:
        with responses.RequestsMock() as mock:
            mock.post(INTROSPECTION_URL, body=body, content_type=content_type or None)
            fields = client.introspect_token("a-token")
    except OAuth2Error:
        return
    assert isinstance(fields, dict)
    assert isinstance(fields["active"], bool)


jwk_sets = st.one_of(
    json_values,
    st.dictionaries(
        st.just("keys"),
        st.lists(
            st.dictionaries(
                st.sampled_from(["kty", "crv", "x", "y", "n", "e", "kid", "alg", "use", "k"]),
                json_values | st.sampled_from(["EC", "RSA", "oct", "OKP", "P-256", "AQAB", "sig"]),
                max_size=6,
            ),
            max_size=3,
        ),
    ),
)


@given(
    body=jwk_sets.map(json.dumps) | st.binary(max_size=20),
    alg=st.sampled_from(["ES256", "RS256", "EdDSA", "HS256", "none"]) | st.text(max_size=5),
    kid=st.none() | st.text(max_size=4),
)
def test_property_jwks_fetch(body, alg, kid):
    jwks = Jwks(JWKS_URL, clock=FakeClock())
    try:
        with responses.RequestsMock() as mock:
            mock.get(JWKS_URL, body=body)
            key = jwks.verification_key(alg, kid)
    except (JwtValidationError, OAuth2Error):
        return
    assert key.alg == alg
    if kid is not None:
        assert key.kid == kid
