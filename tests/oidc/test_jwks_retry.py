"""Retries with the JOSE packages: JWKS fetches; a fresh client assertion per attempt."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import responses

from oauth2core import RetryPolicy, TemporarilyUnavailable, TransportError
from oauth2core.testing import FakeClock, FakeSleeper
from oauth2core_oidc import InvalidJwksResponse, Jwks
from oauth2core_oidc._settings import server_keys

JWKS_URL = "https://as.example.com/jwks"
TOKEN_ANSWER = {"access_token": "at-1", "token_type": "Bearer", "expires_in": 60}


@pytest.fixture
def ordered_http() -> Iterator[responses.RequestsMock]:
    """Answers given in the order they were added, each once."""
    with responses.RequestsMock(
        registry=responses.registries.OrderedRegistry, assert_all_requests_are_fired=True
    ) as mock:
        yield mock


@pytest.fixture
def sleeper(clock: FakeClock) -> FakeSleeper:
    return FakeSleeper(clock)


@pytest.fixture
def policy(sleeper: FakeSleeper, clock: FakeClock) -> RetryPolicy:
    return RetryPolicy(3, sleeper=sleeper, clock=clock)


def claims_of(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


def test_a_jwks_fetch_is_retried(ordered_http, server, policy, clock, sleeper):
    ordered_http.get(JWKS_URL, status=503, body="busy", headers={"Retry-After": "3"})
    ordered_http.get(JWKS_URL, body=requests.ConnectTimeout("connect"))
    ordered_http.get(JWKS_URL, json=server.jwks("rsa"))
    jwks = Jwks(JWKS_URL, clock=clock, retry=policy)
    assert jwks.verification_key("RS256", "rsa").kid == "rsa"
    assert len(ordered_http.calls) == 3
    assert sleeper.waits[0] == 3.0


def test_a_jwks_fetch_gives_up_with_the_usual_error(mock_http, policy, clock):
    mock_http.get(JWKS_URL, status=500, body="oops")
    with pytest.raises(InvalidJwksResponse) as caught:
        Jwks(JWKS_URL, clock=clock, retry=policy).refresh()
    assert caught.value.response is not None
    assert caught.value.response.status_code == 500
    assert caught.value.transient
    assert len(mock_http.calls) == 4


def test_a_jwks_fetch_gives_up_on_a_transport_error(mock_http, clock):
    mock_http.get(JWKS_URL, body=requests.ConnectionError("refused"))
    jwks = Jwks(JWKS_URL, clock=clock, retry=RetryPolicy(1, sleeper=FakeSleeper(clock)))
    with pytest.raises(TransportError):
        jwks.refresh()
    assert len(mock_http.calls) == 2


def test_without_retry_a_jwks_fetch_is_sent_once(mock_http, clock):
    mock_http.get(JWKS_URL, status=503, body="busy")
    with pytest.raises(InvalidJwksResponse):
        Jwks(JWKS_URL, clock=clock).refresh()
    assert len(mock_http.calls) == 1


def test_the_jwks_cache_of_a_client_uses_the_clients_policy(
    make_client, ordered_http, server, policy
):
    client = make_client(jwks_uri=JWKS_URL, retry=policy)
    ordered_http.get(JWKS_URL, status=502, body="bad gateway")
    ordered_http.get(JWKS_URL, json=server.jwks("rsa"))
    assert server_keys(client).keys[0]["kid"] == "rsa"
    assert len(ordered_http.calls) == 2


def test_a_discovered_jwks_uri_is_fetched_with_the_clients_policy(
    make_client, ordered_http, server, policy, urls
):
    client = make_client(jwks_uri=None, retry=policy)
    ordered_http.get(urls.discovery, status=503, body="busy")
    ordered_http.get(
        urls.discovery,
        json={"issuer": urls.issuer, "token_endpoint": urls.token, "jwks_uri": JWKS_URL},
    )
    ordered_http.get(JWKS_URL, status=503, body="busy")
    ordered_http.get(JWKS_URL, json=server.jwks("rsa"))
    assert server_keys(client).keys[0]["kid"] == "rsa"
    assert len(ordered_http.calls) == 4


def test_each_attempt_signs_a_fresh_client_assertion(make_client, ordered_http, keys, policy, urls):
    client = make_client(("client-1", keys.jwk("client_rsa", alg="RS256")), retry=policy)
    ordered_http.post(urls.token, status=503, json={"error": "temporarily_unavailable"})
    ordered_http.post(urls.token, status=503, json={"error": "temporarily_unavailable"})
    ordered_http.post(urls.token, json=TOKEN_ANSWER)
    client.client_credentials()
    assertions = [parse_qs(c.request.body)["client_assertion"][0] for c in ordered_http.calls]
    jtis = [claims_of(assertion)["jti"] for assertion in assertions]
    assert len(set(jtis)) == 3


def test_a_code_redemption_with_a_client_assertion_is_not_retried(
    make_client, mock_http, keys, policy, urls
):
    client = make_client(("client-1", keys.jwk("client_rsa", alg="RS256")), retry=policy)
    mock_http.post(urls.token, status=503, json={"error": "temporarily_unavailable"})
    with pytest.raises(TemporarilyUnavailable):
        client.authorization_code("code-1")
    assert len(mock_http.calls) == 1
