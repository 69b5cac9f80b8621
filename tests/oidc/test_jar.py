"""JAR (RFC 9101): signed and encrypted request objects, by value and pushed (PAR)."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from oauth2core import (
    AuthorizationRequest,
    MismatchingState,
    RequestUriParameterAuthorizationRequest,
)
from oauth2core_clientauth_jwt import (
    InvalidKey,
    decrypt_jwe,
    load_decryption_key,
    load_public_key,
    load_secret_key,
)
from oauth2core_oidc import (
    RequestParameterAuthorizationRequest,
    sign_and_encrypt_request,
    sign_request,
)

CALLBACK = "https://app.example.com/callback"
ISSUER = "https://as.example.com"


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def unpad(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def payload(jwt: str) -> Any:
    return json.loads(unpad(jwt.split(".")[1]))


def header(jwt: str) -> Any:
    return json.loads(unpad(jwt.split(".")[0]))


def test_sign_makes_a_request_object(client, keys, clock):
    request = client.authorization_request(
        scope="openid profile",
        max_age=300,
        claims={"id_token": {"acr": {"essential": True}}},
        resource=["https://a.example", "https://b.example"],
    )
    signed = request.sign(keys.jwk("client_p256"))
    assert isinstance(signed, RequestParameterAuthorizationRequest)
    assert isinstance(signed, AuthorizationRequest)
    sent = query(signed.uri)
    assert set(sent) == {"client_id", "request"}
    assert sent["client_id"] == ["client-1"]
    assert signed.uri.startswith(request.authorization_endpoint + "?")
    jwt = sent["request"][0]
    assert header(jwt)["typ"] == "oauth-authz-req+jwt"
    assert header(jwt)["alg"] == "ES256"
    claims = payload(jwt)
    now = int(clock.time())
    assert claims["iss"] == "client-1"
    assert claims["aud"] == ISSUER
    assert claims["iat"] == claims["nbf"] == now
    assert claims["exp"] == now + 60
    assert claims["jti"]
    assert claims["max_age"] == 300
    assert claims["claims"] == {"id_token": {"acr": {"essential": True}}}
    assert claims["resource"] == ["https://a.example", "https://b.example"]
    for name in ("client_id", "response_type", "redirect_uri", "scope", "state", "nonce"):
        assert claims[name] == request.args[name], name
    assert claims["code_challenge"] == request.code_challenge
    public = load_public_key(keys.public_jwk("client_p256"), alg="ES256")
    head, body, signature = jwt.split(".")
    assert public.verify(f"{head}.{body}".encode(), unpad(signature))
    assert signed.expires_at.timestamp() == now + 60


def test_the_callback_is_validated_against_the_original(client, keys):
    request = client.authorization_request(scope="openid")
    signed = request.sign(keys.jwk("client_rsa"), alg="PS256", lifetime=120)
    response = signed.validate_callback(f"{CALLBACK}?code=c&state={request.state}&iss={ISSUER}")
    assert response.code_verifier == request.code_verifier
    assert response.nonce == request.nonce
    with pytest.raises(MismatchingState):
        signed.validate_callback(f"{CALLBACK}?code=c&state=forged&iss={ISSUER}")


def test_sign_request_is_the_typed_path(client, keys):
    request = client.authorization_request(scope="openid")
    signed = sign_request(request, load_secret_key("a-shared-secret-of-the-client"), typ=None)
    jwt = query(signed.uri)["request"][0]
    assert header(jwt) == {"alg": "HS256"}


def test_a_signed_request_cannot_be_signed_again(client, keys):
    signed = client.authorization_request(scope="openid").sign(keys.jwk("client_p256"))
    with pytest.raises(TypeError, match="already"):
        signed.sign(keys.jwk("client_p256"))


def test_without_an_issuer_the_audience_must_be_given(make_client, keys):
    request = make_client(issuer=None).authorization_request(scope="openid")
    with pytest.raises(ValueError, match="audience"):
        request.sign(keys.jwk("client_p256"))
    signed = request.sign(keys.jwk("client_p256"), audience="https://as.example.org")
    assert payload(query(signed.uri)["request"][0])["aud"] == "https://as.example.org"


def test_par_pushes_the_request_object(client, keys, mock_http, urls, make_client):
    client = make_client(pushed_authorization_request_endpoint=urls.par)
    request = client.authorization_request(scope="openid")
    signed = request.sign(keys.jwk("client_p256"))
    mock_http.post(urls.par, status=201, json={"request_uri": "urn:r:1", "expires_in": 60})
    pushed = client.pushed_authorization_request(signed)
    form = parse_qs(mock_http.calls[0].request.body)
    assert set(form) == {"client_id", "client_secret", "request"}
    assert form["request"] == [signed.request]
    assert isinstance(pushed, RequestUriParameterAuthorizationRequest)
    assert set(query(pushed.uri)) == {"client_id", "request_uri"}
    response = pushed.validate_callback(f"{CALLBACK}?code=c&state={request.state}&iss={ISSUER}")
    assert response.code_verifier == request.code_verifier


def test_sign_and_encrypt(client, keys):
    request = client.authorization_request(scope="openid")
    encrypted = request.sign_and_encrypt(
        keys.jwk("client_p256"), keys.public_jwk("rsa2"), enc="A256GCM"
    )
    jwe = query(encrypted.uri)["request"][0]
    assert jwe.count(".") == 4
    jwe_header, inner = decrypt_jwe(jwe, load_decryption_key(keys.jwk("rsa2")))
    assert jwe_header["cty"] == "JWT"
    assert jwe_header["alg"] == "RSA-OAEP-256"
    assert jwe_header["enc"] == "A256GCM"
    assert payload(inner.decode())["state"] == request.state


def test_sign_and_encrypt_to_the_servers_encryption_key(make_client, keys, server):
    jwks = server.jwks("rsa", "p256")
    jwks["keys"].append(keys.public_jwk("rsa2", kid="enc", use="enc", alg="RSA-OAEP-256"))
    client = make_client(authorization_server_jwks=jwks)
    request = client.authorization_request(scope="openid")
    encrypted = sign_and_encrypt_request(request, keys.jwk("client_p256"))
    jwe = query(encrypted.uri)["request"][0]
    jwe_header, _ = decrypt_jwe(jwe, load_decryption_key(keys.jwk("rsa2", kid="enc")))
    assert jwe_header["kid"] == "enc"


def test_sign_and_encrypt_needs_one_encryption_key(client, keys):
    request = client.authorization_request(scope="openid")  # the set has signing keys only
    with pytest.raises(ValueError, match="enc_jwk"):
        request.sign_and_encrypt(keys.jwk("client_p256"))


def test_a_public_key_cannot_sign(client, keys):
    with pytest.raises(InvalidKey):
        client.authorization_request(scope="openid").sign(keys.public_jwk("client_p256"))
