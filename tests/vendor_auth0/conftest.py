"""Fixtures of the oauth2core-vendor-auth0 unit tests: a registry, mocked HTTP, clients.

These tests run with only core and this package installed (``uv run --exact --package
oauth2core-vendor-auth0``), so nothing here comes from another test folder or package.
Under ``--import-mode=importlib`` test modules cannot import this file: what they share
is a fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
import responses

from oauth2core import Registry
from oauth2core.testing import registry_from

PLUGIN = "oauth2core_vendor_auth0._plugin"

TOKEN_RESPONSE = {"access_token": "at-CANARY-1", "token_type": "Bearer", "expires_in": 86400}
"""What Auth0's /oauth/token answers to a client credentials request."""


@pytest.fixture(scope="session")
def registry() -> Registry:
    """Core's built-ins and this plugin, without entry points (so: no jwt plugin)."""
    return registry_from(PLUGIN)


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    """Transport-level HTTP mock; every registered response must be used."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def token_response() -> dict[str, Any]:
    return dict(TOKEN_RESPONSE)


@pytest.fixture
def form() -> Callable[[responses.Call], dict[str, list[str]]]:
    """The form fields a recorded call sent."""

    def parse(call: responses.Call) -> dict[str, list[str]]:
        body = call.request.body
        text = body.decode() if isinstance(body, bytes) else body if isinstance(body, str) else ""
        return parse_qs(text, keep_blank_values=True)

    return parse


@pytest.fixture
def closing() -> Iterator[Callable[[Any], Any]]:
    """``closing(client)`` returns the client and closes it at the end of the test."""
    made: list[Any] = []

    def register(client: Any) -> Any:
        made.append(client)
        return client

    yield register
    for client in reversed(made):
        if hasattr(client, "close"):
            client.close()
        else:
            client.session.close()
