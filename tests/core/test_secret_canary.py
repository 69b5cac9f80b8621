"""Canary: a secret, a token, a code or a verifier never shows in a repr, a message or a log.

Every flow of core runs under :class:`oauth2core.testing.SecretScanner` (success and
failures); the scanner then checks the log records, the warnings, the objects the flow
produced and every live oauth2core object.
"""

from __future__ import annotations

import ast
import logging
import warnings
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import requests
import responses

import oauth2core
from oauth2core import (
    ApiClient,
    AuthorizationRequest,
    BearerToken,
    MemoryTokenStore,
    OAuth2AccessTokenAuth,
    OAuth2AuthorizationCodeAuth,
    OAuth2Client,
    OAuth2ClientCredentialsAuth,
    OAuth2ResourceOwnerPasswordAuth,
    TokenSerializer,
)
from oauth2core.testing import FakeClock, SecretScanner

CANARY = "CANARY-c4n4ry-s3cr3t"
ISSUER = "https://as.example.com"
TOKEN = f"{ISSUER}/oauth/token"
API = "https://api.example.com/things"
ENDPOINTS: dict[str, Any] = {
    "revocation_endpoint": f"{ISSUER}/oauth/revoke",
    "introspection_endpoint": f"{ISSUER}/oauth/introspect",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
    "authorization_endpoint": f"{ISSUER}/authorize",
    "pushed_authorization_request_endpoint": f"{ISSUER}/par",
}
PEM = (
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg" + "C4n4ryPr1v4teK3y" * 2 + "\n"
    "-----END PRIVATE KEY-----\n"
)
PACKAGES = Path(__file__).resolve().parents[2] / "packages"


def canary(name: str) -> str:
    return f"{CANARY}-{name}"


SECRET = canary("client-secret")
WRONG_SECRET = canary("wrong-secret")


def token_body(n: int | str, **extra: Any) -> dict[str, Any]:
    return {
        "access_token": canary(f"at-{n}"),
        "refresh_token": canary(f"rt-{n}"),
        "token_type": "Bearer",
        "expires_in": 60,
        **extra,
    }


@pytest.fixture
def scanner() -> Iterator[SecretScanner]:
    with SecretScanner(SECRET, WRONG_SECRET, PEM) as scan:
        yield scan
    print(f"secret scan: {scan.counts}")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(registry, clock) -> Iterator[OAuth2Client]:
    with OAuth2Client(
        TOKEN,
        ("client", SECRET),
        registry=registry,
        redirect_uri="https://app/cb",
        issuer=ISSUER,
        clock=clock,
        **ENDPOINTS,
    ) as client:
        yield client


def caught(call: Callable[[], object]) -> BaseException:
    with pytest.raises(Exception) as info:  # noqa: PT011 - each kind is checked elsewhere
        call()
    expected = oauth2core.OAuth2Error | ValueError | TypeError | requests.HTTPError
    assert isinstance(info.value, expected), info.value
    return info.value


def auth_request(client: OAuth2Client, scanner: SecretScanner) -> AuthorizationRequest:
    verifier = canary("verifier") + "x" * 30
    scanner.add(verifier)
    return client.authorization_request(
        state="state-not-a-secret", nonce="nonce-not-a-secret", code_verifier=verifier
    )


# ------------------------------------------------------------------------------ flows
# Each flow drives one feature against mocked HTTP, adds the canaries it hands out, and
# returns what it produced (results and caught errors).


def flow_client_credentials(client, http, scanner):
    scanner.add(canary("at-cc"), canary("rt-cc"))
    http.post(TOKEN, json=token_body("cc"))
    token = client.client_credentials(scope="read", resource="https://api")
    return [token, oauth2core.BearerAuth(token), token.as_dict()]


