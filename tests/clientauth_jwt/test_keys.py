"""Key handling: loading, checks, algorithms, kids, signing and verifying, errors."""

from __future__ import annotations

import base64
import json
import traceback
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from jwskate import Jwk, SignedJwt, SymmetricJwk

from oauth2core_clientauth_jwt import (
    MIN_RSA_KEY_SIZE,
    SIGNATURE_ALGS,
    InvalidAlg,
    InvalidKey,
    KeyErrorCode,
    SigningKey,
    UnsuitableKey,
    UnsupportedKeyFormat,
    VerificationKey,
    WeakKey,
    load_private_key,
    load_public_key,
    load_secret_key,
)

PASSWORD = "correct horse battery staple"


def pem(key: Any, password: str | None = None) -> str:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    text: str = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode()
    return text


def public_pem(key: Any) -> str:
    text: str = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return text


def shows_nothing_of(error: BaseException, *secrets: str) -> None:
    """Neither the message, the repr nor the whole traceback (causes too) shows a secret."""
    texts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    for secret in secrets:
        for text in texts:
            assert secret not in text


# ------------------------------------------------------------------------------- shapes


@pytest.mark.parametrize(
    "shape", ["dict", "json", "jwskate", "cryptography", "pem", "pem-bytes", "signing-key"]
)
def test_a_private_key_loads_from_every_shape(keys, shape):
    jwk = keys.jwk("p256")
    value: Any = {
        "dict": jwk,
        "json": json.dumps(jwk),
        "jwskate": Jwk(jwk),
        "cryptography": keys.p256,
        "pem": pem(keys.p256),
        "pem-bytes": pem(keys.p256).encode(),
        "signing-key": load_private_key(jwk),
    }[shape]
    key = load_private_key(value)
    assert isinstance(key, SigningKey)
    assert (key.kty, key.crv, key.alg) == ("EC", "P-256", "ES256")
    assert key.kid == Jwk(jwk).thumbprint()
    assert key.public_jwk == {
        "kty": "EC",
        "crv": "P-256",
        "x": jwk["x"],
        "y": jwk["y"],
        "kid": key.kid,
        "alg": "ES256",
    }


def test_an_encrypted_pem_loads_with_its_password(keys):
    encrypted = pem(keys.rsa, PASSWORD)
    key = load_private_key(encrypted, alg="PS256", password=PASSWORD)
    assert (key.kty, key.alg) == ("RSA", "PS256")
    assert load_private_key(encrypted.encode(), alg="RS256", password=PASSWORD.encode()).kid == (
        key.kid
    )


@pytest.mark.parametrize(
    ("make_pem", "password"),
    [
        (lambda k: pem(k, PASSWORD), None),
        (lambda k: pem(k, PASSWORD), "wrong password"),
        (lambda k: pem(k), PASSWORD),
        (public_pem, PASSWORD),
    ],
    ids=["missing", "wrong", "not-encrypted", "public-pem"],
)
def test_pem_password_problems(keys, make_pem, password):
    text = make_pem(keys.p256)
    with pytest.raises(InvalidKey) as caught:
        load_private_key(text, password=password)
    assert caught.value.code == KeyErrorCode.PEM_PASSWORD
    shows_nothing_of(caught.value, PASSWORD, text.splitlines()[1])


