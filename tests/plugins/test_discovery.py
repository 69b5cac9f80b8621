"""Discovery through the real ``oauth2core.plugins`` entry points of the workspace.

The default registry holds core's five built-in plugins first, then the six sibling
packages and the SAML example, each with its distribution and version.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata

import oauth2core
from oauth2core import _plugins as plugins_module

SIBLINGS = {
    "jwt": ("oauth2core-clientauth-jwt", "oauth2core_clientauth_jwt._plugin"),
    "device": ("oauth2core-grants-device", "oauth2core_grants_device._plugin"),
    "ciba": ("oauth2core-grants-ciba", "oauth2core_grants_ciba._plugin"),
    "auth0": ("oauth2core-vendor-auth0", "oauth2core_vendor_auth0._plugin"),
    "dpop": ("oauth2core-tokentype-dpop", "oauth2core_tokentype_dpop._plugin"),
    "oidc": ("oauth2core-oidc", "oauth2core_oidc._plugin"),
}
SAML2 = {"saml2-bearer": ("oauth2core-example-saml2-bearer", "oauth2core_example_saml2_bearer")}
ENTRY_POINT_PLUGINS = {**SIBLINGS, **SAML2}
BUILTINS = [name for name, _ in plugins_module.BUILTIN_PLUGINS]
SAML2_GRANT = "urn:ietf:params:oauth:grant-type:saml2-bearer"


def test_the_entry_point_group_lists_the_workspace_plugins():
    found = {ep.name: ep.value for ep in plugins_module._entry_points()}
    assert found == {name: module for name, (_, module) in ENTRY_POINT_PLUGINS.items()}


def test_default_registry_holds_builtins_first_then_every_entry_point_plugin(fresh_default: None):
    registry = oauth2core.default_registry()
    names = [plugin.name for plugin in registry.plugins]
    assert BUILTINS == [
        "oauth2core.builtin.client_auth",
        "oauth2core.builtin.grants",
        "oauth2core.builtin.token_types",
        "oauth2core.builtin.error_codes",
        "oauth2core.builtin.response_modes",
    ]
    assert names[: len(BUILTINS)] == BUILTINS
    assert sorted(names[len(BUILTINS) :]) == sorted(ENTRY_POINT_PLUGINS)
    assert registry.disabled == ()


def test_default_registry_is_the_one_clients_use(fresh_default: None):
    client = oauth2core.OAuth2Client("https://as.example/token")
    assert client.registry is oauth2core.default_registry()
    assert SAML2_GRANT in client.registry.grants


def test_diagnostics_give_distribution_version_and_registrations(fresh_default: None):
    infos = {info.name: info for info in oauth2core.plugins()}
    for name, (distribution, module) in ENTRY_POINT_PLUGINS.items():
        assert infos[name].module == module
        assert infos[name].distribution == distribution
        assert infos[name].version == metadata.version(distribution) == "0.1.0"
    assert infos["saml2-bearer"].registered == (
        ("grant", SAML2_GRANT),
        ("method", "client", "saml2_bearer"),
    )
    for name in BUILTINS:
        assert infos[name].distribution == "oauth2core"
        assert infos[name].version == metadata.version("oauth2core")
        assert infos[name].registered, name
    assert ("token_type", "bearer") in infos["oauth2core.builtin.token_types"].registered


def test_describe_lists_every_plugin_with_what_it_registered(fresh_default: None):
    lines = oauth2core.default_registry().describe().splitlines()
    assert len(lines) == len(BUILTINS) + len(ENTRY_POINT_PLUGINS)
    assert (
        "plugin 'saml2-bearer' (oauth2core-example-saml2-bearer 0.1.0): "
        f"grant:{SAML2_GRANT}, method:client:saml2_bearer"
    ) in lines
    for name, (distribution, _) in SIBLINGS.items():
        assert any(line.startswith(f"plugin {name!r} ({distribution} 0.1.0): ") for line in lines)


def test_building_the_default_registry_loads_no_heavy_dependency():
    """Entry points name light modules: discovery imports neither jwskate nor cryptography."""
    code = (
        "import json, sys, oauth2core\n"
        "oauth2core.default_registry()\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'jwskate', 'cryptography', 'oauth2core_clientauth_jwt', 'oauth2core_oidc'})))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OAUTH2CORE_")}
    result = subprocess.run(  # noqa: S603 - the running interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    loaded = set(json.loads(result.stdout))
    assert "oauth2core_clientauth_jwt._plugin" in loaded
    assert "oauth2core_oidc._plugin" in loaded
    assert not {m for m in loaded if m.split(".")[0] in {"jwskate", "cryptography"}}
