"""Canary, end to end: the real secrets of the test clients and everything the server issues
never show in a repr, a message, a log record or a warning.

The canaries are the static clients' secrets and private keys, the users' passwords and the
JWT bearer issuer's key, plus whatever each flow sends or receives, collected as it goes:
every request the library sends goes through a Session hook that adds its secret form
fields (``code``, ``code_verifier``, ``client_assertion``, ``refresh_token``...), its
``Authorization`` credentials and the secret fields of the JSON answer (``access_token``,
``device_code``, ``auth_req_id``...). Each flow runs under
:class:`oauth2core.testing.SecretScanner`, which then scans the logs (root, ``oauth2core``,
``urllib3``, ``requests`` at DEBUG), the warnings, the objects the flow produced and every
live oauth2core object.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote_plus

import pytest
import requests

import oauth2core
from oauth2core import (
    AuthorizationResponse,
    ClientSecretBasic,
    OAuth2Client,
    OAuth2ClientCredentialsAuth,
)
from oauth2core.testing import SecretScanner
from oauth2core_clientauth_jwt import ClientSecretJwt, PrivateKeyJwt, load_private_key
from oauth2core_grants_ciba import BackChannelAuthenticationPollingJob
from oauth2core_grants_device import DeviceAuthorizationPollingJob
from oauth2core_oidc import validate_id_token
from oauth2core_tokentype_dpop import DPoPKey, DPoPNonceCache
from tests.integration._authorization_server import AuthorizationServer, saml2_bearer_assertion
from tests.integration._library import get_resource, secret_of

pytestmark = pytest.mark.integration

SENT_SECRETS = frozenset(
    {
        "client_secret",
        "client_assertion",
        "assertion",
        "code",
        "code_verifier",
        "refresh_token",
        "password",
        "device_code",
        "auth_req_id",
        "token",
        "subject_token",
        "actor_token",
        "login_hint_token",
        "id_token_hint",
    }
)
RECEIVED_SECRETS = frozenset(
    {"access_token", "refresh_token", "id_token", "device_code", "auth_req_id", "issued_token"}
)
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k")


class Collector:
    """A Session response hook that adds the secrets of each exchange to the scanner."""

    def __init__(self, scanner: SecretScanner) -> None:
        self.scanner = scanner
        self.exchanges = 0

    def add(self, *values: object) -> None:
        self.scanner.add(*(v for v in values if isinstance(v, str) and len(v) >= 8))

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.exchanges += 1
        request = response.request
        body = request.body
        text = body.decode() if isinstance(body, bytes) else body if isinstance(body, str) else ""
        for name, values in parse_qs(text).items():
            if name in SENT_SECRETS:
                self.add(*values)
        header = request.headers.get("Authorization", "")
        text_header = header.decode() if isinstance(header, bytes) else header
        scheme, _, credentials = text_header.partition(" ")
        if scheme.lower() == "basic":
            secret = base64.b64decode(credentials).decode().partition(":")[2]
            self.add(secret, unquote_plus(secret), credentials)  # the client_id is no secret
        elif credentials:
            self.add(credentials)
        try:
            answer = json.loads(response.content)
        except ValueError:
            return
        if isinstance(answer, dict):
            self.add(*(answer.get(name) for name in RECEIVED_SECRETS))


@pytest.fixture
def scanner(authorization_server: AuthorizationServer) -> Iterator[SecretScanner]:
    server = authorization_server
    jwks = [server.jwt_bearer_private_jwk]
    for config in server.clients.values():
        jwks.extend(config.private_jwks)
    keys = [str(jwk[m]) for jwk in jwks for m in PRIVATE_MEMBERS if m in jwk]
    secrets = [c.client_secret for c in server.clients.values() if c.client_secret]
    passwords = [user.password for user in server.users.values()]
    with SecretScanner(*secrets, *passwords, *keys) as scan:
        yield scan
    print(f"secret scan: {scan.counts}")


@pytest.fixture
def session(scanner: SecretScanner) -> Iterator[requests.Session]:
    """The Session of every client of a flow: it collects the secrets exchanged."""
    with requests.Session() as http:
        http.hooks["response"].append(Collector(scanner))
        yield http


def caught(call: Callable[[], object]) -> BaseException:
    with pytest.raises(Exception) as info:  # noqa: PT011 - each kind is checked elsewhere
        call()
    assert isinstance(info.value, oauth2core.OAuth2Error | ValueError | TypeError), info.value
    return info.value


def client_of(
    server: AuthorizationServer, name: str, session: requests.Session, **kwargs: Any
) -> OAuth2Client:
    config = server.clients[name]
    auth: Any
    if config.auth_method == "private_key_jwt":
        auth = (config.client_id, config.private_jwk_for("ES256"))
    elif config.auth_method == "client_secret_jwt":
        auth = ClientSecretJwt(config.client_id, secret_of(config))
    elif config.auth_method == "none":
        auth = config.client_id
    else:
        auth = ClientSecretBasic(config.client_id, secret_of(config))
    kwargs.setdefault("redirect_uri", config.redirect_uri)
    return OAuth2Client.from_discovery_document(
        server.discovery, server.issuer, auth=auth, session=session, **kwargs
    )


def code_flow(server: AuthorizationServer, client: OAuth2Client, **kwargs: Any) -> Any:
    request = client.authorization_request(scope="openid profile offline_access", **kwargs)
    with server.user_agent() as ua:
        callback = ua.authorize(request.uri)
    return request, request.validate_callback(callback)


# ------------------------------------------------------------------------------------ flows


def flow_client_credentials(server, session, scanner):
    produced = []
    for name in ("basic", "post", "secret_jwt", "private_key_jwt"):
        client = client_of(server, name, session)
        token = client.client_credentials(scope="api:read")
        assert get_resource(server, token).status_code == 200
        produced += [client, client.auth, token]
    wrong = OAuth2Client(
        server.token_endpoint,
        ClientSecretBasic(server.clients["basic"].client_id, "wrong-" + uuid.uuid4().hex),
        session=session,
    )
    scanner.add(wrong.auth.client_secret)  # type: ignore[union-attr]
    return [*produced, wrong, caught(wrong.client_credentials)]


def flow_password(server, session, scanner):
    client = client_of(server, "post", session)
    alice, bob = server.users["alice"], server.users["bob"]
    token = client.resource_owner_password(alice.username, alice.password, scope="api:read")
    scanner.add(f"{bob.password}-not")
    error = caught(lambda: client.resource_owner_password(bob.username, f"{bob.password}-not"))
    return [client, token, error]


def flow_authorization_code(server, session, scanner):
    client = client_of(server, "web", session)
    request, response = code_flow(server, client)
    scanner.add(response.code, request.code_verifier)
    token = client.authorization_code(response)
    refreshed = client.refresh_token(token)
    return [
        request,
        response,
        token,
        refreshed,
        client.userinfo(refreshed),
        client.introspect_token(refreshed),
        caught(lambda: client.authorization_code(response)),  # the code is spent
        caught(lambda: client.refresh_token(token)),  # the refresh token rotated
        caught(lambda: validate_id_token(token.id_token, client, nonce="another-nonce")),
        client.revoke_token(refreshed),
    ]


def flow_pushed_authorization_request(server, session, scanner):
    client = client_of(server, "par", session)
    request = client.authorization_request(scope="openid")
    scanner.add(request.code_verifier)
    pushed = client.pushed_authorization_request(request)
    with server.user_agent() as ua:
        callback = ua.authorize(pushed.uri)
    response = request.validate_callback(callback)
    scanner.add(response.code)
    token = client.authorization_code(response)
    forged = AuthorizationResponse(
        code=f"{response.code}-forged",
        redirect_uri=request.redirect_uri,
        code_verifier=request.code_verifier,
    )
    scanner.add(forged.code)
    return [pushed, response, token, caught(lambda: client.authorization_code(forged))]


def flow_jwt_bearer(server, session, scanner):
    client = client_of(server, "private_key_jwt", session)
    now = int(time.time())
    claims = {
        "iss": server.jwt_bearer_issuer,
        "sub": "alice",
        "aud": server.issuer,
        "iat": now,
        "exp": now + 60,
        "jti": str(uuid.uuid4()),
    }
    assertion = load_private_key(server.jwt_bearer_private_jwk).sign_jwt(claims)
    scanner.add(assertion)
    token = client.jwt_bearer(assertion, scope="api:read")
    replayed = caught(lambda: client.jwt_bearer(assertion))
    unregistered = DPoPKey.generate().private_jwk
    scanner.add(unregistered["d"])
    other = PrivateKeyJwt(server.clients["private_key_jwt"].client_id, unregistered)
    stranger = OAuth2Client(server.token_endpoint, other, issuer=server.issuer, session=session)
    return [token, replayed, stranger, caught(stranger.client_credentials)]


def flow_saml2_bearer(server, session, scanner):
    client = client_of(server, "post", session)
    token = client.saml2_bearer(saml2_bearer_assertion("alice"), scope="api:read")
    expired = saml2_bearer_assertion("alice", not_on_or_after=datetime.now(UTC) - timedelta(1))
    untrusted = saml2_bearer_assertion("alice", issuer="https://untrusted.example.test")
    return [
        token,
        caught(lambda: client.saml2_bearer(expired)),
        caught(lambda: client.saml2_bearer(untrusted)),
    ]


def flow_device_authorization(server, session, scanner):
    client = client_of(server, "basic", session)
    approved = client.authorize_device(scope="api:read offline_access")
    server.approve_device(approved.user_code)
    token = DeviceAuthorizationPollingJob(client, approved).run()
    denied = client.authorize_device(scope="api:read")
    server.deny_device(denied.user_code)
    job = DeviceAuthorizationPollingJob(client, denied)
    return [approved, token, denied, job, caught(job.run)]


def flow_ciba(server, session, scanner):
    client = client_of(server, "basic", session)
    approved = client.backchannel_authentication_request("openid", login_hint="alice")
    server.approve_ciba(approved.auth_req_id)
    token = BackChannelAuthenticationPollingJob(client, approved).run()
    denied = client.backchannel_authentication_request("openid", login_hint="bob")
    server.deny_ciba(denied.auth_req_id)
    job = BackChannelAuthenticationPollingJob(client, denied)
    return [approved, token, denied, job, caught(job.run)]


def flow_dpop(server, session, scanner):
    client = client_of(server, "dpop", session, dpop_bound_access_tokens=True)
    key = DPoPKey.generate(nonces=DPoPNonceCache())
    scanner.add(key.private_jwk["d"])
    token = client.client_credentials(scope="api:read", dpop_key=key)  # a nonce retry first
    assert get_resource(server, token).status_code == 200
    plain = client_of(server, "dpop", session)
    return [token, key, client.introspect_token(token), caught(plain.client_credentials)]


def flow_auth_handler(server, session, scanner):
    client = client_of(server, "short_lived", session)
    auth = OAuth2ClientCredentialsAuth(client, scope="api:read", leeway=0)
    first = get_resource(server, auth)
    time.sleep(2.1)  # the server's access tokens live 2 seconds
    second = get_resource(server, auth)
    assert (first.status_code, second.status_code) == (200, 200)
    return [auth, auth.token]


FLOWS = {name[5:]: flow for name, flow in globals().items() if name.startswith("flow_")}


@pytest.mark.parametrize("flow", FLOWS.values(), ids=FLOWS.keys())
def test_flow_shows_no_secret(
    authorization_server: AuthorizationServer,
    session: requests.Session,
    scanner: SecretScanner,
    flow: Callable[..., list[Any]],
):
    produced = flow(authorization_server, session, scanner)
    (collector,) = session.hooks["response"]
    assert isinstance(collector, Collector)
    assert collector.exchanges > 0  # the secrets of every exchange were collected
    scanner.assert_no_secrets(*produced)
    assert scanner.counts["objects"] > len(produced)
