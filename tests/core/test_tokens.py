"""BearerToken: lifetime on an injected clock, fields, redaction, use as a requests auth."""

from __future__ import annotations

import copy
import math
import pickle
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
import responses

from oauth2core import BearerToken, ExpiredAccessToken, IssuedToken, OAuth2Error

ACCESS = "at-0123456789"
REFRESH = "rt-0123456789"
ID_TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."


# ------------------------------------------------------------------------------ lifetime


@pytest.mark.parametrize("lifetime", [60, 60.0, "60", " 60 ", "6e1"])
def test_expires_in_counts_down(clock, lifetime):
    token = BearerToken(ACCESS, expires_in=lifetime, clock=clock)
    assert token.expires_in == 60
    clock.advance(15)
    assert token.expires_in == 45
    assert token.is_expired() is False
    clock.advance(45)
    assert token.expires_in == 0
    assert token.is_expired() is True
    clock.advance(1_000)
    assert token.expires_in == 0


def test_expires_in_rounds_up_fractions(clock):
    token = BearerToken(ACCESS, expires_in=10.2, clock=clock)
    assert token.expires_in == 11
    clock.advance(10.1)
    assert token.expires_in == 1
    assert token.is_expired() is False


def test_expires_at_is_fixed_at_creation(clock):
    token = BearerToken(ACCESS, expires_in=60, clock=clock)
    expected = datetime.fromtimestamp(clock.wall + 60, tz=UTC)
    assert token.expires_at == expected
    clock.advance(30)
    assert token.expires_at == expected


def test_expiry_uses_monotonic_clock_not_wall_clock(clock):
    token = BearerToken(ACCESS, expires_in=60, clock=clock)
    clock.wall += 3_600  # the wall clock jumps forward: the token does not expire
    assert token.is_expired() is False
    assert token.expires_in == 60


@pytest.mark.parametrize("lifetime", [0, 0.0, "0"])
def test_zero_lifetime_is_already_expired(clock, lifetime):
    token = BearerToken(ACCESS, expires_in=lifetime, clock=clock)
    assert token.expires_in == 0
    assert token.is_expired() is True


@pytest.mark.parametrize(
    ("lifetime", "error"),
    [
        (-1, ValueError),
        (-0.5, ValueError),
        ("-5", ValueError),
        (math.nan, ValueError),
        (math.inf, ValueError),
        ("nan", ValueError),
        ("inf", ValueError),
        ("soon", ValueError),
        ("", ValueError),
        (True, TypeError),
        (False, TypeError),
        ([60], TypeError),
        ({"s": 60}, TypeError),
        (b"60", TypeError),
    ],
)
def test_invalid_lifetimes_are_rejected(clock, lifetime, error):
    with pytest.raises(error):
        BearerToken(ACCESS, expires_in=lifetime, clock=clock)


def test_is_expired_leeway_sign(clock):
    token = BearerToken(ACCESS, expires_in=60, clock=clock)
    assert token.is_expired(leeway=59) is False
    # now + leeway >= deadline: a positive leeway expires the token early
    assert token.is_expired(leeway=60) is True
    clock.advance(61)
    assert token.is_expired() is True
    # a negative leeway tolerates a token that is slightly past its deadline
    assert token.is_expired(leeway=-2) is False
    assert token.is_expired(leeway=-1) is True


def test_no_lifetime_means_unknown_expiry(clock):
    token = BearerToken(ACCESS, clock=clock)
    assert token.expires_in is None
    assert token.expires_at is None
    assert token.is_expired() is None
    assert token.is_expired(leeway=10_000) is None
    clock.advance(10**9)
    assert token.is_expired() is None


def test_expires_at_as_datetime(clock):
    deadline = datetime.fromtimestamp(clock.wall, tz=UTC) + timedelta(seconds=120)
    token = BearerToken(ACCESS, expires_at=deadline, clock=clock)
    assert token.expires_at == deadline
    assert token.expires_in == 120
    clock.advance(120)
    assert token.is_expired() is True


