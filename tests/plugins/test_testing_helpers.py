"""``oauth2core.testing``: registries from explicit plugin modules, and ``check_plugin``."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from types import ModuleType

import pytest

from oauth2core import PluginConflictError, PluginContractError
from oauth2core import _plugins as plugins_module
from oauth2core.hookspecs import Grant
from oauth2core.testing import PluginReport, check_plugin, registry_from

Toy = Callable[[str], ModuleType]
TOYS = "oauth2core_toy_plugins"
BUILTINS = [name for name, _ in plugins_module.BUILTIN_PLUGINS]

EXPECTED_REPORTS = {
    "grants": {
        "grant": [("urn:example:params:oauth:grant-type:toy-ticket",)],
        "method": [("client", "toy_ticket")],
    },
    "client_auth": {"client_auth_method": [("toy_header",)]},
    "token_types": {"token_type": [("toy",)]},
    "vendor_profiles": {"vendor_profile": [("toyco",)]},
    "error_codes": {
        "error_code": [
            ("endpoint", "toy_error"),
            ("token", "toy_error"),
            ("revocation", "toy_revocation_only"),
            ("authorization_response", "toy_denied"),
        ]
    },
    "exports": {"export": [("ToyThing",)]},
    "client_methods": {
        "method": [("client", "toy_describe"), ("authorization_request", "toy_sign")]
    },
    "auth_coercions": {
        "client_auth_method": [("toy_key_jwt",)],
        "auth_coercion": [("toy_key",)],
        "client_keyword": [("toy_key",)],
    },
    "request_options": {
        "call_option": [("toy_key_id",)],
        "client_keyword": [("toy_bound",)],
        "request_flow": [("toy_key_id_echo",)],
        "token_response_step": [("toy_key_id_record",)],
    },
    "request_flows": {"request_flow": [("toy_retry",), ("toy_proof",), ("toy_token_only",)]},
    "token_response_steps": {"token_response_step": [("toy_enrich",), ("toy_stamp",)]},
    "id_token_validation": {"token_response_step": [("toy_id_token",)]},
    "response_modes": {"response_mode": [("toy.wrapped",)]},
}


@pytest.mark.parametrize("name", sorted(EXPECTED_REPORTS))
def test_check_plugin_reports_what_each_toy_registers(toy: Toy, name: str):
    report = check_plugin(toy(name))
    assert report.plugin == f"{TOYS}.{name}"
    assert report.kinds() == EXPECTED_REPORTS[name]
    assert [p.name for p in report.registry.plugins] == [*BUILTINS, f"{TOYS}.{name}"]


def test_check_plugin_accepts_a_module_name():
    report = check_plugin("oauth2core_example_saml2_bearer")
    assert report.plugin == "oauth2core_example_saml2_bearer"
    assert report.kinds()["method"] == [("client", "saml2_bearer")]


@pytest.mark.parametrize("name", ["misspelled", "unknown_argument"])
def test_check_plugin_refuses_a_hook_that_breaks_the_contract(toy: Toy, name: str):
    with pytest.raises(PluginContractError) as caught:
        check_plugin(toy(name))
    assert caught.value.plugin == f"{TOYS}.{name}"


def test_check_plugin_refuses_a_key_a_builtin_holds(make_plugin: Callable[..., ModuleType]):
    plugin = make_plugin("toy_plugin", grants=[Grant("refresh_token", "toy_refresh", print)])
    with pytest.raises(PluginConflictError, match=r"oauth2core\.builtin\.grants"):
        check_plugin(plugin)


def test_plugin_report_groups_keys_by_kind(toy: Toy):
    report = PluginReport(
        "toy",
        (("grant", "a"), ("method", "client", "m"), ("grant", "b")),
        registry_from(),
    )
    assert report.kinds() == {"grant": [("a",), ("b",)], "method": [("client", "m")]}


def test_registry_from_neither_scans_nor_reads_the_environment(
    toy: Toy, monkeypatch: pytest.MonkeyPatch
):
    def no_scan() -> list[object]:
        raise AssertionError("registry_from scanned the entry points")

    monkeypatch.setattr(plugins_module, "_entry_points", no_scan)
    monkeypatch.setenv(plugins_module.ALLOW_ENV, "nothing")
    monkeypatch.setenv(plugins_module.BLOCK_ENV, f"{TOYS}.grants")

    registry = registry_from(toy("grants"))

    assert [p.name for p in registry.plugins] == [*BUILTINS, f"{TOYS}.grants"]
    assert registry.disabled == ()


def test_registry_from_keeps_the_order_of_its_plugins(toy: Toy):
    registry = registry_from(toy("token_response_steps"), toy("request_options"))
    assert [p.name for p in registry.plugins][len(BUILTINS) :] == [
        f"{TOYS}.token_response_steps",
        f"{TOYS}.request_options",
    ]
    steps = [step.name for step in registry.token_response_steps]
    assert steps == ["toy_enrich", "toy_stamp", "toy_key_id_record"]


def test_registry_from_without_builtins_holds_only_the_plugins(toy: Toy):
    registry = registry_from(toy("grants"), builtins=False)
    assert [p.name for p in registry.plugins] == [f"{TOYS}.grants"]
    assert list(registry.grants) == ["urn:example:params:oauth:grant-type:toy-ticket"]
    assert dict(registry.token_types) == {}


def test_registries_are_immutable():
    registry = registry_from()
    with pytest.raises(TypeError):
        registry.grants["toy"] = Grant("toy", "toy", print)  # type: ignore[index]
    with pytest.raises(AttributeError):
        registry.grants = {}


def test_the_testing_module_does_not_import_pytest():
    code = (
        "import json, sys, oauth2core.testing\n"
        "print(json.dumps(['pytest' in sys.modules, '_pytest' in sys.modules]))\n"
    )
    result = subprocess.run(  # noqa: S603 - the running interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == [False, False]
