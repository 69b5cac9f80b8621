"""The ``auth0`` vendor profile through the generic ``OAuth2Client.from_vendor_profile``."""

from __future__ import annotations

from typing import Any

import pytest
import responses

import oauth2core
from oauth2core import BearerToken, OAuth2Client, Registry
from oauth2core_vendor_auth0 import TooManyRequests, auth0_metadata

TENANT = "acme.eu"
ORIGIN = "https://acme.eu.auth0.com"


def test_the_profile_gives_every_endpoint(registry: Registry, closing: Any):
    client = closing(
        OAuth2Client.from_vendor_profile("auth0", TENANT, ("app", "secret"), registry=registry)
    )
    assert type(client) is OAuth2Client
    assert client.issuer == f"{ORIGIN}/"
    expected = auth0_metadata(TENANT)
    for name in OAuth2Client.ENDPOINTS:
        assert getattr(client, name) == expected.get(name), name
    assert client.metadata == expected


def test_keywords_win_over_the_profile(registry: Registry, closing: Any):
    client = closing(
        OAuth2Client.from_vendor_profile(
            "auth0",
            TENANT,
            registry=registry,
            issuer="https://login.acme.com/",
            userinfo_endpoint="https://login.acme.com/userinfo",
        )
    )
    assert client.issuer == "https://login.acme.com/"
    assert client.userinfo_endpoint == "https://login.acme.com/userinfo"
    assert client.token_endpoint == f"{ORIGIN}/oauth/token"


def test_the_registered_profile_is_the_public_function(registry: Registry):
    assert registry.vendor_profiles["auth0"].metadata is auth0_metadata


def test_the_process_registry_finds_the_profile_through_its_entry_point(closing: Any):
    client = closing(OAuth2Client.from_vendor_profile("auth0", "acme", "public-app"))
    assert client.registry is oauth2core.default_registry()
    assert client.token_endpoint == "https://acme.auth0.com/oauth/token"


def test_a_bad_tenant_is_a_value_error(registry: Registry):
    with pytest.raises(ValueError, match="unsupported scheme 'ftp'"):
        OAuth2Client.from_vendor_profile("auth0", "ftp://acme", registry=registry)


def test_client_credentials_with_an_audience(
    registry: Registry, closing: Any, mocked: responses.RequestsMock, form: Any, token_response
):
    mocked.post(f"{ORIGIN}/oauth/token", json=token_response)
    client = closing(
        OAuth2Client.from_vendor_profile("auth0", TENANT, ("app", "secret"), registry=registry)
    )
    token = client.client_credentials(audience="https://api.acme.com/")
    assert isinstance(token, BearerToken)
    assert form(mocked.calls[0]) == {
        "grant_type": ["client_credentials"],
        "audience": ["https://api.acme.com/"],
        "client_id": ["app"],
        "client_secret": ["secret"],
    }


def test_too_many_requests_is_typed_through_the_registered_code(
    registry: Registry, closing: Any, mocked: responses.RequestsMock
):
    mocked.post(
        f"{ORIGIN}/oauth/token",
        status=429,
        json={"error": "too_many_requests", "error_description": "Global limit has been reached"},
        headers={"Retry-After": "7"},
    )
    client = closing(
        OAuth2Client.from_vendor_profile("auth0", TENANT, ("app", "secret"), registry=registry)
    )
    with pytest.raises(TooManyRequests) as caught:
        client.client_credentials(audience="https://api.acme.com/")
    assert caught.value.transient
    assert caught.value.retry_after == 7.0
    assert caught.value.error_description == "Global limit has been reached"