def test_a_password_for_a_key_that_is_not_a_pem(keys):
    with pytest.raises(InvalidKey) as caught:
        load_private_key(keys.jwk("p256"), password=PASSWORD)
    assert caught.value.code == KeyErrorCode.PEM_PASSWORD
    with pytest.raises(InvalidKey):
        load_private_key(json.dumps(keys.jwk("p256")), password=PASSWORD)
    with pytest.raises(InvalidKey):
        load_private_key(load_private_key(keys.p256), password=PASSWORD)
    with pytest.raises(TypeError):
        load_private_key(pem(keys.p256), password=1234)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [
        {"kty": "EC", "crv": "P-256", "x": "not-a-point", "d": "AAAA"},
        {"kty": "XYZ"},
        {"kty": "EC", "crv": "P-256"},
        '{"kty": "EC", oops}',
        "[1, 2]",
        "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n",
        "-----BEGIN CERTIFICATE-----\nbm90IGEga2V5\n-----END CERTIFICATE-----\n",
        "just some text",
        b"\x00\x01binary",
    ],
    ids=[
        "bad-point",
        "unknown-kty",
        "missing-members",
        "bad-json",
        "json-array",
        "bad-private-pem",
        "bad-public-pem",
        "certificate",
        "text",
        "bytes",
    ],
)
def test_malformed_keys(value):
    with pytest.raises(InvalidKey) as caught:
        load_private_key(value)
    assert caught.value.code == KeyErrorCode.MALFORMED_KEY
    shows_nothing_of(caught.value, "not-a-point", "bm90IGEga2V5")


@pytest.mark.parametrize("value", [42, None, ["kty", "EC"], object()])
def test_a_value_that_is_no_key_at_all_is_a_type_error(value):
    with pytest.raises(UnsupportedKeyFormat):
        load_private_key(value)
    with pytest.raises(UnsupportedKeyFormat):
        load_public_key(value)


def test_an_unsupported_cryptography_object():
    from cryptography.hazmat.primitives import hashes

    with pytest.raises(InvalidKey) as caught:
        load_private_key(hashes.SHA256())
    assert caught.value.code == KeyErrorCode.MALFORMED_KEY


# ------------------------------------------------------------------------------- kind checks


def test_rsa_under_2048_bits_is_refused(keys):
    assert MIN_RSA_KEY_SIZE == 2048
    for value in (keys.rsa_1024, keys.jwk("rsa_1024"), pem(keys.rsa_1024)):
        with pytest.raises(WeakKey) as caught:
            load_private_key(value, alg="RS256")
        assert caught.value.code == KeyErrorCode.WEAK_KEY
    with pytest.raises(WeakKey):
        load_public_key(keys.public_jwk("rsa_1024"), alg="RS256")


@pytest.mark.parametrize("shape", ["dict", "jwskate", "cryptography", "pem", "verification-key"])
def test_a_public_key_is_refused_where_a_private_key_is_needed(keys, shape):
    public = keys.public_jwk("p256")
    value: Any = {
        "dict": public,
        "jwskate": Jwk(public),
        "cryptography": keys.p256.public_key(),
        "pem": public_pem(keys.p256),
        "verification-key": load_public_key(public),
    }[shape]
    with pytest.raises(UnsuitableKey) as caught:
        load_private_key(value)
    assert caught.value.code == KeyErrorCode.PUBLIC_KEY


def test_a_symmetric_key_is_refused_where_an_asymmetric_key_is_needed():
    oct_jwk = {"kty": "oct", "k": base64.urlsafe_b64encode(b"k" * 32).rstrip(b"=").decode()}
    for load in (load_private_key, load_public_key):
        with pytest.raises(UnsuitableKey) as caught:
            load(oct_jwk)
        assert caught.value.code == KeyErrorCode.SYMMETRIC_KEY
        shows_nothing_of(caught.value, oct_jwk["k"])
    with pytest.raises(UnsuitableKey):
        load_private_key(load_secret_key("k" * 32))


@pytest.mark.parametrize(
    "members",
    [{"use": "enc"}, {"key_ops": ["decrypt"]}],
    ids=["use-enc", "key-ops"],
)
def test_a_key_restricted_to_other_uses_is_refused(keys, members):
    with pytest.raises(UnsuitableKey) as caught:
        load_private_key(keys.jwk("p256", **members))
    assert caught.value.code == KeyErrorCode.KEY_USE
    with pytest.raises(UnsuitableKey):
        load_public_key(keys.public_jwk("p256", **members))


