"""A guided tour of oauth2core against the local test Authorization Server.

Run from the repository root::

    uv run --frozen --all-packages python examples/demo.py

It starts the test server (Node.js 20+, ``npm ci`` on first run), walks through the flows
the library supports today and prints a transcript in which every secret (client secrets,
tokens, codes, state and nonce values) is redacted. It exits with status 1 if any step
fails, and always stops the server.
"""

from __future__ import annotations

import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

import requests

import oauth2core
from oauth2core import (
    ClientSecretBasic,
    InvalidClient,
    InvalidGrant,
    OAuth2Client,
)
from oauth2core_grants_ciba import BackChannelAuthenticationPollingJob
from oauth2core_grants_device import DeviceAuthorizationPollingJob, render_user_instructions

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the test server helper lives in tests/integration/

from tests.integration._authorization_server import (  # noqa: E402
    AuthorizationServer,
    run_authorization_server,
    saml2_bearer_assertion,
)

TIMEOUT = 10
SECRET_PARAMETERS = frozenset({"code", "state", "nonce", "code_challenge", "request_uri"})


class StepFailed(Exception):
    """A demo step did not get the result it expected."""


def redact(secret: object) -> str:
    """The one way this demo shows a secret: not at all, only its length."""
    return f"<redacted, {len(str(secret))} chars>"


