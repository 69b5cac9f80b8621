"""The polling-job base: interval and slow_down arithmetic, expiry, timeout, cancel, aliases."""

from __future__ import annotations

import math
import threading
import time
from typing import Any

import pytest

from oauth2core import (
    AccessDenied,
    AuthorizationPending,
    BaseTokenEndpointPollingJob,
    BaseTokenEndpointPoolingJob,
    BearerToken,
    EndpointError,
    ExpiredToken,
    InvalidGrant,
    OAuth2Error,
    PollingCancelled,
    PollingTimeout,
    SlowDown,
)


def pending() -> AuthorizationPending:
    return AuthorizationPending(None, "authorization_pending")


def slow_down() -> SlowDown:
    return SlowDown(None, "slow_down")


class ScriptedJob(BaseTokenEndpointPollingJob):
    """A job whose polls return (or raise) the given outcomes, in order."""

    def __init__(self, client: Any, outcomes: list[object], **kwargs: Any) -> None:
        self.outcomes = list(outcomes)
        self.polls: list[float] = []
        super().__init__(client, **kwargs)

    def token_request(self) -> Any:
        self.polls.append(self.client.clock.monotonic())
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


class Sleeper:
    """Advances the fake clock instead of sleeping, and records each wait."""

    def __init__(self, clock: Any, on_wait: Any = None) -> None:
        self.clock = clock
        self.waits: list[float] = []
        self.on_wait = on_wait

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.clock.advance(seconds)
        if self.on_wait is not None:
            self.on_wait()


@pytest.fixture
def sleeper(clock):
    return Sleeper(clock)


@pytest.fixture
def client(make_client, clock):
    return make_client(clock=clock)


def job(client, outcomes, sleeper, **kwargs) -> ScriptedJob:
    return ScriptedJob(client, outcomes, sleeper=sleeper, **kwargs)


# ------------------------------------------------------------------------------- one call


def test_waits_the_interval_then_polls_once(client, sleeper, clock):
    start = clock.mono
    polling = job(client, ["token"], sleeper)
    assert polling() == "token"
    assert sleeper.waits == [5]
    assert polling.polls == [start + 5]


def test_pending_returns_none_and_keeps_the_interval(client, sleeper):
    polling = job(client, [pending(), pending()], sleeper, interval=3)
    assert polling() is None
    assert polling() is None
    assert sleeper.waits == [3, 3]
    assert polling.interval == 3


def test_slow_down_adds_five_seconds_each_time(client, sleeper):
    polling = job(client, [slow_down(), slow_down(), "token"], sleeper)
    assert polling() is None
    assert polling.interval == 10
    assert polling() is None
    assert polling.interval == 15
    assert polling() == "token"
    assert sleeper.waits == [5, 10, 15]


def test_custom_slow_down_interval(client, sleeper):
    polling = job(
        client, [slow_down(), slow_down(), "t"], sleeper, interval=3, slow_down_interval=2
    )
    assert polling.run() == "t"
    assert sleeper.waits == [3, 5, 7]


@pytest.mark.parametrize(
    "error",
    [
        AccessDenied(None, "access_denied"),
        InvalidGrant(None, "invalid_grant"),
        ExpiredToken(None, "expired_token"),
        EndpointError(None, "server_specific"),
    ],
)
def test_other_errors_propagate(client, sleeper, error):
    polling = job(client, [error], sleeper)
    with pytest.raises(type(error)) as caught:
        polling()
    assert caught.value is error
    assert polling.interval == 5


def test_run_loops_until_the_token(client, sleeper):
    outcomes = [pending(), slow_down(), pending(), "token"]
    polling = job(client, outcomes, sleeper)
    assert polling.run() == "token"
    assert sleeper.waits == [5, 5, 10, 10]
    assert len(polling.polls) == 4


def test_run_raises_on_denial(client, sleeper):
    polling = job(client, [pending(), AccessDenied(None, "access_denied")], sleeper)
    with pytest.raises(AccessDenied):
        polling.run()


def test_token_kwargs_are_kept(client, sleeper):
    polling = job(client, [], sleeper, resource="https://api.example.com")
    assert polling.token_kwargs == {"resource": "https://api.example.com"}


