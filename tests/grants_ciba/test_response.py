"""BackChannelAuthenticationResponse: every response rule, expiry, extra fields, redaction."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from oauth2core import InvalidResponse
from oauth2core_grants_ciba import (
    BackChannelAuthenticationResponse,
    InvalidBackChannelAuthenticationResponse,
)

VALID = {"auth_req_id": "arid-secret-1", "expires_in": 120, "interval": 2}


def http_response(body: Any, *, raw: bytes | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = raw if raw is not None else json.dumps(body).encode()
    response.headers["Content-Type"] = "application/json"
    return response


def parse(body: Any, clock: Any) -> BackChannelAuthenticationResponse:
    return BackChannelAuthenticationResponse.from_response(http_response(body), clock=clock)


def test_all_fields(clock):
    parsed = parse(VALID, clock)
    assert parsed.auth_req_id == "arid-secret-1"
    assert (parsed.expires_in, parsed.interval) == (120, 2)
    assert parsed.expires_at == datetime.fromtimestamp(clock.wall + 120, tz=UTC)
    assert parsed.extra == {}


def test_interval_defaults_to_five(clock):
    assert parse({"auth_req_id": "a", "expires_in": 60}, clock).interval == 5  # CIBA Core §7.3


def test_expires_in_counts_down_and_expires_at_is_fixed(clock):
    parsed = parse(VALID, clock)
    fixed = parsed.expires_at
    clock.advance(19.5)
    assert parsed.expires_in == 101
    assert parsed.expires_at == fixed
    clock.advance(500)
    assert parsed.expires_in == 0


def test_is_expired_uses_the_leeway_sign_of_tokens(clock):
    parsed = parse(VALID, clock)
    assert parsed.is_expired() is False
    assert parsed.is_expired(leeway=119) is False
    assert parsed.is_expired(leeway=120) is True
    clock.advance(120)
    assert parsed.is_expired() is True
    assert parsed.remaining() == 0


def test_unknown_lifetime(clock):
    parsed = parse({"auth_req_id": "a"}, clock)
    assert (parsed.expires_in, parsed.expires_at, parsed.deadline) == (None, None, None)
    assert parsed.is_expired() is None
    assert parsed.remaining() is None


def test_extra_fields_are_kept(clock):
    parsed = parse({**VALID, "vendor": "x", "clock": "skewed"}, clock)
    assert parsed.extra == {"vendor": "x", "clock": "skewed"}
    assert parsed.vendor == "x"
    assert parsed.other is parsed.extra
    with pytest.raises(AttributeError):
        _ = parsed.missing
    clock.advance(20)
    assert parsed.as_dict() == {**VALID, "expires_in": 100, "vendor": "x", "clock": "skewed"}


def test_server_expires_at_counts_only_without_expires_in(clock):
    assert parse({**VALID, "expires_at": 5}, clock).extra == {"expires_at": 5}
    parsed = parse({"auth_req_id": "a", "expires_at": clock.wall + 30}, clock)
    assert parsed.expires_in == 30


def test_repr_hides_the_auth_req_id(clock):
    text = repr(parse(VALID, clock))
    assert "arid-secret-1" not in text
    assert (
        text
        == "BackChannelAuthenticationResponse(auth_req_id=<redacted>, expires_in=120, interval=2)"
    )


def test_missing_auth_req_id(clock):
    response = http_response({"expires_in": 60})
    with pytest.raises(InvalidBackChannelAuthenticationResponse, match="auth_req_id") as caught:
        BackChannelAuthenticationResponse.from_response(response, clock=clock)
    assert caught.value.response is response
    assert isinstance(caught.value, InvalidResponse)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("auth_req_id", 7),
        ("auth_req_id", ""),
        ("auth_req_id", None),
        ("expires_in", "later"),
        ("expires_in", True),
        ("expires_in", -3),
        ("expires_in", 1e300),
        ("interval", 0),
        ("interval", [1]),
        ("interval", True),
    ],
)
def test_wrong_types_and_values(clock, field, value):
    response = http_response({**VALID, field: value})
    with pytest.raises(InvalidBackChannelAuthenticationResponse) as caught:
        BackChannelAuthenticationResponse.from_response(response, clock=clock)
    assert caught.value.response is response


def test_not_json(clock):
    with pytest.raises(InvalidBackChannelAuthenticationResponse, match="not JSON"):
        BackChannelAuthenticationResponse.from_response(
            http_response(None, raw=b"<html/>"), clock=clock
        )


@pytest.mark.parametrize("body", [[VALID], "x", 1])
def test_not_an_object(clock, body):
    with pytest.raises(InvalidBackChannelAuthenticationResponse, match="not an object"):
        parse(body, clock)


def test_direct_construction(clock):
    at = datetime.fromtimestamp(clock.wall + 10, tz=UTC)
    assert BackChannelAuthenticationResponse("a", at, 3, clock=clock).expires_in == 10
    assert BackChannelAuthenticationResponse("a", clock.wall + 20, clock=clock).expires_in == 20
    with pytest.raises(TypeError, match="not both"):
        BackChannelAuthenticationResponse("a", at, expires_in=1)
    with pytest.raises(ValueError, match="timezone-aware"):
        BackChannelAuthenticationResponse("a", datetime(2030, 1, 1))
