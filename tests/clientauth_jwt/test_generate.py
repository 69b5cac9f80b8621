"""generate_private_key: new keys for the JOSE packages (DPoP keys)."""

from __future__ import annotations

import pytest
from jwskate import Jwk

from oauth2core_clientauth_jwt import (
    InvalidAlg,
    KeyErrorCode,
    SigningKey,
    WeakKey,
    generate_private_key,
    load_public_key,
)

CURVES = {
    "ES256": ("EC", "P-256"),
    "ES384": ("EC", "P-384"),
    "ES512": ("EC", "P-521"),
    "ES256K": ("EC", "secp256k1"),
    "EdDSA": ("OKP", "Ed25519"),
    "Ed25519": ("OKP", "Ed25519"),
    "Ed448": ("OKP", "Ed448"),
}


@pytest.mark.parametrize("alg", sorted(CURVES))
def test_curve_keys(alg):
    key = generate_private_key(alg)
    assert isinstance(key, SigningKey)
    assert (key.alg, key.kty, key.crv) == (alg, *CURVES[alg])
    assert key.kid == key.thumbprint == Jwk(key.public_jwk).thumbprint()
    signature = key.sign(b"data")
    assert load_public_key(key.public_jwk).verify(b"data", signature)


def test_the_default_is_es256():
    assert generate_private_key().alg == "ES256"


@pytest.mark.parametrize("alg", ["RS256", "PS512"])
def test_rsa_keys_have_2048_bits_unless_asked(alg):
    key = generate_private_key(alg)
    assert key.alg == alg
    assert Jwk(key.public_jwk).cryptography_key.key_size == 2048


def test_rsa_size_is_checked():
    with pytest.raises(WeakKey) as caught:
        generate_private_key("RS256", rsa_key_size=1024)
    assert caught.value.code == KeyErrorCode.WEAK_KEY
    with pytest.raises(TypeError):
        generate_private_key("RS256", rsa_key_size=True)


@pytest.mark.parametrize("alg", ["HS256", "none", "RSA-OAEP", "", None, 256])
def test_only_asymmetric_signature_algs(alg):
    with pytest.raises(InvalidAlg) as caught:
        generate_private_key(alg)
    assert caught.value.code == KeyErrorCode.UNSUPPORTED_ALG


def test_new_keys_differ():
    assert generate_private_key().thumbprint != generate_private_key().thumbprint