def test_expires_at_as_timestamp(clock):
    token = BearerToken(ACCESS, expires_at=int(clock.wall) + 30, clock=clock)
    assert token.expires_at == datetime.fromtimestamp(clock.wall + 30, tz=UTC)
    assert token.expires_in == 30


def test_expires_at_in_the_past_is_expired(clock):
    token = BearerToken(ACCESS, expires_at=clock.wall - 10, clock=clock)
    assert token.is_expired() is True
    assert token.expires_in == 0


def test_naive_expires_at_is_rejected(clock):
    with pytest.raises(ValueError, match="timezone-aware"):
        BearerToken(ACCESS, expires_at=datetime(2030, 1, 1), clock=clock)


def test_expires_in_and_expires_at_together_are_rejected(clock):
    with pytest.raises(TypeError, match="not both"):
        BearerToken(ACCESS, expires_in=60, expires_at=clock.wall + 60, clock=clock)


# ------------------------------------------------------------------------------ fields


@pytest.mark.parametrize("value", [None, 42, b"bytes", ["a"], ""])
def test_access_token_must_be_a_non_empty_string(value):
    with pytest.raises(TypeError, match="access_token"):
        BearerToken(value)


@pytest.mark.parametrize("token_type", ["MAC", "DPoP", "N_A", "", "Bearer "])
def test_wrong_token_type_is_rejected(token_type):
    with pytest.raises(ValueError, match="Bearer"):
        BearerToken(ACCESS, token_type=token_type)


@pytest.mark.parametrize("token_type", ["Bearer", "bearer", "BEARER"])
def test_token_type_is_case_insensitive_and_normalised(token_type):
    assert BearerToken(ACCESS, token_type=token_type).token_type == "Bearer"


@pytest.mark.parametrize("name", ["refresh_token", "scope"])
def test_refresh_token_and_scope_must_be_strings(name):
    kwargs: dict[str, Any] = {name: 123}
    with pytest.raises(TypeError, match=name):
        BearerToken(ACCESS, **kwargs)


def test_as_dict(clock):
    token = BearerToken(
        ACCESS,
        expires_in=300,
        refresh_token=REFRESH,
        scope="read write",
        id_token=ID_TOKEN,
        clock=clock,
        issued_token_type="urn:ietf:params:oauth:token-type:access_token",
    )
    clock.advance(100)
    assert token.as_dict() == {
        "access_token": ACCESS,
        "token_type": "Bearer",
        "expires_in": 200,
        "refresh_token": REFRESH,
        "scope": "read write",
        "id_token": ID_TOKEN,
        "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
    }


def test_as_dict_leaves_out_missing_fields():
    assert BearerToken(ACCESS).as_dict() == {"access_token": ACCESS, "token_type": "Bearer"}


def test_extra_fields_as_attributes_and_items():
    token = BearerToken(ACCESS, foo="bar", count=0, flag=False, empty="", nothing=None)
    assert token.foo == "bar"
    assert token["foo"] == "bar"
    # falsy extras are still there
    assert token.count == 0
    assert token["count"] == 0
    assert token.flag is False
    assert token["flag"] is False
    assert token.empty == ""
    assert token["empty"] == ""
    assert token.nothing is None
    assert token["nothing"] is None
    assert token.extra == {"foo": "bar", "count": 0, "flag": False, "empty": "", "nothing": None}


def test_standard_fields_as_items(clock):
    token = BearerToken(ACCESS, expires_in=60, refresh_token=REFRESH, clock=clock)
    assert token["access_token"] == ACCESS
    assert token["token_type"] == "Bearer"
    assert token["refresh_token"] == REFRESH
    assert token["expires_in"] == 60


def test_unknown_fields_raise_the_usual_errors():
    token = BearerToken(ACCESS)
    with pytest.raises(AttributeError):
        _ = token.missing
    with pytest.raises(KeyError):
        token["missing"]
    with pytest.raises(KeyError):
        token["scope"]  # a standard field that is absent
    assert not hasattr(token, "missing")


