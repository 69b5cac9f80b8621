"""Canary: private keys, client secrets, assertions and tokens never show in a repr or a log.

Every flow of the jwt package runs under :class:`oauth2core.testing.SecretScanner`: the
private key's members (JWK ``d``... and the PEM body), the client secret, each assertion
sent (collected from the request as it goes out) and the tokens issued are canaries.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import responses
from cryptography.hazmat.primitives import serialization
from jwskate import Jwk, Jwt

import oauth2core
from oauth2core import BearerToken, OAuth2Client
from oauth2core.testing import SecretScanner
from oauth2core_clientauth_jwt import (
    ClientSecretJwt,
    OAuth2JwtBearerAuth,
    PrivateKeyJwt,
    decrypt_jwe,
    encrypt_jwe,
    jwt_bearer,
    load_decryption_key,
    load_private_key,
    load_secret_key,
)

CANARY = "CANARY-c4n4ry-s3cr3t"
ISSUER = "https://as.example.com"
TOKEN = f"{ISSUER}/oauth/token"
SECRET = f"{CANARY}-client-secret-long-enough-for-hs512-0123456789abcdef"
PEM_PASSWORD = f"{CANARY}-pem-password"
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k")


def canary(name: str) -> str:
    return f"{CANARY}-{name}"


def key_secrets(jwk: dict[str, Any], pem: str) -> list[str]:
    return [pem, *(str(jwk[m]) for m in PRIVATE_MEMBERS if m in jwk)]


@pytest.fixture(scope="module")
def pem(keys) -> str:
    return str(
        keys.rsa.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PEM_PASSWORD.encode()),
        ).decode()
    )


@pytest.fixture(scope="module")
def key_canaries(keys, pem) -> list[str]:
    plain_pem = keys.rsa.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return [*key_secrets(keys.jwk("rsa"), plain_pem), *key_secrets(keys.jwk("p256"), pem)]


@pytest.fixture
def scanner(key_canaries) -> Iterator[SecretScanner]:
    with SecretScanner(SECRET, PEM_PASSWORD, *key_canaries) as scan:
        yield scan
    print(f"secret scan: {scan.counts}")


@pytest.fixture
def client(registry, clock, keys) -> Iterator[OAuth2Client]:
    with OAuth2Client(
        TOKEN, ("client-1", keys.jwk("p256")), registry=registry, issuer=ISSUER, clock=clock
    ) as client:
        yield client


def caught(call: Callable[[], object]) -> BaseException:
    with pytest.raises(Exception) as info:  # noqa: PT011 - each kind is checked elsewhere
        call()
    assert isinstance(info.value, oauth2core.OAuth2Error | ValueError | TypeError), info.value
    return info.value


def issuing(
    scanner: SecretScanner, n: str, status: int = 200, body: dict[str, Any] | None = None
) -> Callable[[Any], tuple[int, dict[str, str], str]]:
    """A token endpoint that adds the assertions it receives and the tokens it issues."""

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        form = parse_qs(request.body)
        scanner.add(*form.get("client_assertion", []), *form.get("assertion", []))
        issued = body or {
            "access_token": canary(f"at-{n}"),
            "refresh_token": canary(f"rt-{n}"),
            "token_type": "Bearer",
            "expires_in": 60,
        }
        scanner.add(issued.get("access_token"), issued.get("refresh_token"))
        return status, {"Content-Type": "application/json"}, json.dumps(issued)

    return answer


def flow_private_key_jwt(client, http, scanner, keys, pem):
    http.add_callback(responses.POST, TOKEN, callback=issuing(scanner, "pkj"))
    http.add_callback(
        responses.POST, TOKEN, callback=issuing(scanner, "x", 401, {"error": "invalid_client"})
    )
    token = client.client_credentials(scope="read")
    return [token, caught(client.client_credentials)]


def flow_private_key_from_pem(client, http, scanner, keys, pem):
    scanner.add(canary("bad-password"))
    http.add_callback(responses.POST, TOKEN, callback=issuing(scanner, "pem"))
    auth = PrivateKeyJwt("client-1", pem, password=PEM_PASSWORD, kid="k1", alg="RS256")
    with OAuth2Client(TOKEN, auth, registry=client.registry) as pem_client:
        return [
            pem_client,
            auth,
            pem_client.client_credentials(),
            caught(lambda: PrivateKeyJwt("client-1", pem, alg="RS256")),
            caught(lambda: PrivateKeyJwt("client-1", pem, password=canary("bad-password"))),
            caught(lambda: PrivateKeyJwt("client-1", pem.replace("A", "B"), password="x" * 8)),
        ]


def flow_private_key_keywords(client, http, scanner, keys, pem):
    jwk = keys.jwk("p256")
    made = [
        OAuth2Client(TOKEN, client_id="c", private_jwk=jwk, registry=client.registry),
        OAuth2Client(TOKEN, client_id="c", private_key=keys.p256, registry=client.registry),
        OAuth2Client(TOKEN, ("c", json.dumps(jwk)), registry=client.registry),
    ]
    for each in made:
        each.session.close()
    return [*made, *(each.auth for each in made)]


def flow_client_secret_jwt(client, http, scanner, keys, pem):
    http.add_callback(responses.POST, TOKEN, callback=issuing(scanner, "csj"))
    http.add_callback(
        responses.POST, TOKEN, callback=issuing(scanner, "x", 401, {"error": "invalid_client"})
    )
    auth = ClientSecretJwt("client-1", SECRET, alg="HS512")
    with OAuth2Client(TOKEN, auth, registry=client.registry, issuer=ISSUER) as secret_client:
        token = secret_client.client_credentials()
        return [secret_client, auth, token, caught(secret_client.client_credentials)]


def flow_jwt_bearer(client, http, scanner, keys, pem):
    assertion = Jwt.sign(
        {"iss": "client-1", "sub": canary("sub"), "aud": ISSUER, "exp": 2_000_000_000},
        Jwk(keys.jwk("p256")),
        alg="ES256",
    )
    scanner.add(str(assertion))
    http.add_callback(responses.POST, TOKEN, callback=issuing(scanner, "jb"))
    http.add_callback(
        responses.POST, TOKEN, callback=issuing(scanner, "x", 400, {"error": "invalid_grant"})
    )
    token = jwt_bearer(client, assertion)
    return [token, caught(lambda: client.jwt_bearer(str(assertion)))]


def flow_jwt_bearer_auth_handler(client, http, scanner, keys, pem):
    for n in range(2):
        http.add_callback(responses.POST, TOKEN, callback=issuing(scanner, f"jba{n}"))
    http.get(
        "https://api.example.com/x",
        status=401,
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )
    http.get("https://api.example.com/x", json={})
    auth = OAuth2JwtBearerAuth(client, keys.jwk("p256"), {"iss": "client-1", "sub": "alice"})
    with requests.Session() as session:
        session.get("https://api.example.com/x", auth=auth)
    return [auth, auth.token]


def flow_refused_keys(client, http, scanner, keys, pem):
    weak = keys.jwk("rsa_1024")
    scanner.add(weak["d"], keys.jwk("x25519")["d"])
    return [
        caught(lambda: PrivateKeyJwt("c", weak)),
        caught(lambda: PrivateKeyJwt("c", keys.jwk("x25519"))),
        caught(lambda: PrivateKeyJwt("c", keys.jwk("p256"), alg="RS256")),
        caught(lambda: PrivateKeyJwt("c", {**keys.jwk("p256"), "alg": "HS256"})),
        caught(lambda: PrivateKeyJwt("c", {**weak, "kty": "bogus"})),
        caught(lambda: PrivateKeyJwt("c", keys.public_jwk("p256"))),
        caught(lambda: ClientSecretJwt("c", SECRET, alg="RS256")),
        caught(lambda: load_secret_key(json.dumps(keys.jwk("p256")))),
        caught(lambda: OAuth2Client(TOKEN, ("c", pem), registry=client.registry)),
        caught(lambda: load_private_key(canary("not-a-key-at-all"))),
    ]


def flow_jwe(client, http, scanner, keys, pem):
    plaintext = canary("jwe-plaintext")
    scanner.add(plaintext)
    decryption = load_decryption_key(keys.jwk("p256"), alg="ECDH-ES+A128KW")
    token = encrypt_jwe(plaintext.encode(), keys.public_jwk("p256"), alg="ECDH-ES+A128KW")
    other = load_decryption_key(keys.jwk("p384"), alg="ECDH-ES+A128KW")
    scanner.add(*(keys.jwk("p384")[m] for m in ("d",)))
    headers, _ = decrypt_jwe(token, decryption)
    return [decryption, other, headers, caught(lambda: decrypt_jwe(token, other))]


def flow_bearer_token_from_assertion_grant(client, http, scanner, keys, pem):
    scanner.add(canary("at-plain"))
    return [BearerToken(canary("at-plain")), load_private_key(keys.jwk("ed25519"))]


FLOWS = {name[5:]: flow for name, flow in globals().items() if name.startswith("flow_")}


@pytest.mark.parametrize("flow", FLOWS.values(), ids=FLOWS.keys())
def test_flow_shows_no_secret(flow, client, scanner, keys, pem):
    with responses.RequestsMock(assert_all_requests_are_fired=True) as http:
        produced = flow(client, http, scanner, keys, pem)
    scanner.assert_no_secrets(client, client.auth, *produced)
    assert scanner.counts["objects"] > 1


def test_the_assertions_sent_were_collected(client, scanner):
    with responses.RequestsMock() as http:
        http.add_callback(responses.POST, TOKEN, callback=issuing(scanner, "seen"))
        client.client_credentials()
        sent = parse_qs(str(http.calls[0].request.body))["client_assertion"][0]
    found = scanner.leaks(ValueError(sent), live=False)  # as if an error showed it
    assert [line.split(":")[0] for line in found] == ["repr(ValueError)", "str(ValueError)"]
    assert sent not in "".join(found)
