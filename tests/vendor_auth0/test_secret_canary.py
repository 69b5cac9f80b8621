"""Canary: Auth0 client secrets and tokens never show in a repr, a message or a log.

The Auth0 client and the Management API client run under
:class:`oauth2core.testing.SecretScanner`: tokens, rate limits, API errors (whose body may
echo what was sent), wrong secrets and a private key refused without the jwt package.
Text the server chose for its error (Auth0's ``message``, ``error_description``) is shown
by design, so the canaries go into the raw bodies only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
import requests
import responses

import oauth2core
from oauth2core.testing import SecretScanner
from oauth2core_vendor_auth0 import Auth0Client, Auth0ManagementApiClient

CANARY = "CANARY-c4n4ry-s3cr3t"
ORIGIN = "https://acme.eu.auth0.com"
TOKEN = f"{ORIGIN}/oauth/token"
API = f"{ORIGIN}/api/v2/"
SECRET = f"{CANARY}-client-secret"


def canary(name: str) -> str:
    return f"{CANARY}-{name}"


def tokens(n: str) -> dict[str, Any]:
    return {"access_token": canary(f"at-{n}"), "token_type": "Bearer", "expires_in": 86400}


@pytest.fixture
def scanner() -> Iterator[SecretScanner]:
    issued = [canary(f"at-{n}") for n in range(4)]
    with SecretScanner(SECRET, canary("private-d"), *issued) as scan:
        yield scan
    print(f"secret scan: {scan.counts}")


def caught(call: Callable[[], object]) -> BaseException:
    with pytest.raises(Exception) as info:  # noqa: PT011 - each kind is checked elsewhere
        call()
    expected = oauth2core.OAuth2Error | ValueError | TypeError | requests.HTTPError
    assert isinstance(info.value, expected), info.value
    return info.value


def flow_client_credentials(registry, http):
    http.post(TOKEN, json=tokens("0"))
    http.post(TOKEN, status=429, headers={"Retry-After": "3"}, json={"error": "too_many"})
    http.post(TOKEN, status=401, json={"error": "access_denied", "error_description": "no"})
    with Auth0Client("acme.eu", ("app", SECRET), registry=registry) as client:
        token = client.client_credentials(audience=API)
        return [client, token, caught(client.client_credentials), caught(client.client_credentials)]


def flow_management_api(registry, http):
    http.post(TOKEN, json=tokens("1"))
    http.get(f"{API}users", json=[{"user_id": "auth0|1"}])
    http.get(
        f"{API}users/x",
        status=400,
        json={"statusCode": 400, "error": "Bad", "message": "no such user", "errorCode": "x"},
    )
    http.get(f"{API}users/y", status=429, headers={"Retry-After": "2"}, json={})
    http.get(f"{API}users/z", status=502, body=f"<html>{canary('at-1')}</html>")
    with Auth0ManagementApiClient("acme.eu", ("app", SECRET), registry=registry) as api:
        api.get("users")
        errors = [caught(partial(api.users.get, path)) for path in ("x", "y", "z")]
        return [api, api.auth, api.users, *errors]


def flow_wrong_secret(registry, http):
    http.post(TOKEN, status=401, json={"error": "invalid_client"})
    with Auth0ManagementApiClient(
        "acme.eu", client_id="app", client_secret=SECRET, registry=registry
    ) as api:
        return [api, caught(lambda: api.get("users"))]


def flow_private_key_without_jwt(registry, http):
    jwk = {"kty": "EC", "crv": "P-256", "x": "x" * 43, "y": "y" * 43, "d": canary("private-d")}
    return [
        caught(lambda: Auth0Client("acme", client_id="app", private_jwk=jwk, registry=registry)),
        caught(lambda: Auth0Client("acme", ("app", jwk), registry=registry)),
    ]


def flow_bad_tenants(registry, http):
    return [
        caught(lambda: Auth0Client(f"https://app:{SECRET}@acme.eu", registry=registry)),
        caught(lambda: Auth0Client("acme.eu/path", ("app", SECRET), registry=registry)),
    ]


FLOWS = {name[5:]: flow for name, flow in globals().items() if name.startswith("flow_")}


@pytest.mark.parametrize("flow", FLOWS.values(), ids=FLOWS.keys())
def test_flow_shows_no_secret(flow, registry, scanner):
    with responses.RequestsMock(assert_all_requests_are_fired=True) as http:
        produced = flow(registry, http)
    scanner.assert_no_secrets(*produced)
    assert scanner.counts["objects"] > 1