def flow_client_secret_basic(client, http, scanner):
    scanner.add(canary("at-basic"), canary("rt-basic"))
    http.post(TOKEN, json=token_body("basic"))
    basic = OAuth2Client(
        TOKEN,
        client_id="client",
        client_secret=SECRET,
        token_endpoint_auth_method="client_secret_basic",
        registry=client.registry,
    )
    with basic:
        return [basic, basic.auth, basic.client_credentials()]


def flow_authorization_code(client, http, scanner):
    request = auth_request(client, scanner)
    code = canary("code")
    scanner.add(code, canary("at-ac"), canary("rt-ac"), canary("id-ac"))
    http.post(TOKEN, json=token_body("ac", id_token=canary("id-ac"), scope="openid"))
    response = request.validate_callback(f"https://app/cb?code={code}&state={request.state}")
    token = client.authorization_code(
        response, id_token_validation=oauth2core.SKIP_ID_TOKEN_VALIDATION
    )
    return [request, response, token, str(request)]


def flow_mismatching_state(client, http, scanner):
    request = auth_request(client, scanner)
    scanner.add(canary("code-2"))
    return [
        request,
        caught(lambda: request.validate_callback(f"https://app/cb?code={canary('code-2')}")),
        caught(
            lambda: request.validate_callback(
                f"https://app/cb?code={canary('code-2')}&state=other-state"
            )
        ),
        caught(
            lambda: request.validate_callback(
                f"https://app/cb?code={canary('code-2')}&state={request.state}&iss=https://evil"
            )
        ),
    ]


def flow_authorization_error(client, http, scanner):
    request = auth_request(client, scanner)
    return [
        caught(
            lambda: request.validate_callback(
                f"https://app/cb?error=access_denied&state={request.state}"
            )
        )
    ]


def flow_pushed_authorization_request(client, http, scanner):
    verifier = canary("par-verifier") + "y" * 30
    scanner.add(verifier)
    http.post(
        ENDPOINTS["pushed_authorization_request_endpoint"],
        json={"request_uri": "urn:ietf:params:oauth:request_uri:abc", "expires_in": 60},
        status=201,
    )
    par = client.pushed_authorization_request(client.authorization_request(code_verifier=verifier))
    http.post(ENDPOINTS["pushed_authorization_request_endpoint"], status=400, json={})
    error = caught(
        lambda: client.pushed_authorization_request(
            client.authorization_request(code_verifier=verifier)
        )
    )
    return [par, str(par), error]


def flow_refresh_token(client, http, scanner):
    scanner.add(canary("at-r1"), canary("rt-r1"), canary("at-r2"))
    http.post(TOKEN, json={**token_body("r2"), "refresh_token": None})
    token = BearerToken(canary("at-r1"), refresh_token=canary("rt-r1"))
    refreshed = client.refresh_token(token)
    http.post(TOKEN, status=400, json={"error": "invalid_grant", "error_description": "revoked"})
    return [token, refreshed, caught(lambda: client.refresh_token(token))]


def flow_password(client, http, scanner):
    password = canary("password")
    scanner.add(password, canary("at-pw"), canary("rt-pw"))
    http.post(TOKEN, json=token_body("pw"))
    token = client.resource_owner_password("alice", password)
    http.post(TOKEN, status=400, json={"error": "invalid_grant"})
    return [token, caught(lambda: client.resource_owner_password("alice", password))]


def flow_token_exchange(client, http, scanner):
    subject, actor = canary("subject"), canary("actor")
    scanner.add(subject, actor, canary("issued"))
    http.post(
        TOKEN,
        json={
            "access_token": canary("issued"),
            "issued_token_type": "urn:ietf:params:oauth:token-type:jwt",
            "token_type": "N_A",
        },
    )
    issued = client.token_exchange(
        subject_token=subject,
        subject_token_type="urn:ietf:params:oauth:token-type:access_token",
        actor_token=actor,
        actor_token_type="urn:ietf:params:oauth:token-type:access_token",
    )
    http.post(TOKEN, status=400, json={"error": "invalid_target"})
    error = caught(
        lambda: client.token_exchange(
            subject_token=subject,
            subject_token_type="urn:ietf:params:oauth:token-type:access_token",
        )
    )
    return [issued, error]


