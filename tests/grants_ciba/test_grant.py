"""ciba() and BackChannelAuthenticationPollingJob: the grant, its errors, polling, the alias."""

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
    AuthorizationPending,
    BaseTokenEndpointPollingJob,
    BearerToken,
    ExpiredToken,
    InvalidGrant,
    PollingCancelled,
    PollingTimeout,
    SlowDown,
    UnvalidatedIdToken,
    hookimpl,
)
from oauth2core.hookspecs import TokenResponseStep
from oauth2core.testing import registry_from
from oauth2core_grants_ciba import (
    CIBA_GRANT,
    BackChannelAuthenticationPollingJob,
    BackChannelAuthenticationPoolingJob,
    BackChannelAuthenticationResponse,
    ciba,
)

ISSUER = "https://as.example.com"
TOKEN = f"{ISSUER}/oauth/token"
SKIP: dict[str, Any] = {"id_token_validation": SKIP_ID_TOKEN_VALIDATION}
TOKEN_BODY = {
    "access_token": "at-1",
    "token_type": "Bearer",
    "expires_in": 60,
    "refresh_token": "rt-1",
    "id_token": "h.p.s",
}
PENDING = (400, {"error": "authorization_pending"})
SLOW_DOWN = (400, {"error": "slow_down"})
TOKEN_OK = (200, TOKEN_BODY)


class Answers:
    """A token endpoint that answers ``bodies`` in turn, recording each form."""

    def __init__(self, *bodies: tuple[int, dict[str, Any]]) -> None:
        self.queue = list(bodies)
        self.forms: list[dict[str, list[str]]] = []

    def __call__(self, request: Any) -> tuple[int, dict[str, str], str]:
        self.forms.append(parse_qs(request.body))
        status, body = self.queue.pop(0)
        return status, {"Content-Type": "application/json"}, json.dumps(body)


def serve(mock_http: Any, *bodies: tuple[int, dict[str, Any]]) -> Answers:
    answers = Answers(*bodies)
    mock_http.add_callback("POST", TOKEN, callback=answers)
    return answers


def started(clock: Any, **fields: Any) -> BackChannelAuthenticationResponse:
    return BackChannelAuthenticationResponse("arid-1", clock=clock, **{"expires_in": 120, **fields})


# ------------------------------------------------------------------------------- ciba()


def test_ciba_grant(client, mock_http, clock):
    answers = serve(mock_http, TOKEN_OK)
    token = client.ciba(started(clock), **SKIP)
    assert isinstance(token, BearerToken)
    assert token.id_token == "h.p.s"
    assert answers.forms == [
        {
            "grant_type": [CIBA_GRANT],
            "auth_req_id": ["arid-1"],
            "client_id": ["client-1"],
            "client_secret": ["secret-1"],
        }
    ]


def test_ciba_with_a_string_and_extra_params(client, mock_http):
    answers = serve(mock_http, TOKEN_OK)
    ciba(client, "arid-2", resource="https://api.example.com", **SKIP)
    assert answers.forms[0]["auth_req_id"] == ["arid-2"]
    assert answers.forms[0]["resource"] == ["https://api.example.com"]


def test_ciba_needs_an_id_token_validator(client, mock_http):
    with pytest.raises(UnvalidatedIdToken):  # refused before the request is sent
        client.ciba("arid-1")


def test_ciba_with_an_id_token_validator(mock_http, make_client):
    seen: list[Any] = []

    def validate(token: Any, context: Any) -> Any:
        seen.append(token.id_token)
        return token

    def register_token_response_steps(register: Any) -> None:
        register(TokenResponseStep("test.id_token", validate, frozenset({"id_token_validation"})))

    validator = ModuleType("test_id_token_validator")
    validator.register_token_response_steps = hookimpl(register_token_response_steps)  # type: ignore[attr-defined]
    registry = registry_from("oauth2core_grants_ciba._plugin", validator)
    client = make_client(registry=registry)
    serve(mock_http, TOKEN_OK)
    client.ciba("arid-1")
    assert seen == ["h.p.s"]
    assert BackChannelAuthenticationPollingJob(client, "arid-1").auth_req_id == "arid-1"


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("authorization_pending", AuthorizationPending),
        ("slow_down", SlowDown),
        ("expired_token", ExpiredToken),
        ("access_denied", AccessDenied),
        ("invalid_grant", InvalidGrant),
    ],
)
def test_ciba_errors(client, mock_http, code, cls):
    serve(mock_http, (400, {"error": code}))
    with pytest.raises(cls):
        client.ciba("arid-1", **SKIP)


@pytest.mark.parametrize(("value", "error"), [("", ValueError), (None, TypeError), (1, TypeError)])
def test_bad_auth_req_id(client, value, error):
    with pytest.raises(error):
        client.ciba(value, **SKIP)


