"""Encrypted ID tokens (JWE, OIDC Core §10.2), decrypted with the client's key."""

from __future__ import annotations

from typing import Any

import pytest

from oauth2core import ConfigurationError
from oauth2core_clientauth_jwt import encrypt_jwe
from oauth2core_oidc import (
    IdToken,
    InvalidIdTokenEncryption,
    InvalidIdTokenSignature,
    ValidationCode,
    validate_id_token,
)


@pytest.fixture
def encrypted_client(make_client, keys):
    def make(**kwargs):
        kwargs.setdefault("id_token_encrypted_response_alg", "RSA-OAEP-256")
        kwargs.setdefault("decryption_keys", keys.jwk("client_rsa", kid="enc-1"))
        return make_client(**kwargs)

    return make


def encrypt(value: str, jwk: dict[str, Any], **kwargs: Any) -> str:
    return encrypt_jwe(value.encode(), jwk, headers={"cty": "JWT"}, **kwargs)


def test_code_flow_with_an_encrypted_id_token(
    encrypted_client, server, keys, code_flow, token_response
):
    client = encrypted_client()
    _, response = code_flow(client)
    inner = server.id_token(nonce=response.nonce)
    token_response(id_token=encrypt(inner, keys.public_jwk("client_rsa", kid="enc-1")))
    token = client.authorization_code(response)
    assert isinstance(token.id_token, IdToken)
    assert token.id_token == inner  # the decrypted signed JWT


@pytest.mark.parametrize(
    ("alg", "enc", "key"),
    [
        ("RSA-OAEP", "A128CBC-HS256", "client_rsa"),
        ("RSA-OAEP-256", "A256GCM", "client_rsa"),
        ("ECDH-ES", "A128CBC-HS256", "client_p256"),
        ("ECDH-ES+A256KW", "A256CBC-HS512", "client_p256"),
    ],
)
def test_supported_encryption_algorithms(make_client, server, keys, alg, enc, key):
    client = make_client(
        id_token_encrypted_response_alg=alg,
        id_token_encrypted_response_enc=enc,
        decryption_keys=[keys.jwk("client_rsa"), keys.jwk("client_p256")],
    )
    value = encrypt(server.id_token(), keys.public_jwk(key), alg=alg, enc=enc)
    assert validate_id_token(value, client).subject == "alice"


def test_id_token_decryption_key_is_the_migration_name(make_client, server, keys):
    client = make_client(
        id_token_encrypted_response_alg="RSA-OAEP-256",
        id_token_decryption_key=keys.jwk("client_rsa"),
    )
    assert validate_id_token(encrypt(server.id_token(), keys.public_jwk("client_rsa")), client)


def test_plain_id_token_when_encryption_was_registered(encrypted_client, server):
    with pytest.raises(InvalidIdTokenEncryption) as caught:
        validate_id_token(server.id_token(), encrypted_client())
    assert caught.value.code == ValidationCode.ENCRYPTION_EXPECTED


def test_encrypted_id_token_when_none_was_registered(client, server, keys):
    value = encrypt(server.id_token(), keys.public_jwk("client_rsa"))
    with pytest.raises(InvalidIdTokenEncryption) as caught:
        validate_id_token(value, client)
    assert caught.value.code == ValidationCode.UNEXPECTED_ENCRYPTION


def test_another_key_management_algorithm(encrypted_client, server, keys):
    value = encrypt(server.id_token(), keys.public_jwk("client_rsa"), alg="RSA-OAEP")
    with pytest.raises(InvalidIdTokenEncryption) as caught:
        validate_id_token(value, encrypted_client())
    assert caught.value.code == ValidationCode.DECRYPTION_FAILED
    assert caught.value.claim == "alg"
    assert caught.value.expected == "RSA-OAEP-256"


def test_another_content_encryption(encrypted_client, server, keys):
    value = encrypt(server.id_token(), keys.public_jwk("client_rsa"), enc="A256GCM")
    with pytest.raises(InvalidIdTokenEncryption) as caught:
        validate_id_token(value, encrypted_client())
    assert caught.value.claim == "enc"


def test_encrypted_for_another_key(encrypted_client, server, keys):
    value = encrypt(server.id_token(), keys.public_jwk("rsa2"))  # kid: its thumbprint
    with pytest.raises(InvalidIdTokenEncryption) as caught:
        validate_id_token(value, encrypted_client())
    assert caught.value.code == ValidationCode.DECRYPTION_FAILED


def test_tampered_ciphertext(encrypted_client, server, keys):
    value = encrypt(server.id_token(), keys.public_jwk("client_rsa", kid="enc-1"))
    parts = value.split(".")
    parts[3] = parts[3][:-4] + ("AAAA" if not parts[3].endswith("AAAA") else "BBBB")
    with pytest.raises(InvalidIdTokenEncryption):
        validate_id_token(".".join(parts), encrypted_client())


def test_the_inner_jwt_is_still_verified(encrypted_client, server, keys):
    inner = server.sign(server.claims(), key="rsa2", kid="rsa")  # a forged signature
    value = encrypt(inner, keys.public_jwk("client_rsa", kid="enc-1"))
    with pytest.raises(InvalidIdTokenSignature) as caught:
        validate_id_token(value, encrypted_client())
    assert caught.value.code == ValidationCode.BAD_SIGNATURE


def test_no_decryption_key_is_a_configuration_error(make_client, server, keys):
    client = make_client(id_token_encrypted_response_alg="RSA-OAEP-256")
    value = encrypt(server.id_token(), keys.public_jwk("client_rsa"))
    with pytest.raises(ConfigurationError, match="decryption_keys"):
        validate_id_token(value, client)
