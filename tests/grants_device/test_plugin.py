"""The device plugin: what it registers, root exports, typed entry points, lazy imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from types import ModuleType

import pytest

import oauth2core
import oauth2core_grants_device
from oauth2core import OAuth2Client
from oauth2core.testing import check_plugin, registry_from
from oauth2core_grants_device import DEVICE_CODE_GRANT


@pytest.fixture(autouse=True)
def forget_root_exports() -> Iterator[None]:
    """Resolving a plugin export caches it in oauth2core's namespace: undo that after each test.

    Other test folders check that these names are missing without the plugin.
    """
    before = set(vars(oauth2core))
    yield
    for name in set(vars(oauth2core)) - before:
        if not isinstance(vars(oauth2core)[name], ModuleType):
            delattr(oauth2core, name)


PUBLIC = sorted(oauth2core_grants_device.__all__)


def test_registrations():
    report = check_plugin("oauth2core_grants_device._plugin")
    kinds = report.kinds()
    assert kinds["grant"] == [(DEVICE_CODE_GRANT,)]
    assert sorted(kinds["method"]) == [("client", "authorize_device"), ("client", "device_code")]
    assert sorted(name for (name,) in kinds["export"]) == PUBLIC
    assert "error_code" not in kinds  # the device grant's codes are core's shared ones


def test_client_methods_come_from_the_registry(registry):
    with OAuth2Client("https://as.example.com/token", "app", registry=registry) as client:
        assert callable(client.authorize_device)
        assert callable(client.device_code)
    with OAuth2Client("https://as.example.com/token", "app", registry=registry_from()) as bare:
        assert not hasattr(bare, "authorize_device")


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_is_exported_through_oauth2core(name):
    assert getattr(oauth2core, name) is getattr(oauth2core_grants_device, name)


def test_root_import():
    from oauth2core import DeviceAuthorizationPollingJob, OAuth2DeviceCodeAuth

    assert DeviceAuthorizationPollingJob is oauth2core_grants_device.DeviceAuthorizationPollingJob
    assert OAuth2DeviceCodeAuth is oauth2core_grants_device.OAuth2DeviceCodeAuth


def test_unknown_name():
    with pytest.raises(AttributeError):
        _ = oauth2core_grants_device.NotAName
    assert "DeviceAuthorizationResponse" in dir(oauth2core_grants_device)


def test_public_classes_show_the_package_name():
    for name in PUBLIC:
        value = getattr(oauth2core_grants_device, name)
        if isinstance(value, type):
            assert value.__module__ == "oauth2core_grants_device", name


def test_the_entry_point_module_is_light():
    code = textwrap.dedent(
        """
        import json, sys
        import oauth2core_grants_device._plugin
        loaded = sorted(m for m in sys.modules if m.startswith("oauth2core_grants_device."))
        print(json.dumps(loaded))
        """
    )
    env = {**os.environ, "OAUTH2CORE_PLUGINS": ""}
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [
        "oauth2core_grants_device._constants",
        "oauth2core_grants_device._plugin",
    ]