def test_the_base_has_no_grant(client, sleeper):
    with pytest.raises(NotImplementedError):
        BaseTokenEndpointPollingJob(client, sleeper=sleeper)()


# ------------------------------------------------------------------------------- expiry


def test_expires_by_its_own_clock(client, sleeper):
    polling = job(client, [pending(), pending()], sleeper, expires_in=12)
    assert polling() is None
    assert polling() is None
    with pytest.raises(ExpiredToken) as caught:
        polling()
    assert sleeper.waits == [5, 5, 2]  # never waits past the expiry
    assert len(polling.polls) == 2  # and does not ask the server once expired
    error = caught.value
    assert error.response is None
    assert error.status_code is None
    assert error.error == "expired_token"
    assert error.transient is False
    assert "expired" in str(error)


def test_leeway_has_the_sign_of_tokens(client, sleeper):
    polling = job(client, [pending()], sleeper, expires_in=12, leeway=3)
    assert polling() is None
    with pytest.raises(ExpiredToken):
        polling()
    assert sleeper.waits == [5, 4]  # expired 3 s early: now + leeway >= expiry


def test_expiry_boundary(client, clock):
    polling = ScriptedJob(client, [], expires_in=10, leeway=3)
    clock.advance(6)
    assert polling.is_expired() is False
    clock.advance(1)
    assert polling.is_expired() is True


def test_expired_at_creation_raises_without_waiting(client, sleeper):
    polling = job(client, ["token"], sleeper, expires_in=0)
    assert polling.is_expired() is True
    with pytest.raises(ExpiredToken):
        polling()
    assert sleeper.waits == []


def test_expiry_unknown(client, sleeper):
    polling = job(client, [], sleeper)
    assert polling.is_expired() is None
    assert polling.expires_deadline is None


def test_server_expiry_propagates(client, sleeper):
    polling = job(client, [ExpiredToken(None, "expired_token")], sleeper, expires_in=600)
    with pytest.raises(ExpiredToken):
        polling.run()


# ------------------------------------------------------------------------ deadline and cancel


def test_overall_timeout(client, sleeper):
    polling = job(client, [pending(), pending()], sleeper, timeout=7)
    assert polling() is None
    with pytest.raises(PollingTimeout) as caught:
        polling()
    assert isinstance(caught.value, TimeoutError)
    assert isinstance(caught.value, OAuth2Error)
    assert sleeper.waits == [5, 2]
    assert len(polling.polls) == 1


def test_run_raises_on_timeout(client, sleeper):
    polling = job(client, [pending()] * 10, sleeper, timeout=12)
    with pytest.raises(PollingTimeout):
        polling.run()
    assert sleeper.waits == [5, 5, 2]


def test_cancel_before_a_call(client, sleeper):
    cancel = threading.Event()
    cancel.set()
    polling = job(client, ["token"], sleeper, cancel=cancel)
    with pytest.raises(PollingCancelled):
        polling()
    assert sleeper.waits == []


def test_cancel_during_the_wait(client, clock):
    cancel = threading.Event()
    sleeper = Sleeper(clock, on_wait=cancel.set)
    polling = job(client, ["token"], sleeper, cancel=cancel)
    with pytest.raises(PollingCancelled):
        polling.run()
    assert polling.polls == []


