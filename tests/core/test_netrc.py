"""A ``.netrc`` entry for the server's host never adds credentials to oauth2core's requests.

requests adds ``.netrc`` Basic credentials to any request that has no auth of its own: a
token request would then carry a second client authentication (and a password meant for
something else), and ApiClient would send credentials where it promises to send none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import responses

from oauth2core import ApiClient, OAuth2Client

NETRC_PASSWORD = "netrc-password-canary"


@pytest.fixture(autouse=True)
def netrc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "netrc"
    lines = [
        f"machine {host} login netrc-user password {NETRC_PASSWORD}"
        for host in ("as.example.com", "api.example.com", "elsewhere.example.com")
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    monkeypatch.setenv("NETRC", str(path))


def test_the_netrc_file_is_read_by_plain_requests(mock_http: responses.RequestsMock) -> None:
    """The premise: without oauth2core, requests does add the credentials."""
    import requests

    mock_http.get("https://api.example.com/plain")
    requests.get("https://api.example.com/plain", timeout=5)
    assert str(mock_http.calls[0].request.headers["Authorization"]).startswith("Basic ")


def test_token_request_carries_only_the_client_authentication(
    client: OAuth2Client, endpoints: Any, mock_http: responses.RequestsMock
) -> None:
    mock_http.post(endpoints.token, json={"access_token": "at", "token_type": "Bearer"})
    client.client_credentials()
    request = mock_http.calls[0].request
    assert "Authorization" not in request.headers  # client_secret_post: the secret is in the form
    assert "client_secret=" in str(request.body)


def test_discovery_fetch_sends_no_credentials(mock_http: responses.RequestsMock) -> None:
    issuer = "https://as.example.com"
    mock_http.get(
        f"{issuer}/.well-known/openid-configuration",
        json={"issuer": issuer, "token_endpoint": f"{issuer}/oauth/token"},
    )
    with OAuth2Client.from_discovery_endpoint(issuer=issuer, auth=("id", "secret")):
        pass
    assert "Authorization" not in mock_http.calls[0].request.headers


def test_api_client_sends_nothing_outside_its_base_url(mock_http: responses.RequestsMock) -> None:
    mock_http.get("https://elsewhere.example.com/data")
    mock_http.get("https://api.example.com/v1/data")
    with ApiClient("https://api.example.com/v1", auth=None) as api:
        api.get("https://elsewhere.example.com/data")
        api.get("data")
    for call in mock_http.calls:
        assert "Authorization" not in call.request.headers
