"""Keys and the contract: duplicates conflict, core names are refused, broken hooks fail.

Every kind of key taken twice raises PluginConflictError naming both plugins; a plugin
taking one of core's names, registering the wrong object, or implementing a hook that
does not exist raises PluginContractError when the registry is built.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata
from importlib.metadata import EntryPoint
from types import ModuleType
from typing import Any

import pytest

from oauth2core import (
    AuthorizationResponseError,
    EndpointError,
    InvalidResponse,
    OAuth2Client,
    PluginConflictError,
    PluginContractError,
    hookimpl,
)
from oauth2core import _plugins as plugins_module
from oauth2core import _registry as registry_module
from oauth2core.hookspecs import (
    CLIENT_AUTH_PHASE,
    TOKEN_PROOF_PHASE,
    AuthCoercion,
    ClientAuthMethod,
    ClientMethod,
    ErrorCode,
    Export,
    Grant,
    RequestFlow,
    RequestOption,
    ResponseMode,
    TokenResponseStep,
    TokenType,
    VendorProfile,
)
from oauth2core.testing import registry_from

MakePlugin = Callable[..., ModuleType]
Toy = Callable[[str], ModuleType]
TOYS = "oauth2core_toy_plugins"
TOKEN_URL = "https://as.example/oauth/token"


def noop(*args: Any, **kwargs: Any) -> Any:
    return None


class ToyError(EndpointError):
    """A plugin's endpoint error."""


class ToyDenied(AuthorizationResponseError):
    """A plugin's authorization response error."""


TOY_GRANT = "urn:example:toy"

CONFLICTS = [
    pytest.param(
        "grants",
        Grant(TOY_GRANT, "toy_a", noop),
        "grants",
        Grant(TOY_GRANT, "toy_b", noop),
        ("grant", TOY_GRANT),
        id="grant_type",
    ),
    pytest.param(
        "client_methods",
        ClientMethod("toy_method", noop),
        "client_methods",
        ClientMethod("toy_method", noop),
        ("method", "client", "toy_method"),
        id="client_method",
    ),
    pytest.param(
        "grants",
        Grant(TOY_GRANT, "toy_method", noop),
        "client_methods",
        ClientMethod("toy_method", noop),
        ("method", "client", "toy_method"),
        id="grant_method_vs_client_method",
    ),
    pytest.param(
        "client_methods",
        ClientMethod("toy_sign", noop, "authorization_request"),
        "client_methods",
        ClientMethod("toy_sign", noop, "authorization_request"),
        ("method", "authorization_request", "toy_sign"),
        id="authorization_request_method",
    ),
    pytest.param(
        "client_auth_methods",
        ClientAuthMethod("toy_auth", noop),
        "client_auth_methods",
        ClientAuthMethod("toy_auth", noop),
        ("client_auth_method", "toy_auth"),
        id="client_auth_method",
    ),
    pytest.param(
        "token_types",
        TokenType("Toy", noop),
        "token_types",
        TokenType("toy", noop),
        ("token_type", "toy"),
        id="token_type_case_insensitive",
    ),
    pytest.param(
        "vendor_profiles",
        VendorProfile("toyco", noop),
        "vendor_profiles",
        VendorProfile("toyco", noop),
        ("vendor_profile", "toyco"),
        id="vendor_profile",
    ),
    pytest.param(
        "error_codes",
        ErrorCode("toy_error", ToyError, "token"),
        "error_codes",
        ErrorCode("toy_error", ToyError, "token"),
        ("error_code", "token", "toy_error"),
        id="error_code_in_one_context",
    ),
    pytest.param(
        "error_codes",
        ErrorCode("toy_denied", ToyDenied, "authorization_response"),
        "error_codes",
        ErrorCode("toy_denied", ToyDenied, "authorization_response"),
        ("error_code", "authorization_response", "toy_denied"),
        id="authorization_response_error_code",
    ),
    pytest.param(
        "exports",
        Export("ToyThing", "toy_a:ToyThing"),
        "exports",
        Export("ToyThing", "toy_b:ToyThing"),
        ("export", "ToyThing"),
        id="export",
    ),
    pytest.param(
        "request_options",
        RequestOption("toy_option"),
        "request_options",
        RequestOption("toy_option"),
        ("call_option", "toy_option"),
        id="call_option",
    ),
    pytest.param(
        "request_options",
        RequestOption("toy_option", scope="client"),
        "request_options",
        RequestOption("toy_option", scope="client"),
        ("client_keyword", "toy_option"),
        id="client_option",
    ),
    pytest.param(
        "request_flows",
        RequestFlow("toy_flow", TOKEN_PROOF_PHASE, noop),
        "request_flows",
        RequestFlow("toy_flow", CLIENT_AUTH_PHASE, noop, frozenset({"token"})),
        ("request_flow", "toy_flow"),
        id="request_flow",
    ),
    pytest.param(
        "token_response_steps",
        TokenResponseStep("toy_step", noop),
        "token_response_steps",
        TokenResponseStep("toy_step", noop),
        ("token_response_step", "toy_step"),
        id="token_response_step",
    ),
    pytest.param(
        "response_modes",
        ResponseMode("toy.wrapped", noop),
        "response_modes",
        ResponseMode("toy.wrapped", noop),
        ("response_mode", "toy.wrapped"),
        id="response_mode",
    ),
    pytest.param(
        "auth_coercions",
        AuthCoercion("toy_coercion", noop),
        "auth_coercions",
        AuthCoercion("toy_coercion", noop),
        ("auth_coercion", "toy_coercion"),
        id="auth_coercion",
    ),
    pytest.param(
        "auth_coercions",
        AuthCoercion("toy_a", noop, frozenset({"toy_key"})),
        "auth_coercions",
        AuthCoercion("toy_b", noop, frozenset({"toy_key"})),
        ("client_keyword", "toy_key"),
        id="coercion_keyword",
    ),
    pytest.param(
        "request_options",
        RequestOption("toy_key", scope="client"),
        "auth_coercions",
        AuthCoercion("toy_b", noop, frozenset({"toy_key"})),
        ("client_keyword", "toy_key"),
        id="client_option_vs_coercion_keyword",
    ),
]


