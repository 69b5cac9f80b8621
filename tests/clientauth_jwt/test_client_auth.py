"""ClientSecretJwt and PrivateKeyJwt: claims, signatures, audience, typ, clock, errors."""

from __future__ import annotations

import logging
import traceback
import uuid
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from jwskate import Jwk, SignedJwt, SymmetricJwk

from oauth2core import BaseClientAuthenticationMethod, InvalidClient
from oauth2core_clientauth_jwt import (
    CLIENT_ASSERTION_TYPE,
    CLIENT_AUTHENTICATION_JWT,
    BaseClientAssertionAuthenticationMethod,
    ClientSecretJwt,
    InvalidClientAssertionSigningKeyOrAlg,
    KeyErrorCode,
    PrivateKeyJwt,
    SigningKey,
    UnsuitableKey,
    UnsupportedKeyFormat,
    WeakKey,
    load_private_key,
)

CLIENT_ID = "client-1"
SECRET = "CANARY-client-secret-0123456789abcdef"


def applied(
    auth: BaseClientAuthenticationMethod, endpoint: str, issuer: str | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {"grant_type": "client_credentials"}
    auth.apply(data, {}, endpoint=endpoint, issuer=issuer)
    return data


def assertion_of(data: dict[str, Any]) -> SignedJwt:
    return SignedJwt(data["client_assertion"])


# ------------------------------------------------------------------------------- signatures


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_client_secret_jwt_claims_and_signature(alg, clock, urls):
    auth = ClientSecretJwt(CLIENT_ID, SECRET, alg=alg, clock=clock)
    data = applied(auth, urls.token, urls.issuer)
    assert data["client_id"] == CLIENT_ID
    assert data["client_assertion_type"] == CLIENT_ASSERTION_TYPE
    assert "client_secret" not in data
    jwt = assertion_of(data)
    assert jwt.headers == {"alg": alg, "typ": CLIENT_AUTHENTICATION_JWT}
    assert jwt.verify_signature(SymmetricJwk.from_bytes(SECRET.encode()), alg=alg)
    assert not jwt.verify_signature(SymmetricJwk.from_bytes(b"another secret"), alg=alg)
    claims = jwt.claims
    assert claims.pop("jti")
    assert claims == {
        "iss": CLIENT_ID,
        "sub": CLIENT_ID,
        "aud": urls.issuer,
        "iat": 1_700_000_000,
        "exp": 1_700_000_060,
    }
    assert auth.alg == alg
    assert auth.auth_method == "client_secret_jwt"


@pytest.mark.parametrize(
    "alg",
    ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"],
)
def test_private_key_jwt_claims_and_signature(alg, signing_keys, clock, urls):
    jwk = signing_keys[alg]
    auth = PrivateKeyJwt(CLIENT_ID, jwk, clock=clock, lifetime=30)
    data = applied(auth, urls.token, urls.issuer)
    assert data["client_assertion_type"] == CLIENT_ASSERTION_TYPE
    assert data["client_id"] == CLIENT_ID
    jwt = assertion_of(data)
    thumbprint = Jwk(jwk).thumbprint()
    assert jwt.headers == {"alg": alg, "typ": CLIENT_AUTHENTICATION_JWT, "kid": thumbprint}
    assert jwt.verify_signature(Jwk(jwk).public_jwk(), alg=alg)
    claims = jwt.claims
    assert uuid.UUID(claims.pop("jti"))
    assert claims == {
        "iss": CLIENT_ID,
        "sub": CLIENT_ID,
        "aud": urls.issuer,
        "iat": 1_700_000_000,
        "exp": 1_700_000_030,
    }
    assert (auth.alg, auth.kid, auth.auth_method) == (alg, thumbprint, "private_key_jwt")


def test_private_key_jwt_takes_alg_and_kid(keys, urls):
    auth = PrivateKeyJwt(CLIENT_ID, keys.rsa, alg="PS256", kid="key-1")
    jwt = assertion_of(applied(auth, urls.token))
    assert jwt.headers == {"alg": "PS256", "kid": "key-1"}
    assert jwt.verify_signature(Jwk(keys.rsa).public_jwk(), alg="PS256")


def test_private_key_jwt_from_an_encrypted_pem(keys, urls):
    text = keys.p384.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pem-password"),
    ).decode()
    auth = PrivateKeyJwt(CLIENT_ID, text, password="pem-password")
    assert auth.alg == "ES384"
    assert assertion_of(applied(auth, urls.token)).verify_signature(
        Jwk(keys.p384).public_jwk(), alg="ES384"
    )
    with pytest.raises(InvalidClientAssertionSigningKeyOrAlg) as caught:
        PrivateKeyJwt(CLIENT_ID, text)
    assert caught.value.code == KeyErrorCode.PEM_PASSWORD


