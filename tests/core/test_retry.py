"""The opt-in retry policy: only requests safe to repeat; urllib3 decides, our loop sends."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError
from urllib3.util import Retry

from oauth2core import (
    EndpointError,
    InvalidDiscoveryDocument,
    InvalidGrant,
    InvalidResponse,
    InvalidTokenResponse,
    OAuth2Client,
    RetryPolicy,
    ServerError,
    TemporarilyUnavailable,
    TransportError,
    retry_after,
)
from oauth2core._retry import REPEATABLE_ENDPOINTS, REPEATABLE_GRANT_TYPES, repeatable
from oauth2core.hookspecs import CLIENT_AUTH_PHASE, RequestFlow
from oauth2core.testing import FakeClock, FakeSleeper

TOKEN_ANSWER = {"access_token": "at-1", "token_type": "Bearer", "expires_in": 60}
INTROSPECT = "https://as.example.com/oauth/introspect"
REVOKE = "https://as.example.com/oauth/revoke"
DATE = "Wed, 21 Oct 2026 07:28:00 GMT"


@pytest.fixture
def sleeper(clock: FakeClock) -> FakeSleeper:
    return FakeSleeper(clock)


@pytest.fixture
def policy(sleeper: FakeSleeper, clock: FakeClock) -> RetryPolicy:
    return RetryPolicy(3, sleeper=sleeper, clock=clock)


@pytest.fixture
def retrying(make_client: Any, policy: RetryPolicy, clock: FakeClock) -> OAuth2Client:
    client: OAuth2Client = make_client(
        retry=policy,
        clock=clock,
        introspection_endpoint=INTROSPECT,
        revocation_endpoint=REVOKE,
    )
    return client


@pytest.fixture
def ordered_http() -> Iterator[responses.RequestsMock]:
    """Answers given in the order they were added, each once."""
    with responses.RequestsMock(
        registry=responses.registries.OrderedRegistry, assert_all_requests_are_fired=True
    ) as mock:
        yield mock


def unavailable(**headers: str) -> dict[str, Any]:
    return {"status": 503, "json": {"error": "temporarily_unavailable"}, "headers": headers}


# ---------------------------------------------------------------- what is repeated


def test_a_client_credentials_request_is_retried_until_it_succeeds(
    retrying, ordered_http, endpoints, sleeper
):
    ordered_http.post(endpoints.token, **unavailable())
    ordered_http.post(endpoints.token, status=502, body="bad gateway")
    ordered_http.post(endpoints.token, json=TOKEN_ANSWER)
    token = retrying.client_credentials(scope="read")
    assert token.access_token == "at-1"
    assert len(ordered_http.calls) == 3
    assert all(parse_qs(c.request.body)["scope"] == ["read"] for c in ordered_http.calls)
    assert len(sleeper.waits) == 1  # urllib3's backoff: the first retry is immediate
    assert 1.0 <= sleeper.waits[0] <= 1.25  # 0.5 * 2**1, plus at most 0.25 s of jitter


def test_introspection_is_retried(retrying, ordered_http):
    ordered_http.post(INTROSPECT, status=500, body="oops")
    ordered_http.post(INTROSPECT, json={"active": True})
    assert retrying.introspect_token("at-1") == {"active": True}
    assert len(ordered_http.calls) == 2


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.authorization_code("code-1"), id="authorization_code"),
        pytest.param(lambda c: c.refresh_token("rt-1"), id="refresh_token"),
        pytest.param(lambda c: c.resource_owner_password("user", "pw"), id="password"),
        pytest.param(lambda c: c.token_exchange("at-0", "access_token"), id="token_exchange"),
        pytest.param(
            lambda c: c.grant_request("urn:ietf:params:oauth:grant-type:device_code"),
            id="device_code_poll",
        ),
        pytest.param(lambda c: c.grant_request("urn:openid:params:grant-type:ciba"), id="ciba"),
        pytest.param(
            lambda c: c.grant_request("urn:ietf:params:oauth:grant-type:jwt-bearer"),
            id="jwt_bearer",
        ),
        pytest.param(lambda c: c.revoke_access_token("at-1"), id="revocation"),
        pytest.param(
            lambda c: c.pushed_authorization_request(c.authorization_request(scope="openid")),
            id="par",
        ),
    ],
)
def test_requests_that_spend_something_are_never_retried(retrying, mock_http, sleeper, call):
    for url in (retrying.token_endpoint, REVOKE, retrying.pushed_authorization_request_endpoint):
        mock_http.add(responses.POST, url, **unavailable(**{"Retry-After": "1"}))
    mock_http.assert_all_requests_are_fired = False
    with pytest.raises(EndpointError) as caught:
        call(retrying)
    assert caught.value.status_code == 503
    assert len(mock_http.calls) == 1  # a single response is reused: a retry would show here
    assert sleeper.waits == []


def test_a_code_redemption_is_not_retried_on_503(retrying, mock_http, endpoints):
    mock_http.post(endpoints.token, **unavailable())
    with pytest.raises(TemporarilyUnavailable):
        retrying.authorization_code("code-1")
    assert len(mock_http.calls) == 1
    assert parse_qs(mock_http.calls[0].request.body)["code"] == ["code-1"]


def test_a_refresh_is_not_retried_on_503(retrying, mock_http, endpoints):
    mock_http.post(endpoints.token, status=503, json={"error": "server_error"})
    with pytest.raises(ServerError):
        retrying.refresh_token("rt-1")
    assert len(mock_http.calls) == 1


def test_the_knowledge_of_what_is_repeatable_lives_in_one_place():
    assert REPEATABLE_ENDPOINTS == {"discovery", "jwks", "introspection"}
    assert REPEATABLE_GRANT_TYPES == {"client_credentials"}
    assert repeatable("token", {"grant_type": "client_credentials"})
    assert not repeatable("token", {"grant_type": "authorization_code"})
    assert not repeatable("token", {"grant_type": "refresh_token"})
    assert not repeatable("token", None)
    for endpoint in ("revocation", "pushed_authorization", "userinfo", "device_authorization"):
        assert not repeatable(endpoint, {"grant_type": "client_credentials"})
    for endpoint in REPEATABLE_ENDPOINTS:
        assert repeatable(endpoint, None)


# ---------------------------------------------------------------- which answers, how long


@pytest.mark.parametrize("status", [400, 401, 403, 404, 408, 413])
def test_a_4xx_other_than_429_is_never_retried(make_client, mock_http, endpoints, status, clock):
    sleeper = FakeSleeper(clock)
    everything = Retry(total=3, status_forcelist=range(400, 600))  # even when asked to
    client = make_client(retry=RetryPolicy(everything, sleeper=sleeper))
    mock_http.post(
        endpoints.token,
        status=status,
        json={"error": "invalid_client"},
        headers={"Retry-After": "1"},
    )
    with pytest.raises(EndpointError):
        client.client_credentials()
    assert len(mock_http.calls) == 1
    assert sleeper.waits == []


def test_429_waits_what_retry_after_says(retrying, ordered_http, endpoints, sleeper):
    ordered_http.post(endpoints.token, status=429, body="slow down", headers={"Retry-After": "7"})
    ordered_http.post(endpoints.token, json=TOKEN_ANSWER)
    retrying.client_credentials()
    assert sleeper.waits == [7.0]


def test_retry_after_as_an_http_date(retrying, ordered_http, endpoints, sleeper):
    ordered_http.post(
        endpoints.token,
        **unavailable(**{"Retry-After": "Wed, 21 Oct 2026 07:28:12 GMT", "Date": DATE}),
    )
    ordered_http.post(endpoints.token, json=TOKEN_ANSWER)
    retrying.client_credentials()
    assert sleeper.waits == [12.0]


def test_a_retry_after_longer_than_the_maximum_gives_up_at_once(
    retrying, mock_http, endpoints, sleeper, caplog
):
    mock_http.post(endpoints.token, **unavailable(**{"Retry-After": "3600"}))
    with (
        caplog.at_level(logging.DEBUG, logger="oauth2core"),
        pytest.raises(TemporarilyUnavailable) as caught,
    ):
        retrying.client_credentials()
    assert caught.value.retry_after == 3600.0
    assert len(mock_http.calls) == 1
    assert sleeper.waits == []
    assert "more than retry_after_max" in caplog.records[-1].getMessage()


def test_retry_after_is_ignored_when_the_policy_says_so(make_client, ordered_http, endpoints):
    sleeper = FakeSleeper(FakeClock())
    retry = Retry(
        total=2,
        status_forcelist=[503],
        backoff_factor=3,
        respect_retry_after_header=False,
    )
    client = make_client(retry=RetryPolicy(retry, sleeper=sleeper))
    for _ in range(2):
        ordered_http.post(endpoints.token, **unavailable(**{"Retry-After": "3600"}))
    ordered_http.post(endpoints.token, json=TOKEN_ANSWER)
    client.client_credentials()
    assert sleeper.waits == [6.0]  # backoff only: 0 then 3 * 2**1


def test_exponential_backoff_capped_at_backoff_max(make_client, ordered_http, endpoints):
    sleeper = FakeSleeper(FakeClock())
    retry = Retry(total=5, status_forcelist=[500], backoff_factor=1, backoff_max=5)
    client = make_client(retry=RetryPolicy(retry, sleeper=sleeper))
    for _ in range(5):
        ordered_http.post(endpoints.token, status=500, body="oops")
    ordered_http.post(endpoints.token, json=TOKEN_ANSWER)
    client.client_credentials()
    assert sleeper.waits == [2.0, 4.0, 5.0, 5.0]


def test_when_attempts_run_out_the_last_error_is_raised_typed(
    retrying, mock_http, endpoints, sleeper
):
    mock_http.post(endpoints.token, **unavailable(**{"Retry-After": "2"}))
    with pytest.raises(TemporarilyUnavailable) as caught:
        retrying.client_credentials()
    assert not isinstance(caught.value, MaxRetryError)
    assert caught.value.response is not None
    assert caught.value.status_code == 503
    assert caught.value.retry_after == 2.0
    assert len(mock_http.calls) == 4  # retry=3: three more after the first
    assert sleeper.waits == [2.0, 2.0, 2.0]


def test_a_non_oauth_5xx_raises_invalid_response_when_attempts_run_out(
    retrying, mock_http, endpoints
):
    mock_http.post(endpoints.token, status=504, body="<html>timeout</html>")
    with pytest.raises(InvalidTokenResponse) as caught:
        retrying.client_credentials()
    assert caught.value.transient
    assert len(mock_http.calls) == 4


def test_retry_zero_sends_once(make_client, mock_http, endpoints):
    client = make_client(retry=0)
    mock_http.post(endpoints.token, **unavailable())
    with pytest.raises(TemporarilyUnavailable):
        client.client_credentials()
    assert len(mock_http.calls) == 1


def test_a_status_budget_of_the_retry_counts(make_client, mock_http, endpoints):
    sleeper = FakeSleeper(FakeClock())
    client = make_client(
        retry=RetryPolicy(Retry(total=None, status=1, status_forcelist=[503]), sleeper=sleeper)
    )
    mock_http.post(endpoints.token, **unavailable())
    with pytest.raises(TemporarilyUnavailable):
        client.client_credentials()
    assert len(mock_http.calls) == 2


# ---------------------------------------------------------------- transport failures


@pytest.mark.parametrize(
    "failure",
    [
        requests.ConnectionError("connection refused"),
        requests.ConnectTimeout("connect timeout"),
        requests.ReadTimeout("read timeout"),
        requests.exceptions.ChunkedEncodingError("connection broken"),
    ],
    ids=lambda failure: type(failure).__name__,
)
def test_transient_transport_failures_are_retried(retrying, ordered_http, endpoints, failure):
    ordered_http.post(endpoints.token, body=failure)
    ordered_http.post(endpoints.token, json=TOKEN_ANSWER)
    assert retrying.client_credentials().access_token == "at-1"
    assert len(ordered_http.calls) == 2


@pytest.mark.parametrize(
    "failure",
    [
        requests.exceptions.SSLError("certificate verify failed"),
        requests.exceptions.InvalidURL("bad url"),
    ],
    ids=lambda failure: type(failure).__name__,
)
def test_permanent_transport_failures_are_not_retried(retrying, mock_http, endpoints, failure):
    mock_http.post(endpoints.token, body=failure)
    with pytest.raises(TransportError) as caught:
        retrying.client_credentials()
    assert caught.value.transient is False
    assert len(mock_http.calls) == 1


def test_the_last_transport_error_is_raised_when_attempts_run_out(retrying, mock_http, endpoints):
    failure = requests.ConnectTimeout("connect timeout")
    mock_http.post(endpoints.token, body=failure)
    with pytest.raises(TransportError) as caught:
        retrying.client_credentials()
    assert caught.value.__cause__ is failure
    assert caught.value.transient
    assert len(mock_http.calls) == 4


def test_connect_and_read_budgets_are_counted_apart(make_client, mock_http, endpoints):
    retry = Retry(total=None, connect=2, read=0, status_forcelist=[503])
    client = make_client(retry=RetryPolicy(retry, sleeper=FakeSleeper(FakeClock())))
    mock_http.post(endpoints.token, body=requests.ReadTimeout("read timeout"))
    with pytest.raises(TransportError):
        client.client_credentials()
    assert len(mock_http.calls) == 1  # no read retry allowed
    mock_http.replace(responses.POST, endpoints.token, body=requests.ConnectTimeout("ct"))
    with pytest.raises(TransportError):
        client.client_credentials()
    assert len(mock_http.calls) == 1 + 3


# ---------------------------------------------------------------- each attempt is a new request


def test_each_attempt_passes_through_the_request_flows_again(
    registry_with, make_client, ordered_http, endpoints, policy
):
    stamped: list[int] = []

    def stamp(request: requests.PreparedRequest, context: Any) -> Any:
        if context.endpoint != "token":
            return None
        stamped.append(len(stamped) + 1)
        wire = request.copy()
        wire.headers["X-Attempt"] = str(stamped[-1])
        yield wire

    registry = registry_with(
        "stamp",
        register_request_flows=lambda register: register(
            RequestFlow("stamp", CLIENT_AUTH_PHASE + 1, stamp)
        ),
    )
    client = make_client(registry=registry, retry=policy)
    ordered_http.post(endpoints.token, **unavailable())
    ordered_http.post(endpoints.token, **unavailable())
    ordered_http.post(endpoints.token, json=TOKEN_ANSWER)
    client.client_credentials()
    assert [c.request.headers["X-Attempt"] for c in ordered_http.calls] == ["1", "2", "3"]
    bodies = [parse_qs(c.request.body) for c in ordered_http.calls]
    assert all(body["client_secret"] == [client.auth.client_secret] for body in bodies)


# ---------------------------------------------------------------- no retry: no work


def test_without_a_policy_nothing_is_asked(make_client, mock_http, endpoints, monkeypatch):
    import oauth2core._client

    def must_not_run(*args: object) -> bool:
        raise AssertionError("repeatable() runs on the no-retry path")

    monkeypatch.setattr(oauth2core._client, "repeatable", must_not_run)
    client = make_client()
    assert client.retry is None
    mock_http.post(endpoints.token, **unavailable())
    with pytest.raises(TemporarilyUnavailable):
        client.client_credentials()
    assert len(mock_http.calls) == 1


# ---------------------------------------------------------------- discovery


def discovery_document(issuer: str) -> dict[str, str]:
    return {"issuer": issuer, "token_endpoint": f"{issuer}/oauth/token"}


def test_discovery_is_retried_and_the_client_keeps_the_policy(
    ordered_http, registry, policy, sleeper, endpoints
):
    url = f"{endpoints.issuer}/.well-known/openid-configuration"
    ordered_http.get(url, **unavailable(**{"Retry-After": "1"}))
    ordered_http.get(url, body=requests.ConnectionError("refused"))
    ordered_http.get(url, json=discovery_document(endpoints.issuer))
    with OAuth2Client.from_discovery_endpoint(
        issuer=endpoints.issuer, retry=policy, registry=registry
    ) as client:
        assert client.retry is policy
        assert client.token_endpoint == endpoints.token
    assert len(ordered_http.calls) == 3
    assert sleeper.waits[0] == 1.0  # Retry-After
    assert 1.0 <= sleeper.waits[1] <= 1.25  # then the backoff of a second failure


def test_discovery_gives_up_with_the_usual_error(mock_http, registry, endpoints):
    url = f"{endpoints.issuer}/.well-known/openid-configuration"
    mock_http.get(url, status=500, body="oops")
    policy = RetryPolicy(2, sleeper=FakeSleeper(FakeClock()))
    with pytest.raises(InvalidDiscoveryDocument) as caught:
        OAuth2Client.from_discovery_endpoint(
            issuer=endpoints.issuer, retry=policy, registry=registry
        )
    assert caught.value.response is not None
    assert caught.value.response.status_code == 500
    assert len(mock_http.calls) == 3


def test_discovery_without_retry_fetches_once(mock_http, registry, endpoints):
    url = f"{endpoints.issuer}/.well-known/openid-configuration"
    mock_http.get(url, status=503, body="busy")
    with pytest.raises(InvalidDiscoveryDocument):
        OAuth2Client.from_discovery_endpoint(issuer=endpoints.issuer, registry=registry)
    assert len(mock_http.calls) == 1


# ---------------------------------------------------------------- logging


def test_each_retry_logs_one_warning_without_secrets(make_client, ordered_http, caplog, clock):
    url = "https://as.example.com/oauth/token?tenant=CANARY-QUERY"
    client = make_client(
        ("client-1", "CANARY-SECRET"), retry=RetryPolicy(3, sleeper=FakeSleeper(clock))
    )
    client.token_endpoint = url
    ordered_http.post(
        url,
        status=503,
        json={"error": "temporarily_unavailable", "error_description": "CANARY-BODY"},
        headers={"Retry-After": "2", "X-Canary": "CANARY-HEADER"},
    )
    ordered_http.post(url, body=requests.ConnectTimeout("CANARY-CAUSE"))
    ordered_http.post(url, json={**TOKEN_ANSWER, "access_token": "CANARY-TOKEN"})
    with caplog.at_level(logging.DEBUG):
        client.client_credentials(scope="CANARY-SCOPE")
    records = [r for r in caplog.records if r.name == "oauth2core.retry"]
    assert [r.levelno for r in records] == [logging.WARNING, logging.WARNING]
    first, second = (r.getMessage() for r in records)
    assert first == (
        "retrying the token request (POST https://as.example.com/oauth/token) "
        "after HTTP 503: attempt 2/4 in 2.00s"
    )
    assert second.startswith(
        "retrying the token request (POST https://as.example.com/oauth/token) "
        "after ConnectTimeout: attempt 3/4 in "
    )
    for record in caplog.records:
        text = record.getMessage() + repr(record.args) + repr(record.__dict__)
        assert "CANARY" not in text, record.__dict__
    assert logging.getLogger("oauth2core.retry").parent is logging.getLogger("oauth2core")


# ---------------------------------------------------------------- the policy object


def test_an_int_becomes_urllib3_retry_with_our_defaults():
    policy = RetryPolicy(2)
    retry = policy.retry
    assert isinstance(retry, Retry)
    assert retry.total == 2
    assert set(retry.status_forcelist or ()) == {429, 500, 502, 503, 504}
    assert retry.allowed_methods is None  # the endpoint decides, not the method
    assert (retry.backoff_factor, retry.backoff_max, retry.retry_after_max) == (0.5, 30, 30)
    assert retry.backoff_jitter == 0.25
    assert "Retry(total=2" in repr(policy)


def test_a_given_retry_keeps_its_settings_but_not_its_method_list():
    given = Retry(total=4, status_forcelist=[503], backoff_factor=2, retry_after_max=10)
    retry = RetryPolicy(given).retry
    assert (retry.total, list(retry.status_forcelist or ()), retry.backoff_factor) == (4, [503], 2)
    assert retry.retry_after_max == 10
    assert retry.allowed_methods is None
    assert given.allowed_methods is not None  # the caller's object is left alone


@pytest.mark.parametrize(
    ("value", "error"),
    [(True, TypeError), ("3", TypeError), (2.5, TypeError), (-1, ValueError)],
)
def test_bad_retry_values_are_caller_errors(value, error, make_client):
    with pytest.raises(error):
        RetryPolicy(value)
    with pytest.raises(error):
        make_client(retry=value)


def test_coerce():
    policy = RetryPolicy(1)
    assert RetryPolicy.coerce(None) is None
    assert RetryPolicy.coerce(policy) is policy
    coerced = RetryPolicy.coerce(5)
    assert coerced is not None
    assert coerced.retry.total == 5


def test_an_int_on_the_client_becomes_a_policy(make_client):
    client = make_client(retry=2)
    assert isinstance(client.retry, RetryPolicy)
    assert client.retry.retry.total == 2


# ---------------------------------------------------------------- Retry-After, the one parser


def answer(status: int = 503, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers or {})
    return response


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        pytest.param({}, None, id="absent"),
        pytest.param({"Retry-After": "120"}, 120.0, id="delta-seconds"),
        pytest.param({"Retry-After": " 5 "}, 5.0, id="spaces"),
        pytest.param(
            {"Retry-After": "Wed, 21 Oct 2026 07:28:30 GMT", "Date": DATE}, 30.0, id="date"
        ),
        pytest.param(
            {"Retry-After": "Wed, 21 Oct 2026 07:27:00 GMT", "Date": DATE}, 0.0, id="past"
        ),
        pytest.param({"Retry-After": "soon"}, None, id="unreadable"),
        pytest.param({"Retry-After": "-3"}, None, id="negative"),
        pytest.param({"X-RateLimit-Reset": "1792567690", "Date": DATE}, None, id="no-reset-header"),
    ],
)
def test_retry_after_parser(headers, seconds):
    assert retry_after(answer(headers=headers)) == seconds


def test_retry_after_date_without_date_header_uses_the_clock():
    clock = FakeClock(wall=1_792_567_680.0)  # 07:28:00 GMT on 21 Oct 2026
    value = retry_after(
        answer(headers={"Retry-After": "Wed, 21 Oct 2026 07:28:10 GMT"}), clock=clock
    )
    assert value == 10.0


def test_retry_after_reset_header():
    response = answer(headers={"X-RateLimit-Reset": "1792567690", "Date": DATE})
    assert retry_after(response, reset_header="X-RateLimit-Reset") == 10.0
    assert retry_after(None) is None


@pytest.mark.parametrize(
    ("status", "expected"), [(429, 4.0), (503, 4.0), (500, None), (400, None), (301, None)]
)
def test_errors_carry_retry_after_on_429_and_503(status, expected):
    response = answer(status, {"Retry-After": "4"})
    assert InvalidGrant(response, "invalid_grant").retry_after == expected
    assert InvalidResponse("not json", response).retry_after == expected
    assert InvalidResponse("no response").retry_after is None
    assert EndpointError(None, "expired_token").retry_after is None
