"""TokenSerializer and BearerAuth."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests

from oauth2core import BearerAuth, BearerToken, ExpiredAccessToken, IssuedToken, TokenSerializer


def test_round_trip_keeps_fields_and_absolute_expiry():
    token = BearerToken(
        "at", expires_in=120, refresh_token="rt", scope="a b", id_token="x.y.z", custom=[1, 2]
    )
    serializer = TokenSerializer()
    text = serializer.dumps(token)
    assert "access_token" not in text  # compact, not the JSON itself
    loaded = serializer.loads(text)
    assert isinstance(loaded, BearerToken)
    assert loaded.access_token == "at"
    assert loaded.refresh_token == "rt"
    assert loaded.scope == "a b"
    assert loaded.custom == [1, 2]
    assert loaded.expires_at is not None
    assert token.expires_at is not None
    assert abs((loaded.expires_at - token.expires_at).total_seconds()) < 1e-3
    assert 118 <= (loaded.expires_in or 0) <= 120


def test_expired_token_stays_expired():
    past = datetime(2020, 1, 1, tzinfo=UTC)
    loaded = TokenSerializer().loads(TokenSerializer().dumps(BearerToken("a", expires_at=past)))
    assert loaded.is_expired() is True


def test_issued_token_round_trip():
    token = IssuedToken("x", token_type="N_A", issued_token_type="urn:x")
    loaded = TokenSerializer().loads(TokenSerializer().dumps(token))
    assert type(loaded) is IssuedToken


@pytest.mark.parametrize("text", ["", "!!!", "eJzLSM3JyQcABiwCFQ", "eJyLjgUAARUAuQ"])
def test_garbage_is_a_value_error(text):
    with pytest.raises(ValueError, match=r"^not a serialized token$"):
        TokenSerializer().loads(text)


def test_unknown_token_type():
    import base64
    import json
    import zlib

    raw = zlib.compress(json.dumps({"access_token": "a", "token_type": "mac"}).encode())
    text = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    with pytest.raises(ValueError, match="no token class"):
        TokenSerializer().loads(text)


def test_bearer_auth_from_string_and_token():
    request = requests.Request("GET", "https://api.example.com").prepare()
    assert BearerAuth("abc")(request).headers["Authorization"] == "Bearer abc"
    assert BearerAuth(BearerToken("def"))(request).headers["Authorization"] == "Bearer def"
    assert "abc" not in repr(BearerAuth("abc"))
    with pytest.raises(ExpiredAccessToken):
        BearerAuth(BearerToken("old", expires_in=0))(request)
