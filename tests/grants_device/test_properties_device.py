"""Property tests: any device authorization or polling answer gives a value or a typed error.

The device authorization response (RFC 8628 §3.2) and each poll of the token endpoint
(§3.5) are driven with ``responses``; the clock and the sleeper are fakes.
"""

from __future__ import annotations

import json
import math
from typing import Any

import responses
from hypothesis import example, given
from hypothesis import strategies as st

from oauth2core import AuthorizationPending, OAuth2Client, OAuth2Error, SlowDown
from oauth2core.testing import FakeClock, FakeSleeper, registry_from
from oauth2core_grants_device import (
    DeviceAuthorizationPollingJob,
    DeviceAuthorizationResponse,
    authorize_device,
    render_user_instructions,
)

ISSUER = "https://as.example.com"
TOKEN_URL = f"{ISSUER}/oauth/token"
DEVICE_URL = f"{ISSUER}/oauth/device"
REGISTRY = registry_from("oauth2core_grants_device._plugin")
DEVICE_CODE = "DC-canary-0123456789abcdef"

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
fields = st.fixed_dictionaries(
    {},
    optional={
        "device_code": st.just(DEVICE_CODE) | json_values,
        "user_code": st.text(max_size=8) | json_values,
        "verification_uri": st.text(max_size=12) | json_values,
        "verification_url": st.text(max_size=12),
        "verification_uri_complete": st.text(max_size=12) | json_values,
        "expires_in": lifetimes,
        "expires_at": lifetimes,
        "interval": lifetimes,
        "error": json_values,
    },
)
extra_fields = st.dictionaries(
    st.sampled_from(["clock", "extra", "requested_scope"]) | st.text(max_size=6),
    json_values,
    max_size=2,
)
fields = st.tuples(fields, extra_fields).map(lambda both: {**both[1], **both[0]})
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
        device_authorization_endpoint=DEVICE_URL,
    )


@given(body=bodies, status=statuses)
@example(body=b"[" * 5000, status=200).via("deep JSON")
@example(
    body=b'{"device_code": "d", "user_code": "u", "verification_uri": "v", "expires_in": 1e17}',
    status=200,
).via("an expiry past year 9999")
def test_property_device_authorization_response(body, status):
    client = _client(FakeClock())
    try:
        with responses.RequestsMock() as mock:
            mock.post(DEVICE_URL, body=body, status=status, content_type="application/json")
            result = authorize_device(client, scope="profile")
    except OAuth2Error as error:
        raised: OAuth2Error | None = error
    else:
        raised = None
    if raised is not None:
        response = getattr(raised, "response", None)
        assert response is not None
        assert response.content == body
        assert DEVICE_CODE not in f"{raised} {raised!r}"
        return
    assert status == 200
    sent = json.loads(body)
    assert isinstance(result, DeviceAuthorizationResponse)
    assert result.device_code == sent["device_code"]
    assert result.user_code == sent["user_code"]
    assert result.verification_uri == sent.get("verification_uri", sent.get("verification_url"))
    assert math.isfinite(result.interval)
    assert result.interval > 0
    assert DEVICE_CODE not in repr(result)
    instructions = render_user_instructions(result)
    assert all(c.isprintable() or c == "\n" for c in instructions)
    assert DEVICE_CODE not in instructions


polls = st.lists(
    st.tuples(
        st.sampled_from([200, 400, 400, 400, 401, 500]) | st.integers(200, 599),
        st.sampled_from(
            [
                {"error": "authorization_pending"},
                {"error": "slow_down"},
                {"error": "expired_token"},
                {"error": "access_denied"},
                {"access_token": "at", "token_type": "Bearer"},
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
    client = _client(clock)
    job = DeviceAuthorizationPollingJob(
        client, "device-code", interval=interval, expires_in=10**9, sleeper=sleeper
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
            assert status != 200 or "access_token" not in body
            assert body.get("error") in ("authorization_pending", "slow_down")
            if body["error"] == "slow_down":  # RFC 8628 §3.5: 5 more seconds, for good
                assert job.interval == before + 5
            else:
                assert job.interval == before
    assert sleeper.waits  # every poll waited its interval first


def test_a_response_field_named_self_is_an_extra_field():
    body = {"device_code": "d", "user_code": "u", "verification_uri": "https://v", "self": 1}
    with responses.RequestsMock() as mock:
        mock.post(DEVICE_URL, json=body)
        result = authorize_device(_client(FakeClock()))
    assert result.extra == {"self": 1}
