"""Canary: ID tokens, codes, client secrets and client keys never show in a repr or a log.

Every OIDC flow runs under :class:`oauth2core.testing.SecretScanner`: the code exchange
with a valid ID token and with each kind of invalid one, HS256 ID tokens checked with the
client secret, encrypted ID tokens, refreshes, JARM callbacks, signed request objects,
signed userinfo and bad JWK Sets. Each ID token (the compact JWT and its signature) is a
canary; ``str()`` of an :class:`~oauth2core_oidc.IdToken` is exempt (it is the token).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
import responses

import oauth2core
from oauth2core import BearerToken
from oauth2core.testing import SecretScanner
from oauth2core_clientauth_jwt import encrypt_jwe, load_secret_key
from oauth2core_oidc import IdToken, end_session_url, validate_id_token

CANARY = "CANARY-c4n4ry-s3cr3t"
SECRET = f"{CANARY}-client-secret-long-enough-for-hs512-0123456789abcdef"
CLIENT_ID = "client-1"
CODE = f"{CANARY}-code"


def canary(name: str) -> str:
    return f"{CANARY}-{name}"


class Flow:
    """One flow's context: the client, the fake server, mocked HTTP and the scanner."""

    def __init__(self, client, server, http, scanner, urls, keys, clock, make_client) -> None:
        self.client, self.server, self.http, self.scanner = client, server, http, scanner
        self.urls, self.keys, self.clock, self.make_client = urls, keys, clock, make_client

    def jwt(self, value: str) -> str:
        """Add a JWT (and its signature alone) as canaries."""
        self.scanner.add(value, *(part for part in value.split(".")[2:] if len(part) >= 8))
        return value

    def callback(self, client=None, **kwargs: Any) -> Any:
        kwargs.setdefault("scope", "openid")
        request = (client or self.client).authorization_request(**kwargs)
        url = f"{self.urls.redirect_uri}?code={CODE}&state={request.state}&iss={self.urls.issuer}"
        return request.validate_callback(url)

    def answer(self, id_token: str | None, n: str = "0", **fields: Any) -> None:
        body = {
            "access_token": canary(f"at-{n}"),
            "refresh_token": canary(f"rt-{n}"),
            "token_type": "Bearer",
            "expires_in": 300,
            **fields,
        }
        if id_token is not None:
            body["id_token"] = self.jwt(id_token) if id_token.count(".") >= 2 else id_token
        self.http.post(self.urls.token, json=body)


@pytest.fixture
def scanner(keys) -> Iterator[SecretScanner]:
    issued = [canary(f"{kind}-{n}") for kind in ("at", "rt") for n in range(3)]
    client_keys = [keys.jwk(name)["d"] for name in ("client_p256", "client_rsa")]
    with SecretScanner(SECRET, CODE, *client_keys, *issued) as scan:
        yield scan
    print(f"secret scan: {scan.counts}")


@pytest.fixture
def client(make_client):
    return make_client(
        (CLIENT_ID, SECRET),
        userinfo_endpoint="https://as.example.com/userinfo",
        end_session_endpoint="https://as.example.com/logout",
    )


def caught(call: Callable[[], object]) -> BaseException:
    with pytest.raises(Exception) as info:  # noqa: PT011 - each kind is checked elsewhere
        call()
    assert isinstance(info.value, oauth2core.OAuth2Error | ValueError | TypeError), info.value
    return info.value


def flow_code_flow_with_id_token(f: Flow) -> list[Any]:
    response = f.callback()
    f.answer(f.server.id_token(nonce=response.nonce))
    token = f.client.authorization_code(response)
    assert isinstance(token.id_token, IdToken)
    url = end_session_url(f.client, id_token_hint=token.id_token)
    assert isinstance(url, str)
    return [response, token, token.id_token]


def flow_invalid_id_tokens(f: Flow) -> list[Any]:
    now = int(f.clock.time())
    invalid: list[dict[str, Any]] = [
        {"iss": "https://evil.example.com"},
        {"aud": "someone-else"},
        {"nonce": "another-nonce"},
        {"exp": now - 3600},
        {"iat": now + 3600},
        {"sub": None},
        {"exp": "tomorrow"},
    ]
    errors = []
    for overrides in invalid:
        response = f.callback()
        claims = f.server.claims(**{"nonce": response.nonce, **overrides})
        f.answer(f.server.sign(claims))
        errors.append(caught(partial(f.client.authorization_code, response)))
    return errors


def flow_unverifiable_id_tokens(f: Flow) -> list[Any]:
    errors = []
    tampered = f.server.id_token()
    head, payload, signature = tampered.split(".")
    bad_signature = f"{head}.{payload}.{signature[:-6]}AAAAAA"
    for id_token in (
        bad_signature,
        f.server.sign(f.server.claims(), kid="unknown-kid"),
        f"{head}.{payload}.",
        canary("definitely-not-a-jwt"),
        f"{canary('header')}.{canary('payload')}.{canary('signature')}",
    ):
        f.scanner.add(id_token)
        response = f.callback()
        f.answer(id_token)
        errors.append(caught(partial(f.client.authorization_code, response)))
    response = f.callback()
    f.answer(None)
    errors.append(caught(lambda: f.client.authorization_code(response)))  # no ID token
    return errors


