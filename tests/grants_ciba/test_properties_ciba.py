"""Property tests: any backchannel authentication or polling answer gives a value or a typed error.

The backchannel authentication response (CIBA Core §7.3) and each poll of the token
endpoint (§11) are driven with ``responses``; the clock and the sleeper are fakes.
"""

from __future__ import annotations

import json
import math
from typing import Any

import responses
from hypothesis import example, given
from hypothesis import strategies as st

from oauth2core import (
    SKIP_ID_TOKEN_VALIDATION,
    AuthorizationPending,
    OAuth2Client,
    OAuth2Error,
    SlowDown,
)
from oauth2core.testing import FakeClock, FakeSleeper, registry_from
from oauth2core_grants_ciba import (
    BackChannelAuthenticationPollingJob,
    BackChannelAuthenticationResponse,
    backchannel_authentication_request,
)

ISSUER = "https://as.example.com"
TOKEN_URL = f"{ISSUER}/oauth/token"
BACKCHANNEL_URL = f"{ISSUER}/oauth/bc-authorize"
REGISTRY = registry_from("oauth2core_grants_ciba._plugin")
AUTH_REQ_ID = "ARI-canary-0123456789abcdef"

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)
lifetimes = (
    st.integers(-5, 10**6)
    | st.floats()
    | st.sampled_from([10**30, 1e17, "600", " 5 ", "x", 0, True])
    | json_values
)
fields = st.tuples(
    st.fixed_dictionaries(
        {},
        optional={
            "auth_req_id": st.just(AUTH_REQ_ID) | json_values,
            "expires_in": lifetimes,
            "expires_at": lifetimes,
            "interval": lifetimes,
            "error": json_values,
        },
    ),
    st.dictionaries(
        st.sampled_from(["clock", "extra"]) | st.text(max_size=6), json_values, max_size=2
    ),
).map(lambda both: {**both[1], **both[0]})
bodies = (
    fields.map(lambda f: json.dumps(f).encode())
    | json_values.map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=30)
)
statuses = st.sampled_from([200, 200, 200, 201, 400, 401, 429, 500])


def _client(clock: FakeClock) -> OAuth2Client:
    return OAuth2Client(
        TOKEN_URL,
        ("client-1", "secret-1"),
        registry=REGISTRY,
        clock=clock,
        backchannel_authentication_endpoint=BACKCHANNEL_URL,
    )


@given(body=bodies, status=statuses)
@example(body=b"[" * 5000, status=200).via("deep JSON")
@example(body=b'{"auth_req_id": "a", "expires_in": 1e17}', status=200).via("past year 9999")
def test_property_backchannel_authentication_response(body, status):
    client = _client(FakeClock())
    try:
        with responses.RequestsMock() as mock:
            mock.post(BACKCHANNEL_URL, body=body, status=status, content_type="application/json")
            result = backchannel_authentication_request(client, login_hint="user")
    except OAuth2Error as error:
        raised: OAuth2Error | None = error
    else:
        raised = None
    if raised is not None:
        response = getattr(raised, "response", None)
        assert response is not None
        assert response.content == body
        assert AUTH_REQ_ID not in f"{raised} {raised!r}"
        return
    assert status == 200
    sent = json.loads(body)
    assert isinstance(result, BackChannelAuthenticationResponse)
    assert result.auth_req_id == sent["auth_req_id"]
    assert math.isfinite(result.interval)
    assert result.interval > 0
    assert AUTH_REQ_ID not in repr(result)


polls = st.lists(
    st.tuples(
        st.sampled_from([200, 400, 400, 400, 401, 500]) | st.integers(200, 599),
        st.sampled_from(
            [
                {"error": "authorization_pending"},
                {"error": "slow_down"},
                {"error": "expired_token"},
                {"error": "access_denied"},
                {"access_token": "at", "token_type": "Bearer", "id_token": "x.y.z"},
            ]
        )
        | fields,
    ),
    min_size=1,
    max_size=3,
)


@given(answers=polls, interval=st.integers(1, 10) | st.floats(0.001, 1e6))
def test_property_polling_job(answers, interval):
    clock = FakeClock()
    sleeper = FakeSleeper(clock)
    job = BackChannelAuthenticationPollingJob(
        _client(clock),
        "auth-req-id",
        interval=interval,
        expires_in=10**9,
        sleeper=sleeper,
        id_token_validation=SKIP_ID_TOKEN_VALIDATION,
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for status, body in answers:
            mock.post(TOKEN_URL, json=body, status=status)
        for status, body in answers:
            before = job.interval
            try:
                token: Any = job()
            except (AuthorizationPending, SlowDown):  # pragma: no cover - the job handles them
                raise
            except OAuth2Error:
                return
            if token is not None:
                assert status == 200
                assert token.access_token == body["access_token"]
                return
            assert body.get("error") in ("authorization_pending", "slow_down")
            if body["error"] == "slow_down":  # CIBA Core §11: the interval grows by 5 s
                assert job.interval == before + 5
            else:
                assert job.interval == before
    assert sleeper.waits


def test_a_response_field_named_self_is_an_extra_field():
    with responses.RequestsMock() as mock:
        mock.post(BACKCHANNEL_URL, json={"auth_req_id": "a", "self": 1})
        result = backchannel_authentication_request(_client(FakeClock()), login_hint="user")
    assert result.extra == {"self": 1}
