"""The CIBA plugin: what it registers, root exports, typed entry points, lazy imports."""

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
import oauth2core_grants_ciba
from oauth2core import OAuth2Client
from oauth2core.testing import check_plugin, registry_from
from oauth2core_grants_ciba import CIBA_GRANT


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


PUBLIC = sorted(oauth2core_grants_ciba.__all__)


def test_registrations():
    report = check_plugin("oauth2core_grants_ciba._plugin")
    kinds = report.kinds()
    assert kinds["grant"] == [(CIBA_GRANT,)]
    assert sorted(kinds["method"]) == [
        ("client", "backchannel_authentication_request"),
        ("client", "ciba"),
    ]
    assert sorted(name for (name,) in kinds["export"]) == PUBLIC
    assert sorted(kinds["error_code"]) == [
        ("backchannel_authentication", code)
        for code in sorted(
            [
                "expired_login_hint_token",
                "invalid_binding_message",
                "invalid_user_code",
                "missing_user_code",
                "unknown_user_id",
            ]
        )
    ]


def test_client_methods_come_from_the_registry(registry):
    with OAuth2Client("https://as.example.com/token", "app", registry=registry) as client:
        assert callable(client.backchannel_authentication_request)
        assert callable(client.ciba)
    with OAuth2Client("https://as.example.com/token", "app", registry=registry_from()) as bare:
        assert not hasattr(bare, "ciba")


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_is_exported_through_oauth2core(name):
    assert getattr(oauth2core, name) is getattr(oauth2core_grants_ciba, name)


def test_root_import():
    from oauth2core import BackChannelAuthenticationPollingJob, UnknownUserId

    assert (
        BackChannelAuthenticationPollingJob
        is oauth2core_grants_ciba.BackChannelAuthenticationPollingJob
    )
    assert UnknownUserId is oauth2core_grants_ciba.UnknownUserId


def test_unknown_name():
    with pytest.raises(AttributeError):
        _ = oauth2core_grants_ciba.NotAName
    assert "BackChannelAuthenticationResponse" in dir(oauth2core_grants_ciba)


def test_public_classes_show_the_package_name():
    for name in PUBLIC:
        value = getattr(oauth2core_grants_ciba, name)
        if isinstance(value, type):
            assert value.__module__ == "oauth2core_grants_ciba", name


def test_the_entry_point_module_is_light():
    code = textwrap.dedent(
        """
        import json, sys
        import oauth2core_grants_ciba._plugin
        loaded = sorted(m for m in sys.modules if m.startswith("oauth2core_grants_ciba."))
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
        "oauth2core_grants_ciba._constants",
        "oauth2core_grants_ciba._errors",
        "oauth2core_grants_ciba._plugin",
    ]


def test_no_jose_library_before_a_signed_request():
    code = textwrap.dedent(
        """
        import json, sys
        from oauth2core import OAuth2Client
        from oauth2core.testing import registry_from
        registry = registry_from("oauth2core_grants_ciba._plugin")
        with OAuth2Client("https://as.example.com/token", "app", registry=registry) as client:
            client.ciba  # the method resolves without loading the grant's JOSE needs
        import oauth2core_grants_ciba
        oauth2core_grants_ciba.backchannel_authentication_request
        print(json.dumps([m for m in ("jwskate", "cryptography") if m in sys.modules]))
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
    assert json.loads(result.stdout.splitlines()[-1]) == []