@pytest.mark.parametrize(("kind_a", "obj_a", "kind_b", "obj_b", "key"), CONFLICTS)
def test_two_plugins_registering_one_key_conflict(
    make_plugin: MakePlugin,
    kind_a: str,
    obj_a: object,
    kind_b: str,
    obj_b: object,
    key: tuple[str, ...],
):
    first = make_plugin("toy_plugin_a", **{kind_a: [obj_a]})
    second = make_plugin("toy_plugin_b", **{kind_b: [obj_b]})

    with pytest.raises(PluginConflictError) as caught:
        registry_from(first, second)

    assert caught.value.key == key
    # First is whoever registered first: hooks run kind by kind, then plugin by plugin.
    labels = {caught.value.first, caught.value.second}
    assert labels == {
        "plugin 'toy_plugin_a' (module toy_plugin_a)",
        "plugin 'toy_plugin_b' (module toy_plugin_b)",
    }
    message = str(caught.value)
    assert "'toy_plugin_a'" in message
    assert "'toy_plugin_b'" in message


def test_one_plugin_registering_a_key_twice_conflicts_with_itself(make_plugin: MakePlugin):
    plugin = make_plugin("toy_plugin", vendor_profiles=[VendorProfile("toyco", noop)] * 2)
    with pytest.raises(PluginConflictError, match="'vendor_profile' 'toyco'"):
        registry_from(plugin)


