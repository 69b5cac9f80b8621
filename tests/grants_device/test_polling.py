"""DeviceAuthorizationPollingJob: interval rules, slow_down, expiry, cancel, the alias."""

from __future__ import annotations

import json
import threading
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs

import pytest

from oauth2core import (
    SKIP_ID_TOKEN_VALIDATION,
    AccessDenied,
    BaseTokenEndpointPollingJob,
    BearerToken,
    ExpiredToken,
    PollingCancelled,
    PollingTimeout,
    UnvalidatedIdToken,
    hookimpl,
)
from oauth2core.hookspecs import TokenResponseStep
from oauth2core.testing import registry_from
from oauth2core_grants_device import (
    DeviceAuthorizationPollingJob,
    DeviceAuthorizationPoolingJob,
    DeviceAuthorizationResponse,
)

ISSUER = "https://as.example.com"
TOKEN = f"{ISSUER}/oauth/token"


class Answers:
    """A token endpoint that answers ``bodies`` in turn, recording each form."""

    def __init__(self, *bodies: tuple[int, dict[str, Any]]) -> None:
        self.queue = list(bodies)
        self.forms: list[dict[str, list[str]]] = []

    def __call__(self, request: Any) -> tuple[int, dict[str, str], str]:
        self.forms.append(parse_qs(request.body))
        status, body = self.queue.pop(0)
        return status, {"Content-Type": "application/json"}, json.dumps(body)


answers = Answers


PENDING = (400, {"error": "authorization_pending"})
SLOW_DOWN = (400, {"error": "slow_down"})
TOKEN_OK = (200, {"access_token": "at-1", "token_type": "Bearer", "expires_in": 60})


def device_response(clock, **fields: Any) -> DeviceAuthorizationResponse:
    fields = {"expires_in": 600, **fields}
    return DeviceAuthorizationResponse("dc-1", "UC-1", f"{ISSUER}/device", clock=clock, **fields)


def test_polls_until_the_token(client, mock_http, clock, sleeper):
    endpoint = answers(PENDING, SLOW_DOWN, PENDING, TOKEN_OK)
    mock_http.add_callback("POST", TOKEN, callback=endpoint)
    job = DeviceAuthorizationPollingJob(client, device_response(clock), sleeper=sleeper)
    assert job() is None
    assert job() is None
    assert job.interval == 10
    assert job() is None
    token = job()
    assert isinstance(token, BearerToken)
    assert sleeper.waits == [5, 5, 10, 10]
    assert all(form["device_code"] == ["dc-1"] for form in endpoint.forms)


def test_interval_comes_from_the_argument_then_the_response_then_five(client, clock, sleeper):
    assert DeviceAuthorizationPollingJob(client, "dc").interval == 5
    assert DeviceAuthorizationPollingJob(client, device_response(clock, interval=2)).interval == 2
    assert DeviceAuthorizationPollingJob(client, device_response(clock)).interval == 5
    job = DeviceAuthorizationPollingJob(client, device_response(clock, interval=2), interval=7)
    assert job.interval == 7


def test_positional_arguments_like_requests_oauth2client(client):
    job = DeviceAuthorizationPollingJob(client, "dc", 3, 4)
    assert (job.interval, job.slow_down_interval) == (3, 4)


def test_slow_down_interval(client, mock_http, clock, sleeper):
    mock_http.add_callback("POST", TOKEN, callback=answers(SLOW_DOWN, SLOW_DOWN, TOKEN_OK))
    job = DeviceAuthorizationPollingJob(client, "dc", 1, 2, sleeper=sleeper)
    job.run()
    assert sleeper.waits == [1, 3, 5]


def test_expires_by_the_response_expiry(client, mock_http, clock, sleeper):
    mock_http.add_callback("POST", TOKEN, callback=answers(PENDING, PENDING))
    response = device_response(clock, expires_in=12)
    job = DeviceAuthorizationPollingJob(client, response, sleeper=sleeper)
    with pytest.raises(ExpiredToken) as caught:
        job.run()
    assert caught.value.response is None
    assert sleeper.waits == [5, 5, 2]
    assert len(mock_http.calls) == 2


def test_a_response_that_already_expired(client, clock, sleeper):
    response = device_response(clock, expires_in=5)
    clock.advance(6)
    job = DeviceAuthorizationPollingJob(client, response, sleeper=sleeper)
    with pytest.raises(ExpiredToken):
        job()
    assert sleeper.waits == []


def test_expiry_of_a_device_code_string(client, mock_http, sleeper):
    mock_http.add_callback("POST", TOKEN, callback=answers(PENDING))
    job = DeviceAuthorizationPollingJob(client, "dc", expires_in=8, sleeper=sleeper)
    with pytest.raises(ExpiredToken):
        job.run()
    assert sleeper.waits == [5, 3]


