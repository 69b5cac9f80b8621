"""``at_hash``/``c_hash``/``s_hash`` for every supported algorithm (OIDC Core §3.1.3.6)."""

from __future__ import annotations

import base64
import hashlib

import pytest

from oauth2core_oidc import token_hash

VALUE = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
"""An access token of OIDC Core's examples."""


def left_half(digest: bytes) -> str:
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("alg", "crv", "hash_name"),
    [
        *((f"{family}256", None, "sha256") for family in ("HS", "RS", "PS", "ES")),
        *((f"{family}384", None, "sha384") for family in ("HS", "RS", "PS", "ES")),
        *((f"{family}512", None, "sha512") for family in ("HS", "RS", "PS", "ES")),
        ("ES256K", None, "sha256"),
        ("EdDSA", "Ed25519", "sha512"),
        ("Ed25519", None, "sha512"),
    ],
)
def test_sha2_family(alg, crv, hash_name):
    expected = left_half(hashlib.new(hash_name, VALUE.encode()).digest())
    assert token_hash(VALUE, alg, crv) == expected


def test_ed448_uses_shake256_with_114_bytes():
    digest = hashlib.shake_256(VALUE.encode()).digest(114)
    expected = left_half(digest)
    assert token_hash(VALUE, "EdDSA", "Ed448") == expected
    assert token_hash(VALUE, "Ed448") == expected
    assert len(base64.urlsafe_b64decode(expected + "==")) == 57


def test_oidc_core_example_of_at_hash():
    # OIDC Core A.3: the at_hash of this access token, for an RS256 ID token
    assert token_hash(VALUE, "RS256") == "77QmUPtjPfzWtF2AnpK9RQ"


@pytest.mark.parametrize(("alg", "crv"), [("none", None), ("EdDSA", None), ("RSA-OAEP", None)])
def test_undefined_hashes(alg, crv):
    with pytest.raises(ValueError, match="hash"):
        token_hash(VALUE, alg, crv)


def test_ed448_id_token_with_at_hash(server, make_client, keys, code_flow, token_response):
    client = make_client(
        id_token_signed_response_alg="EdDSA",
        authorization_server_jwks=server.jwks("ed448"),
    )
    _, response = code_flow(client)
    claims = server.claims(
        nonce=response.nonce, at_hash=token_hash("an-access-token", "EdDSA", "Ed448")
    )
    token_response(id_token=server.sign(claims, "EdDSA", key="ed448"))
    assert client.authorization_code(response).id_token.at_hash == claims["at_hash"]
