"""Canary: device codes, client secrets and tokens never show in a repr, a message or a log.

Every device flow (RFC 8628) runs under :class:`oauth2core.testing.SecretScanner`:
success, refusals, expiry (server and client side), malformed answers, cancel and timeout.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import responses

import oauth2core
from oauth2core import OAuth2Client
from oauth2core.testing import FakeSleeper, SecretScanner
from oauth2core_grants_device import (
    DeviceAuthorizationPollingJob,
    DeviceAuthorizationPoolingJob,
    DeviceAuthorizationResponse,
    OAuth2DeviceCodeAuth,
    authorize_device,
    device_code,
    render_user_instructions,
)

CANARY = "CANARY-c4n4ry-s3cr3t"
ISSUER = "https://as.example.com"
TOKEN = f"{ISSUER}/oauth/token"
DEVICE = f"{ISSUER}/oauth/device"
API = "https://api.example.com/things"
SECRET = f"{CANARY}-client-secret"
DEVICE_CODE = f"{CANARY}-device-code"
NOT_A_STRING: Any = 42
PENDING = (400, {"error": "authorization_pending"})
SLOW_DOWN = (400, {"error": "slow_down"})


def canary(name: str) -> str:
    return f"{CANARY}-{name}"


def tokens(n: str) -> tuple[int, dict[str, Any]]:
    body = {"access_token": canary(f"at-{n}"), "refresh_token": canary(f"rt-{n}")}
    return 200, {**body, "token_type": "Bearer", "expires_in": 60}


def device_body(**fields: Any) -> dict[str, Any]:
    return {
        "device_code": DEVICE_CODE,
        "user_code": "WDJB-MJHT",
        "verification_uri": f"{ISSUER}/device",
        "verification_uri_complete": f"{ISSUER}/device?user_code=WDJB-MJHT",
        "expires_in": 600,
        "interval": 5,
        **fields,
    }


@pytest.fixture
def scanner() -> Iterator[SecretScanner]:
    issued = [canary(f"{kind}-{n}") for kind in ("at", "rt") for n in range(5)]
    with SecretScanner(SECRET, DEVICE_CODE, *issued) as scan:
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


def flow_device_flow(client, http, clock, sleeper):
    answer(http, DEVICE, (200, device_body()))
    answer(http, TOKEN, PENDING, SLOW_DOWN, tokens("0"))
    response = authorize_device(client, scope="read")
    instructions = render_user_instructions(response)
    assert DEVICE_CODE not in instructions
    job = DeviceAuthorizationPollingJob(client, response, sleeper=sleeper)
    token = job.run()
    return [response, job, token, sleeper]


def flow_device_flow_by_client_methods(client, http, clock, sleeper):
    answer(http, DEVICE, (200, device_body()))
    answer(http, TOKEN, PENDING, (400, {"error": "access_denied"}))
    response = client.authorize_device()
    errors = [caught(lambda: client.device_code(response)) for _ in range(2)]
    return [response, *errors]


def flow_refusals(client, http, clock, sleeper):
    answer(
        http,
        TOKEN,
        (400, {"error": "access_denied", "error_description": "the user said no"}),
        (400, {"error": "expired_token"}),
        (401, {"error": "invalid_client"}),
        (400, {"error": "invalid_grant"}),
    )
    jobs = [DeviceAuthorizationPollingJob(client, DEVICE_CODE, sleeper=sleeper) for _ in range(4)]
    return [*jobs, *(caught(job.run) for job in jobs)]


def flow_expiry_timeout_cancel(client, http, clock, sleeper):
    answer(http, TOKEN, PENDING)  # a lone registered answer repeats
    expired = DeviceAuthorizationResponse(DEVICE_CODE, "UC", f"{ISSUER}/d", expires_in=0)
    cancel = threading.Event()
    cancel.set()
    jobs = [
        DeviceAuthorizationPollingJob(client, DEVICE_CODE, expires_in=7, sleeper=sleeper),
        DeviceAuthorizationPollingJob(client, DEVICE_CODE, timeout=1, sleeper=sleeper),
        DeviceAuthorizationPollingJob(client, DEVICE_CODE, cancel=cancel, sleeper=sleeper),
    ]
    errors = [caught(job.run) for job in jobs]
    errors.append(caught(lambda: DeviceAuthorizationPollingJob(client, expired).run()))
    errors.append(caught(lambda: device_code(client, expired)))
    return [*jobs, *errors, expired]


def flow_bad_device_responses(client, http, clock, sleeper):
    bad: list[tuple[int, Any]] = [
        (200, device_body(interval="soon")),
        (200, device_body(expires_in=-1)),
        (200, device_body(verification_uri=None)),
        (200, {k: v for k, v in device_body().items() if k != "user_code"}),
        (200, {"error": "invalid_scope", "device_code": DEVICE_CODE}),
        (200, f"<html>{DEVICE_CODE}</html>"),
        (200, json.dumps(device_body())[:-3]),
        (200, [DEVICE_CODE]),
        (500, f"<html>{DEVICE_CODE}</html>"),
        (401, {"error": "invalid_client"}),
    ]
    errors = []
    for status, body in bad:
        answer(http, DEVICE, (status, body))
        errors.append(caught(lambda: authorize_device(client)))
    http.post(DEVICE, body=requests.ConnectionError("refused"))
    errors.append(caught(lambda: authorize_device(client)))
    return errors


def flow_bad_token_responses(client, http, clock, sleeper):
    answer(
        http,
        TOKEN,
        (200, f"<html>{canary('at-4')}</html>"),
        (200, {"access_token": canary("at-4"), "token_type": "MAC"}),
        (503, f"{canary('at-4')}"),
    )
    return [caught(lambda: device_code(client, DEVICE_CODE)) for _ in range(3)]


def flow_auth_handler(client, http, clock, sleeper):
    answer(http, TOKEN, PENDING, tokens("1"), tokens("2"))
    http.get(API, json={})
    http.get(API, status=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    http.get(API, json={})
    auth = OAuth2DeviceCodeAuth(client, DEVICE_CODE, sleeper=sleeper)
    with requests.Session() as session:
        session.get(API, auth=auth)
        session.get(API, auth=auth)  # the 401 refreshes the token once
    denied = OAuth2DeviceCodeAuth(client, DEVICE_CODE, sleeper=sleeper)
    answer(http, TOKEN, (400, {"error": "access_denied"}))
    return [auth, denied, auth.token, caught(denied.renew_token)]


def flow_deprecated_alias(client, http, clock, sleeper):
    job = DeviceAuthorizationPoolingJob(client, DEVICE_CODE, sleeper=sleeper)
    assert isinstance(job, DeviceAuthorizationPollingJob)
    return [job]


def flow_misuse(client, http, clock, sleeper):
    return [
        caught(lambda: DeviceAuthorizationPollingJob(client, DEVICE_CODE, interval=-1)),
        caught(lambda: DeviceAuthorizationResponse(DEVICE_CODE, "UC", f"{ISSUER}/d", interval=-5)),
        caught(lambda: DeviceAuthorizationResponse(DEVICE_CODE, NOT_A_STRING, f"{ISSUER}/d")),
        caught(lambda: client.device_code(DEVICE_CODE, dpop=SECRET)),
    ]


FLOWS = {name[5:]: flow for name, flow in globals().items() if name.startswith("flow_")}


@pytest.mark.parametrize("flow", FLOWS.values(), ids=FLOWS.keys())
def test_flow_shows_no_secret(flow, client, scanner, clock):
    sleeper = FakeSleeper(clock)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as http:
        produced = flow(client, http, clock, sleeper)
    scanner.assert_no_secrets(client, client.auth, *produced)
    assert scanner.counts["objects"] > 1


def test_the_deprecation_warning_was_scanned(client, scanner, clock):
    DeviceAuthorizationPoolingJob(client, DEVICE_CODE, sleeper=FakeSleeper(clock))
    scanner.assert_no_secrets()
    assert scanner.counts["warnings"] == 1
