"""The auth0 profile over real HTTP, against a loopback stand-in for an Auth0 tenant.

The test Authorization Server cannot serve Auth0's paths (``/oauth/token``,
``/api/v2/...``), so this module starts a small HTTP server on 127.0.0.1 with those paths,
Auth0's answers and error shapes, and stops it at the end. The plugins are the process
ones (entry points), with oauth2core[jwt] for the ``private_jwk`` checks: this module
runs in the all-packages run only.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from jwskate import Jwk, SignedJwt

from oauth2core import AccessDenied, BearerToken, OAuth2Client
from oauth2core_clientauth_jwt import CLIENT_ASSERTION_TYPE, PrivateKeyJwt
from oauth2core_vendor_auth0 import (
    Auth0Client,
    Auth0ManagementApiClient,
    Auth0ManagementApiError,
    Auth0ManagementApiTooManyRequests,
    TooManyRequests,
)

CLIENT_ID = "app"
CLIENT_SECRET = "CANARY-s3cret"
JWT_CLIENT_ID = "app-jwt"
LIMITED_CLIENT_ID = "limited"
USERS = [{"user_id": f"auth0|{n}", "email": f"user{n}@acme.example"} for n in range(5)]


@dataclass
class Tenant:
    """What the stand-in knows and what it saw."""

    origin: str
    public_jwk: dict[str, Any]
    token_requests: list[dict[str, str]] = field(default_factory=list)
    assertions: list[dict[str, Any]] = field(default_factory=list)
    api_requests: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> audience

    @property
    def issuer(self) -> str:
        return f"{self.origin}/"

    @property
    def management_audience(self) -> str:
        return f"{self.origin}/api/v2/"


class Auth0StandIn(BaseHTTPRequestHandler):
    """Auth0's token endpoint and a few Management API paths, answering as Auth0 does."""

    protocol_version = "HTTP/1.1"  # keep-alive: every answer is buffered with Content-Length
    timeout = 10
    tenant: Tenant  # set on the subclass made per server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def answer(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if self.path != "/oauth/token":
            self.answer(404, {"error": "not_found"})
            return
        self.tenant.token_requests.append(form)
        if form.get("client_id") == LIMITED_CLIENT_ID:
            self.answer(
                429,
                {
                    "error": "too_many_requests",
                    "error_description": "Global limit has been reached",
                },
                {"Retry-After": "9", "X-RateLimit-Remaining": "0"},
            )
            return
        if not self.client_authenticated(form):
            self.answer(401, {"error": "access_denied", "error_description": "Unauthorized"})
            return
        if form.get("grant_type") != "client_credentials":
            self.answer(403, {"error": "unsupported_grant_type"})
            return
        access_token = f"at-{len(self.tenant.tokens)}"
        self.tenant.tokens[access_token] = form.get("audience", "")
        self.answer(
            200,
            {"access_token": access_token, "token_type": "Bearer", "expires_in": 86400},
        )

    def client_authenticated(self, form: dict[str, str]) -> bool:
        if form.get("client_assertion_type") == CLIENT_ASSERTION_TYPE:
            jwt = SignedJwt(form["client_assertion"])
            if not jwt.verify_signature(Jwk(self.tenant.public_jwk), alg="ES256"):
                return False
            self.tenant.assertions.append(jwt.claims)
            return bool(
                jwt.claims["iss"] == jwt.claims["sub"] == form["client_id"] == JWT_CLIENT_ID
                and jwt.claims["aud"] == self.tenant.issuer
            )
        return form.get("client_id") == CLIENT_ID and form.get("client_secret") == CLIENT_SECRET

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        self.tenant.api_requests.append((url.path, query))
        authorization = self.headers.get("Authorization", "")
        audience = self.tenant.tokens.get(authorization.removeprefix("Bearer "))
        if not authorization.startswith("Bearer ") or audience is None:
            self.answer(
                401,
                {"statusCode": 401, "error": "Unauthorized", "message": "Missing authentication"},
            )
        elif audience != self.tenant.management_audience:
            self.answer(
                401,
                {"statusCode": 401, "error": "Unauthorized", "message": "Bad audience"},
            )
        elif url.path == "/api/v2/users":
            self.list_users(query)
        elif url.path.startswith("/api/v2/users/"):
            user_id = unquote(url.path.removeprefix("/api/v2/users/"))
            found = [user for user in USERS if user["user_id"] == user_id]
            if found:
                self.answer(200, found[0])
            else:
                self.answer(
                    404,
                    {
                        "statusCode": 404,
                        "error": "Not Found",
                        "message": "The user does not exist.",
                        "errorCode": "inexistent_user",
                    },
                )
        elif url.path == "/api/v2/roles":
            self.answer(
                429,
                {
                    "statusCode": 429,
                    "error": "Too Many Requests",
                    "message": "Global limit has been reached",
                    "errorCode": "too_many_requests",
                },
                {"Retry-After": "3"},
            )
        else:
            self.answer(404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"})

    def list_users(self, query: dict[str, list[str]]) -> None:
        page = int(query.get("page", ["0"])[0])
        per_page = int(query.get("per_page", ["50"])[0])
        users = USERS[page * per_page : (page + 1) * per_page]
        if query.get("include_totals") == ["true"]:
            self.answer(
                200,
                {
                    "start": page * per_page,
                    "limit": per_page,
                    "length": len(users),
                    "total": len(USERS),
                    "users": users,
                },
            )
        else:
            self.answer(200, users)


@pytest.fixture(scope="module")
def key() -> Jwk:
    return Jwk.generate(alg="ES256", kid="app-jwt-key")


@pytest.fixture(scope="module")
def tenant(key: Jwk) -> Iterator[Tenant]:
    """A stand-in tenant on a free loopback port, for this module."""
    state = Tenant(origin="", public_jwk=dict(key.public_jwk()))

    class Handler(Auth0StandIn):
        tenant = state

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host, port = server.server_address[:2]
    state.origin = f"http://{host!s}:{port}"
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="auth0-stand-in",
        daemon=True,
    )
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(autouse=True)
def fresh_records(tenant: Tenant) -> None:
    tenant.token_requests.clear()
    tenant.assertions.clear()
    tenant.api_requests.clear()