BUILTIN_CONFLICTS = [
    pytest.param(
        "token_types",
        TokenType("bearer", noop),
        ("token_type", "bearer"),
        "oauth2core.builtin.token_types",
        id="bearer",
    ),
    pytest.param(
        "grants",
        Grant("client_credentials", "toy_client_credentials", noop),
        ("grant", "client_credentials"),
        "oauth2core.builtin.grants",
        id="grant_type",
    ),
    pytest.param(
        "grants",
        Grant(TOY_GRANT, "client_credentials", noop),
        ("method", "client", "client_credentials"),
        "oauth2core.builtin.grants",
        id="dispatched_method",
    ),
    pytest.param(
        "client_auth_methods",
        ClientAuthMethod("client_secret_basic", noop),
        ("client_auth_method", "client_secret_basic"),
        "oauth2core.builtin.client_auth",
        id="client_auth_method",
    ),
    pytest.param(
        "error_codes",
        ErrorCode("invalid_grant", ToyError),
        ("error_code", "endpoint", "invalid_grant"),
        "oauth2core.builtin.error_codes",
        id="shared_error_code",
    ),
    pytest.param(
        "response_modes",
        ResponseMode("query", noop),
        ("response_mode", "query"),
        "oauth2core.builtin.response_modes",
        id="response_mode",
    ),
    pytest.param(
        "request_flows",
        RequestFlow("oauth2core.client_auth", CLIENT_AUTH_PHASE, noop),
        ("request_flow", "oauth2core.client_auth"),
        "oauth2core.builtin.client_auth",
        id="client_auth_flow",
    ),
]


@pytest.mark.parametrize(("kind", "obj", "key", "builtin"), BUILTIN_CONFLICTS)
def test_a_plugin_cannot_take_a_builtin_key(
    make_plugin: MakePlugin, kind: str, obj: object, key: tuple[str, ...], builtin: str
):
    with pytest.raises(PluginConflictError) as caught:
        registry_from(make_plugin("toy_plugin", **{kind: [obj]}))
    assert caught.value.key == key
    core = f"oauth2core {metadata.version('oauth2core')}"
    assert caught.value.first == f"plugin {builtin!r} ({core})"
    assert caught.value.second == "plugin 'toy_plugin' (module toy_plugin)"


def test_one_code_in_two_contexts_is_not_a_conflict(make_plugin: MakePlugin):
    registry = registry_from(
        make_plugin("toy_plugin_a", error_codes=[ErrorCode("toy_error", ToyError, "token")]),
        make_plugin("toy_plugin_b", error_codes=[ErrorCode("toy_error", ToyError)]),
    )
    assert registry.error_codes[("token", "toy_error")] is ToyError
    assert registry.error_codes[("endpoint", "toy_error")] is ToyError


def test_one_method_name_on_client_and_request_is_not_a_conflict(make_plugin: MakePlugin):
    registry = registry_from(
        make_plugin("toy_plugin_a", client_methods=[ClientMethod("toy_sign", noop)]),
        make_plugin(
            "toy_plugin_b", client_methods=[ClientMethod("toy_sign", noop, "authorization_request")]
        ),
    )
    assert registry.client_method("toy_sign") is not None
    assert registry.client_method("toy_sign", "authorization_request") is not None


def test_the_same_plugin_twice_conflicts(toy: Toy):
    grants = toy("grants")
    with pytest.raises(PluginConflictError) as caught:
        registry_from(grants, grants)
    assert caught.value.key == ("plugin", f"{TOYS}.grants")


def test_duplicate_entry_point_names_conflict(
    fresh_default: None, toy_package: ModuleType, monkeypatch: pytest.MonkeyPatch
):
    group = plugins_module.ENTRY_POINT_GROUP
    entry_points = [
        EntryPoint(name="saml2-bearer", value="oauth2core_example_saml2_bearer", group=group),
        EntryPoint(name="saml2-bearer", value=f"{TOYS}.grants", group=group),
    ]
    monkeypatch.setattr(plugins_module, "_entry_points", lambda: entry_points)

    with pytest.raises(PluginConflictError) as caught:
        OAuth2Client(TOKEN_URL)

    assert caught.value.key == ("plugin", "saml2-bearer")
    assert caught.value.first == "plugin 'saml2-bearer' (oauth2core-example-saml2-bearer 0.1.0)"
    assert caught.value.second == f"plugin 'saml2-bearer' (module {TOYS}.grants)"
    assert plugins_module._default is None


