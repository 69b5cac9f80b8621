"""A first-party feature whose plugin is absent fails closed and says what to install.

"Absent" is a registry of core's built-ins only (``registry_from()``), or the process
registry with the plugin blocked, so these tests keep holding once the sibling packages
register their features.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import responses

from oauth2core import (
    FeatureImportError,
    FeatureNotInstalled,
    OAuth2Client,
    Registry,
)
from oauth2core import _plugins as plugins_module
from oauth2core.testing import registry_from

TOKEN_URL = "https://as.example/oauth/token"
PEM = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n"
JWK = {"kty": "EC", "crv": "P-256", "x": "x", "y": "y", "d": "d"}


def installs(extra: str) -> str:
    return rf"pip install oauth2core\[{extra}\]"


@pytest.fixture
def bare() -> Registry:
    return registry_from()


@pytest.fixture
def client(bare: Registry) -> OAuth2Client:
    return OAuth2Client(
        TOKEN_URL,
        ("client-1", "secret-1"),
        authorization_endpoint="https://as.example/authorize",
        redirect_uri="https://client.example/cb",
        registry=bare,
    )


@pytest.mark.parametrize(
    ("method", "extra"),
    [
        ("authorize_device", "device"),
        ("device_code", "device"),
        ("backchannel_authentication_request", "ciba"),
        ("ciba", "ciba"),
        ("jwt_bearer", "jwt"),
        ("end_session_url", "oidc"),
    ],
)
def test_client_method_names_its_extra(client: OAuth2Client, method: str, extra: str):
    assert not hasattr(client, method)
    with pytest.raises(FeatureNotInstalled, match=installs(extra)) as caught:
        getattr(client, method)
    assert isinstance(caught.value, AttributeError)
    assert (caught.value.feature, caught.value.extra) == (method, extra)


def test_authorization_request_method_names_its_extra(client: OAuth2Client):
    request = client.authorization_request(scope="openid")
    assert not hasattr(request, "sign")
    with pytest.raises(FeatureNotInstalled, match=installs("oidc")):
        request.sign()


@pytest.mark.parametrize("keyword", ["private_key", "private_jwk"])
def test_key_keyword_names_jwt(bare: Registry, keyword: str):
    key: dict[str, Any] = {keyword: PEM}
    with pytest.raises(FeatureNotInstalled, match=installs("jwt")) as caught:
        OAuth2Client(TOKEN_URL, client_id="client-1", registry=bare, **key)
    assert caught.value.feature == keyword


@pytest.mark.parametrize("key", [JWK, PEM], ids=["jwk", "pem"])
def test_key_in_an_auth_tuple_names_jwt_and_is_never_a_secret(bare: Registry, key: object):
    with pytest.raises(FeatureNotInstalled, match=installs("jwt")):
        OAuth2Client(TOKEN_URL, ("client-1", key), registry=bare)


@pytest.mark.parametrize("method", ["private_key_jwt", "client_secret_jwt"])
def test_jwt_auth_method_names_jwt(bare: Registry, method: str):
    with pytest.raises(FeatureNotInstalled, match=installs("jwt")):
        OAuth2Client(
            TOKEN_URL,
            client_id="client-1",
            client_secret="secret-1",
            token_endpoint_auth_method=method,
            registry=bare,
        )


def test_dpop_call_option_names_dpop_before_sending(
    client: OAuth2Client, mocked: responses.RequestsMock
):
    with pytest.raises(FeatureNotInstalled, match=installs("dpop")) as caught:
        client.client_credentials(dpop=True)
    assert caught.value.feature == "dpop"
    assert len(mocked.calls) == 0


def test_dpop_key_on_an_authorization_request_names_dpop(client: OAuth2Client):
    with pytest.raises(FeatureNotInstalled, match=installs("dpop")):
        client.authorization_request(scope="read", dpop_key=object())


def test_dpop_client_option_names_dpop(bare: Registry):
    with pytest.raises(FeatureNotInstalled, match=installs("dpop")):
        OAuth2Client(TOKEN_URL, registry=bare, dpop_bound_access_tokens=True)


def test_vendor_profile_names_auth0(bare: Registry):
    with pytest.raises(FeatureNotInstalled, match=installs("auth0")) as caught:
        OAuth2Client.from_vendor_profile("auth0", "t", registry=bare)
    assert caught.value.feature == "auth0"


def test_vendor_profile_through_the_process_registry_names_auth0(
    bare: Registry, install_default: Callable[[Registry], None]
):
    install_default(bare)
    with pytest.raises(FeatureNotInstalled, match=installs("auth0")):
        OAuth2Client.from_vendor_profile("auth0", "t")


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("DPoPKey", "dpop"),
        ("PrivateKeyJwt", "jwt"),
        ("DeviceAuthorizationPollingJob", "device"),
        ("BackChannelAuthenticationPollingJob", "ciba"),
        ("Auth0Client", "auth0"),
        ("IdToken", "oidc"),
    ],
)
def test_root_import_names_its_extra(
    bare: Registry, install_default: Callable[[Registry], None], name: str, extra: str
):
    install_default(bare)
    with pytest.raises(FeatureImportError, match=installs(extra)) as caught:
        exec(f"from oauth2core import {name}", {})  # noqa: S102 - a fixed import statement
    assert isinstance(caught.value, ImportError)
    assert (caught.value.feature, caught.value.extra) == (name, extra)


def test_dpop_key_root_import_names_dpop(
    bare: Registry, install_default: Callable[[Registry], None]
):
    install_default(bare)
    with pytest.raises(FeatureImportError, match=installs("dpop")):
        from oauth2core import DPoPKey  # noqa: F401


def test_jarm_response_mode_names_oidc(client: OAuth2Client):
    request = client.authorization_request(scope="openid", response_mode="jwt")
    with pytest.raises(FeatureNotInstalled, match=installs("oidc")):
        request.validate_callback("https://client.example/cb?response=eyJ")


def test_blocked_first_party_plugin_says_what_to_install(
    fresh_default: None, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(plugins_module.BLOCK_ENV, "device")
    client = OAuth2Client(TOKEN_URL, ("client-1", "secret-1"))
    assert "device" in client.registry.disabled
    with pytest.raises(FeatureNotInstalled, match=installs("device")):
        client.authorize_device()
