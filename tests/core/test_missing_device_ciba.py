"""Device authorization and CIBA without their plugins: fail closed, name the extra to install.

"Without" is a registry of core's built-ins only (``registry_from()``), so these tests hold
with or without the sibling packages installed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import oauth2core
from oauth2core import (
    FeatureImportError,
    FeatureNotInstalled,
    OAuth2Client,
    Registry,
)
from oauth2core import _plugins as plugins_module
from oauth2core.testing import registry_from

ISSUER = "https://as.example.com"


@pytest.fixture
def bare() -> Registry:
    return registry_from()


@pytest.fixture
def client(bare: Registry) -> Iterator[OAuth2Client]:
    with OAuth2Client(
        f"{ISSUER}/token",
        ("client-1", "secret-1"),
        device_authorization_endpoint=f"{ISSUER}/device",
        backchannel_authentication_endpoint=f"{ISSUER}/backchannel",
        registry=bare,
    ) as made:
        yield made


@pytest.fixture
def bare_default(bare: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    """The built-ins-only registry as the process default, with no cached plugin export."""
    monkeypatch.setattr(plugins_module, "_default", bare)
    for name, _ in ROOT_NAMES:
        monkeypatch.delitem(vars(oauth2core), name, raising=False)


@pytest.mark.parametrize(
    ("method", "extra"),
    [
        ("authorize_device", "device"),
        ("device_code", "device"),
        ("backchannel_authentication_request", "ciba"),
        ("ciba", "ciba"),
    ],
)
def test_client_method_names_the_extra(client, method, extra):
    with pytest.raises(FeatureNotInstalled, match=rf"pip install oauth2core\[{extra}\]") as caught:
        getattr(client, method)()
    assert (caught.value.feature, caught.value.extra) == (method, extra)
    assert isinstance(caught.value, AttributeError)
    assert not hasattr(client, method)


def test_endpoints_are_kept_without_the_plugins(client):
    assert client.device_authorization_endpoint == f"{ISSUER}/device"
    assert client.backchannel_authentication_endpoint == f"{ISSUER}/backchannel"


ROOT_NAMES = [
    ("DeviceAuthorizationResponse", "device"),
    ("DeviceAuthorizationPollingJob", "device"),
    ("DeviceAuthorizationPoolingJob", "device"),
    ("OAuth2DeviceCodeAuth", "device"),
    ("InvalidDeviceAuthorizationResponse", "device"),
    ("BackChannelAuthenticationResponse", "ciba"),
    ("BackChannelAuthenticationPollingJob", "ciba"),
    ("BackChannelAuthenticationPoolingJob", "ciba"),
    ("UnknownUserId", "ciba"),
    ("InvalidBindingMessage", "ciba"),
]


@pytest.mark.parametrize(("name", "extra"), ROOT_NAMES)
def test_root_import_names_the_extra(bare_default, name, extra):
    with pytest.raises(FeatureImportError, match=rf"pip install oauth2core\[{extra}\]"):
        getattr(oauth2core, name)


def test_the_polling_base_is_core(bare_default):
    from oauth2core import BaseTokenEndpointPollingJob, PollingCancelled, PollingTimeout

    assert BaseTokenEndpointPollingJob.__module__ == "oauth2core"
    assert issubclass(PollingTimeout, TimeoutError)
    assert issubclass(PollingCancelled, oauth2core.OAuth2Error)