def test_two_entry_point_names_for_one_module_break_the_contract(
    fresh_default: None, monkeypatch: pytest.MonkeyPatch
):
    group = plugins_module.ENTRY_POINT_GROUP
    entry_points = [
        EntryPoint(name="saml2-bearer", value="oauth2core_example_saml2_bearer", group=group),
        EntryPoint(name="saml2-bearer-again", value="oauth2core_example_saml2_bearer", group=group),
    ]
    monkeypatch.setattr(plugins_module, "_entry_points", lambda: entry_points)
    with pytest.raises(PluginContractError, match="registered twice") as caught:
        OAuth2Client(TOKEN_URL)
    assert caught.value.plugin == "saml2-bearer-again"


# ---------------------------------------------------------------------- core names are refused

CORE_NAMES = [
    pytest.param(
        "exports", Export("OAuth2Client", "toy:OAuth2Client"), "shadows a name", id="export"
    ),
    pytest.param("exports", Export("hookimpl", "toy:hookimpl"), "shadows a name", id="export_lazy"),
    pytest.param(
        "client_methods", ClientMethod("token_request", noop), "shadows", id="client_method"
    ),
    pytest.param("client_methods", ClientMethod("_private", noop), "shadows", id="private_method"),
    pytest.param(
        "client_methods",
        ClientMethod("validate_callback", noop, "authorization_request"),
        "shadows",
        id="authorization_request_method",
    ),
    pytest.param("grants", Grant(TOY_GRANT, "send", noop), "shadows", id="grant_method"),
    pytest.param("request_options", RequestOption("scope"), "core keyword", id="call_scope"),
    pytest.param(
        "request_options", RequestOption("grant_type"), "core keyword", id="call_grant_type"
    ),
    pytest.param("request_options", RequestOption("state"), "core keyword", id="call_state"),
    pytest.param(
        "request_options",
        RequestOption("id_token_validation"),
        "core keyword",
        id="call_id_token_validation",
    ),
    pytest.param(
        "request_options",
        RequestOption("authorization_response"),
        "core keyword",
        id="call_authorization_response",
    ),
    pytest.param(
        "request_options",
        RequestOption("timeout", scope="client"),
        "core keyword",
        id="client_timeout",
    ),
    pytest.param(
        "auth_coercions",
        AuthCoercion("toy", noop, frozenset({"client_secret"})),
        "is an OAuth2Client parameter",
        id="coercion_keyword",
    ),
    pytest.param(
        "error_codes",
        ErrorCode("toy_error", InvalidResponse),
        "must map to a EndpointError class",
        id="error_class",
    ),
    pytest.param(
        "error_codes",
        ErrorCode("toy_error", ToyError, "authorization_response"),
        "must map to a AuthorizationResponseError class",
        id="authorization_response_error_class",
    ),
    pytest.param(
        "exports", Export("ToyThing", "toy.ToyThing"), "not 'module:attribute'", id="export_target"
    ),
]


@pytest.mark.parametrize(("kind", "obj", "message"), CORE_NAMES)
def test_plugin_taking_a_core_name_breaks_the_contract(
    make_plugin: MakePlugin, kind: str, obj: object, message: str
):
    with pytest.raises(PluginContractError, match=message) as caught:
        registry_from(make_plugin("toy_plugin", **{kind: [obj]}))
    assert caught.value.plugin == "toy_plugin"
    assert str(caught.value).startswith("plugin 'toy_plugin': ")


# ------------------------------------------------------------------------- broken hooks

WRONG_OBJECTS = {
    kind: Export("ToyThing", "toy:ToyThing") if kind != "exports" else Grant(TOY_GRANT, "x", noop)
    for kind in registry_module._KINDS
}


@pytest.mark.parametrize("kind", sorted(WRONG_OBJECTS))
def test_wrong_object_type_breaks_the_contract(make_plugin: MakePlugin, kind: str):
    wrong = WRONG_OBJECTS[kind]
    expected = registry_module._KINDS[kind].__name__
    message = (
        f"register_{kind} registered {type(wrong).__name__}, "
        f"expected oauth2core.hookspecs.{expected}"
    )
    with pytest.raises(PluginContractError, match=message) as caught:
        registry_from(make_plugin("toy_plugin", **{kind: [wrong]}))
    assert caught.value.plugin == "toy_plugin"