# ------------------------------------------------------------------------------- polling


def test_polls_until_the_token(client, mock_http, clock, sleeper):
    answers = serve(mock_http, PENDING, SLOW_DOWN, PENDING, TOKEN_OK)
    job = BackChannelAuthenticationPollingJob(client, started(clock), sleeper=sleeper, **SKIP)
    assert job.interval == 5  # the response named none: CIBA Core §7.3
    token = job.run()
    assert token.access_token == "at-1"
    assert sleeper.waits == [5, 5, 10, 10]
    assert len(answers.forms) == 4


def test_interval_from_the_response_or_the_argument(client, clock):
    assert (
        BackChannelAuthenticationPollingJob(client, started(clock, interval=2), **SKIP).interval
        == 2
    )
    job = BackChannelAuthenticationPollingJob(client, started(clock), interval=9, **SKIP)
    assert job.interval == 9
    assert BackChannelAuthenticationPollingJob(client, "arid", **SKIP).interval == 5


def test_slow_down_interval(client, mock_http, sleeper):
    serve(mock_http, SLOW_DOWN, TOKEN_OK)
    job = BackChannelAuthenticationPollingJob(
        client, "arid", interval=1, slow_down_interval=3, sleeper=sleeper, **SKIP
    )
    job.run()
    assert sleeper.waits == [1, 4]


def test_expires_by_the_response_expiry(client, mock_http, clock, sleeper):
    serve(mock_http, PENDING, PENDING)
    job = BackChannelAuthenticationPollingJob(
        client, started(clock, expires_in=13), sleeper=sleeper, **SKIP
    )
    with pytest.raises(ExpiredToken) as caught:
        job.run()
    assert caught.value.response is None
    assert sleeper.waits == [5, 5, 3]


def test_expiry_of_a_string_auth_req_id(client, mock_http, sleeper):
    serve(mock_http, PENDING)
    job = BackChannelAuthenticationPollingJob(client, "arid", expires_in=6, sleeper=sleeper, **SKIP)
    with pytest.raises(ExpiredToken):
        job.run()
    assert sleeper.waits == [5, 1]


def test_denied(client, mock_http, sleeper):
    serve(mock_http, PENDING, (400, {"error": "access_denied"}))
    with pytest.raises(AccessDenied):
        BackChannelAuthenticationPollingJob(client, "arid", sleeper=sleeper, **SKIP).run()


def test_timeout_and_cancel(client, mock_http, clock, sleeper):
    serve(mock_http, PENDING)
    job = BackChannelAuthenticationPollingJob(client, "arid", timeout=6, sleeper=sleeper, **SKIP)
    with pytest.raises(PollingTimeout):
        job.run()
    cancel = threading.Event()
    cancel.set()
    job = BackChannelAuthenticationPollingJob(client, "arid", cancel=cancel, **SKIP)
    with pytest.raises(PollingCancelled):
        job.run()


def test_the_job_refuses_at_once_without_an_id_token_validator(client, mock_http):
    with pytest.raises(UnvalidatedIdToken):
        BackChannelAuthenticationPollingJob(client, "arid")


def test_token_kwargs_reach_the_grant(client, mock_http, sleeper):
    answers = serve(mock_http, TOKEN_OK)
    job = BackChannelAuthenticationPollingJob(
        client, "arid", sleeper=sleeper, resource="https://api.example.com", **SKIP
    )
    job.run()
    assert answers.forms[0]["resource"] == ["https://api.example.com"]


@pytest.mark.parametrize("value", ["", None, 3])
def test_bad_job_argument(client, value):
    with pytest.raises(TypeError):
        BackChannelAuthenticationPollingJob(client, value, **SKIP)


def test_repr_hides_the_auth_req_id(client):
    text = repr(BackChannelAuthenticationPollingJob(client, "arid-secret", **SKIP))
    assert "arid-secret" not in text
    assert "auth_req_id=<redacted>" in text


def test_deprecated_alias(client, mock_http, sleeper):
    serve(mock_http, TOKEN_OK)
    with pytest.warns(DeprecationWarning, match="BackChannelAuthenticationPoolingJob"):
        job = BackChannelAuthenticationPoolingJob(client, "arid", sleeper=sleeper, **SKIP)
    assert type(job) is BackChannelAuthenticationPollingJob
    assert isinstance(job, BackChannelAuthenticationPoolingJob)
    assert isinstance(job, BaseTokenEndpointPollingJob)
    assert isinstance(
        BackChannelAuthenticationPollingJob(client, "arid", **SKIP),
        BackChannelAuthenticationPoolingJob,
    )
    assert issubclass(BackChannelAuthenticationPollingJob, BackChannelAuthenticationPoolingJob)
    assert issubclass(BackChannelAuthenticationPoolingJob, BackChannelAuthenticationPollingJob)
    assert job.run().access_token == "at-1"
