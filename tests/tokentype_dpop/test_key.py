"""DPoPKey: loading and generating keys through the jwt package, and the proofs they sign."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwskate import Jwk

from oauth2core_clientauth_jwt import InvalidAlg, InvalidKey, KeyErrorCode, load_private_key
from oauth2core_tokentype_dpop import (
    DPoPKey,
    DPoPNonceCache,
    InvalidDPoPAlg,
    InvalidDPoPKey,
)
from oauth2core_tokentype_dpop._key import access_token_hash, htu_of

ALGS = ("ES256", "ES384", "ES512", "RS256", "PS256", "EdDSA")
KTY = {"ES": "EC", "RS": "RSA", "PS": "RSA", "Ed": "OKP"}


# ------------------------------------------------------------------------------- generation


@pytest.mark.parametrize("alg", ALGS)
def test_generated_keys_fit_their_alg(keys, alg):
    key = keys[alg]
    assert key.alg == alg
    public = key.public_jwk
    assert public["kty"] == KTY[alg[:2]]
    assert "d" not in public
    assert key.thumbprint == Jwk(public).thumbprint() == key.dpop_jkt
    assert key.private_jwk["d"]


def test_default_generated_key_is_es256_on_p256():
    key = DPoPKey.generate()
    assert (key.alg, key.public_jwk["crv"]) == ("ES256", "P-256")


@pytest.mark.parametrize("alg", ["RS256", "PS256"])
def test_generated_rsa_keys_have_2048_bits(keys, alg):
    assert Jwk(keys[alg].private_jwk).cryptography_key.key_size == 2048


def test_each_generation_is_a_new_key():
    assert DPoPKey.generate().thumbprint != DPoPKey.generate().thumbprint


@pytest.mark.parametrize("alg", ["HS256", "none", "ES999", "", "RSA-OAEP"])
def test_generate_refuses_non_signature_algs(alg):
    with pytest.raises(InvalidDPoPAlg) as caught:
        DPoPKey.generate(alg)
    assert isinstance(caught.value, InvalidAlg)
    assert isinstance(caught.value, InvalidDPoPKey)
    assert caught.value.code == KeyErrorCode.UNSUPPORTED_ALG


# ------------------------------------------------------------------------------- loading


def _private_jwk(key: Any, **members: Any) -> dict[str, Any]:
    return {**Jwk(key), **members}


@pytest.fixture(scope="module")
def p256() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.mark.parametrize("shape", ["dict", "json", "jwskate", "cryptography", "pem", "signing"])
def test_a_key_loads_from_every_shape_the_jwt_package_takes(p256, shape):
    jwk = _private_jwk(p256)
    pem = p256.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    value: Any = {
        "dict": jwk,
        "json": json.dumps(jwk),
        "jwskate": Jwk(jwk),
        "cryptography": p256,
        "pem": pem,
        "signing": load_private_key(jwk),
    }[shape]
    key = DPoPKey(value)
    assert key.alg == "ES256"
    assert key.thumbprint == Jwk(jwk).thumbprint()


def test_an_encrypted_pem_takes_its_password(p256):
    pem = p256.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pem-password"),
    )
    assert DPoPKey(pem, password="pem-password").alg == "ES256"
    with pytest.raises(InvalidDPoPKey) as caught:
        DPoPKey(pem)
    assert caught.value.code == KeyErrorCode.PEM_PASSWORD


def test_rsa_keys_take_their_alg_from_the_jwk_or_the_argument(keys):
    jwk = keys["RS256"].private_jwk
    assert DPoPKey(jwk).alg == "RS256"
    without = {k: v for k, v in jwk.items() if k != "alg"}
    assert DPoPKey(without, alg="PS256").alg == "PS256"
    with pytest.raises(InvalidDPoPAlg) as caught:
        DPoPKey(without)
    assert caught.value.code == KeyErrorCode.MISSING_ALG
    with pytest.raises(InvalidDPoPAlg) as mismatch:
        DPoPKey(jwk, alg="PS256")
    assert mismatch.value.code == KeyErrorCode.ALG_MISMATCH


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("public", KeyErrorCode.PUBLIC_KEY),
        ("symmetric", KeyErrorCode.SYMMETRIC_KEY),
        ("malformed", KeyErrorCode.MALFORMED_KEY),
    ],
)
def test_unusable_keys_are_refused_with_a_code(keys, value, code):
    jwk = {
        "public": keys["ES256"].public_jwk,
        "symmetric": {"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"},
        "malformed": {"kty": "EC", "crv": "P-256", "d": "not-base64!"},
    }[value]
    with pytest.raises(InvalidDPoPKey) as caught:
        DPoPKey(jwk)
    assert caught.value.code == code
    assert isinstance(caught.value, InvalidKey)  # the jwt package's errors still catch it
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_a_key_error_never_shows_key_material(keys):
    private = keys["ES256"].private_jwk
    with pytest.raises(InvalidDPoPAlg) as caught:
        DPoPKey(private, alg="RS256")
    for secret in (private["d"], json.dumps(private)):
        assert secret not in str(caught.value)
        assert secret not in repr(caught.value)


def test_not_a_key_is_a_type_error():
    with pytest.raises(TypeError):
        DPoPKey(42)


# ------------------------------------------------------------------------------- proofs


@pytest.mark.parametrize("alg", ALGS)
def test_proof_headers_and_claims(keys, clock, proof_of, alg):
    key = DPoPKey(keys[alg].private_jwk, clock=clock)
    url = "https://api.example.com/v1/things?page=2#section"
    proof = proof_of(_Request(key.proof("PATCH", url)))
    assert proof.header["typ"] == "dpop+jwt"
    assert proof.header["alg"] == alg
    assert "kid" not in proof.header
    assert "d" not in proof.header["jwk"]
    assert proof.thumbprint == key.thumbprint
    assert proof.claims == {
        "jti": proof.claims["jti"],
        "htm": "PATCH",
        "htu": "https://api.example.com/v1/things",
        "iat": int(clock.wall),
    }
    assert len(proof.claims["jti"]) >= 16


def test_proof_carries_ath_and_nonce_when_given(key, proof_of):
    ath = access_token_hash("at-1")
    proof = proof_of(_Request(key.proof("GET", "https://api.example.com/", ath=ath, nonce="n-1")))
    assert proof.claims["ath"] == ath
    assert proof.claims["nonce"] == "n-1"


def test_ath_is_base64url_sha256_of_the_token():
    # RFC 9449 §7.1 example values
    token = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"
    assert access_token_hash(token) == "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"


def test_each_proof_has_its_own_jti(key):
    jtis = {json.loads(_payload(key.proof("GET", "https://a.example/")))["jti"] for _ in range(50)}
    assert len(jtis) == 50


def test_iat_follows_the_clock(key, clock, proof_of):
    first = proof_of(_Request(key.proof("GET", "https://a.example/"))).claims["iat"]
    clock.advance(90)
    assert proof_of(_Request(key.proof("GET", "https://a.example/"))).claims["iat"] == first + 90


@pytest.mark.parametrize(
    ("url", "htu"),
    [
        ("https://a.example/p?q=1", "https://a.example/p"),
        ("https://a.example/p#f", "https://a.example/p"),
        ("https://a.example/p?q=1#f", "https://a.example/p"),
        ("https://a.example:8443/p/", "https://a.example:8443/p/"),
    ],
)
def test_htu_drops_query_and_fragment(url, htu):
    assert htu_of(url) == htu


# ------------------------------------------------------------------------------- hygiene


def test_repr_shows_alg_and_thumbprint_only(keys):
    for key in keys.values():
        shown = repr(key)
        assert shown == f"DPoPKey(alg={key.alg!r}, jkt={key.thumbprint!r})"
        for name, value in key.private_jwk.items():
            if name not in ("kty", "crv", "alg", "kid", "e"):
                assert str(value) not in shown


def test_keys_are_not_pickled_but_copy_to_themselves(key):
    with pytest.raises(TypeError, match="private_jwk"):
        pickle.dumps(key)
    assert copy.copy(key) is key
    assert copy.deepcopy(key) is key


def test_keys_compare_by_public_key_and_alg(keys):
    es256 = keys["ES256"]
    assert DPoPKey(es256.private_jwk) == es256
    assert hash(DPoPKey(es256.private_jwk)) == hash(es256)
    assert keys["RS256"] != keys["PS256"]  # one key type, another alg
    assert es256 != "not a key"


def test_keys_share_the_process_nonce_cache_unless_given_one(keys):
    own = DPoPNonceCache()
    assert keys["ES256"].nonces is keys["RS256"].nonces
    assert DPoPKey(keys["ES256"].private_jwk, nonces=own).nonces is own
    assert DPoPKey.generate(nonces=own).nonces is own


def test_the_public_names_live_in_the_package():
    assert DPoPKey.__module__ == "oauth2core_tokentype_dpop"
    assert InvalidDPoPKey.__module__ == "oauth2core_tokentype_dpop"


# ------------------------------------------------------------------------------- helpers


class _Request:
    """Stands for a request carrying a proof (for the ``proof_of`` fixture)."""

    def __init__(self, proof: str) -> None:
        self.headers = {"DPoP": proof}


def _payload(proof: str) -> str:
    import base64

    part = proof.split(".")[1]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()