def test_str_is_the_access_token():
    assert str(BearerToken(ACCESS)) == ACCESS
    assert f"{BearerToken(ACCESS)}" == ACCESS


def test_repr_shows_no_token_value(clock):
    token = BearerToken(
        ACCESS,
        expires_in=60,
        refresh_token=REFRESH,
        id_token=ID_TOKEN,
        scope="read",
        clock=clock,
    )
    text = repr(token)
    for secret in (ACCESS, REFRESH, ID_TOKEN):
        assert secret not in text
    assert text.startswith("BearerToken(access_token=<redacted>")
    assert "refresh_token=<redacted>" in text
    assert "id_token=<redacted>" in text
    assert "expires_in=60" in text
    assert "scope='read'" in text


def test_repr_without_optional_fields():
    text = repr(BearerToken(ACCESS))
    assert ACCESS not in text
    assert "refresh_token" not in text
    assert "expires_in" not in text


def test_copy_and_pickle_keep_the_token(clock):
    token = BearerToken(ACCESS, expires_in=60, refresh_token=REFRESH, extra_field=1, clock=clock)
    for clone in (copy.copy(token), copy.deepcopy(token)):
        assert clone.access_token == ACCESS
        assert clone.refresh_token == REFRESH
        assert clone.extra_field == 1
    restored = pickle.loads(pickle.dumps(BearerToken(ACCESS, refresh_token=REFRESH, x=1)))  # noqa: S301
    assert restored.access_token == ACCESS
    assert restored.x == 1


# ------------------------------------------------------------------------------ as requests auth


def test_token_is_a_requests_auth(mock_http, endpoints):
    mock_http.get(endpoints.resource, json={"ok": True})
    with requests.Session() as session:
        response = session.get(endpoints.resource, auth=BearerToken(ACCESS))
        response.close()
    assert response.json() == {"ok": True}
    assert mock_http.calls[0].request.headers["Authorization"] == f"Bearer {ACCESS}"


def test_authorization_header():
    assert BearerToken(ACCESS).authorization_header() == f"Bearer {ACCESS}"


def test_expired_token_is_not_sent(mock_http, endpoints, clock):
    token = BearerToken(ACCESS, expires_in=60, clock=clock)
    clock.advance(60)
    with requests.Session() as session, pytest.raises(ExpiredAccessToken) as excinfo:
        session.get(endpoints.resource, auth=token)
    assert isinstance(excinfo.value, OAuth2Error)
    assert ACCESS not in str(excinfo.value)
    assert len(mock_http.calls) == 0


def test_token_with_zero_lifetime_is_never_sent(mock_http, endpoints, clock):
    with requests.Session() as session, pytest.raises(ExpiredAccessToken):
        session.get(endpoints.resource, auth=BearerToken(ACCESS, expires_in=0, clock=clock))
    assert len(mock_http.calls) == 0


def test_token_without_lifetime_is_always_sent(endpoints, clock):
    token = BearerToken(ACCESS, clock=clock)
    clock.advance(10**9)
    with responses.RequestsMock() as mock:
        mock.get(endpoints.resource, status=204)
        with requests.Session() as session:
            session.get(endpoints.resource, auth=token).close()
        assert mock.calls[0].request.headers["Authorization"] == f"Bearer {ACCESS}"


# ------------------------------------------------------------------------------ token helpers


def test_issued_token_cannot_authorize_requests(mock_http, endpoints):
    token = IssuedToken(
        "eyJ.issued.jwt",
        token_type="N_A",
        issued_token_type="urn:ietf:params:oauth:token-type:jwt",
    )
    assert token.issued_token_type == "urn:ietf:params:oauth:token-type:jwt"
    assert "eyJ.issued.jwt" not in repr(token)
    with requests.Session() as session, pytest.raises(TypeError, match="N_A"):
        session.get(endpoints.resource, auth=token)
    assert len(mock_http.calls) == 0
