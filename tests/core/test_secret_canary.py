"""Canary: a secret, a token, a code or a verifier never shows in a repr, a message or a log."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import requests

import oauth2core
from oauth2core import AuthorizationRequest, BearerToken, OAuth2Client, TokenSerializer

CANARY = "CANARY-c4n4ry-s3cr3t"
TOKEN = "https://as.example.com/oauth/token"
ENDPOINTS: dict[str, Any] = {
    "revocation_endpoint": "https://as.example.com/oauth/revoke",
    "introspection_endpoint": "https://as.example.com/oauth/introspect",
    "userinfo_endpoint": "https://as.example.com/userinfo",
    "authorization_endpoint": "https://as.example.com/authorize",
}


def canary(n: int) -> str:
    return f"{CANARY}-{n}"


def check(*objects: object) -> None:
    for obj in objects:
        for text in (repr(obj), str(obj) if isinstance(obj, BaseException) else ""):
            assert CANARY not in text, text


@pytest.fixture
def client(registry):
    with OAuth2Client(
        TOKEN, ("client", canary(0)), registry=registry, redirect_uri="https://app/cb", **ENDPOINTS
    ) as client:
        yield client


def test_nothing_secret_in_reprs_messages_or_logs(client, mock_http, caplog):
    caplog.set_level(logging.DEBUG)
    body = {
        "access_token": canary(1),
        "refresh_token": canary(2),
        "id_token": canary(3),
        "token_type": "Bearer",
        "expires_in": 60,
    }
    mock_http.post(TOKEN, json=body)
    mock_http.post(TOKEN, status=400, json={"error": "invalid_grant"})
    mock_http.post(TOKEN, status=200, body=f"<html>{canary(9)}</html>", content_type="text/html")
    mock_http.post(ENDPOINTS["revocation_endpoint"], status=503, body="down")
    mock_http.post(ENDPOINTS["introspection_endpoint"], json={"active": True})
    mock_http.get(
        ENDPOINTS["userinfo_endpoint"], status=401, headers={"WWW-Authenticate": "Bearer"}
    )
    mock_http.post(TOKEN, body=requests.ConnectionError("refused"))

    request = AuthorizationRequest(
        ENDPOINTS["authorization_endpoint"],
        "client",
        "https://app/cb",
        state=canary(4),
        nonce=canary(5),
        code_verifier=canary(6) + "x" * 30,
        registry=client.registry,
    )
    response = request.validate_callback(f"https://app/cb?code={canary(7)}&state={canary(4)}")
    token = client.authorization_code(
        response, id_token_validation=oauth2core.SKIP_ID_TOKEN_VALIDATION
    )
    check(client, client.auth, request, response, token, oauth2core.BearerAuth(token))

    errors: list[BaseException] = []
    for call in (
        lambda: client.refresh_token(
            token, id_token_validation=oauth2core.SKIP_ID_TOKEN_VALIDATION
        ),
        lambda: client.client_credentials(),
        lambda: client.revoke_token(token),
        lambda: client.userinfo(token),
        lambda: client.client_credentials(),
        lambda: client.refresh_token(token),
        lambda: request.validate_callback(f"https://app/cb?code={canary(7)}&state={canary(8)}"),
        lambda: OAuth2Client(
            f"https://user:{canary(10)}@as.example.com/t", registry=client.registry
        ),
        lambda: BearerToken(canary(11), expires_in=0)(
            requests.Request("GET", "https://x").prepare()
        ),
    ):
        with pytest.raises(Exception) as caught:  # noqa: PT011 - each kind is checked elsewhere
            call()
        errors.append(caught.value)
    assert client.introspect_token(token)["active"] is True
    check(*errors)
    assert all(isinstance(e, oauth2core.OAuth2Error | ValueError | TypeError) for e in errors)
    assert CANARY not in caplog.text


def test_serialized_token_is_not_plain_text():
    text = TokenSerializer().dumps(BearerToken(canary(12)))
    assert CANARY not in text
