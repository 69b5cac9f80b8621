"""JWE for the other JOSE packages: load_decryption_key, encrypt_jwe, decrypt_jwe."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from binapy import BinaPy
from cryptography.hazmat.primitives.asymmetric import rsa
from jwskate import JweCompact, Jwk

from oauth2core_clientauth_jwt import (
    DecryptionKey,
    InvalidAlg,
    InvalidJwe,
    JweErrorCode,
    KeyErrorCode,
    UnsuitableKey,
    WeakKey,
    decrypt_jwe,
    encrypt_jwe,
    load_decryption_key,
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def header_of(token: str) -> Any:
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.fixture(scope="module")
def rsa_key(keys) -> DecryptionKey:
    return load_decryption_key(keys.rsa)


@pytest.mark.parametrize(
    ("name", "alg", "enc"),
    [
        ("rsa", "RSA-OAEP", "A128CBC-HS256"),
        ("rsa", "RSA-OAEP-256", "A256GCM"),
        ("p256", "ECDH-ES", "A128GCM"),
        ("p384", "ECDH-ES+A192KW", "A192CBC-HS384"),
        ("x25519", "ECDH-ES+A256KW", "A256CBC-HS512"),
    ],
)
def test_round_trip(keys, name, alg, enc):
    key = load_decryption_key(keys.jwk(name, kid="k1"))
    token = encrypt_jwe(b"secret payload", key.public_jwk, alg=alg, enc=enc, headers={"cty": "JWT"})
    header, plaintext = decrypt_jwe(token, [key], algs={alg}, encs={enc})
    assert plaintext == b"secret payload"
    assert header == header_of(token)
    assert (header["alg"], header["enc"], header["kid"], header["cty"]) == (alg, enc, "k1", "JWT")


def test_default_algorithms(keys, rsa_key):
    assert header_of(encrypt_jwe(b"x", rsa_key.public_jwk))["alg"] == "RSA-OAEP-256"
    ec_key = load_decryption_key(keys.p256)
    ec_header = header_of(encrypt_jwe(b"x", ec_key.public_jwk))
    assert (ec_header["alg"], ec_header["enc"]) == ("ECDH-ES", "A128CBC-HS256")


def test_a_decryption_key_never_shows_its_material(keys, rsa_key):
    jwk = keys.jwk("rsa")
    assert rsa_key.kid == Jwk(jwk).thumbprint() == rsa_key.thumbprint
    assert jwk["d"] not in repr(rsa_key)
    assert "d" not in rsa_key.public_jwk
    assert rsa_key.public_jwk["use"] == "enc"
    assert load_decryption_key(rsa_key) is rsa_key
    with pytest.raises(TypeError):
        DecryptionKey()


@pytest.mark.parametrize(
    ("make", "error", "code"),
    [
        (lambda k: k.public_jwk("rsa"), UnsuitableKey, KeyErrorCode.PUBLIC_KEY),
        (lambda k: {"kty": "oct", "k": "c2VjcmV0"}, UnsuitableKey, KeyErrorCode.SYMMETRIC_KEY),
        (lambda k: k.jwk("rsa", use="sig"), UnsuitableKey, KeyErrorCode.KEY_USE),
        (lambda k: k.jwk("rsa", key_ops=["sign"]), UnsuitableKey, KeyErrorCode.KEY_USE),
        (lambda k: k.ed25519, UnsuitableKey, KeyErrorCode.KEY_USE),
        (lambda k: k.rsa_1024, WeakKey, KeyErrorCode.WEAK_KEY),
        (lambda k: k.jwk("rsa", alg="ECDH-ES"), InvalidAlg, KeyErrorCode.UNSUPPORTED_ALG),
        (lambda k: k.jwk("rsa", alg="RSA1_5"), InvalidAlg, KeyErrorCode.UNSUPPORTED_ALG),
    ],
)
def test_unsuitable_decryption_keys(keys, make, error, code):
    with pytest.raises(error) as caught:
        load_decryption_key(make(keys))
    assert caught.value.code == code


def test_alg_must_agree_with_the_key(keys):
    with pytest.raises(InvalidAlg) as caught:
        load_decryption_key(keys.jwk("rsa", alg="RSA-OAEP"), alg="RSA-OAEP-256")
    assert caught.value.code == KeyErrorCode.ALG_MISMATCH
    restricted = load_decryption_key(keys.rsa, alg="RSA-OAEP")
    token = encrypt_jwe(b"x", keys.public_jwk("rsa", kid=restricted.kid), alg="RSA-OAEP-256")
    with pytest.raises(InvalidJwe) as refused:
        decrypt_jwe(token, restricted)
    assert refused.value.code == JweErrorCode.NO_KEY


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"algs": {"RSA-OAEP"}}, JweErrorCode.UNEXPECTED_ALG),
        ({"encs": {"A256GCM"}}, JweErrorCode.UNEXPECTED_ENC),
    ],
)
def test_allowed_algorithms(rsa_key, kwargs, code):
    token = encrypt_jwe(b"x", rsa_key.public_jwk)
    with pytest.raises(InvalidJwe) as caught:
        decrypt_jwe(token, rsa_key, **kwargs)
    assert caught.value.code == code


def test_malformed_and_refused_jwe(keys, rsa_key):
    for value in ("not-a-jwe", "a.b.c", "a.b.c.d.e"):
        with pytest.raises(InvalidJwe) as caught:
            decrypt_jwe(value, rsa_key)
        assert caught.value.code == JweErrorCode.MALFORMED
    rsa15 = f"{b64(json.dumps({'alg': 'RSA1_5', 'enc': 'A128GCM'}).encode())}.AAAA.AAAA.AAAA.AAAA"
    with pytest.raises(InvalidJwe) as caught:
        decrypt_jwe(rsa15, rsa_key)  # never RSA1_5
    assert caught.value.code == JweErrorCode.UNEXPECTED_ALG
    zipped = encrypt_jwe(b"x", rsa_key.public_jwk, headers={"crit": ["exp"]})
    with pytest.raises(InvalidJwe) as caught:
        decrypt_jwe(zipped, rsa_key)
    assert caught.value.code == JweErrorCode.MALFORMED


def test_wrong_key_and_tampering(keys, rsa_key):
    other = load_decryption_key(keys.jwk("rsa", kid="x"))  # same key, another kid
    token = encrypt_jwe(b"payload", rsa_key.public_jwk)
    with pytest.raises(InvalidJwe) as caught:
        decrypt_jwe(token, other)
    assert caught.value.code == JweErrorCode.NO_KEY
    parts = token.split(".")
    parts[3] = parts[3][::-1]
    with pytest.raises(InvalidJwe) as caught:
        decrypt_jwe(".".join(parts), rsa_key)
    assert caught.value.code == JweErrorCode.DECRYPTION_FAILED
    assert "payload" not in str(caught.value)
    assert caught.value.__cause__ is None


def without_kid(plaintext: bytes, public: dict[str, Any]) -> str:
    """A JWE whose header has no kid (jwskate always adds one)."""
    headers = {"alg": "RSA-OAEP-256", "enc": "A128CBC-HS256"}
    cek, wrapped, _ = Jwk(public).sender_key(enc=headers["enc"], alg=headers["alg"])
    aad = BinaPy.serialize_to("json", headers).to("b64u")
    ciphertext, iv, tag = cek.encrypt(plaintext, aad=aad, enc=headers["enc"])
    jwe = JweCompact.from_parts(headers=headers, cek=wrapped, iv=iv, ciphertext=ciphertext, tag=tag)
    return bytes(jwe).decode()


def test_without_kid_every_fitting_key_is_tried(keys, rsa_key):
    p256 = load_decryption_key(keys.p256)
    token = without_kid(b"found", keys.public_jwk("rsa"))
    assert "kid" not in header_of(token)
    another_rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    others = [p256, load_decryption_key(another_rsa), rsa_key]  # the RSA keys are tried
    assert decrypt_jwe(token, others)[1] == b"found"


def test_encryption_refuses_unfit_keys(keys):
    with pytest.raises(UnsuitableKey):
        encrypt_jwe(b"x", {"kty": "oct", "k": "c2VjcmV0"})
    with pytest.raises(UnsuitableKey):
        encrypt_jwe(b"x", keys.public_jwk("rsa", use="sig"))
    with pytest.raises(InvalidAlg):
        encrypt_jwe(b"x", keys.public_jwk("rsa"), alg="ECDH-ES")
    with pytest.raises(InvalidAlg):
        encrypt_jwe(b"x", keys.public_jwk("rsa"), enc="A1024GCM")
    with pytest.raises(ValueError, match="alg"):
        encrypt_jwe(b"x", keys.public_jwk("rsa"), headers={"alg": "dir"})
    with pytest.raises(TypeError):
        encrypt_jwe("text", keys.public_jwk("rsa"))  # type: ignore[arg-type]