def test_private_key_jwt_from_a_signing_key(keys, urls):
    key = load_private_key(keys.ed25519, kid="ed")
    auth = PrivateKeyJwt(CLIENT_ID, key)
    assert auth.signing_key is key
    assert assertion_of(applied(auth, urls.token)).headers["kid"] == "ed"


def test_each_assertion_has_a_new_jti(keys, urls, clock):
    auth = PrivateKeyJwt(CLIENT_ID, keys.p256, clock=clock)
    jtis = {assertion_of(applied(auth, urls.token)).claims["jti"] for _ in range(500)}
    assert len(jtis) == 500
    secret = ClientSecretJwt(CLIENT_ID, SECRET, clock=clock)
    assert len({assertion_of(applied(secret, urls.token)).claims["jti"] for _ in range(50)}) == 50


def test_a_custom_jti_generator(keys, urls):
    counter = iter(range(100))
    auth = PrivateKeyJwt(CLIENT_ID, keys.p256, jti_gen=lambda: f"jti-{next(counter)}")
    assert assertion_of(applied(auth, urls.token)).claims["jti"] == "jti-0"
    assert assertion_of(applied(auth, urls.token)).claims["jti"] == "jti-1"
    bad = PrivateKeyJwt(CLIENT_ID, keys.p256, jti_gen=lambda: "")
    with pytest.raises(TypeError):
        applied(bad, urls.token)


def test_the_injected_clock_sets_iat_and_exp(keys, urls, clock):
    auth = PrivateKeyJwt(CLIENT_ID, keys.p256, clock=clock, lifetime=120)
    first = assertion_of(applied(auth, urls.token)).claims
    clock.wall += 3600.9
    second = assertion_of(applied(auth, urls.token)).claims
    assert (first["iat"], first["exp"]) == (1_700_000_000, 1_700_000_120)
    assert (second["iat"], second["exp"]) == (1_700_003_601, 1_700_003_721)


# ------------------------------------------------------------------------------- audience, typ


def test_the_audience_is_the_issuer_when_the_client_knows_it(keys, urls):
    auth = PrivateKeyJwt(CLIENT_ID, keys.p256)
    for endpoint in (urls.token, urls.revocation, urls.par):
        jwt = assertion_of(applied(auth, endpoint, urls.issuer))
        assert jwt.claims["aud"] == urls.issuer  # a single string, never an array
        assert jwt.headers["typ"] == CLIENT_AUTHENTICATION_JWT


def test_the_audience_is_the_endpoint_url_when_the_issuer_is_unknown(keys, urls):
    auth = PrivateKeyJwt(CLIENT_ID, keys.p256)
    for endpoint in (urls.token, urls.par):
        jwt = assertion_of(applied(auth, endpoint))
        assert jwt.claims["aud"] == endpoint
        assert "typ" not in jwt.headers  # not bound to the rfc7523bis audience rules


def test_an_explicit_audience_wins(keys, urls):
    auth = PrivateKeyJwt(CLIENT_ID, keys.p256, aud="https://other.example.com/token")
    jwt = assertion_of(applied(auth, urls.token, urls.issuer))
    assert jwt.claims["aud"] == "https://other.example.com/token"
    assert "typ" not in jwt.headers
    same = PrivateKeyJwt(CLIENT_ID, keys.p256, aud=urls.issuer)
    assert assertion_of(applied(same, urls.token, urls.issuer)).headers["typ"] == (
        CLIENT_AUTHENTICATION_JWT
    )
    assert "typ" not in assertion_of(applied(same, urls.token)).headers
    secret = ClientSecretJwt(CLIENT_ID, SECRET, aud="https://aud.example.com")
    assert assertion_of(applied(secret, urls.token, urls.issuer)).claims["aud"] == (
        "https://aud.example.com"
    )


@pytest.mark.parametrize(
    ("typ", "with_issuer", "without_issuer"),
    [
        ("auto", CLIENT_AUTHENTICATION_JWT, None),
        (None, None, None),
        ("JWT", "JWT", "JWT"),
        (CLIENT_AUTHENTICATION_JWT, CLIENT_AUTHENTICATION_JWT, CLIENT_AUTHENTICATION_JWT),
    ],
)
def test_typ_settings(keys, urls, typ, with_issuer, without_issuer):
    for auth in (
        PrivateKeyJwt(CLIENT_ID, keys.p256, typ=typ),
        ClientSecretJwt(CLIENT_ID, SECRET, typ=typ),
    ):
        assert assertion_of(applied(auth, urls.token, urls.issuer)).headers.get("typ") == (
            with_issuer
        )
        assert assertion_of(applied(auth, urls.token)).headers.get("typ") == without_issuer