def flow_hs256_with_the_client_secret(f: Flow) -> list[Any]:
    client = f.make_client((CLIENT_ID, SECRET), id_token_signed_response_alg="HS256")
    response = f.callback(client)
    key = load_secret_key(SECRET)
    f.answer(key.sign_jwt(f.server.claims(nonce=response.nonce)))
    token = client.authorization_code(response)
    forged = load_secret_key(canary("another-secret-of-32-bytes-or-more")).sign_jwt(
        f.server.claims(nonce=response.nonce)
    )
    response = f.callback(client)
    f.answer(forged, "1")
    return [client, token, caught(lambda: client.authorization_code(response))]


def flow_encrypted_id_token(f: Flow) -> list[Any]:
    client = f.make_client(
        (CLIENT_ID, SECRET),
        id_token_encrypted_response_alg="ECDH-ES+A256KW",
        decryption_keys=f.keys.jwk("client_p256", kid="enc-1"),
    )
    response = f.callback(client)
    inner = f.jwt(f.server.id_token(nonce=response.nonce))
    public = f.keys.public_jwk("client_p256", kid="enc-1")
    f.answer(encrypt_jwe(inner.encode(), public, alg="ECDH-ES+A256KW", headers={"cty": "JWT"}))
    token = client.authorization_code(response)
    response = f.callback(client)
    other = f.keys.public_jwk("p256", kid="enc-1")
    f.answer(encrypt_jwe(inner.encode(), other, alg="ECDH-ES+A256KW"), "1")
    return [client, token, caught(lambda: client.authorization_code(response))]


def flow_refresh(f: Flow) -> list[Any]:
    original = IdToken(f.jwt(f.server.id_token(nonce="n-1")))
    token = BearerToken(canary("at-0"), refresh_token=canary("rt-0"), id_token=original)
    f.answer(f.server.id_token(), "1")
    refreshed = f.client.refresh_token(token)
    f.answer(f.server.id_token(sub="mallory"), "2")
    return [refreshed, caught(lambda: f.client.refresh_token(token))]


def flow_jarm(f: Flow) -> list[Any]:
    request = f.client.authorization_request(scope="openid", response_mode="jwt")
    now = int(f.clock.time())
    claims = {"iss": f.urls.issuer, "aud": CLIENT_ID, "exp": now + 60, "code": CODE}
    good = f.jwt(f.server.sign({**claims, "state": request.state}))
    callback = f.urls.redirect_uri
    response = request.validate_callback(f"{callback}?response={good}")
    errors = []
    for bad in (
        {**claims, "state": request.state, "exp": now - 600},
        {**claims, "state": request.state, "aud": "other"},
        {**claims, "state": "another-state"},
    ):
        jwt = f.jwt(f.server.sign(bad))
        errors.append(caught(partial(request.validate_callback, f"{callback}?response={jwt}")))
    return [request, response, *errors]


def flow_signed_request_object(f: Flow) -> list[Any]:
    request = f.client.authorization_request(scope="openid")
    signed = request.sign(f.keys.jwk("client_p256"))
    encrypted = request.sign_and_encrypt(
        f.keys.jwk("client_rsa", alg="RS256"), f.keys.public_jwk("p256"), enc_alg="ECDH-ES"
    )
    return [
        signed,
        encrypted,
        caught(lambda: request.sign(f.keys.public_jwk("client_p256"))),
        caught(lambda: request.sign(SECRET)),
    ]


def flow_signed_userinfo(f: Flow) -> list[Any]:
    token = BearerToken(canary("at-1"), id_token=IdToken(f.jwt(f.server.id_token())))
    url = "https://as.example.com/userinfo"
    claims = {"sub": "alice", "iss": f.urls.issuer, "aud": CLIENT_ID}
    jwt = "application/jwt"
    f.http.get(url, body=f.jwt(f.server.sign(claims)), content_type=jwt)
    f.http.get(url, body=f.jwt(f.server.sign({**claims, "sub": "bob"})), content_type=jwt)
    f.http.get(url, body=f"{canary('at-1')}.{canary('at-1')}.x", content_type=jwt)
    info = f.client.userinfo(token)
    errors = [caught(lambda: f.client.userinfo(token)) for _ in range(2)]
    return [info, *errors]


def flow_bad_jwks(f: Flow) -> list[Any]:
    jwks_uri = "https://as.example.com/jwks"
    client = f.make_client((CLIENT_ID, SECRET), jwks_uri=jwks_uri)
    f.http.get(jwks_uri, status=200, body=f"<html>{canary('at-0')}</html>")
    response = f.callback(client)
    f.answer(f.server.id_token(nonce=response.nonce))
    return [client, caught(lambda: client.authorization_code(response))]


def flow_typed_validation(f: Flow) -> list[Any]:
    value = f.jwt(f.server.id_token(nonce="n-1"))
    return [
        validate_id_token(value, f.client, nonce="n-1", access_token=None),
        caught(lambda: validate_id_token(value, f.client, nonce="n-2")),
    ]


FLOWS = {name[5:]: flow for name, flow in globals().items() if name.startswith("flow_")}


@pytest.mark.parametrize("flow", FLOWS.values(), ids=FLOWS.keys())
def test_flow_shows_no_secret(flow, client, server, scanner, urls, keys, clock, make_client):
    with responses.RequestsMock(assert_all_requests_are_fired=True) as http:
        produced = flow(Flow(client, server, http, scanner, urls, keys, clock, make_client))
    scanner.assert_no_secrets(client, client.auth, *produced)
    assert scanner.counts["objects"] > 1
