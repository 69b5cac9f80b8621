"""The default registry's lifecycle: built once, lazily, from the environment of that moment.

Scanning is counted by wrapping ``oauth2core._plugins._entry_points``, the one function
that reads the entry points. Broken plugins fail closed; the allow-list
(``OAUTH2CORE_PLUGINS``) and block-list (``OAUTH2CORE_DISABLE_PLUGINS``) apply to
entry-point plugins only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from importlib.metadata import EntryPoint
from types import ModuleType

import pytest
import responses

import oauth2core
from oauth2core import (
    AuthorizationRequest,
    BearerToken,
    FeatureNotInstalled,
    OAuth2Client,
    PluginLoadError,
)
from oauth2core import _plugins as plugins_module
from oauth2core.testing import registry_from

TOYS = "oauth2core_toy_plugins"
TOKEN_URL = "https://as.example/oauth/token"
SIBLINGS = {"jwt", "device", "ciba", "auth0", "dpop", "oidc"}
BUILTINS = [name for name, _ in plugins_module.BUILTIN_PLUGINS]
SAML2_GRANT = "urn:ietf:params:oauth:grant-type:saml2-bearer"


@pytest.fixture
def scans(fresh_default: None, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the entry-point scans from now on (the default registry is forgotten)."""
    calls: list[int] = []
    scan = plugins_module._entry_points

    def counting() -> list[EntryPoint]:
        calls.append(1)
        return scan()

    monkeypatch.setattr(plugins_module, "_entry_points", counting)
    return calls


def names(registry: oauth2core.Registry) -> list[str]:
    return [plugin.name for plugin in registry.plugins]


# ---------------------------------------------------------------------------- scanning once


def test_first_construction_scans_once_and_warm_constructions_never(scans: list[int]):
    assert plugins_module._default is None
    OAuth2Client(TOKEN_URL)
    assert len(scans) == 1

    for _ in range(100):
        OAuth2Client(TOKEN_URL, auth=("client-1", "secret-1"))
    AuthorizationRequest("https://as.example/authorize", "client-1")
    oauth2core.default_registry()

    assert len(scans) == 1


def test_clients_given_a_registry_never_scan(scans: list[int]):
    registry = registry_from()
    for _ in range(100):
        OAuth2Client(TOKEN_URL, registry=registry)
    AuthorizationRequest("https://as.example/authorize", "client-1", registry=registry)
    assert scans == []
    assert plugins_module._default is None


def test_concurrent_first_constructions_build_one_registry(scans: list[int]):
    barrier = threading.Barrier(8)
    clients: list[OAuth2Client] = []

    def construct() -> None:
        barrier.wait()
        clients.append(OAuth2Client(TOKEN_URL))

    threads = [threading.Thread(target=construct) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(clients) == 8
    assert len(scans) == 1
    assert len({id(client.registry) for client in clients}) == 1


def test_reset_forgets_the_registry_and_the_next_client_rebuilds_it(scans: list[int]):
    first = OAuth2Client(TOKEN_URL).registry
    plugins_module.reset_default_registry()
    second = OAuth2Client(TOKEN_URL).registry
    assert second is not first
    assert len(scans) == 2


def test_environment_is_read_once_at_build(fresh_default: None, monkeypatch: pytest.MonkeyPatch):
    assert hasattr(OAuth2Client(TOKEN_URL), "saml2_bearer")
    monkeypatch.setenv(plugins_module.BLOCK_ENV, "saml2-bearer")
    assert hasattr(OAuth2Client(TOKEN_URL), "saml2_bearer")  # the registry is already built

    plugins_module.reset_default_registry()

    assert not hasattr(OAuth2Client(TOKEN_URL), "saml2_bearer")


# ---------------------------------------------------------------------------- broken plugins

BROKEN = [
    pytest.param(f"{TOYS}.does_not_exist", ModuleNotFoundError, id="missing_module"),
    pytest.param(f"{TOYS}.broken_on_import", RuntimeError, id="raises_on_import"),
]


@pytest.fixture
def with_broken_entry_point(
    fresh_default: None, toy_package: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], None]:
    installed = plugins_module._entry_points()

    def add(value: str) -> None:
        broken = EntryPoint(name="toy-broken", value=value, group=plugins_module.ENTRY_POINT_GROUP)
        monkeypatch.setattr(plugins_module, "_entry_points", lambda: [*installed, broken])

    return add


@pytest.mark.parametrize(("value", "cause"), BROKEN)
def test_plugin_that_fails_to_import_fails_closed(
    with_broken_entry_point: Callable[[str], None], value: str, cause: type[Exception]
):
    with_broken_entry_point(value)

    with pytest.raises(PluginLoadError) as caught:
        OAuth2Client(TOKEN_URL)

    error = caught.value
    assert error.entry_point == "toy-broken"
    assert isinstance(error.__cause__, cause)
    assert str(error).startswith(f"oauth2core plugin 'toy-broken' failed to load: {cause.__name__}")
    assert "OAUTH2CORE_DISABLE_PLUGINS=toy-broken" in str(error)
    # Nothing half-built is kept: every later use fails the same way.
    assert plugins_module._default is None
    with pytest.raises(PluginLoadError):
        oauth2core.default_registry()
    with pytest.raises(PluginLoadError):
        AuthorizationRequest("https://as.example/authorize", "client-1")


def test_load_error_names_the_distribution_when_known(
    fresh_default: None, monkeypatch: pytest.MonkeyPatch
):
    broken = EntryPoint(
        name="saml2-bearer",
        value="oauth2core_example_saml2_bearer.does_not_exist",
        group=plugins_module.ENTRY_POINT_GROUP,
    )
    monkeypatch.setattr(plugins_module, "_entry_points", lambda: [broken])
    with pytest.raises(PluginLoadError) as caught:
        oauth2core.default_registry()
    assert caught.value.distribution == "oauth2core-example-saml2-bearer"
    assert "from distribution 'oauth2core-example-saml2-bearer'" in str(caught.value)


