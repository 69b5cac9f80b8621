"""Core's built-ins go through the same hooks as any plugin, registered first."""

from __future__ import annotations

import pytest

from oauth2core import EndpointError, InvalidGrant, OAuth2Client, Registry, SlowDown
from oauth2core import _errors as errors_module
from oauth2core import _plugins as plugins_module
from oauth2core.testing import registry_from

TOKEN_URL = "https://as.example/oauth/token"
BUILTINS = [name for name, _ in plugins_module.BUILTIN_PLUGINS]


def owners(registry: Registry) -> dict[tuple[str, ...], str]:
    return {key: plugin.name for plugin in registry.plugins for key in plugin.registered}


def test_builtins_are_the_first_plugins_and_come_from_core():
    registry = registry_from()
    assert [plugin.name for plugin in registry.plugins] == BUILTINS
    for plugin in registry.plugins:
        assert plugin.name.startswith("oauth2core.builtin.")
        assert plugin.module.startswith("oauth2core._builtins.")
        assert plugin.distribution == "oauth2core"


def test_every_builtin_entry_is_owned_by_a_builtin_plugin():
    registry = registry_from()
    owner = owners(registry)
    keys = [
        *(("grant", grant_type) for grant_type in registry.grants),
        *(("method", *target_name) for target_name in registry.client_methods),
        *(("client_auth_method", name) for name in registry.client_auth_methods),
        *(("token_type", name) for name in registry.token_types),
        *(("error_code", *context_code) for context_code in registry.error_codes),
        *(("response_mode", name) for name in registry.response_modes),
        *(("request_flow", flow.name) for flow in registry.request_flows),
        *(("auth_coercion", coercion.name) for coercion in registry.auth_coercions),
    ]
    for key in keys:
        assert owner[key].startswith("oauth2core.builtin."), key


def test_the_builtins_cover_what_core_owns():
    registry = registry_from()
    owner = owners(registry)
    assert {"client_credentials", "authorization_code", "refresh_token", "password"} <= set(
        registry.grants
    )
    assert {("client", name) for name in OAuth2Client.DISPATCHED} <= set(registry.client_methods)
    assert {"client_secret_basic", "client_secret_post", "none"} <= set(
        registry.client_auth_methods
    )
    assert "bearer" in registry.token_types
    assert {"query", "fragment", "form_post"} <= set(registry.response_modes)
    for code, cls in errors_module.SHARED_ERROR_CODES.items():
        assert registry.error_codes[("endpoint", code)] is cls
        assert owner[("error_code", "endpoint", code)] == "oauth2core.builtin.error_codes"
    assert owner[("grant", "client_credentials")] == "oauth2core.builtin.grants"
    assert owner[("client_auth_method", "client_secret_basic")] == "oauth2core.builtin.client_auth"
    assert owner[("token_type", "bearer")] == "oauth2core.builtin.token_types"
    assert owner[("response_mode", "query")] == "oauth2core.builtin.response_modes"


def test_shared_codes_apply_to_every_endpoint():
    registry = registry_from()
    assert registry.error_class("token", "invalid_grant", EndpointError) is InvalidGrant
    assert registry.error_class("device_authorization", "slow_down", EndpointError) is SlowDown
    assert registry.error_class("token", "toy_unknown", EndpointError) is EndpointError


def test_without_builtins_there_is_no_client_credentials():
    registry = registry_from(builtins=False)
    assert registry.plugins == ()
    assert "client_credentials" not in registry.grants
    client = OAuth2Client(TOKEN_URL, registry=registry)
    with pytest.raises(
        AttributeError, match="no plugin of this client's registry provides 'client_credentials'"
    ):
        client.client_credentials()