def test_plain_values_are_not_registrable(make_plugin: MakePlugin):
    with pytest.raises(PluginContractError, match="registered tuple"):
        registry_from(make_plugin("toy_plugin", grants=[(TOY_GRANT, "toy", noop)]))


def test_misspelled_hook_fails_when_the_registry_is_built(toy: Toy):
    with pytest.raises(PluginContractError, match="register_grant") as caught:
        registry_from(toy("misspelled"))
    assert caught.value.plugin == f"{TOYS}.misspelled"


def test_misspelled_hook_of_an_entry_point_plugin_names_the_entry_point(
    fresh_default: None, toy_package: ModuleType, monkeypatch: pytest.MonkeyPatch
):
    group = plugins_module.ENTRY_POINT_GROUP
    entry_point = EntryPoint(name="toy-misspelled", value=f"{TOYS}.misspelled", group=group)
    monkeypatch.setattr(plugins_module, "_entry_points", lambda: [entry_point])
    with pytest.raises(PluginContractError, match="register_grant") as caught:
        OAuth2Client(TOKEN_URL)
    assert caught.value.plugin == "toy-misspelled"
    assert plugins_module._default is None


def test_hook_with_an_unknown_argument_breaks_the_contract(toy: Toy):
    with pytest.raises(PluginContractError, match="client") as caught:
        registry_from(toy("unknown_argument"))
    assert caught.value.plugin == f"{TOYS}.unknown_argument"


def test_hook_that_raises_breaks_the_contract(make_plugin: MakePlugin):
    def register_grants(register: Any) -> None:
        raise KeyError("toy")

    with pytest.raises(PluginContractError, match="register_grants raised KeyError") as caught:
        registry_from(make_plugin("toy_plugin", grants=register_grants))
    assert isinstance(caught.value.__cause__, KeyError)


def test_hook_may_take_fewer_arguments(make_plugin: MakePlugin):
    called = []

    def register_grants() -> None:
        called.append(True)

    registry = registry_from(make_plugin("toy_plugin", grants=register_grants))
    assert called == [True]
    assert registry.plugins[-1].registered == ()


def test_wrapper_hook_is_refused():
    def register_grants(register: Any) -> Any:
        register(Grant(TOY_GRANT, "toy", noop))
        yield

    plugin = ModuleType("toy_plugin")
    setattr(plugin, "register_grants", hookimpl(wrapper=True)(register_grants))  # noqa: B010
    with pytest.raises(PluginContractError, match="wrapper"):
        registry_from(plugin)


@pytest.mark.parametrize(
    ("kind", "obj", "message"),
    [
        ("client_methods", ClientMethod("x", noop, "clinet"), "unknown target"),  # type: ignore[arg-type]
        ("request_options", RequestOption("x", "every"), "unknown scope"),  # type: ignore[arg-type]
    ],
    ids=["client-method-target", "request-option-scope"],
)
def test_misspelled_enumerations_are_refused(make_plugin: MakePlugin, kind, obj, message):
    with pytest.raises(PluginContractError, match=message):
        registry_from(make_plugin("toy_plugin", **{kind: [obj]}))


@pytest.mark.parametrize("name", ["code", "refresh_token", "resource", "assertion", "audience"])
def test_standard_form_parameters_cannot_be_options(make_plugin: MakePlugin, name):
    plugin = make_plugin("toy_plugin", request_options=[RequestOption(name)])
    with pytest.raises(PluginContractError, match="core keyword"):
        registry_from(plugin)


def test_trylast_plugin_still_registers_after_the_builtins(make_plugin: MakePlugin):
    module = ModuleType("late_plugin")

    def register_token_types(register):
        register(TokenType("bearer", noop))

    module.register_token_types = hookimpl(trylast=True)(register_token_types)  # type: ignore[attr-defined]
    with pytest.raises(PluginConflictError) as caught:
        registry_from(module)
    # The built-in holds the key: it is named first, the late plugin second.
    assert "oauth2core.builtin.token_types" in caught.value.first
    assert "late_plugin" in caught.value.second