def test_key_use_sig_and_sign_ops_are_fine(keys):
    key = load_private_key(keys.jwk("p256", use="sig", key_ops=["sign"]))
    assert key.alg == "ES256"
    assert load_public_key(keys.public_jwk("p256", use="sig", key_ops=["verify"])).alg == "ES256"


def test_an_x25519_key_cannot_sign(keys):
    with pytest.raises(UnsuitableKey) as caught:
        load_private_key(keys.x25519)
    assert caught.value.code == KeyErrorCode.KEY_USE
    with pytest.raises(InvalidAlg) as mismatch:
        load_private_key(keys.x25519, alg="EdDSA")
    assert mismatch.value.code == KeyErrorCode.ALG_MISMATCH


# ------------------------------------------------------------------------------- algorithms


@pytest.mark.parametrize(
    ("name", "alg"),
    [("p256", "ES256"), ("p384", "ES384"), ("p521", "ES512"), ("secp256k1", "ES256K")],
)
def test_ec_and_okp_keys_imply_their_algorithm(keys, name, alg):
    assert load_private_key(getattr(keys, name)).alg == alg
    assert load_private_key(keys.ed25519).alg == "EdDSA"
    assert load_private_key(keys.ed25519, alg="Ed25519").alg == "Ed25519"


def test_the_alg_comes_from_the_key_or_the_argument(keys):
    assert load_private_key(keys.jwk("rsa", alg="PS384")).alg == "PS384"
    assert load_private_key(keys.jwk("rsa"), alg="RS512").alg == "RS512"
    assert load_private_key(keys.jwk("rsa", alg="RS256"), alg="RS256").alg == "RS256"


def test_an_rsa_key_without_alg_needs_one(keys):
    with pytest.raises(InvalidAlg) as caught:
        load_private_key(keys.rsa)
    assert caught.value.code == KeyErrorCode.MISSING_ALG


@pytest.mark.parametrize(
    ("name", "key_alg", "alg", "code"),
    [
        ("rsa", "RS256", "PS256", KeyErrorCode.ALG_MISMATCH),
        ("p256", None, "ES384", KeyErrorCode.ALG_MISMATCH),
        ("p256", None, "RS256", KeyErrorCode.ALG_MISMATCH),
        ("rsa", None, "ES256", KeyErrorCode.ALG_MISMATCH),
        ("p256", None, "HS256", KeyErrorCode.ALG_MISMATCH),
        ("ed25519", None, "Ed448", KeyErrorCode.ALG_MISMATCH),
        ("p256", None, "none", KeyErrorCode.UNSUPPORTED_ALG),
        ("rsa", None, "RSA-OAEP", KeyErrorCode.UNSUPPORTED_ALG),
        ("p256", "ES256k", None, KeyErrorCode.UNSUPPORTED_ALG),
        ("p256", None, "x" * 100, KeyErrorCode.UNSUPPORTED_ALG),
    ],
)
def test_algorithms_that_do_not_fit(keys, name, key_alg, alg, code):
    members = {"alg": key_alg} if key_alg else {}
    with pytest.raises(InvalidAlg) as caught:
        load_private_key(keys.jwk(name, **members), alg=alg)
    assert caught.value.code == code
    assert "x" * 40 not in str(caught.value)


def test_alg_and_kid_must_be_strings(keys):
    with pytest.raises(TypeError):
        load_private_key(keys.p256, alg=256)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        load_private_key(keys.p256, kid="")
    with pytest.raises(InvalidKey) as bad_alg:
        load_private_key(keys.jwk("p256", alg=256))
    assert bad_alg.value.code == KeyErrorCode.MALFORMED_KEY
    with pytest.raises(InvalidKey) as bad_kid:
        load_private_key(keys.jwk("p256", kid=7))
    assert bad_kid.value.code == KeyErrorCode.MALFORMED_KEY


# ------------------------------------------------------------------------------- kid


