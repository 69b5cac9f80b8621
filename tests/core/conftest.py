"""Shared fixtures of the core unit tests: a fake clock, a deterministic registry, mocked HTTP.

Under ``--import-mode=importlib`` test modules cannot import this file, so everything they
share is a fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
import responses

import oauth2core
from oauth2core import OAuth2Client, Registry
from oauth2core.testing import FakeClock, registry_from

ISSUER = "https://as.example.com"
ENDPOINTS = SimpleNamespace(
    issuer=ISSUER,
    token=f"{ISSUER}/oauth/token",
    authorization=f"{ISSUER}/oauth/authorize",
    par=f"{ISSUER}/oauth/par",
    redirect_uri="https://app.example.com/callback",
    resource="https://api.example.com/things",
)
CLIENT_ID = "client-1"
CLIENT_SECRET = "s3cr3t:with%odd+chars"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def registry() -> Registry:
    """Core's built-ins only: no entry points, no environment variables."""
    return registry_from()


@pytest.fixture
def endpoints() -> SimpleNamespace:
    return ENDPOINTS


@pytest.fixture
def credentials() -> tuple[str, str]:
    return CLIENT_ID, CLIENT_SECRET


@pytest.fixture
def mock_http() -> Iterator[responses.RequestsMock]:
    """Transport-level HTTP mock; every registered response must be used."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def make_client(registry: Registry) -> Iterator[Any]:
    """Build clients on the deterministic registry; each one is closed at teardown."""
    made: list[OAuth2Client] = []

    def make(auth: Any = (CLIENT_ID, CLIENT_SECRET), **kwargs: Any) -> OAuth2Client:
        kwargs.setdefault("registry", registry)
        kwargs.setdefault("authorization_endpoint", ENDPOINTS.authorization)
        kwargs.setdefault("pushed_authorization_request_endpoint", ENDPOINTS.par)
        kwargs.setdefault("redirect_uri", ENDPOINTS.redirect_uri)
        kwargs.setdefault("issuer", ISSUER)
        client = OAuth2Client(ENDPOINTS.token, auth, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.session.close()


@pytest.fixture
def client(make_client: Any) -> OAuth2Client:
    """A confidential client (client_secret_post) on the built-ins-only registry."""
    result: OAuth2Client = make_client()
    return result


def make_plugin(name: str, **hooks: Callable[..., None]) -> ModuleType:
    """A plugin module named ``name`` whose hook implementations are ``hooks``."""
    module = ModuleType(name)
    for hook, function in hooks.items():
        setattr(module, hook, oauth2core.hookimpl(function))
    return module


@pytest.fixture
def registry_with() -> Callable[..., Registry]:
    """``registry_with(name, register_request_flows=fn, ...)``: built-ins plus one plugin."""

    def build(name: str, **hooks: Callable[..., None]) -> Registry:
        return registry_from(make_plugin(name, **hooks))

    return build
