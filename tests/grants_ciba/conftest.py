"""Fixtures of the CIBA unit tests: a fake clock and sleeper, clients, mocked HTTP.

These tests run with only core and this package installed (``uv run --exact --package
oauth2core-grants-ciba``), so nothing here comes from another test folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import responses

from oauth2core import OAuth2Client, Registry
from oauth2core.testing import FakeClock, FakeSleeper, registry_from

ISSUER = "https://as.example.com"
TOKEN_ENDPOINT = f"{ISSUER}/oauth/token"
BACKCHANNEL_ENDPOINT = f"{ISSUER}/oauth/bc-authorize"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sleeper(clock: FakeClock) -> FakeSleeper:
    return FakeSleeper(clock)


@pytest.fixture(scope="session")
def registry() -> Registry:
    """Core's built-ins and this plugin, without entry points."""
    return registry_from("oauth2core_grants_ciba._plugin")


@pytest.fixture
def mock_http() -> Iterator[responses.RequestsMock]:
    """Transport-level HTTP mock; every registered response must be used."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def make_client(registry: Registry, clock: FakeClock) -> Iterator[Any]:
    made: list[OAuth2Client] = []

    def make(auth: Any = ("client-1", "secret-1"), **kwargs: Any) -> OAuth2Client:
        kwargs.setdefault("registry", registry)
        kwargs.setdefault("backchannel_authentication_endpoint", BACKCHANNEL_ENDPOINT)
        kwargs.setdefault("issuer", ISSUER)
        kwargs.setdefault("clock", clock)
        client = OAuth2Client(TOKEN_ENDPOINT, auth, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.session.close()


@pytest.fixture
def client(make_client: Any) -> OAuth2Client:
    """A confidential client (client_secret_post) with a backchannel authentication endpoint."""
    result: OAuth2Client = make_client()
    return result