def test_the_management_api_with_client_credentials(tenant: Tenant):
    with Auth0ManagementApiClient(tenant.origin, (CLIENT_ID, CLIENT_SECRET), timeout=10) as a0mgmt:
        assert a0mgmt.base_url == tenant.management_audience
        page = a0mgmt.get("users", params={"page": 0, "per_page": 2, "include_totals": True})
        assert page.json() == {
            "start": 0,
            "limit": 2,
            "length": 2,
            "total": 5,
            "users": USERS[:2],
        }
        assert a0mgmt.users.get(params={"page": 2, "per_page": 2}).json() == USERS[4:]
        assert a0mgmt.users.get(["auth0|3"]).json() == USERS[3]

    assert tenant.token_requests == [  # one token, for the Management API audience
        {
            "grant_type": "client_credentials",
            "audience": tenant.management_audience,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
    ]
    assert tenant.api_requests == [
        ("/api/v2/users", {"page": ["0"], "per_page": ["2"], "include_totals": ["true"]}),
        ("/api/v2/users", {"page": ["2"], "per_page": ["2"]}),
        ("/api/v2/users/auth0%7C3", {}),
    ]


def test_management_api_errors(tenant: Tenant):
    with Auth0ManagementApiClient(tenant.origin, (CLIENT_ID, CLIENT_SECRET), timeout=10) as a0mgmt:
        with pytest.raises(Auth0ManagementApiError) as missing:
            a0mgmt.users.get(["auth0|404"])
        assert (missing.value.status_code, missing.value.error_code) == (404, "inexistent_user")
        with pytest.raises(Auth0ManagementApiTooManyRequests) as limited:
            a0mgmt.get("roles")
        assert limited.value.retry_after == 3.0
        assert limited.value.transient


def test_the_profile_through_the_generic_constructor(tenant: Tenant):
    with OAuth2Client.from_vendor_profile(
        "auth0", tenant.origin, auth=(CLIENT_ID, CLIENT_SECRET), timeout=10
    ) as client:
        assert type(client) is OAuth2Client
        assert client.issuer == tenant.issuer
        assert client.token_endpoint == f"{tenant.origin}/oauth/token"
        token = client.client_credentials(audience=tenant.management_audience)
    assert isinstance(token, BearerToken)
    assert tenant.tokens[token.access_token] == tenant.management_audience


def test_a_private_jwk_is_really_used(tenant: Tenant, key: Jwk):
    with Auth0Client(
        tenant.origin, client_id=JWT_CLIENT_ID, private_jwk=dict(key), timeout=10
    ) as client:
        assert isinstance(client.auth, PrivateKeyJwt)
        token = client.client_credentials(audience=tenant.management_audience)
    assert isinstance(token, BearerToken)
    (form,) = tenant.token_requests
    assert "client_secret" not in form
    (claims,) = tenant.assertions
    assert claims["aud"] == tenant.issuer
    assert claims["iss"] == claims["sub"] == JWT_CLIENT_ID


def test_the_management_api_with_a_private_jwk(tenant: Tenant, key: Jwk):
    with Auth0ManagementApiClient(
        tenant.origin, client_id=JWT_CLIENT_ID, private_jwk=dict(key), timeout=10
    ) as a0mgmt:
        assert a0mgmt.get("users", params={"per_page": 1}).json() == USERS[:1]
    assert [claims["aud"] for claims in tenant.assertions] == [tenant.issuer]


def test_a_wrong_secret_is_access_denied(tenant: Tenant):
    with Auth0Client(tenant.origin, (CLIENT_ID, "wrong"), timeout=10) as client:
        with pytest.raises(AccessDenied, match="Unauthorized") as caught:
            client.client_credentials(audience=tenant.management_audience)
    assert caught.value.status_code == 401
    assert not caught.value.transient


def test_a_rate_limited_token_request(tenant: Tenant):
    with Auth0ManagementApiClient(tenant.origin, (LIMITED_CLIENT_ID, "x"), timeout=10) as a0mgmt:
        with pytest.raises(TooManyRequests) as caught:
            a0mgmt.get("users")
    assert caught.value.transient
    assert caught.value.retry_after == 9.0
    assert caught.value.error_description == "Global limit has been reached"
    assert tenant.api_requests == []  # no API call without a token
