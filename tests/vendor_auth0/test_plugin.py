"""The auth0 plugin: what it registers, root exports, lazy imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

import oauth2core
import oauth2core_vendor_auth0
from oauth2core.testing import check_plugin
from oauth2core_vendor_auth0 import TooManyRequests

PUBLIC = sorted(oauth2core_vendor_auth0.__all__)


def test_registrations():
    report = check_plugin("oauth2core_vendor_auth0._plugin")
    kinds = report.kinds()
    assert kinds["vendor_profile"] == [("auth0",)]
    assert kinds["error_code"] == [("endpoint", "too_many_requests")]
    assert sorted(name for (name,) in kinds["export"]) == PUBLIC
    assert report.registry.error_class("token", "too_many_requests", None) is TooManyRequests  # type: ignore[arg-type]


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_is_exported_through_oauth2core(name: str):
    assert getattr(oauth2core, name) is getattr(oauth2core_vendor_auth0, name)


def test_root_import():
    from oauth2core import Auth0Client, Auth0ManagementApiClient, auth0_tenant

    assert Auth0Client is oauth2core_vendor_auth0.Auth0Client
    assert Auth0ManagementApiClient is oauth2core_vendor_auth0.Auth0ManagementApiClient
    assert auth0_tenant("acme") == "acme.auth0.com"


def test_unknown_name():
    with pytest.raises(AttributeError):
        _ = oauth2core_vendor_auth0.NotAName
    assert "Auth0Client" in dir(oauth2core_vendor_auth0)


def test_public_classes_show_the_package_name():
    for name in PUBLIC:
        value = getattr(oauth2core_vendor_auth0, name)
        if isinstance(value, type):
            assert value.__module__ == "oauth2core_vendor_auth0", name


def test_the_entry_point_module_is_light():
    code = textwrap.dedent(
        """
        import json, sys
        import oauth2core_vendor_auth0._plugin
        loaded = sorted(m for m in sys.modules if m.startswith("oauth2core_vendor_auth0."))
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
        "oauth2core_vendor_auth0._errors",
        "oauth2core_vendor_auth0._plugin",
        "oauth2core_vendor_auth0._tenant",
    ]