def test_the_kid_is_the_keys_or_the_argument_or_the_thumbprint(keys):
    assert load_private_key(keys.jwk("p256", kid="mine")).kid == "mine"
    assert load_private_key(keys.p256, kid="given").kid == "given"
    assert load_private_key(keys.jwk("p256", kid="same"), kid="same").kid == "same"
    thumbprint = Jwk(keys.p256).thumbprint()
    key = load_private_key(pem(keys.p256))
    assert key.kid == key.thumbprint == thumbprint


def test_a_kid_that_differs_from_the_keys_is_refused(keys):
    with pytest.raises(InvalidKey) as caught:
        load_private_key(keys.jwk("p256", kid="mine"), kid="other")
    assert caught.value.code == KeyErrorCode.KID_MISMATCH
    loaded = load_private_key(keys.p256)
    with pytest.raises(InvalidKey):
        load_private_key(loaded, kid="other")
    with pytest.raises(InvalidAlg):
        load_private_key(loaded, alg="ES384")
    assert load_private_key(loaded, alg="ES256", kid=loaded.kid) is loaded


# ------------------------------------------------------------------------------- signing


@pytest.mark.parametrize("alg", sorted(SIGNATURE_ALGS - {"HS256", "HS384", "HS512"}))
def test_every_algorithm_signs_and_verifies(keys, alg):
    name = {"ES": "p256", "RS": "rsa", "PS": "rsa", "Ed": "ed25519"}[alg[:2]]
    name = {"ES384": "p384", "ES512": "p521", "ES256K": "secp256k1", "Ed448": "ed448"}.get(
        alg, name
    )
    key = load_private_key(getattr(keys, name), alg=alg)
    token = key.sign_jwt({"sub": "alice"})
    header, payload, signature = token.split(".")
    signing_input = f"{header}.{payload}".encode()
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    assert key.verify(signing_input, raw)
    assert not key.verify(signing_input + b"x", raw)
    public = key.public_key()
    assert public.verify(signing_input, raw)
    assert not public.verify(signing_input, raw[:-1] + bytes([raw[-1] ^ 1]))
    if alg not in ("ES256K", "Ed25519", "Ed448"):  # jwskate names or lacks these
        jwt = SignedJwt(token)
        assert jwt.verify_signature(Jwk(public.jwk), alg=alg)
        assert jwt.headers == {"alg": alg, "kid": key.kid}
        assert jwt.claims == {"sub": "alice"}


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_hmac_keys_sign_and_verify(alg):
    key = load_secret_key("s3cr3t-" * 6, alg=alg)
    assert (key.alg, key.kty, key.kid, key.is_symmetric) == (alg, "oct", None, True)
    token = key.sign_jwt({"iss": "x"})
    jwt = SignedJwt(token)
    assert jwt.headers == {"alg": alg}
    assert jwt.verify_signature(SymmetricJwk.from_bytes(("s3cr3t-" * 6).encode()), alg=alg)
    header, payload, signature = token.split(".")
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    assert key.verify(f"{header}.{payload}".encode(), raw)
    assert not key.verify(f"{header}.{payload}x".encode(), raw)
    for attribute in ("thumbprint", "public_jwk"):
        with pytest.raises(UnsuitableKey):
            getattr(key, attribute)
    with pytest.raises(UnsuitableKey):
        key.public_key()
    assert key.jwk["kty"] == "oct"


@pytest.mark.parametrize(
    ("secret", "alg", "error", "code"),
    [
        ("", "HS256", InvalidKey, KeyErrorCode.WEAK_SECRET),
        ("-----BEGIN PRIVATE KEY-----\nAAAA", "HS256", InvalidKey, KeyErrorCode.WEAK_SECRET),
        ('{"kty": "EC", "d": "AAAA"}', "HS256", InvalidKey, KeyErrorCode.WEAK_SECRET),
        ("a-distinct-s3cr3t", "ES256", InvalidAlg, KeyErrorCode.UNSUPPORTED_ALG),
        ("a-distinct-s3cr3t", "none", InvalidAlg, KeyErrorCode.UNSUPPORTED_ALG),
    ],
)
def test_secret_key_problems(secret, alg, error, code):
    with pytest.raises(error) as caught:
        load_secret_key(secret, alg=alg)
    assert caught.value.code == code
    if secret:
        shows_nothing_of(caught.value, secret)


