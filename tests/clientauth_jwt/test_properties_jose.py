"""Property tests of the JOSE parsers other packages feed with server input.

A server's JWK (any JSON object, or its text) loads as a public key or raises
``InvalidKey``/``UnsupportedKeyFormat``; any compact string given to ``decrypt_jwe`` is
decrypted or raises ``InvalidJwe``; a JWE made by ``encrypt_jwe`` decrypts to its
plaintext.
"""

from __future__ import annotations

import base64
import json

from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import example, given
from hypothesis import strategies as st
from jwskate import Jwk

from oauth2core_clientauth_jwt import (
    InvalidJwe,
    InvalidKey,
    UnsupportedKeyFormat,
    VerificationKey,
    decrypt_jwe,
    encrypt_jwe,
    load_decryption_key,
    load_public_key,
)

PRIVATE = ec.generate_private_key(ec.SECP256R1())
PUBLIC_JWK = dict(Jwk(PRIVATE).public_jwk())
DECRYPTION_KEY = load_decryption_key(PRIVATE, alg="ECDH-ES")

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)
MEMBERS = ["kty", "crv", "x", "y", "n", "e", "d", "k", "kid", "alg", "use", "key_ops", "x5c"]
jwks = st.tuples(
    st.sampled_from([PUBLIC_JWK, {"kty": "RSA"}, {"kty": "oct", "k": "AAAA"}, {}]),
    st.dictionaries(
        st.sampled_from(MEMBERS) | st.text(max_size=4),
        json_values | st.sampled_from(["EC", "P-256", "sig", "enc", "ES256", "RS256", "AQAB"]),
        max_size=3,
    ),
).map(lambda both: {**both[0], **both[1]})


@given(jwk=jwks | json_values, as_text=st.booleans())
@example(jwk={**PUBLIC_JWK, "alg": ["ES256"]}, as_text=False)
@example(jwk={**PUBLIC_JWK, "kid": 5}, as_text=False)
@example(jwk='{"a":' * 5000, as_text=False).via("deep JSON text")
def test_property_server_jwks_load_or_raise_key_errors(jwk, as_text):
    key = json.dumps(jwk) if as_text and not isinstance(jwk, str) else jwk
    try:
        loaded = load_public_key(key)
    except (InvalidKey, UnsupportedKeyFormat):
        return
    assert isinstance(loaded, VerificationKey)
    assert isinstance(loaded.alg, str)
    assert isinstance(loaded.kid, str)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


parts = st.binary(max_size=16).map(b64) | st.text("AZaz09-_=.", max_size=10)
jwe_headers = st.dictionaries(
    st.sampled_from(["alg", "enc", "kid", "zip", "crit", "epk", "cty"]),
    json_values | st.sampled_from(["ECDH-ES", "A128CBC-HS256", "A256GCM", "RSA-OAEP-256"]),
    max_size=4,
)
compacts = (
    st.text(max_size=30)
    | st.lists(parts, min_size=1, max_size=6).map(".".join)
    | st.tuples(jwe_headers, st.lists(parts, min_size=4, max_size=4)).map(
        lambda p: ".".join([b64(json.dumps(p[0]).encode()), *p[1]])
    )
)


@given(token=compacts)
@example(token=b64(b"[" * 5000) + "....").via("deep JSON header")
def test_property_decrypt_jwe_decrypts_or_raises_invalid_jwe(token):
    try:
        decrypt_jwe(token, DECRYPTION_KEY, algs={"ECDH-ES"}, encs={"A128CBC-HS256"})
    except InvalidJwe:
        return
    raise AssertionError("garbage decrypted")  # pragma: no cover


@given(
    plaintext=st.binary(max_size=64),
    enc=st.sampled_from(["A128CBC-HS256", "A256GCM"]),
    tamper=st.none() | st.integers(0, 4),
)
def test_property_jwe_round_trips_and_refuses_tampering(plaintext, enc, tamper):
    token = encrypt_jwe(plaintext, PUBLIC_JWK, alg="ECDH-ES", enc=enc)
    if tamper is not None:  # flip one character of one part
        pieces = token.split(".")
        part = pieces[tamper]
        if not part:
            return
        pieces[tamper] = ("A" if part[0] != "A" else "B") + part[1:]
        token = ".".join(pieces)
    try:
        header, decrypted = decrypt_jwe(token, DECRYPTION_KEY)
    except InvalidJwe:
        assert tamper is not None
        return
    assert decrypted == plaintext
    assert header["enc"] == enc