def test_leeway(client, mock_http, clock, sleeper):
    mock_http.add_callback("POST", TOKEN, callback=answers(PENDING))
    job = DeviceAuthorizationPollingJob(
        client, device_response(clock, expires_in=12), leeway=4, sleeper=sleeper
    )
    with pytest.raises(ExpiredToken):
        job.run()
    assert sleeper.waits == [5, 3]


def test_server_expired_token(client, mock_http, sleeper):
    mock_http.add_callback(
        "POST", TOKEN, callback=answers(PENDING, (400, {"error": "expired_token"}))
    )
    with pytest.raises(ExpiredToken) as caught:
        DeviceAuthorizationPollingJob(client, "dc", sleeper=sleeper).run()
    assert caught.value.response is not None


def test_access_denied(client, mock_http, sleeper):
    mock_http.add_callback(
        "POST", TOKEN, callback=answers(PENDING, (400, {"error": "access_denied"}))
    )
    with pytest.raises(AccessDenied):
        DeviceAuthorizationPollingJob(client, "dc", sleeper=sleeper).run()


def test_timeout(client, mock_http, sleeper):
    mock_http.add_callback("POST", TOKEN, callback=answers(PENDING, PENDING))
    job = DeviceAuthorizationPollingJob(client, "dc", timeout=11, sleeper=sleeper)
    with pytest.raises(PollingTimeout):
        job.run()
    assert sleeper.waits == [5, 5, 1]


def test_cancel(client, mock_http, clock):
    cancel = threading.Event()
    mock_http.add_callback("POST", TOKEN, callback=answers(PENDING))

    def sleep_then_cancel(seconds: float) -> None:
        clock.advance(seconds)
        if len(mock_http.calls) == 1:
            cancel.set()

    job = DeviceAuthorizationPollingJob(client, "dc", cancel=cancel, sleeper=sleep_then_cancel)
    with pytest.raises(PollingCancelled):
        job.run()
    assert len(mock_http.calls) == 1


def test_token_kwargs_reach_the_grant(client, mock_http, clock, sleeper):
    endpoint = answers((200, {**TOKEN_OK[1], "id_token": "a.b.c"}))
    mock_http.add_callback("POST", TOKEN, callback=endpoint)
    response = device_response(clock)
    response.requested_scope = "openid"
    with pytest.raises(UnvalidatedIdToken):  # at once: not after a wait, nor a spent code
        DeviceAuthorizationPollingJob(client, response, sleeper=sleeper)
    job = DeviceAuthorizationPollingJob(
        client,
        response,
        sleeper=sleeper,
        id_token_validation=SKIP_ID_TOKEN_VALIDATION,
        resource="https://api.example.com",
    )
    assert job.run().id_token == "a.b.c"
    assert endpoint.forms[0]["resource"] == ["https://api.example.com"]


@pytest.mark.parametrize("value", ["", None, 42])
def test_bad_device_code(client, value):
    with pytest.raises(TypeError):
        DeviceAuthorizationPollingJob(client, value)


def test_repr_hides_the_device_code(client):
    text = repr(DeviceAuthorizationPollingJob(client, "dc-secret"))
    assert "dc-secret" not in text
    assert text == (
        "DeviceAuthorizationPollingJob(device_code=<redacted>, interval=5, slow_down_interval=5)"
    )


def test_deprecated_alias(client, mock_http, sleeper):
    mock_http.add_callback("POST", TOKEN, callback=answers(TOKEN_OK))
    with pytest.warns(DeprecationWarning, match="DeviceAuthorizationPoolingJob is deprecated"):
        job = DeviceAuthorizationPoolingJob(client, "dc", sleeper=sleeper)
    assert type(job) is DeviceAuthorizationPollingJob
    assert isinstance(job, DeviceAuthorizationPoolingJob)
    assert isinstance(job, BaseTokenEndpointPollingJob)
    assert isinstance(DeviceAuthorizationPollingJob(client, "dc"), DeviceAuthorizationPoolingJob)
    assert issubclass(DeviceAuthorizationPoolingJob, DeviceAuthorizationPollingJob)
    assert issubclass(DeviceAuthorizationPollingJob, DeviceAuthorizationPoolingJob)
    assert isinstance(job.run(), BearerToken)


def test_an_id_token_validator_removes_the_need_for_the_opt_out(make_client, clock):
    def register_token_response_steps(register: Any) -> None:
        register(
            TokenResponseStep("test.id_token", lambda t, c: t, frozenset({"id_token_validation"}))
        )

    validator = ModuleType("test_device_id_token_validator")
    validator.register_token_response_steps = hookimpl(register_token_response_steps)  # type: ignore[attr-defined]
    client = make_client(registry=registry_from("oauth2core_grants_device._plugin", validator))
    response = device_response(clock)
    response.requested_scope = "openid api:read"
    assert DeviceAuthorizationPollingJob(client, response).response is response