def test_secret_key_argument_types():
    with pytest.raises(TypeError):
        load_secret_key(1234)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        load_secret_key("secret", alg=None)  # type: ignore[arg-type]
    assert load_secret_key(b"bytes-secret").alg == "HS256"


def test_the_signer_header(keys):
    key = load_private_key(keys.p256, kid="k1")
    assert key.signer().header == {"alg": "ES256", "kid": "k1"}
    assert key.signer(typ="dpop+jwt", include_kid=False, include_jwk=True).header == {
        "alg": "ES256",
        "typ": "dpop+jwt",
        "jwk": key.public_jwk,
    }
    assert key.signer(headers={"x5t#S256": "abc"}).header == {
        "alg": "ES256",
        "kid": "k1",
        "x5t#S256": "abc",
    }
    with pytest.raises(ValueError, match="alg"):
        key.signer(headers={"alg": "none"})
    signer = key.signer(typ="JWT")
    first, second = signer({"n": 1}), signer({"n": 2})
    assert first.split(".")[0] == second.split(".")[0]
    assert SignedJwt(second).claims == {"n": 2}
    assert "kid" in repr(signer)


def test_public_keys(keys):
    for value in (
        keys.public_jwk("p256"),
        keys.p256.public_key(),
        public_pem(keys.p256),
        keys.jwk("p256"),  # a private key: only its public part is kept
        load_private_key(keys.p256),
    ):
        public = load_public_key(value)
        assert isinstance(public, VerificationKey)
        assert (public.alg, public.kty, public.crv) == ("ES256", "EC", "P-256")
        assert public.kid == public.thumbprint == Jwk(keys.p256).thumbprint()
        assert "d" not in public.jwk
    again = load_public_key(keys.public_jwk("rsa"), alg="PS256", kid="r")
    assert (again.alg, again.kid) == ("PS256", "r")
    assert load_public_key(again, alg="PS256", kid="r") is again
    with pytest.raises(InvalidAlg):
        load_public_key(again, alg="RS256")
    with pytest.raises(InvalidKey):
        load_public_key(again, kid="other")


def test_keys_cannot_be_built_directly():
    from oauth2core_clientauth_jwt import JwtSigner

    for cls in (SigningKey, VerificationKey, JwtSigner):
        with pytest.raises(TypeError):
            cls()


def test_reprs_show_no_key_material(keys):
    jwk = keys.jwk("p256")
    key = load_private_key(jwk)
    text = repr(key)
    assert text == f"SigningKey(kty='EC', crv='P-256', alg='ES256', kid={key.kid!r})"
    assert jwk["d"] not in text
    assert repr(key.public_key()).startswith("VerificationKey(kty='EC'")
    secret = "a-shared-secret-of-some-length"
    assert secret not in repr(load_secret_key(secret))
    assert repr(load_secret_key(secret)) == "SigningKey(kty='oct', alg='HS256')"


def test_the_private_jwk_is_there_for_who_asks(keys):
    jwk = keys.jwk("p256")
    key = load_private_key(jwk)
    assert key.jwk["d"] == jwk["d"]
    assert key.jwk["kid"] == key.kid
    assert key.jwk["alg"] == "ES256"


def test_errors_are_published_under_the_package_name():
    assert InvalidKey.__module__ == "oauth2core_clientauth_jwt"
    assert SigningKey.__module__ == "oauth2core_clientauth_jwt"
    assert issubclass(InvalidKey, ValueError)
    assert issubclass(UnsupportedKeyFormat, TypeError)
