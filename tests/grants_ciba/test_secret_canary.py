"""Canary: auth_req_ids, hints, client secrets and tokens never show in a repr or a log.

Every CIBA flow (poll mode) runs under :class:`oauth2core.testing.SecretScanner`: success,
refusals, expiry, malformed answers, cancel and timeout, and the signed request wherever
the ``signed`` extra is installed (its private key is a canary then).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from importlib.util import find_spec
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import responses

import oauth2core
from oauth2core import SKIP_ID_TOKEN_VALIDATION, OAuth2Client
from oauth2core.testing import FakeSleeper, SecretScanner
from oauth2core_grants_ciba import (
    BackChannelAuthenticationPollingJob,
    BackChannelAuthenticationPoolingJob,
    BackChannelAuthenticationResponse,
    backchannel_authentication_request,
    ciba,
)

CANARY = "CANARY-c4n4ry-s3cr3t"
ISSUER = "https://as.example.com"
TOKEN = f"{ISSUER}/oauth/token"
BACKCHANNEL = f"{ISSUER}/oauth/bc-authorize"
SECRET = f"{CANARY}-client-secret"
AUTH_REQ_ID = f"{CANARY}-auth-req-id"
HINT_TOKEN = f"{CANARY}-login-hint-token"
ID_TOKEN_HINT = f"{CANARY}-id-token-hint"
NOTIFICATION_TOKEN = f"{CANARY}-notification-token"
SKIP: dict[str, Any] = {"id_token_validation": SKIP_ID_TOKEN_VALIDATION}
NOT_A_STRING: Any = 42
PENDING = (400, {"error": "authorization_pending"})
SLOW_DOWN = (400, {"error": "slow_down"})


def canary(name: str) -> str:
    return f"{CANARY}-{name}"


def tokens(n: str) -> tuple[int, dict[str, Any]]:
    return 200, {
        "access_token": canary(f"at-{n}"),
        "refresh_token": canary(f"rt-{n}"),
        "id_token": canary(f"id-{n}"),
        "token_type": "Bearer",
        "expires_in": 60,
    }


@pytest.fixture
def scanner() -> Iterator[SecretScanner]:
    issued = [canary(f"{kind}-{n}") for kind in ("at", "rt", "id") for n in range(3)]
    hints = (HINT_TOKEN, ID_TOKEN_HINT, NOTIFICATION_TOKEN)
    with SecretScanner(SECRET, AUTH_REQ_ID, *hints, *issued) as scan:
        yield scan
    print(f"secret scan: {scan.counts}")


@pytest.fixture
def client(make_client) -> OAuth2Client:
    made: OAuth2Client = make_client(("client-1", SECRET))
    return made


def caught(call: Callable[[], object]) -> BaseException:
    with pytest.raises(Exception) as info:  # noqa: PT011 - each kind is checked elsewhere
        call()
    assert isinstance(info.value, oauth2core.OAuth2Error | ValueError | TypeError), info.value
    return info.value


def answer(http: responses.RequestsMock, url: str, *bodies: tuple[int, Any]) -> None:
    for status, body in bodies:
        text = body if isinstance(body, str) else json.dumps(body)
        http.post(url, status=status, body=text, content_type="application/json")


def flow_ciba(client, http, clock, sleeper):
    answer(http, BACKCHANNEL, (200, {"auth_req_id": AUTH_REQ_ID, "expires_in": 120}))
    answer(http, TOKEN, PENDING, SLOW_DOWN, tokens("0"))
    response = backchannel_authentication_request(
        client,
        login_hint_token=HINT_TOKEN,
        binding_message="W4SCT",
        client_notification_token=NOTIFICATION_TOKEN,
    )
    job = BackChannelAuthenticationPollingJob(client, response, sleeper=sleeper, **SKIP)
    return [response, job, job.run(), sleeper]


def flow_ciba_by_client_methods(client, http, clock, sleeper):
    answer(http, BACKCHANNEL, (200, {"auth_req_id": AUTH_REQ_ID, "expires_in": 120}))
    answer(http, TOKEN, tokens("1"))
    response = client.backchannel_authentication_request(id_token_hint=ID_TOKEN_HINT)
    return [response, client.ciba(response, **SKIP)]


def flow_refusals(client, http, clock, sleeper):
    answer(
        http,
        TOKEN,
        (400, {"error": "access_denied"}),
        (400, {"error": "expired_token"}),
        (401, {"error": "invalid_client"}),
        (400, {"error": "invalid_grant", "error_description": "unknown auth_req_id"}),
    )
    jobs = [
        BackChannelAuthenticationPollingJob(client, AUTH_REQ_ID, sleeper=sleeper, **SKIP)
        for _ in range(4)
    ]
    return [*jobs, *(caught(job.run) for job in jobs)]


def flow_backchannel_refusals(client, http, clock, sleeper):
    bad: list[tuple[int, Any]] = [
        (400, {"error": "expired_login_hint_token"}),
        (400, {"error": "unknown_user_id"}),
        (400, {"error": "invalid_binding_message"}),
        (401, {"error": "invalid_client"}),
        (200, {"error": "access_denied"}),
        (200, {"auth_req_id": AUTH_REQ_ID, "expires_in": "soon"}),
        (200, {"auth_req_id": 42, "expires_in": 60}),
        (200, f"<html>{AUTH_REQ_ID}</html>"),
        (200, json.dumps({"auth_req_id": AUTH_REQ_ID})[:-2]),
        (502, f"<html>{AUTH_REQ_ID}</html>"),
    ]
    errors = []
    for status, body in bad:
        answer(http, BACKCHANNEL, (status, body))
        errors.append(
            caught(lambda: backchannel_authentication_request(client, login_hint_token=HINT_TOKEN))
        )
    http.post(BACKCHANNEL, body=requests.ConnectionError("refused"))
    errors.append(caught(lambda: backchannel_authentication_request(client, login_hint="a")))
    return errors


def flow_expiry_timeout_cancel(client, http, clock, sleeper):
    answer(http, TOKEN, PENDING)  # a lone registered answer repeats
    expired = BackChannelAuthenticationResponse(AUTH_REQ_ID, expires_in=0, clock=clock)
    cancel = threading.Event()
    cancel.set()
    jobs = [
        BackChannelAuthenticationPollingJob(
            client, AUTH_REQ_ID, expires_in=7, sleeper=sleeper, **SKIP
        ),
        BackChannelAuthenticationPollingJob(
            client, AUTH_REQ_ID, timeout=1, sleeper=sleeper, **SKIP
        ),
        BackChannelAuthenticationPollingJob(
            client, AUTH_REQ_ID, cancel=cancel, sleeper=sleeper, **SKIP
        ),
        BackChannelAuthenticationPollingJob(client, expired, sleeper=sleeper, **SKIP),
    ]
    return [*jobs, *(caught(job.run) for job in jobs), expired]


def flow_bad_token_responses(client, http, clock, sleeper):
    answer(
        http,
        TOKEN,
        (200, f"<html>{canary('at-2')}</html>"),
        (200, {"access_token": canary("at-2"), "token_type": "MAC"}),
        (503, canary("at-2")),
    )
    errors = [caught(lambda: ciba(client, AUTH_REQ_ID, **SKIP)) for _ in range(3)]
    errors.append(caught(lambda: ciba(client, AUTH_REQ_ID)))  # no ID token validator
    return errors


def flow_deprecated_alias(client, http, clock, sleeper):
    job = BackChannelAuthenticationPoolingJob(client, AUTH_REQ_ID, sleeper=sleeper, **SKIP)
    assert isinstance(job, BackChannelAuthenticationPollingJob)
    return [job]


def flow_misuse(client, http, clock, sleeper):
    return [
        caught(lambda: BackChannelAuthenticationResponse(AUTH_REQ_ID, interval=-1)),
        caught(lambda: backchannel_authentication_request(client, login_hint_token=NOT_A_STRING)),
        caught(
            lambda: backchannel_authentication_request(
                client, login_hint="a", login_hint_token=HINT_TOKEN
            )
        ),
        caught(lambda: ciba(client, AUTH_REQ_ID, dpop=SECRET)),
    ]


def flow_signed_request(client, http, clock, sleeper):
    from cryptography.hazmat.primitives.asymmetric import ec
    from jwskate import Jwk

    key = ec.generate_private_key(ec.SECP256R1())
    jwk = Jwk(key)
    sent: list[str] = []

    def backchannel(request: Any) -> tuple[int, dict[str, str], str]:
        sent.extend(parse_qs(request.body)["request"])
        body = {"auth_req_id": AUTH_REQ_ID, "expires_in": 60}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    http.add_callback(responses.POST, BACKCHANNEL, callback=backchannel)
    response = backchannel_authentication_request(
        client, login_hint_token=HINT_TOKEN, private_jwk=dict(jwk)
    )
    weak = caught(
        lambda: backchannel_authentication_request(client, login_hint="a", private_jwk=jwk["d"])
    )
    return [response, weak, (jwk["d"], *sent)]


FLOWS = {name[5:]: flow for name, flow in globals().items() if name.startswith("flow_")}
if find_spec("oauth2core_clientauth_jwt") is None:  # the isolated run: no 'signed' extra
    del FLOWS["signed_request"]


@pytest.mark.parametrize("flow", FLOWS.values(), ids=FLOWS.keys())
def test_flow_shows_no_secret(flow, client, scanner, clock):
    sleeper = FakeSleeper(clock)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as http:
        produced = flow(client, http, clock, sleeper)
    if isinstance(produced[-1], tuple):  # secrets the flow made: the key, the request sent
        scanner.add(*produced.pop())
    scanner.assert_no_secrets(client, client.auth, *produced)
    assert scanner.counts["objects"] > 1
