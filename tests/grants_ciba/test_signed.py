"""Signed CIBA authentication requests (CIBA Core §7.1.1), through clientauth-jwt's key handling.

They need the ``signed`` extra (``oauth2core-clientauth-jwt``). In the isolated run of this
package it is not installed, and this module is skipped; wherever the distribution is
installed (the all-packages run), these tests run, and an import failure is an error.
"""

from __future__ import annotations

import base64
import json
from importlib import metadata
from typing import Any
from urllib.parse import parse_qs

import pytest

try:
    metadata.distribution("oauth2core-clientauth-jwt")
except metadata.PackageNotFoundError:
    pytest.skip(
        "signed CIBA requests need oauth2core-clientauth-jwt (the 'signed' extra)",
        allow_module_level=True,
    )

from cryptography.hazmat.primitives.asymmetric import ec, rsa

from oauth2core import InvalidRequest
from oauth2core_clientauth_jwt import InvalidAlg, UnsuitableKey, load_private_key, load_public_key

ISSUER = "https://as.example.com"
BACKCHANNEL = f"{ISSUER}/oauth/bc-authorize"
ANSWER = {"auth_req_id": "arid-1", "expires_in": 120}


def b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def decode(jwt: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    header, payload, signature = jwt.split(".")
    return (
        json.loads(b64decode(header)),
        json.loads(b64decode(payload)),
        f"{header}.{payload}".encode(),
        b64decode(signature),
    )


@pytest.fixture(scope="module")
def ec_key() -> Any:
    return ec.generate_private_key(ec.SECP256R1())


def sent(mock_http: Any) -> dict[str, list[str]]:
    return parse_qs(mock_http.calls[0].request.body)


def test_signed_request(client, mock_http, clock, ec_key):
    mock_http.post(BACKCHANNEL, json=ANSWER)
    response = client.backchannel_authentication_request(
        ["openid", "email"],
        login_hint="alice",
        binding_message="W4SCT",
        requested_expiry=300,
        acr_values="urn:mace:incommon:iap:silver",
        resource=["https://a.example", "https://b.example"],
        private_jwk=ec_key,
    )
    assert response.auth_req_id == "arid-1"
    form = sent(mock_http)
    # only the request object and the client authentication travel outside the JWT
    assert sorted(form) == ["client_id", "client_secret", "request"]
    header, claims, signing_input, signature = decode(form["request"][0])
    key = load_private_key(ec_key)
    assert header["alg"] == "ES256"
    assert header["kid"] == key.kid
    assert load_public_key(key.public_jwk).verify(signing_input, signature)
    now = int(clock.wall)
    jti = claims.pop("jti")
    assert isinstance(jti, str)
    assert len(jti) >= 20
    assert claims == {
        "iss": "client-1",
        "aud": ISSUER,
        "iat": now,
        "nbf": now,
        "exp": now + 60,
        "scope": "openid email",
        "login_hint": "alice",
        "binding_message": "W4SCT",
        "requested_expiry": 300,
        "acr_values": "urn:mace:incommon:iap:silver",
        "resource": ["https://a.example", "https://b.example"],
    }


def test_no_claim_is_ever_null(client, mock_http, ec_key):
    mock_http.post(BACKCHANNEL, json=ANSWER)
    client.backchannel_authentication_request(
        login_hint="alice", private_jwk=ec_key, user_code=None, custom=None
    )
    _, claims, _, _ = decode(sent(mock_http)["request"][0])
    assert None not in claims.values()
    assert {"user_code", "custom", "binding_message", "id_token_hint"}.isdisjoint(claims)


def test_each_request_has_a_new_jti(client, mock_http, ec_key):
    mock_http.post(BACKCHANNEL, json=ANSWER)
    mock_http.post(BACKCHANNEL, json=ANSWER)
    for _ in range(2):
        client.backchannel_authentication_request(login_hint="alice", private_jwk=ec_key)
    jtis = {decode(parse_qs(c.request.body)["request"][0])[1]["jti"] for c in mock_http.calls}
    assert len(jtis) == 2


def test_jwk_dict_and_explicit_alg(client, mock_http):
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = load_private_key(rsa_key, alg="PS256").jwk
    mock_http.post(BACKCHANNEL, json=ANSWER)
    client.backchannel_authentication_request(
        login_hint="alice", private_jwk=dict(jwk), alg="PS256"
    )
    header, _, _, _ = decode(sent(mock_http)["request"][0])
    assert header["alg"] == "PS256"


def test_key_errors_come_from_the_key_handling(client, mock_http, ec_key):
    with pytest.raises(InvalidAlg):
        client.backchannel_authentication_request(
            login_hint="alice", private_jwk=ec_key, alg="RS256"
        )
    with pytest.raises(UnsuitableKey):  # a public key cannot sign
        client.backchannel_authentication_request(
            login_hint="alice", private_jwk=load_private_key(ec_key).public_jwk
        )


def test_the_signed_request_needs_the_issuer(make_client, ec_key):
    client = make_client(issuer=None)
    with pytest.raises(ValueError, match="issuer"):
        client.backchannel_authentication_request(login_hint="alice", private_jwk=ec_key)


def test_the_signed_request_needs_a_client_id(make_client, ec_key):
    client = make_client(auth=None)
    with pytest.raises(ValueError, match="client_id"):
        client.backchannel_authentication_request(login_hint="alice", private_jwk=ec_key)


@pytest.mark.parametrize("claim", ["iss", "aud", "exp", "jti"])
def test_registered_claims_are_not_parameters(client, ec_key, claim):
    with pytest.raises(ValueError, match=claim):
        client.backchannel_authentication_request(
            login_hint="alice", private_jwk=ec_key, **{claim: "x"}
        )


def test_repr_and_errors_never_show_the_key(client, mock_http, ec_key):
    key = load_private_key(ec_key)
    secret = dict(key.jwk)["d"]
    mock_http.post(BACKCHANNEL, status=400, json={"error": "invalid_request"})
    with pytest.raises(InvalidRequest) as caught:
        client.backchannel_authentication_request(login_hint="alice", private_jwk=key)
    assert secret not in str(caught.value)
    assert secret not in repr(caught.value)