@pytest.mark.parametrize(("value", "cause"), BROKEN)
def test_blocked_broken_plugin_no_longer_breaks(
    with_broken_entry_point: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
    value: str,
    cause: type[Exception],
):
    with_broken_entry_point(value)
    monkeypatch.setenv(plugins_module.BLOCK_ENV, "toy-broken")

    registry = OAuth2Client(TOKEN_URL).registry

    assert registry.disabled == ("toy-broken",)
    assert sorted(names(registry)[len(BUILTINS) :]) == sorted({*SIBLINGS, "saml2-bearer"})


def test_broken_plugin_left_out_of_the_allow_list_no_longer_breaks(
    with_broken_entry_point: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
):
    with_broken_entry_point(f"{TOYS}.broken_on_import")
    monkeypatch.setenv(plugins_module.ALLOW_ENV, "saml2-bearer")
    registry = oauth2core.default_registry()
    assert "toy-broken" in registry.disabled
    assert names(registry) == [*BUILTINS, "saml2-bearer"]


# --------------------------------------------------------------------- allow and block lists


def test_allow_list_keeps_only_the_named_entry_point_plugins(
    fresh_default: None, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(plugins_module.ALLOW_ENV, "saml2-bearer")

    registry = oauth2core.default_registry()

    assert names(registry) == [*BUILTINS, "saml2-bearer"]
    assert set(registry.disabled) == SIBLINGS
    assert SAML2_GRANT in registry.grants
    assert "client_credentials" in registry.grants  # built-ins are not entry points


def test_allow_list_takes_several_comma_separated_names(
    fresh_default: None, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(plugins_module.ALLOW_ENV, " saml2-bearer , device,")
    registry = oauth2core.default_registry()
    assert sorted(names(registry)[len(BUILTINS) :]) == ["device", "saml2-bearer"]
    assert set(registry.disabled) == SIBLINGS - {"device"}


def test_block_list_removes_a_plugin_and_says_so(
    fresh_default: None, monkeypatch: pytest.MonkeyPatch, mocked: responses.RequestsMock
):
    monkeypatch.setenv(plugins_module.BLOCK_ENV, "saml2-bearer")

    client = OAuth2Client(TOKEN_URL, auth=("client-1", "secret-1"))

    registry = client.registry
    assert registry.disabled == ("saml2-bearer",)
    assert "saml2-bearer" not in names(registry)
    assert SAML2_GRANT not in registry.grants
    assert names(registry)[: len(BUILTINS)] == BUILTINS
    assert SIBLINGS <= set(names(registry))
    assert not hasattr(client, "saml2_bearer")
    with pytest.raises(AttributeError) as caught:
        client.saml2_bearer(b"<Assertion/>")
    assert not isinstance(caught.value, FeatureNotInstalled)  # not a first-party feature
    message = str(caught.value)
    assert "'saml2_bearer'" in message
    assert "installed but disabled: 'saml2-bearer'" in message
    assert "OAUTH2CORE_DISABLE_PLUGINS" in message
    # Built-ins are unaffected.
    mocked.post(TOKEN_URL, json={"access_token": "at-1", "token_type": "Bearer"})
    assert isinstance(client.client_credentials(), BearerToken)


def test_block_list_wins_over_the_allow_list(fresh_default: None, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(plugins_module.ALLOW_ENV, "saml2-bearer,device")
    monkeypatch.setenv(plugins_module.BLOCK_ENV, "saml2-bearer")
    registry = oauth2core.default_registry()
    assert names(registry) == [*BUILTINS, "device"]
    assert "saml2-bearer" in registry.disabled


def test_environment_does_not_apply_to_explicit_registries(
    monkeypatch: pytest.MonkeyPatch, toy: Callable[[str], ModuleType]
):
    monkeypatch.setenv(plugins_module.ALLOW_ENV, "nothing")
    monkeypatch.setenv(plugins_module.BLOCK_ENV, f"saml2-bearer,{TOYS}.grants")
    registry = registry_from("oauth2core_example_saml2_bearer", toy("grants"))
    assert names(registry) == [*BUILTINS, "oauth2core_example_saml2_bearer", f"{TOYS}.grants"]
    assert registry.disabled == ()


# ------------------------------------------------------------------------------- tracing


def test_trace_logs_every_registration(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    toy: Callable[[str], ModuleType],
):
    monkeypatch.setenv(plugins_module.TRACE_ENV, "1")
    with caplog.at_level(logging.INFO, logger="oauth2core.plugins"):
        registry_from(toy("grants"))
    messages = [record.getMessage() for record in caplog.records]
    assert any(m.startswith(f"{TOYS}.grants: register_grants(Grant(") for m in messages)
    assert any(
        m.startswith("oauth2core.builtin.token_types: register_token_types(") for m in messages
    )


def test_no_trace_by_default(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture):
    monkeypatch.delenv(plugins_module.TRACE_ENV, raising=False)
    with caplog.at_level(logging.INFO, logger="oauth2core.plugins"):
        registry_from()
    assert caplog.records == []


def test_unknown_names_in_the_lists_are_logged(
    fresh_default, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    monkeypatch.setenv(plugins_module.ALLOW_ENV, "saml2-bearer,saml2-baerer")
    with caplog.at_level("WARNING", logger="oauth2core.plugins"):
        registry = plugins_module.default_registry()
    assert "saml2-baerer" in caplog.text
    assert [p.name for p in registry.plugins if not p.name.startswith("oauth2core.")] == [
        "saml2-bearer"
    ]