def flow_wrong_secret(client, http, scanner):
    wrong = OAuth2Client(TOKEN, ("client", WRONG_SECRET), registry=client.registry)
    http.post(TOKEN, status=401, json={"error": "invalid_client"})
    with wrong:
        return [wrong, caught(wrong.client_credentials)]


def flow_bad_token_responses(client, http, scanner):
    scanner.add(canary("at-bad"), canary("html"))
    bodies: list[dict[str, Any]] = [
        {"status": 500, "body": f"<html>{canary('html')}</html>", "content_type": "text/html"},
        {"status": 200, "body": f"<html>{canary('html')}</html>", "content_type": "text/html"},
        {"status": 200, "body": '{"access_token": "' + canary("at-bad") + '", '},
        {"status": 200, "json": [canary("at-bad")]},
        {"status": 200, "json": {"access_token": canary("at-bad"), "token_type": "MAC"}},
        {"status": 200, "json": {"access_token": canary("at-bad"), "token_type": 42}},
        {"status": 200, "json": {**token_body("bad"), "expires_in": "soon"}},
        {"status": 200, "json": {"token_type": "Bearer", "refresh_token": canary("at-bad")}},
        {"status": 400, "json": {"error": ["x"], "error_description": 42}},
        {"status": 503, "body": f"{canary('html')}", "content_type": "text/plain"},
    ]
    errors = []
    for body in bodies:
        http.post(TOKEN, **body)
        errors.append(caught(client.client_credentials))
    http.post(TOKEN, body=requests.ConnectionError(f"refused {TOKEN}"))
    errors.append(caught(client.client_credentials))
    return errors


def flow_other_endpoints(client, http, scanner):
    token = BearerToken(canary("at-oe"), refresh_token=canary("rt-oe"))
    scanner.add(canary("at-oe"), canary("rt-oe"))
    http.post(ENDPOINTS["revocation_endpoint"], status=200)
    http.post(ENDPOINTS["revocation_endpoint"], status=503, body="down")
    http.post(ENDPOINTS["introspection_endpoint"], json={"active": True, "sub": "alice"})
    http.post(ENDPOINTS["introspection_endpoint"], status=200, body="not json")
    http.get(ENDPOINTS["userinfo_endpoint"], json={"sub": "alice"})
    http.get(
        ENDPOINTS["userinfo_endpoint"],
        status=401,
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )
    return [
        client.revoke_token(token),
        caught(lambda: client.revoke_refresh_token(token)),
        client.introspect_token(token),
        caught(lambda: client.introspect_token(canary("at-oe"))),
        client.userinfo(token),
        caught(lambda: client.userinfo(token)),
    ]