class RecordingEvent(threading.Event):
    """An event whose wait returns at once, set, as if another thread cancelled."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        self.set()
        return True


def test_without_a_sleeper_the_job_waits_on_the_cancel_event(client, monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda seconds: pytest.fail("slept"))
    cancel = RecordingEvent()
    polling = ScriptedJob(client, ["token"], cancel=cancel, interval=4)
    with pytest.raises(PollingCancelled):
        polling()
    assert cancel.waits == [4]
    assert polling.polls == []


def test_default_sleeper_is_time_sleep(client, clock, monkeypatch):
    slept: list[float] = []

    def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds)

    monkeypatch.setattr(time, "sleep", fake_sleep)
    polling = ScriptedJob(client, [pending(), "token"], interval=2)
    assert polling.run() == "token"
    assert slept == [2, 2]


# ------------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"interval": 0}, ValueError),
        ({"interval": -1}, ValueError),
        ({"interval": math.nan}, ValueError),
        ({"interval": math.inf}, ValueError),
        ({"interval": True}, TypeError),
        ({"interval": "5"}, TypeError),
        ({"slow_down_interval": -5}, ValueError),
        ({"leeway": -1}, ValueError),
        ({"expires_in": -1}, ValueError),
        ({"timeout": 0}, ValueError),
        ({"cancel": object()}, TypeError),
    ],
)
def test_bad_arguments(client, kwargs, error):
    with pytest.raises(error):
        ScriptedJob(client, [], **kwargs)


def test_repr(client, sleeper):
    assert repr(job(client, [], sleeper, interval=2.5)) == (
        "ScriptedJob(interval=2.5, slow_down_interval=5)"
    )


# ------------------------------------------------------------------------------- through a client


def test_polls_through_the_client(client, sleeper, mock_http, endpoints):
    bodies = [
        (400, {"error": "authorization_pending"}),
        (400, {"error": "slow_down"}),
        (200, {"access_token": "at-1", "token_type": "Bearer", "expires_in": 60}),
    ]
    for status, body in bodies:
        mock_http.post(endpoints.token, status=status, json=body)

    class GrantJob(BaseTokenEndpointPollingJob):
        def token_request(self) -> Any:
            return self.client.grant_request("urn:example:poll", code="c-1", **self.token_kwargs)

    polling = GrantJob(client, sleeper=sleeper, interval=1, resource="https://api.example.com")
    token = polling.run()
    assert isinstance(token, BearerToken)
    assert sleeper.waits == [1, 1, 6]
    sent = mock_http.calls[0].request.body
    assert "grant_type=urn%3Aexample%3Apoll" in sent
    assert "resource=https%3A%2F%2Fapi.example.com" in sent


# ------------------------------------------------------------------------------- deprecated alias


def test_deprecated_alias_warns_and_builds_the_new_class(client, sleeper):
    with pytest.warns(DeprecationWarning, match="BaseTokenEndpointPoolingJob is deprecated"):
        old = BaseTokenEndpointPoolingJob(client, sleeper=sleeper)
    assert type(old) is BaseTokenEndpointPollingJob
    assert isinstance(old, BaseTokenEndpointPollingJob)
    assert isinstance(old, BaseTokenEndpointPoolingJob)
    new = ScriptedJob(client, [], sleeper=sleeper)
    assert isinstance(new, BaseTokenEndpointPoolingJob)
    assert issubclass(BaseTokenEndpointPoolingJob, BaseTokenEndpointPollingJob)
    assert issubclass(BaseTokenEndpointPollingJob, BaseTokenEndpointPoolingJob)
    assert issubclass(ScriptedJob, BaseTokenEndpointPoolingJob)
    assert not isinstance(object(), BaseTokenEndpointPoolingJob)


def test_subclass_of_the_deprecated_alias(client, sleeper):
    class OldStyleJob(BaseTokenEndpointPoolingJob):  # type: ignore[valid-type,misc]
        def token_request(self) -> Any:
            return "token"

    with pytest.warns(DeprecationWarning, match="BaseTokenEndpointPoolingJob is deprecated"):
        polling = OldStyleJob(client, sleeper=sleeper)
    assert type(polling) is OldStyleJob
    assert polling() == "token"
    assert isinstance(polling, BaseTokenEndpointPollingJob)
    assert not isinstance(ScriptedJob(client, [], sleeper=sleeper), OldStyleJob)


def test_deprecated_alias_is_public():
    import oauth2core

    assert oauth2core.BaseTokenEndpointPoolingJob is BaseTokenEndpointPoolingJob
    assert BaseTokenEndpointPoolingJob.__module__ == "oauth2core"
    assert "Deprecated" in (BaseTokenEndpointPoolingJob.__doc__ or "")


def test_endpoint_error_without_a_response_is_not_transient():
    error = EndpointError(None, "expired_token", "gone")
    assert (error.response, error.status_code, error.transient) == (None, None, False)
    assert str(error) == "expired_token: gone"
