"""Canary: DPoP private keys, client secrets and tokens never show in a repr or a log.

Every DPoP flow (RFC 9449) runs under :class:`oauth2core.testing.SecretScanner`: token
requests with a given or generated key, the nonce retries of the AS and of resource
servers, refused answers, auth handlers, authorization requests bound with ``dpop_jkt``,
and refused keys. A generated key's private members become canaries once it exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import responses

import oauth2core
from oauth2core import ApiClient, OAuth2ClientCredentialsAuth
from oauth2core.testing import SecretScanner
from oauth2core_tokentype_dpop import DPoPKey, DPoPToken, DPoPTokenSerializer

CANARY = "CANARY-c4n4ry-s3cr3t"
SECRET = f"{CANARY}-client-secret"
NONCE_ERROR = {
    "error": "use_dpop_nonce",
    "error_description": "Authorization server requires nonce",
}
RS_CHALLENGE = 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce"'
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi")


def canary(name: str) -> str:
    return f"{CANARY}-{name}"


def key_canaries(key: DPoPKey) -> list[str]:
    jwk = key.private_jwk
    return [str(jwk[m]) for m in PRIVATE_MEMBERS if m in jwk]


def tokens(n: str, token_type: str = "DPoP") -> dict[str, Any]:
    return {
        "access_token": canary(f"at-{n}"),
        "refresh_token": canary(f"rt-{n}"),
        "token_type": token_type,
        "expires_in": 60,
    }


@pytest.fixture
def scanner(key) -> Iterator[SecretScanner]:
    issued = [canary(f"{kind}-{n}") for kind in ("at", "rt") for n in range(6)]
    with SecretScanner(SECRET, *key_canaries(key), *issued) as scan:
        yield scan
    print(f"secret scan: {scan.counts}")


@pytest.fixture
def client(make_client):
    return make_client(("client-1", SECRET))


def caught(call: Callable[[], object]) -> BaseException:
    with pytest.raises(Exception) as info:  # noqa: PT011 - each kind is checked elsewhere
        call()
    assert isinstance(info.value, oauth2core.OAuth2Error | ValueError | TypeError), info.value
    return info.value


def flow_generated_key(client, http, urls, key, scanner):
    http.post(urls.token, json=tokens("0"))
    token = client.client_credentials(dpop=True)
    scanner.add(*key_canaries(token.dpop_key))
    return [token, token.dpop_key]


def flow_as_nonce_retry(client, http, urls, key, scanner):
    http.post(urls.token, status=400, json=NONCE_ERROR, headers={"DPoP-Nonce": "n-1"})
    http.post(urls.token, json=tokens("1"), headers={"DPoP-Nonce": "n-2"})
    token = client.client_credentials(dpop_key=key)
    for nonce in ("n-3", "n-4"):  # one retry only
        http.post(urls.token, status=400, json=NONCE_ERROR, headers={"DPoP-Nonce": nonce})
    return [token, key.nonces, caught(lambda: client.client_credentials(dpop_key=key))]


def flow_rs_nonce_retry(client, http, urls, key, scanner):
    token = DPoPToken(canary("at-2"), dpop_key=key, refresh_token=canary("rt-2"), expires_in=60)
    challenge = {"WWW-Authenticate": RS_CHALLENGE}
    http.get(urls.resource, status=401, headers={**challenge, "DPoP-Nonce": "rs-1"})
    http.get(urls.resource, json={"ok": True})
    http.get(urls.resource, status=401, headers=challenge)
    http.get(urls.userinfo, json={"sub": "alice"})
    with requests.Session() as session:
        session.get(urls.resource, auth=token)
        session.get(urls.resource, auth=token)
    return [token, client.userinfo(token)]


def flow_refused_token_responses(client, http, urls, key, scanner):
    bodies = [
        tokens("3", token_type="Bearer"),
        {**tokens("3"), "access_token": canary("at-3") + " with spaces"},
        {"error": "invalid_dpop_proof", "error_description": "bad proof"},
    ]
    scanner.add(canary("at-3") + " with spaces")
    errors = []
    for status, body in zip((200, 200, 400), bodies, strict=True):
        http.post(urls.token, status=status, json=body)
        errors.append(caught(lambda: client.client_credentials(dpop_key=key)))
    http.post(urls.token, json=tokens("3"))
    errors.append(caught(client.client_credentials))  # a DPoP token nobody asked for
    return errors


def flow_auth_handler_and_api_client(client, http, urls, key, scanner):
    http.post(urls.token, json=tokens("4"))
    http.get(urls.resource, json={})
    http.get(urls.resource, status=401, headers={"WWW-Authenticate": 'DPoP error="invalid_token"'})
    http.post(urls.token, json=tokens("5"))
    http.get(urls.resource, json={})
    auth = OAuth2ClientCredentialsAuth(client, dpop_key=key)
    with ApiClient(urls.resource, auth=auth) as api:
        api.get()
        api.get()  # an invalid_token 401 renews the token once
        return [auth, api, auth.token]


def flow_authorization_request_with_dpop_jkt(client, http, urls, key, scanner):
    code, verifier = canary("code"), canary("verifier") + "v" * 30
    scanner.add(code, verifier)
    request = client.authorization_request(dpop_key=key, code_verifier=verifier, scope="read")
    response = request.validate_callback(
        f"{urls.redirect_uri}?code={code}&state={request.state}&iss={urls.issuer}"
    )
    http.post(urls.token, json=tokens("0"))
    token = client.authorization_code(response)
    return [request, response, token]


def flow_refused_keys(client, http, urls, key, scanner):
    public = key.public_jwk
    return [
        caught(lambda: DPoPKey(public)),
        caught(lambda: DPoPKey(key.private_jwk, alg="RS256")),
        caught(lambda: DPoPKey({"kty": "oct", "k": "c2VjcmV0c2VjcmV0c2VjcmV0"})),
        caught(lambda: DPoPKey(SECRET)),
        caught(lambda: client.client_credentials(dpop=False, dpop_key=key)),
        caught(lambda: client.client_credentials(dpop_key=SECRET)),
    ]


def flow_serializer(client, http, urls, key, scanner):
    token = DPoPToken(canary("at-1"), dpop_key=key, refresh_token=canary("rt-1"))
    serializer = DPoPTokenSerializer()
    loaded = serializer.loads(serializer.dumps(token))
    return [serializer, loaded, caught(lambda: serializer.loads(canary("at-1")))]


FLOWS = {name[5:]: flow for name, flow in globals().items() if name.startswith("flow_")}


@pytest.mark.parametrize("flow", FLOWS.values(), ids=FLOWS.keys())
def test_flow_shows_no_secret(flow, client, scanner, urls, key):
    with responses.RequestsMock(assert_all_requests_are_fired=True) as http:
        produced = flow(client, http, urls, key, scanner)
    scanner.assert_no_secrets(client, client.auth, key, *produced)
    assert scanner.counts["objects"] > 1
