"""DeviceAuthorizationResponse: every response rule, expiry, extra fields, redaction."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from oauth2core import InvalidResponse
from oauth2core_grants_device import (
    DeviceAuthorizationResponse,
    InvalidDeviceAuthorizationResponse,
)

VALID = {
    "device_code": "dc-secret-1",
    "user_code": "WDJB-MJHT",
    "verification_uri": "https://as.example.com/device",
    "verification_uri_complete": "https://as.example.com/device?user_code=WDJB-MJHT",
    "expires_in": 600,
    "interval": 2,
}


def http_response(body: Any, *, status: int = 200, raw: bytes | None = None) -> requests.Response:
    import json

    response = requests.Response()
    response.status_code = status
    response._content = raw if raw is not None else json.dumps(body).encode()
    response.headers["Content-Type"] = "application/json"
    return response


def parse(body: Any, clock: Any) -> DeviceAuthorizationResponse:
    return DeviceAuthorizationResponse.from_response(http_response(body), clock=clock)


def test_all_fields(clock):
    parsed = parse(VALID, clock)
    assert parsed.device_code == "dc-secret-1"
    assert parsed.user_code == "WDJB-MJHT"
    assert parsed.verification_uri == "https://as.example.com/device"
    assert parsed.verification_uri_complete == f"{VALID['verification_uri']}?user_code=WDJB-MJHT"
    assert parsed.interval == 2
    assert parsed.expires_in == 600
    assert parsed.expires_at == datetime.fromtimestamp(clock.wall + 600, tz=UTC)
    assert parsed.extra == {}


def test_optional_fields_and_default_interval(clock):
    body = {k: v for k, v in VALID.items() if k not in ("verification_uri_complete", "interval")}
    parsed = parse(body, clock)
    assert parsed.verification_uri_complete is None
    assert parsed.interval == 5  # RFC 8628 §3.2


def test_expires_in_counts_down_and_expires_at_is_fixed(clock):
    parsed = parse(VALID, clock)
    fixed = parsed.expires_at
    clock.advance(100.5)
    assert parsed.expires_in == 500  # rounded up
    assert parsed.expires_at == fixed
    clock.advance(1000)
    assert parsed.expires_in == 0


def test_is_expired_uses_the_leeway_sign_of_tokens(clock):
    parsed = parse(VALID, clock)
    assert parsed.is_expired() is False
    assert parsed.is_expired(leeway=599) is False
    assert parsed.is_expired(leeway=600) is True  # now + leeway >= expiry
    clock.advance(600)
    assert parsed.is_expired() is True
    assert parsed.remaining() == 0


def test_zero_lifetime_is_expired(clock):
    parsed = parse({**VALID, "expires_in": 0}, clock)
    assert parsed.is_expired() is True
    assert parsed.expires_in == 0


def test_unknown_lifetime(clock):
    body = {k: v for k, v in VALID.items() if k != "expires_in"}
    parsed = parse(body, clock)
    assert parsed.expires_in is None
    assert parsed.expires_at is None
    assert parsed.is_expired() is None
    assert parsed.remaining() is None
    assert parsed.deadline is None


def test_numeric_strings_are_accepted(clock):
    parsed = parse({**VALID, "expires_in": "600", "interval": "3"}, clock)
    assert (parsed.expires_in, parsed.interval) == (600, 3)


def test_extra_fields_are_kept(clock):
    parsed = parse({**VALID, "message": "Enter the code", "clock": "skewed"}, clock)
    assert parsed.extra == {"message": "Enter the code", "clock": "skewed"}
    assert parsed.message == "Enter the code"
    assert parsed.other is parsed.extra
    assert parsed.as_dict()["message"] == "Enter the code"
    with pytest.raises(AttributeError):
        _ = parsed.not_there


def test_server_expires_at_counts_only_without_expires_in(clock):
    parsed = parse({**VALID, "expires_at": 1}, clock)
    assert parsed.extra == {"expires_at": 1}
    assert parsed.expires_in == 600
    body = {k: v for k, v in VALID.items() if k != "expires_in"}
    parsed = parse({**body, "expires_at": clock.wall + 60}, clock)
    assert parsed.expires_in == 60


def test_verification_url_is_accepted(clock):
    body = {k: v for k, v in VALID.items() if k != "verification_uri"}
    parsed = parse({**body, "verification_url": "https://as.example.com/go"}, clock)
    assert parsed.verification_uri == "https://as.example.com/go"


def test_as_dict_has_a_live_expires_in(clock):
    parsed = parse(VALID, clock)
    clock.advance(10)
    assert parsed.as_dict() == {**VALID, "expires_in": 590}


def test_repr_hides_the_device_code(clock):
    parsed = parse(VALID, clock)
    text = repr(parsed)
    assert "dc-secret-1" not in text
    assert "device_code=<redacted>" in text
    assert "WDJB-MJHT" in text
    assert "interval=2" in text


@pytest.mark.parametrize("missing", ["device_code", "user_code", "verification_uri"])
def test_missing_required_field(clock, missing):
    body = {k: v for k, v in VALID.items() if k != missing}
    response = http_response(body)
    with pytest.raises(InvalidDeviceAuthorizationResponse, match=missing) as caught:
        DeviceAuthorizationResponse.from_response(response, clock=clock)
    assert caught.value.response is response
    assert isinstance(caught.value, InvalidResponse)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("device_code", 42),
        ("device_code", ""),
        ("device_code", None),
        ("user_code", ["a"]),
        ("verification_uri", {"u": 1}),
        ("verification_uri_complete", 7),
        ("expires_in", "soon"),
        ("expires_in", True),
        ("expires_in", -1),
        ("expires_in", [600]),
        ("expires_in", 1e308 * 10),
        ("expires_in", 1e300),
        ("interval", 0),
        ("interval", -5),
        ("interval", False),
        ("interval", "often"),
        ("interval", {}),
    ],
)
def test_wrong_types_and_values(clock, field, value):
    response = http_response({**VALID, field: value})
    with pytest.raises(InvalidDeviceAuthorizationResponse) as caught:
        DeviceAuthorizationResponse.from_response(response, clock=clock)
    assert caught.value.response is response
    assert not isinstance(caught.value, TypeError | KeyError)


def test_not_json(clock):
    response = http_response(None, raw=b"<html>oops</html>")
    with pytest.raises(InvalidDeviceAuthorizationResponse, match="not JSON"):
        DeviceAuthorizationResponse.from_response(response, clock=clock)


@pytest.mark.parametrize("body", [[VALID], "text", 42, None])
def test_not_an_object(clock, body):
    with pytest.raises(InvalidDeviceAuthorizationResponse, match="not an object"):
        parse(body, clock)


def test_direct_construction(clock):
    expires_at = datetime.fromtimestamp(clock.wall + 30, tz=UTC)
    made = DeviceAuthorizationResponse(
        "dc", "UC", "https://as.example.com/d", None, expires_at, 4, clock=clock
    )
    assert (made.expires_in, made.interval) == (30, 4)
    epoch = DeviceAuthorizationResponse(
        "dc", "UC", "https://as.example.com/d", expires_at=clock.wall + 45, clock=clock
    )
    assert epoch.expires_in == 45
    assert math.isclose(epoch.remaining() or 0, 45)


def test_direct_construction_errors(clock):
    with pytest.raises(TypeError, match="not both"):
        DeviceAuthorizationResponse(
            "dc", "UC", "https://x", expires_in=1, expires_at=2, clock=clock
        )
    with pytest.raises(ValueError, match="timezone-aware"):
        DeviceAuthorizationResponse("dc", "UC", "https://x", expires_at=datetime(2030, 1, 1))