def test_client_assertion_can_be_called_directly(keys, urls):
    auth = PrivateKeyJwt(CLIENT_ID, keys.p256)
    assert SignedJwt(auth.client_assertion("https://x.example.com")).claims["aud"] == (
        "https://x.example.com"
    )
    typed = SignedJwt(auth.client_assertion(urls.issuer, issuer=urls.issuer))
    assert typed.headers["typ"] == CLIENT_AUTHENTICATION_JWT


def test_no_audience_at_all(keys):
    with pytest.raises(ValueError, match="audience"):
        applied(PrivateKeyJwt(CLIENT_ID, keys.p256), "")


# ------------------------------------------------------------------------------- plain requests


def test_with_plain_requests_the_audience_is_the_request_url(keys, urls):
    auth = PrivateKeyJwt(CLIENT_ID, keys.p256)
    prepared = requests.Request(
        "POST", urls.token, data={"grant_type": "client_credentials", "scope": "a b"}, auth=auth
    ).prepare()
    assert isinstance(prepared.body, str)
    form = parse_qs(prepared.body)
    assert form["grant_type"] == ["client_credentials"]
    assert form["scope"] == ["a b"]
    assert form["client_id"] == [CLIENT_ID]
    assert form["client_assertion_type"] == [CLIENT_ASSERTION_TYPE]
    jwt = SignedJwt(form["client_assertion"][0])
    assert jwt.claims["aud"] == urls.token
    assert jwt.verify_signature(Jwk(keys.p256).public_jwk(), alg="ES256")
    with pytest.raises(ValueError, match="POST"):
        requests.Request("GET", urls.token, auth=auth).prepare()


def test_through_oauth2client(make_client, mock_http, keys, urls):
    mock_http.post(urls.token, json={"access_token": "at", "token_type": "Bearer"})
    mock_http.post(urls.token, json={"access_token": "at", "token_type": "Bearer"})
    with_issuer = make_client(PrivateKeyJwt(CLIENT_ID, keys.p256), issuer=urls.issuer)
    without_issuer = make_client(ClientSecretJwt(CLIENT_ID, SECRET))
    with_issuer.client_credentials(scope="api")
    without_issuer.client_credentials()
    first, second = (parse_qs(call.request.body) for call in mock_http.calls)
    assert first["scope"] == ["api"]
    assert SignedJwt(first["client_assertion"][0]).claims["aud"] == urls.issuer
    assert SignedJwt(second["client_assertion"][0]).claims["aud"] == urls.token
    assert SignedJwt(second["client_assertion"][0]).verify_signature(
        SymmetricJwk.from_bytes(SECRET.encode()), alg="HS256"
    )


# ------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("make", "code", "cause"),
    [
        (lambda k: k.public_jwk("p256"), KeyErrorCode.PUBLIC_KEY, UnsuitableKey),
        (lambda k: k.p256.public_key(), KeyErrorCode.PUBLIC_KEY, UnsuitableKey),
        (lambda k: k.rsa_1024, KeyErrorCode.WEAK_KEY, WeakKey),
        (lambda k: {"kty": "oct", "k": "c2VjcmV0"}, KeyErrorCode.SYMMETRIC_KEY, UnsuitableKey),
        (lambda k: k.rsa, KeyErrorCode.MISSING_ALG, None),
        (lambda k: k.jwk("p256", use="enc"), KeyErrorCode.KEY_USE, UnsuitableKey),
        (lambda k: "not a key", KeyErrorCode.MALFORMED_KEY, None),
    ],
    ids=["public-jwk", "public-cryptography", "rsa-1024", "oct", "rsa-no-alg", "use-enc", "text"],
)
def test_private_key_jwt_refuses_unusable_keys(keys, make, code, cause):
    with pytest.raises(InvalidClientAssertionSigningKeyOrAlg) as caught:
        PrivateKeyJwt(CLIENT_ID, make(keys), alg="RS256" if code == KeyErrorCode.WEAK_KEY else None)
    assert caught.value.code == code
    assert isinstance(caught.value, ValueError)
    if cause is not None:
        assert isinstance(caught.value.__cause__, cause)


def test_private_key_jwt_alg_problems(keys):
    with pytest.raises(InvalidClientAssertionSigningKeyOrAlg) as mismatch:
        PrivateKeyJwt(CLIENT_ID, keys.jwk("p256", alg="ES256"), alg="ES512")
    assert mismatch.value.code == KeyErrorCode.ALG_MISMATCH
    with pytest.raises(InvalidClientAssertionSigningKeyOrAlg) as unsupported:
        PrivateKeyJwt(CLIENT_ID, keys.p256, alg="HS256")
    assert unsupported.value.code == KeyErrorCode.ALG_MISMATCH