def flow_auth_handlers(client, http, scanner):
    password, code = canary("handler-password"), canary("handler-code")
    scanner.add(password, code, *(canary(f"{k}-h{n}") for k in ("at", "rt") for n in range(5)))
    for n in range(4):
        http.post(TOKEN, json=token_body(f"h{n}"))
    http.get(API, status=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    http.get(API, json={"ok": True})
    http.get(API, json={"ok": True})
    http.get(API, json={"ok": True})
    store = MemoryTokenStore()
    cc = OAuth2ClientCredentialsAuth(client, store=store, scope="read")
    ac = OAuth2AuthorizationCodeAuth(client, code, store=store, store_key="ac")
    pw = OAuth2ResourceOwnerPasswordAuth(
        client, username="alice", password=password, store=store, store_key="pw"
    )
    with requests.Session() as session:
        session.get(API, auth=cc)  # a 401 renews once and retries
        session.get(API, auth=ac)
        session.get(API, auth=pw)
    http.post(TOKEN, status=400, json={"error": "invalid_grant"})
    refresh_only = OAuth2AccessTokenAuth(
        client, BearerToken(canary("at-h4"), expires_in=0, refresh_token=canary("rt-h4"))
    )
    return [store, cc, ac, pw, refresh_only, caught(refresh_only.renew_token)]


def flow_api_client(client, http, scanner):
    scanner.add(canary("at-api"))
    token = BearerToken(canary("at-api"))
    http.get(API, status=403, body=canary("at-api"))
    http.get("https://elsewhere.example.com/x", json={})
    with ApiClient(API, auth=token) as api:
        error = caught(api.get)
        api.get("https://elsewhere.example.com/x")
        return [api, api["sub"], error, caught(lambda: api.get("../../" + canary("at-api")))]


def flow_api_client_with_a_password(client, http, scanner):
    password = canary("api-password")
    scanner.add(password)
    http.get(API, status=401, body="no")
    with ApiClient(API, auth=("alice", password)) as api:
        return [api, api["sub"], caught(api.get)]


def flow_discovery(client, http, scanner):
    url = f"{ISSUER}/.well-known/openid-configuration"
    metadata = {"issuer": ISSUER, "token_endpoint": TOKEN, "jwks_uri": f"{ISSUER}/jwks"}
    http.get(url, json=metadata)
    http.get(url, json={**metadata, "issuer": "https://evil.example.com"})
    http.get(url, status=200, body=f"<html>{SECRET}</html>")
    discover = partial(
        OAuth2Client.from_discovery_endpoint,
        url,
        ISSUER,
        auth=("client", SECRET),
        registry=client.registry,
    )
    found = discover()
    found.session.close()
    return [found, found.auth, caught(discover), caught(discover)]


def flow_expired_token(client, http, scanner):
    scanner.add(canary("at-exp"))
    token = BearerToken(canary("at-exp"), expires_in=0)
    return [token, caught(lambda: token(requests.Request("GET", API).prepare()))]


def flow_misused_secrets(client, http, scanner):
    scanner.add(canary("userinfo-password"), canary("at-misuse"))
    return [
        caught(
            lambda: OAuth2Client(
                f"https://user:{canary('userinfo-password')}@as.example.com/t",
                registry=client.registry,
            )
        ),
        caught(lambda: OAuth2Client(TOKEN, ("client", PEM), registry=client.registry)),
        caught(lambda: OAuth2Client(TOKEN, client_secret=SECRET, registry=client.registry)),
        caught(lambda: BearerToken(canary("at-misuse"), token_type="MAC")),
        caught(lambda: client.client_credentials(dpop_key=SECRET)),
    ]


FLOWS = {name[5:]: flow for name, flow in globals().items() if name.startswith("flow_")}


@pytest.mark.parametrize("flow", FLOWS.values(), ids=FLOWS.keys())
def test_flow_shows_no_secret(flow, client, scanner):
    with responses.RequestsMock(assert_all_requests_are_fired=True) as http:
        produced = flow(client, http, scanner)
    scanner.assert_no_secrets(client, client.auth, *produced)
    assert scanner.counts["objects"] > 1


def test_serialized_token_is_not_plain_text():
    text = TokenSerializer().dumps(BearerToken(canary("serialized")))
    assert CANARY not in text


# -------------------------------------------------------------------- the scanner itself


def test_scanner_finds_a_leak_in_each_place(scanner):
    class Leaky(oauth2core.OAuth2Error):
        pass

    logging.getLogger("oauth2core.test").debug("sent %s", SECRET)
    logging.getLogger("urllib3.test").info("sent", exc_info=Leaky(SECRET))
    warnings.warn(f"careful with {SECRET}", UserWarning, stacklevel=1)
    error = ValueError("wrapped")
    error.__cause__ = Leaky(SECRET)
    found = scanner.leaks([{"x": error}], live=False)
    assert [line.split(":")[0] for line in found] == [
        "log record oauth2core.test",
        "log record urllib3.test",
        "warning",
        "repr(Leaky)",
        "str(Leaky)",
    ]
    assert all(CANARY not in line for line in found)


def test_scanner_hears_loggers_that_do_not_propagate():
    quiet = logging.getLogger("oauth2core.test.quiet")
    quiet.propagate = False
    try:
        with SecretScanner(SECRET) as scan:
            quiet.debug("sent %s", SECRET)
            found = scan.leaks(live=False)
        assert found == [
            "log record oauth2core.test.quiet: oauth2core.test.quiet DEBUG sent <canary 0> "
        ]
        assert not quiet.handlers  # the scanner's handler is gone
    finally:
        quiet.propagate = True


def test_scanner_exempts_str_of_tokens_but_not_their_repr():
    with SecretScanner(canary("at-x")) as scan:
        token = BearerToken(canary("at-x"))
        assert scan.leaks(token, live=False) == []
        token.__class__ = type("LeakyToken", (BearerToken,), {"__repr__": BearerToken.__str__})
        assert scan.leaks(token, live=False) == ["repr(LeakyToken): <canary 0>"]


def test_scanner_finds_leaks_in_live_library_objects():
    with SecretScanner(canary("live")) as scan:
        token = BearerToken(canary("live"))
        leaky = type("LeakyToken", (BearerToken,), {"__repr__": BearerToken.__str__})
        leaky.__module__ = "oauth2core._leaky"
        token.__class__ = leaky
        assert scan.leaks() == ["repr(LeakyToken): <canary 0>"]
        del token


def test_scanner_refuses_short_canaries():
    with pytest.raises(ValueError, match="8 characters"):
        SecretScanner("short")
    assert "secret" not in repr(SecretScanner(SECRET)).replace("secrets", "")


# ------------------------------------------------------------------ loggers and prints


def library_calls() -> Iterator[tuple[Path, ast.Call]]:
    for path in sorted(PACKAGES.glob("*/src/oauth2core*/**/*.py")):
        if path.name == "testing.py":
            continue  # SecretScanner sets the levels of other loggers and logs nothing
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                yield path, node


def called(node: ast.Call) -> str:
    function = node.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def test_the_library_logs_only_under_the_oauth2core_logger():
    names = []
    for path, node in library_calls():
        if called(node) == "getLogger":
            assert node.args, path
            assert isinstance(node.args[0], ast.Constant), path
            name = node.args[0].value
            assert isinstance(name, str), path
            assert name == "oauth2core" or name.startswith("oauth2core."), path
            names.append(name)
    assert names  # the scan reads the real sources
    for name in logging.root.manager.loggerDict:
        if name.startswith("oauth2core"):
            assert name == "oauth2core" or name.startswith("oauth2core."), name


def test_the_library_never_prints():
    calls = [called(node) for _, node in library_calls()]
    assert "print" not in calls
    assert "warn" in calls  # the scan sees calls
    assert len(calls) > 1000


def test_library_warnings_carry_no_secret(client, scanner):
    job = oauth2core.BaseTokenEndpointPoolingJob(client, password=canary("job-password"))
    scanner.add(canary("job-password"))
    assert isinstance(job, oauth2core.BaseTokenEndpointPollingJob)
    assert [type(w.message) for w in scanner.warnings] == [DeprecationWarning]
    scanner.assert_no_secrets(job)
    assert scanner.counts["warnings"] == 1


def test_logs_carry_no_secret_when_plugins_load(scanner, monkeypatch):
    monkeypatch.setenv("OAUTH2CORE_TRACE_PLUGINS", "1")
    registry = oauth2core.build_registry()
    with OAuth2Client(TOKEN, ("client", SECRET), registry=registry) as client:
        scanner.assert_no_secrets(client, registry)
    assert scanner.counts["records"] > 10  # one per registration
