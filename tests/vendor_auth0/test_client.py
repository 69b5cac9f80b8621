"""Auth0Client: an OAuth2Client built from a tenant."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import responses

from oauth2core import (
    BearerToken,
    ClientSecretBasic,
    FeatureNotInstalled,
    OAuth2Client,
    PublicApp,
    Registry,
)
from oauth2core_vendor_auth0 import Auth0Client, auth0_metadata

ORIGIN = "https://acme.auth0.com"
JWK = {
    "kty": "EC",
    "crv": "P-256",
    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
    "d": "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI",
}
PEM = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n"


@pytest.fixture
def make(registry: Registry, closing: Any) -> Any:
    def build(tenant: str = "acme", auth: Any = ("app", "secret"), **kwargs: Any) -> Auth0Client:
        kwargs.setdefault("registry", registry)
        return closing(Auth0Client(tenant, auth, **kwargs))  # type: ignore[no-any-return]

    return build


def test_an_auth0_client_is_an_oauth2_client(make: Any):
    client = make("acme.eu")
    assert isinstance(client, OAuth2Client)
    assert isinstance(client, Auth0Client)
    assert client.tenant == "acme.eu.auth0.com"
    assert client.issuer == "https://acme.eu.auth0.com/"


def test_every_endpoint_comes_from_the_profile(make: Any):
    client = make("acme")
    expected = auth0_metadata("acme")
    for name in OAuth2Client.ENDPOINTS:
        assert getattr(client, name) == expected.get(name), name
    assert client.metadata == expected


def test_settings_win_over_the_profile(make: Any):
    client = make(
        "acme",
        redirect_uri="https://app.acme.com/callback",
        end_session_endpoint="https://acme.auth0.com/v2/logout",
        timeout=3.0,
    )
    assert client.redirect_uri == "https://app.acme.com/callback"
    assert client.end_session_endpoint == "https://acme.auth0.com/v2/logout"
    assert client.timeout == 3.0


def test_client_credentials_sends_the_audience(
    make: Any, mocked: responses.RequestsMock, form: Any, token_response: dict[str, Any]
):
    mocked.post(f"{ORIGIN}/oauth/token", json=token_response)
    token = make().client_credentials(
        "read:users", audience="https://acme.auth0.com/api/v2/", organization="org_1"
    )
    assert isinstance(token, BearerToken)
    assert token.access_token == "at-CANARY-1"
    assert form(mocked.calls[0]) == {
        "grant_type": ["client_credentials"],
        "scope": ["read:users"],
        "audience": ["https://acme.auth0.com/api/v2/"],
        "organization": ["org_1"],
        "client_id": ["app"],
        "client_secret": ["secret"],
    }


def test_client_credentials_without_an_audience_sends_none(
    make: Any, mocked: responses.RequestsMock, form: Any, token_response: dict[str, Any]
):
    mocked.post(f"{ORIGIN}/oauth/token", json=token_response)
    make().client_credentials()
    assert "audience" not in form(mocked.calls[0])


def test_client_id_and_secret_keywords(make: Any):
    client = make(auth=None, client_id="app", client_secret="secret")
    assert client.auth.client_id == "app"


def test_any_client_auth_handler(make: Any):
    auth = ClientSecretBasic("app", "secret")
    assert make(auth=auth).auth is auth


def test_a_public_client(make: Any):
    client = make(auth="app")
    assert isinstance(client.auth, PublicApp)


def test_a_given_session_is_used(registry: Registry):
    with requests.Session() as session:
        client = Auth0Client("acme", "app", session=session, registry=registry)
        assert client.session is session


@pytest.mark.parametrize(
    "credentials",
    [
        pytest.param({"client_id": "app", "private_jwk": JWK}, id="private_jwk-dict"),
        pytest.param({"client_id": "app", "private_jwk": PEM}, id="private_jwk-pem"),
        pytest.param({"client_id": "app", "private_key": JWK}, id="private_key"),
        pytest.param({"auth": ("app", JWK)}, id="auth-tuple"),
    ],
)
def test_a_private_key_without_the_jwt_plugin_fails_closed(
    registry: Registry, mocked: responses.RequestsMock, credentials: dict[str, Any]
):
    auth = credentials.pop("auth", None)
    with pytest.raises(FeatureNotInstalled, match=r"pip install oauth2core\[jwt\]") as caught:
        Auth0Client("acme", auth, registry=registry, **credentials)
    assert caught.value.extra == "jwt"
    assert "f83OJ3D2" not in str(caught.value)
    assert not mocked.calls


def test_a_bad_tenant_is_a_value_error(registry: Registry):
    with pytest.raises(ValueError, match="plain http is accepted for loopback hosts only"):
        Auth0Client("http://acme.auth0.com", "app", registry=registry)


def test_a_loopback_tenant_keeps_http(make: Any):
    client = make("http://127.0.0.1:8080")
    assert client.tenant == "http://127.0.0.1:8080"
    assert client.issuer == "http://127.0.0.1:8080/"
    assert client.token_endpoint == "http://127.0.0.1:8080/oauth/token"


def test_repr_names_the_tenant_not_the_secret(make: Any):
    text = repr(make(auth=("app", "CANARY-secret")))
    assert text.startswith("Auth0Client(tenant='acme.auth0.com', auth=")
    assert "CANARY" not in text


def test_revocation_uses_the_profile_endpoint(make: Any, mocked: responses.RequestsMock, form):
    mocked.post(f"{ORIGIN}/oauth/revoke", body="")
    assert make().revoke_refresh_token("rt-1") is True
    assert form(mocked.calls[0])["token"] == ["rt-1"]


def test_authorization_request_uses_the_profile(make: Any):
    request = make(auth="app", redirect_uri="https://app.acme.com/cb").authorization_request(
        scope="openid", audience="https://api.acme.com/"
    )
    assert request.uri.startswith(f"{ORIGIN}/authorize?")
    assert "audience=https%3A%2F%2Fapi.acme.com%2F" in request.uri


def test_from_vendor_profile_on_the_class_gives_an_auth0_client(registry: Registry, closing):
    client = closing(Auth0Client.from_vendor_profile("auth0", "acme.jp", "app", registry=registry))
    assert isinstance(client, Auth0Client)
    assert client.tenant == "acme.jp.auth0.com"
    with pytest.raises(ValueError, match="for the 'auth0' profile"):
        Auth0Client.from_vendor_profile("okta", "acme", registry=registry)


@pytest.mark.parametrize("name", ["from_discovery_document", "from_discovery_endpoint"])
def test_discovery_constructors_point_to_oauth2client(name: str):
    with pytest.raises(TypeError, match=r"Auth0Client\(tenant"):
        getattr(Auth0Client, name)({"issuer": "https://acme.auth0.com/"})