def redact_url(url: str) -> str:
    """``url`` with the values of its secret query parameters redacted."""
    parts = urlsplit(url)
    query = "&".join(
        f"{name}={redact(value) if name in SECRET_PARAMETERS else quote(value, safe=':/')}"
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    return urlunsplit(parts._replace(query=query))


def check(condition: object, message: str) -> None:
    """Fail the current step with ``message`` unless ``condition`` holds."""
    if not condition:
        raise StepFailed(message)


def say(text: str = "") -> None:
    """Print one transcript line, flushed at once."""
    print(text, flush=True)


@contextmanager
def step(title: str) -> Iterator[None]:
    """A numbered section of the transcript; a failure names the step."""
    step.number += 1  # type: ignore[attr-defined]
    say()
    say(f"== {step.number}. {title}")  # type: ignore[attr-defined]
    started = time.perf_counter()
    try:
        yield
    except Exception as exc:
        raise StepFailed(f"step {title!r} failed: {type(exc).__name__}: {exc}") from exc
    say(f"   ok ({(time.perf_counter() - started) * 1000:.0f} ms)")


step.number = 0  # type: ignore[attr-defined]


def call_resource(server: AuthorizationServer, auth: requests.auth.AuthBase) -> requests.Response:
    """``GET`` the protected resource with a token as the requests ``auth``."""
    with requests.Session() as http:
        response = http.get(server.resource_url, auth=auth, timeout=TIMEOUT)
        response.close()
    return response


def describe_token(token: Any) -> str:
    """A redacted one-line description of a token."""
    parts = [f"access_token={redact(token.access_token)}", f"expires_in={token.expires_in}"]
    if token.scope:
        parts.append(f"scope={token.scope!r}")
    if token.refresh_token:
        parts.append(f"refresh_token={redact(token.refresh_token)}")
    if token.id_token:
        parts.append(f"id_token={redact(token.id_token)}")
    return ", ".join(parts)


def tour(server: AuthorizationServer) -> None:
    """Walk through every flow, raising StepFailed on the first problem."""
    basic = server.clients["basic"]
    post = server.clients["post"]
    web = server.clients["web"]
    check(basic.client_secret and post.client_secret and web.client_secret, "no secrets")
    assert basic.client_secret is not None
    assert post.client_secret is not None
    assert web.client_secret is not None

    with step("Plugins found through the 'oauth2core.plugins' entry points"):
        for info in oauth2core.plugins():
            origin = f"{info.distribution} {info.version}" if info.distribution else info.module
            say(f"   {info.name:<36} {origin}: {len(info.registered)} registrations")
        names = {info.name for info in oauth2core.plugins()}
        check("saml2-bearer" in names, "the SAML 2.0 bearer example plugin was not discovered")

    with step("Discovery: a client configured from the server metadata"):
        say(
            f"   OAuth2Client.from_discovery_endpoint(issuer={server.issuer!r}, "
            f"client_id={basic.client_id!r}, client_secret={redact(basic.client_secret)!r}, "
            "token_endpoint_auth_method='client_secret_basic')"
        )
        basic_client = OAuth2Client.from_discovery_endpoint(
            issuer=server.issuer,
            client_id=basic.client_id,
            client_secret=basic.client_secret,
            token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - a method name
        )
        check(basic_client.issuer == server.issuer, "the issuer does not match")
        say(f"   auth: {basic_client.auth!r}")
        for name in (
            "token_endpoint",
            "authorization_endpoint",
            "pushed_authorization_request_endpoint",
            "revocation_endpoint",
            "introspection_endpoint",
            "userinfo_endpoint",
        ):
            say(f"   {name}: {getattr(basic_client, name)}")
    token_endpoint = basic_client.token_endpoint

    with basic_client:
        with step("Client credentials, client_secret_basic, with a resource indicator"):
            basic_token = basic_client.client_credentials(
                scope="api:read", resource=server.resource_indicator
            )
            say(f"   client_credentials('api:read', resource=...) -> {describe_token(basic_token)}")
            say(f"   repr(token): {basic_token!r}")
            check(basic_token.scope == "api:read", "unexpected scope")

        with step("Client credentials, client_secret_post: auth=(client_id, client_secret)"):
            with OAuth2Client(token_endpoint, auth=(post.client_id, post.client_secret)) as client:
                say(f"   auth: {client.auth!r}")
                post_token = client.client_credentials(scope=["api:read", "api:write"])
            say(f"   client_credentials(['api:read', 'api:write']) -> {describe_token(post_token)}")

        with step("A wrong client secret"):
            with OAuth2Client(token_endpoint, auth=(post.client_id, "not-the-secret")) as client:
                try:
                    client.client_credentials()
                except InvalidClient as error:
                    say(f"   raised {type(error).__name__}: {error} (HTTP {error.status_code})")
                    check("not-the-secret" not in repr(error), "the error shows the secret")
                else:
                    raise StepFailed("a wrong secret was accepted")

        with step("Calling the protected resource with the token as requests auth"):
            say(f"   requests.Session().get({server.resource_url!r}, auth=token)")
            for token, expected in ((basic_token, basic.client_id), (post_token, post.client_id)):
                answer = call_resource(server, token)
                check(answer.status_code == 200, f"HTTP {answer.status_code}")
                described = answer.json()
                check(described["client_id"] == expected, "unexpected client_id")
                say(
                    f"   HTTP 200: client_id={described['client_id']!r}, "
                    f"scope={described['scope']!r}, aud={described.get('aud')!r}"
                )
            garbage = call_resource(server, oauth2core.BearerToken("garbage-token"))
            check(garbage.status_code == 401, "a garbage token was accepted")
            say(f"   a garbage token: HTTP 401, {garbage.headers['WWW-Authenticate']}")

        with step("SAML 2.0 bearer grant, from the example third-party plugin"):
            say("   client.saml2_bearer(assertion): a method the plugin adds")
            saml_token = basic_client.saml2_bearer(
                saml2_bearer_assertion("alice"), scope="api:read"
            )
            say(f"   -> {describe_token(saml_token)}")
            described = call_resource(server, saml_token).json()
            check(described.get("sub") == "alice", "the token is not alice's")
            say(f"   the resource sees sub={described['sub']!r}")
            try:
                basic_client.saml2_bearer(saml2_bearer_assertion("mallory"))
            except InvalidGrant as error:
                say(f"   an unknown subject: {type(error).__name__}: {error}")
            else:
                raise StepFailed("a bad assertion was accepted")

        with step("Token exchange (RFC 8693)"):
            exchanged = basic_client.token_exchange(saml_token, scope="api:read")
            say(f"   token_exchange(saml_token, scope='api:read') -> {describe_token(exchanged)}")
            described = call_resource(server, exchanged).json()
            check(described.get("sub") == "alice", "the exchanged token is not alice's")
            say(f"   the resource sees sub={described['sub']!r}")

        with step("Introspection, then revocation"):
            active = basic_client.introspect_token(basic_token)["active"]
            say(f"   introspect_token(token)['active'] -> {active}")
            check(active is True, "the token is not active")
            check(basic_client.revoke_access_token(basic_token), "not revoked")
            say("   revoke_access_token(token) -> True")
            active = basic_client.introspect_token(basic_token)["active"]
            say(f"   introspect_token(token)['active'] -> {active}")
            check(active is False, "the revoked token is still active")
            after = call_resource(server, basic_token)
            check(after.status_code == 401, "the revoked token still works")
            say("   the resource now answers HTTP 401")

    web_client = OAuth2Client.from_discovery_endpoint(
        issuer=server.issuer,
        auth=ClientSecretBasic(web.client_id, web.client_secret),
        redirect_uri=web.redirect_uri,
    )
    with web_client, server.user_agent() as browser:
        with step("Authorization code with PKCE (scripted login and consent as alice)"):
            request = web_client.authorization_request(scope="openid profile")
            say(f"   send the user to {redact_url(request.uri)}")
            callback = browser.authorize(request.uri)
            say(f"   callback: {redact_url(callback)}")
            response = request.validate_callback(callback)
            say(f"   validate_callback(callback) -> {response!r}")
            say("   authorization_code(response)  # the ID token is validated (oauth2core-oidc)")
            code_token = web_client.authorization_code(response)
            say(f"   -> {describe_token(code_token)}")
            id_token = code_token.id_token
            say(f"   token.id_token -> {id_token!r}, sub={id_token.subject!r}")
            check(code_token.refresh_token, "no refresh token")
            claims = web_client.userinfo(code_token)
            check(claims.get("sub") == "alice", "the token is not alice's")
            say(f"   userinfo(token) -> sub={claims['sub']!r}, name={claims.get('name')!r}")

        with step("Refresh, with refresh token rotation"):
            refreshed = web_client.refresh_token(code_token)
            say(f"   refresh_token(token) -> {describe_token(refreshed)}")
            check(refreshed.refresh_token != code_token.refresh_token, "not rotated")
            try:
                web_client.refresh_token(code_token.refresh_token)
            except InvalidGrant as error:
                say(f"   replaying the old refresh token: {type(error).__name__}: {error}")
            else:
                raise StepFailed("the old refresh token still works")

        with step("Pushed authorization request (PAR), then the code exchange"):
            request = web_client.authorization_request(scope="openid")
            pushed = web_client.pushed_authorization_request(request)
            say(f"   pushed; send the user to {redact_url(pushed.uri)}")
            response = pushed.validate_callback(browser.authorize(pushed.uri))
            par_token = web_client.authorization_code(response)
            say(f"   -> {describe_token(par_token)}")
            check(call_resource(server, par_token).status_code == 200, "the token is refused")

    device_and_ciba(server)


def approve_later(seconds: float, approve: Any, *args: Any) -> threading.Timer:
    """The user approving on another device, ``seconds`` from now (scripted)."""
    timer = threading.Timer(seconds, approve, args)
    timer.daemon = True
    timer.start()
    return timer


def device_and_ciba(server: AuthorizationServer) -> None:
    """The two flows in which the user approves elsewhere while the client polls."""
    public = server.clients["public"]
    basic = server.clients["basic"]
    assert basic.client_secret is not None

    with step("Device authorization grant (RFC 8628), scripted approval as alice"):
        with OAuth2Client.from_discovery_endpoint(
            issuer=server.issuer, auth=public.client_id
        ) as client:
            started = client.authorize_device(scope="api:read offline_access")
            say(
                f"   authorize_device(scope='api:read offline_access') -> "
                f"device_code={redact(started.device_code)}, "
                f"user_code={redact(started.user_code)}, interval={started.interval:g}, "
                f"expires_in={started.expires_in}"
            )
            say("   render_user_instructions(response), with the user code redacted:")
            shown = render_user_instructions(started).replace(
                started.user_code, redact(started.user_code)
            )
            for line in shown.splitlines():
                say(f"   | {line}")
            timer = approve_later(1.2, server.approve_device, started.user_code)
            job = DeviceAuthorizationPollingJob(client, started)
            say(f"   {job!r}.run()  # the user approves after 1.2 s")
            device_token = job.run()
            timer.join()
            say(f"   -> {describe_token(device_token)}")
            described = call_resource(server, device_token).json()
            check(described.get("sub") == "alice", "the device token is not alice's")
            say(f"   the resource sees sub={described['sub']!r}")

    with step("CIBA, poll mode (scripted approval on alice's phone)"):
        with OAuth2Client.from_discovery_endpoint(
            issuer=server.issuer, auth=ClientSecretBasic(basic.client_id, basic.client_secret)
        ) as client:
            started_ciba = client.backchannel_authentication_request(
                "openid", login_hint="alice", binding_message="demo-42"
            )
            say(
                "   backchannel_authentication_request('openid', login_hint='alice', "
                f"binding_message='demo-42') -> auth_req_id={redact(started_ciba.auth_req_id)}, "
                f"interval={started_ciba.interval:g}, expires_in={started_ciba.expires_in}"
            )
            timer = approve_later(1.2, server.approve_ciba, started_ciba.auth_req_id)
            say(
                "   BackChannelAuthenticationPollingJob(client, response).run()  "
                "# approved after 1.2 s; its ID token is validated"
            )
            ciba_token = BackChannelAuthenticationPollingJob(client, started_ciba).run()
            timer.join()
            say(f"   -> {describe_token(ciba_token)}")
            check(ciba_token.id_token, "no ID token")
            described = call_resource(server, ciba_token).json()
            check(described.get("sub") == "alice", "the CIBA token is not alice's")
            say(f"   the resource sees sub={described['sub']!r}")


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    """Start the server, run the tour, stop the server; 0 on success, 1 on failure."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="oauth2core-demo-") as tmp:
        log_path = Path(tmp) / "authorization-server.log"
        try:
            with run_authorization_server(log_path) as server:
                say(f"Test Authorization Server running at {server.issuer}")
                tour(server)
        except Exception as exc:
            say()
            say(f"FAILED: {exc}")
            log = (
                log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
            )
            if log.strip():
                say("--- server log (tail) ---")
                say(log[-2000:])
            return 1
    say()
    say(f"All steps passed in {time.perf_counter() - started:.1f} s; the server is stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
