"""Token exchange (RFC 8693)."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from oauth2core import BearerToken, InvalidTokenResponse, IssuedToken

ACCESS = "urn:ietf:params:oauth:token-type:access_token"
REFRESH = "urn:ietf:params:oauth:token-type:refresh_token"
ID = "urn:ietf:params:oauth:token-type:id_token"
GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
TOKEN = "https://as.example.com/oauth/token"


def sent(mock_http, index: int = 0) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(mock_http.calls[index].request.body).items()}


def test_exchange_a_bearer_token(client, mock_http):
    mock_http.post(
        TOKEN,
        json={
            "access_token": "new",
            "token_type": "Bearer",
            "issued_token_type": ACCESS,
            "expires_in": 60,
        },
    )
    token = client.token_exchange(BearerToken("old"), resource="https://api.example.com")
    form = sent(mock_http)
    assert form["grant_type"] == GRANT
    assert form["subject_token"] == "old"
    assert form["subject_token_type"] == ACCESS
    assert form["resource"] == "https://api.example.com"
    assert "actor_token" not in form
    assert token.access_token == "new"
    assert token.issued_token_type == ACCESS


def test_short_names_and_actor(client, mock_http):
    mock_http.post(TOKEN, json={"access_token": "x", "token_type": "bearer"})
    client.token_exchange(
        "subject", "id_token", actor_token=BearerToken("actor"), requested_token_type="jwt"
    )
    form = sent(mock_http)
    assert form["subject_token_type"] == ID
    assert form["actor_token"] == "actor"
    assert form["actor_token_type"] == ACCESS
    assert form["requested_token_type"] == "urn:ietf:params:oauth:token-type:jwt"


def test_refresh_token_of_a_bearer_token(client, mock_http):
    mock_http.post(TOKEN, json={"access_token": "x", "token_type": "Bearer"})
    client.token_exchange(BearerToken("a", refresh_token="r"), "refresh_token")
    assert sent(mock_http)["subject_token"] == "r"
    assert sent(mock_http)["subject_token_type"] == REFRESH


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("a-string",), "subject_token_type is required"),
        ((BearerToken("a"), "id_token"), "cannot be a 'id_token'"),
        ((42,), "must be a token object or a string"),
        (("s", "jwt", None, "jwt"), "actor_token_type needs an actor_token"),
    ],
)
def test_caller_mistakes(client, args, message):
    with pytest.raises(TypeError, match=message):
        client.token_exchange(*args)


def test_n_a_token_type(client, mock_http):
    mock_http.post(
        TOKEN, json={"access_token": "an-id-token", "token_type": "N_A", "issued_token_type": ID}
    )
    token = client.token_exchange("s", "access_token", requested_token_type="id_token")
    assert isinstance(token, IssuedToken)
    assert token.issued_token_type == ID
    assert str(token) == "an-id-token"
    import requests

    with pytest.raises(TypeError, match="not an access token"):
        token(requests.Request("GET", "https://api.example.com").prepare())


def test_n_a_outside_token_exchange_is_invalid(client, mock_http):
    mock_http.post(TOKEN, json={"access_token": "x", "token_type": "N_A"})
    with pytest.raises(InvalidTokenResponse, match="N_A"):
        client.client_credentials()