def test_private_key_jwt_refuses_what_is_not_a_key():
    with pytest.raises(UnsupportedKeyFormat):
        PrivateKeyJwt(CLIENT_ID, 12345)


@pytest.mark.parametrize(
    ("secret", "alg", "code"),
    [
        (SECRET, "RS256", KeyErrorCode.UNSUPPORTED_ALG),
        (SECRET, "none", KeyErrorCode.UNSUPPORTED_ALG),
        ("-----BEGIN PRIVATE KEY-----\nMIIB", "HS256", KeyErrorCode.WEAK_SECRET),
    ],
)
def test_client_secret_jwt_refuses(secret, alg, code):
    with pytest.raises(InvalidClientAssertionSigningKeyOrAlg) as caught:
        ClientSecretJwt(CLIENT_ID, secret, alg=alg)
    assert caught.value.code == code
    assert secret not in "".join(traceback.format_exception(caught.value))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lifetime": 0},
        {"lifetime": -5},
        {"lifetime": True},
        {"lifetime": "60"},
        {"jti_gen": "not callable"},
        {"aud": ""},
        {"aud": 42},
        {"typ": ""},
        {"typ": 3},
    ],
)
def test_argument_checks(keys, kwargs):
    with pytest.raises((TypeError, ValueError)):
        PrivateKeyJwt(CLIENT_ID, keys.p256, **kwargs)
    with pytest.raises((TypeError, ValueError)):
        ClientSecretJwt(CLIENT_ID, SECRET, **kwargs)


def test_client_id_and_secret_types(keys):
    with pytest.raises(TypeError):
        ClientSecretJwt(CLIENT_ID, "")
    with pytest.raises(TypeError):
        ClientSecretJwt(CLIENT_ID, b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        PrivateKeyJwt("", keys.p256)


def test_positional_parameters_follow_requests_oauth2client():
    auth = ClientSecretJwt(CLIENT_ID, SECRET, 90, "HS512", lambda: "j", "https://aud.example")
    assert (auth.lifetime, auth.alg, auth.jti_gen(), auth.aud) == (
        90,
        "HS512",
        "j",
        "https://aud.example",
    )
    assert isinstance(auth, BaseClientAssertionAuthenticationMethod)
    assert isinstance(auth, BaseClientAuthenticationMethod)
    assert isinstance(auth, requests.auth.AuthBase)


# ------------------------------------------------------------------------------- secrets


def test_reprs_never_show_the_secret_or_the_key(keys):
    jwk = keys.jwk("p256")
    secret_auth = ClientSecretJwt(CLIENT_ID, SECRET)
    key_auth = PrivateKeyJwt(CLIENT_ID, jwk)
    assert repr(secret_auth) == (
        f"ClientSecretJwt(client_id={CLIENT_ID!r}, alg='HS256', client_secret=<redacted>)"
    )
    assert repr(key_auth) == (
        f"PrivateKeyJwt(client_id={CLIENT_ID!r}, alg='ES256', kid={key_auth.kid!r}, "
        "private_jwk=<redacted>)"
    )
    assert SECRET not in repr(secret_auth)
    assert jwk["d"] not in repr(key_auth)
    assert isinstance(key_auth.signing_key, SigningKey)
    assert key_auth.private_jwk["d"] == jwk["d"]  # there for who asks, never shown


def test_no_secret_in_logs_errors_or_reprs_across_a_flow(
    make_client, mock_http, keys, urls, caplog
):
    caplog.set_level(logging.DEBUG)
    jwk = keys.jwk("rsa", alg="RS256")
    mock_http.post(urls.token, status=401, json={"error": "invalid_client"})
    mock_http.post(urls.token, status=401, json={"error": "invalid_client"})
    texts: list[str] = []
    for auth in (ClientSecretJwt(CLIENT_ID, SECRET), PrivateKeyJwt(CLIENT_ID, jwk)):
        client = make_client(auth, issuer=urls.issuer)
        with pytest.raises(InvalidClient) as caught:
            client.client_credentials()
        texts += [repr(client), repr(auth), str(caught.value), repr(caught.value)]
        texts.append("".join(traceback.format_exception(caught.value)))
    bad_keys: list[Any] = [keys.jwk("rsa_1024", alg="RS256"), {**jwk, "e": "AQAB", "n": "AA"}]
    for bad in bad_keys:
        with pytest.raises(InvalidClientAssertionSigningKeyOrAlg) as refused:
            PrivateKeyJwt(CLIENT_ID, bad)
        texts.append("".join(traceback.format_exception(refused.value)))
    texts.append(caplog.text)
    for text in texts:
        assert SECRET not in text
        for member in ("d", "p", "q", "dp", "dq", "qi"):
            assert jwk[member] not in text
        assert keys.jwk("rsa_1024")["d"] not in text
