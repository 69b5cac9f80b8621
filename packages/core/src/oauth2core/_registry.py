"""The registry: what the plugins registered, in typed, frozen tables.

A :class:`Registry` is built once (see ``_plugins``) and then only read. Lookups on the
request path are plain dict reads.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, TypeVar, cast

from ._errors import (
    AuthorizationResponseError,
    EndpointError,
    OAuth2Error,
    PluginConflictError,
    PluginContractError,
)
from ._extensions import (
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

__all__ = ["PluginInfo", "Registry"]

Key = tuple[str, ...]
E = TypeVar("E", bound=OAuth2Error)


class PluginInfo(NamedTuple):
    """One plugin of a registry, for diagnostics.

    :ivar name: the plugin name (the entry-point name, or ``oauth2core.builtin.<x>``).
    :ivar module: the module that holds its hook implementations.
    :ivar registered: the keys it registered, e.g. ``("grant", "client_credentials")``.
    """

    name: str
    module: str
    registered: tuple[Key, ...]

    @property
    def distribution(self) -> str | None:
        """The distribution that provides the plugin's module, when installed as one."""
        return distribution_of(self.module)[0]

    @property
    def version(self) -> str | None:
        """That distribution's version."""
        return distribution_of(self.module)[1]

    def label(self) -> str:
        """How messages name the plugin: ``plugin 'name' (distribution version)``."""
        return plugin_label(self.name, self.module)


@functools.cache
def distribution_of(module: str) -> tuple[str | None, str | None]:
    """The (distribution, version) that installs ``module``; diagnostics and errors only.

    Editable installs do not list their modules in their metadata, so the distribution
    is found by its ``oauth2core.plugins`` entry point first, then by the top-level name.
    """
    from importlib import metadata

    for dist in metadata.distributions():
        for ep in dist.entry_points.select(group="oauth2core.plugins"):
            if ep.module == module:
                return dist.metadata["Name"], dist.version
    top = module.split(".", 1)[0]
    for name in (top, top.replace("_", "-"), *metadata.packages_distributions().get(top, [])):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        return dist.metadata["Name"], dist.version  # the declared name, not the one guessed
    return None, None


def plugin_label(name: str, module: str) -> str:
    """``plugin 'name' (distribution version)``, or ``plugin 'name'`` when not installed."""
    distribution, version = distribution_of(module)
    if distribution:
        return f"plugin {name!r} ({distribution} {version})"
    return f"plugin {name!r} (module {module})"


class Registry:
    """What a set of plugins registered, in frozen tables.

    Grants, client authentication methods, token types, vendor profiles, error codes and
    the extension points.
    Build one with :func:`oauth2core.build_registry`; an OAuth2Client uses the process
    default unless given ``registry=``. Registries are immutable and thread-safe.

    :ivar disabled: entry-point plugins installed but left out by the allow/block
        environment variables.
    :ivar call_options: names of the declared per-call options.
    :ivar coercion_keywords: constructor keywords claimed by auth coercions.
    :ivar provides: capabilities provided by token-response steps (``id_token_validation``).
    :ivar resolvers: the call options that resolve the options in effect
        (see ``RequestOption.resolve``).
    """

    __slots__ = (
        "_flows_by_endpoint",
        "auth_coercions",
        "call_options",
        "client_auth_methods",
        "client_methods",
        "coercion_keywords",
        "disabled",
        "error_codes",
        "exports",
        "grants",
        "plugins",
        "provides",
        "request_flows",
        "request_options",
        "resolvers",
        "response_modes",
        "token_response_steps",
        "token_types",
        "vendor_profiles",
    )

    grants: Mapping[str, Grant]
    client_auth_methods: Mapping[str, ClientAuthMethod]
    token_types: Mapping[str, TokenType]
    vendor_profiles: Mapping[str, VendorProfile]
    error_codes: Mapping[tuple[str, str], type[OAuth2Error]]
    exports: Mapping[str, Export]
    client_methods: Mapping[tuple[str, str], ClientMethod]
    auth_coercions: tuple[AuthCoercion, ...]
    request_options: Mapping[tuple[str, str], RequestOption]
    request_flows: tuple[RequestFlow, ...]
    token_response_steps: tuple[TokenResponseStep, ...]
    response_modes: Mapping[str, ResponseMode]
    plugins: tuple[PluginInfo, ...]
    disabled: tuple[str, ...]
    call_options: frozenset[str]
    coercion_keywords: frozenset[str]
    provides: frozenset[str]
    resolvers: tuple[RequestOption, ...]
    _flows_by_endpoint: dict[str, tuple[RequestFlow, ...]]

    def __init__(
        self,
        *,
        grants: Mapping[str, Grant],
        client_auth_methods: Mapping[str, ClientAuthMethod],
        token_types: Mapping[str, TokenType],
        vendor_profiles: Mapping[str, VendorProfile],
        error_codes: Mapping[tuple[str, str], type[OAuth2Error]],
        exports: Mapping[str, Export],
        client_methods: Mapping[tuple[str, str], ClientMethod],
        auth_coercions: tuple[AuthCoercion, ...],
        request_options: Mapping[tuple[str, str], RequestOption],
        request_flows: tuple[RequestFlow, ...],
        token_response_steps: tuple[TokenResponseStep, ...],
        response_modes: Mapping[str, ResponseMode],
        plugins: tuple[PluginInfo, ...],
        disabled: tuple[str, ...] = (),
    ) -> None:
        setattr_ = object.__setattr__  # the one place a registry is written
        setattr_(self, "grants", grants)
        setattr_(self, "client_auth_methods", client_auth_methods)
        setattr_(self, "token_types", token_types)
        setattr_(self, "vendor_profiles", vendor_profiles)
        setattr_(self, "error_codes", error_codes)
        setattr_(self, "exports", exports)
        setattr_(self, "client_methods", client_methods)
        setattr_(self, "auth_coercions", auth_coercions)
        setattr_(self, "request_options", request_options)
        setattr_(self, "request_flows", request_flows)
        setattr_(self, "token_response_steps", token_response_steps)
        setattr_(self, "response_modes", response_modes)
        setattr_(self, "plugins", plugins)
        setattr_(self, "disabled", disabled)
        setattr_(self, "call_options", frozenset(n for s, n in request_options if s == "call"))
        setattr_(
            self, "coercion_keywords", frozenset(k for c in auth_coercions for k in c.keywords)
        )
        setattr_(self, "provides", frozenset(p for s in token_response_steps for p in s.provides))
        setattr_(
            self,
            "resolvers",
            tuple(o for (s, _), o in request_options.items() if s == "call" and o.resolve),
        )
        setattr_(self, "_flows_by_endpoint", {})

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Registry is immutable: build another one")

    def __repr__(self) -> str:
        names = ", ".join(p.name for p in self.plugins)
        return f"Registry(plugins=[{names}])"

    def error_class(self, context: str, code: str, default: type[E]) -> type[E]:
        """The exception class for ``code`` at ``context``, else ``default``.

        Endpoint contexts fall back to the codes registered for every endpoint.
        """
        found = self.error_codes.get((context, code))
        if found is None and context != "authorization_response":
            found = self.error_codes.get(("endpoint", code))
        return cast("type[E]", found) if found is not None else default

    def resolve_options(self, options: Mapping[str, Any], client: Any) -> dict[str, Any]:
        """The per-call options in effect: ``options`` through each option's ``resolve``.

        :param client: the OAuth2Client of a token request, or None for an authorization
            request.
        """
        resolved = dict(options)
        for option in self.resolvers:
            resolve = option.resolve
            if resolve is not None:
                resolved = dict(resolve(resolved, client))
        return resolved

    def token_type(self, token_type: str) -> TokenType | None:
        """The registered token type for a ``token_type`` value, case-insensitively."""
        return self.token_types.get(token_type.lower())

    def client_method(
        self, name: str, target: Literal["client", "authorization_request"] = "client"
    ) -> ClientMethod | None:
        """The method registered under ``name`` for ``target``, or None."""
        return self.client_methods.get((target, name))

    def flows_for(self, endpoint: str) -> tuple[RequestFlow, ...]:
        """The flows that apply to ``endpoint``, outermost (highest phase) first."""
        flows = self._flows_by_endpoint.get(endpoint)
        if flows is None:
            flows = tuple(
                f for f in self.request_flows if not f.endpoints or endpoint in f.endpoints
            )
            self._flows_by_endpoint[endpoint] = flows
        return flows

    def describe(self) -> str:
        """A readable list of plugins, their distributions and what each registered."""
        lines = []
        for plugin in self.plugins:
            keys = ", ".join(":".join(k) for k in plugin.registered) or "nothing"
            lines.append(f"{plugin.label()}: {keys}")
        return "\n".join(lines)


_KINDS: dict[str, type] = {
    "grants": Grant,
    "client_auth_methods": ClientAuthMethod,
    "token_types": TokenType,
    "vendor_profiles": VendorProfile,
    "error_codes": ErrorCode,
    "exports": Export,
    "client_methods": ClientMethod,
    "auth_coercions": AuthCoercion,
    "request_options": RequestOption,
    "request_flows": RequestFlow,
    "token_response_steps": TokenResponseStep,
    "response_modes": ResponseMode,
}
"""Hook suffix (``register_<kind>``) -> the object its ``register`` accepts."""


class Reserved(NamedTuple):
    """Names plugins may not take: attributes of core classes and core keywords."""

    client_attributes: frozenset[str] = frozenset()
    request_attributes: frozenset[str] = frozenset()
    exports: frozenset[str] = frozenset()
    call_keywords: frozenset[str] = frozenset()
    client_keywords: frozenset[str] = frozenset()


class RegistryBuilder:
    """Collects registrations, validating each one as it arrives."""

    def __init__(self, reserved: Reserved, label: Callable[[str], str]) -> None:
        self._reserved = reserved
        self._label = label
        self._owners: dict[Key, str] = {}
        self._by_plugin: dict[str, list[Key]] = {}
        self._tables: dict[str, dict[Any, Any]] = {}
        self._lists: dict[str, list[Any]] = {
            "auth_coercions": [],
            "request_flows": [],
            "token_response_steps": [],
        }

    def callback(self, kind: str, plugin: str) -> Callable[[object], None]:
        """The ``register`` callback handed to ``plugin``'s ``register_<kind>`` hook."""
        expected = _KINDS[kind]

        def register(obj: object, /) -> None:
            if not isinstance(obj, expected):
                raise PluginContractError(
                    plugin,
                    f"register_{kind} registered {type(obj).__name__}, "
                    f"expected oauth2core.hookspecs.{expected.__name__}",
                )
            getattr(self, f"_add_{kind}")(obj, plugin)

        return register

    def _claim(self, key: Key, plugin: str) -> None:
        owner = self._owners.get(key)
        if owner is not None:
            raise PluginConflictError(key, self._label(owner), self._label(plugin))
        self._owners[key] = plugin
        self._by_plugin.setdefault(plugin, []).append(key)

    def _refuse(self, plugin: str, message: str) -> None:
        raise PluginContractError(plugin, message)

    def _put(self, table: str, key: Any, obj: Any) -> None:
        self._tables.setdefault(table, {})[key] = obj

    def _add_grants(self, grant: Grant, plugin: str) -> None:
        self._claim(("grant", grant.grant_type), plugin)
        self._add_client_methods(ClientMethod(grant.method, grant.function), plugin)
        self._put("grants", grant.grant_type, grant)

    def _add_client_auth_methods(self, method: ClientAuthMethod, plugin: str) -> None:
        self._claim(("client_auth_method", method.name), plugin)
        self._put("client_auth_methods", method.name, method)

    def _add_token_types(self, token_type: TokenType, plugin: str) -> None:
        key = token_type.token_type.lower()
        self._claim(("token_type", key), plugin)
        self._put("token_types", key, token_type)

    def _add_vendor_profiles(self, profile: VendorProfile, plugin: str) -> None:
        self._claim(("vendor_profile", profile.name), plugin)
        self._put("vendor_profiles", profile.name, profile)

    def _add_error_codes(self, code: ErrorCode, plugin: str) -> None:
        base = (
            AuthorizationResponseError
            if code.context == "authorization_response"
            else EndpointError
        )
        if not (isinstance(code.exception, type) and issubclass(code.exception, base)):
            self._refuse(plugin, f"error code {code.code!r} must map to a {base.__name__} class")
        self._claim(("error_code", code.context, code.code), plugin)
        self._put("error_codes", (code.context, code.code), code.exception)

    def _add_exports(self, export: Export, plugin: str) -> None:
        if export.name in self._reserved.exports:
            self._refuse(plugin, f"export {export.name!r} shadows a name of oauth2core itself")
        if ":" not in export.target:
            self._refuse(plugin, f"export target {export.target!r} is not 'module:attribute'")
        self._claim(("export", export.name), plugin)
        self._put("exports", export.name, export)

    def _add_client_methods(self, method: ClientMethod, plugin: str) -> None:
        if method.target not in ("client", "authorization_request"):
            self._refuse(plugin, f"method {method.name!r} has an unknown target {method.target!r}")
        reserved = (
            self._reserved.client_attributes
            if method.target == "client"
            else self._reserved.request_attributes
        )
        if method.name in reserved or method.name.startswith("_"):
            self._refuse(plugin, f"{method.target} method {method.name!r} shadows an attribute")
        self._claim(("method", method.target, method.name), plugin)
        self._put("client_methods", (method.target, method.name), method)

    def _add_auth_coercions(self, coercion: AuthCoercion, plugin: str) -> None:
        self._claim(("auth_coercion", coercion.name), plugin)
        taken = self._reserved.client_keywords
        for keyword in sorted(coercion.keywords):
            if keyword in taken:
                self._refuse(plugin, f"keyword {keyword!r} is an OAuth2Client parameter")
            self._claim(("client_keyword", keyword), plugin)
        self._lists["auth_coercions"].append(coercion)

    def _add_request_options(self, option: RequestOption, plugin: str) -> None:
        if option.scope not in ("call", "client"):
            self._refuse(plugin, f"option {option.name!r} has an unknown scope {option.scope!r}")
        if option.scope == "call":
            taken = self._reserved.call_keywords
            key: Key = ("call_option", option.name)
        else:
            taken = self._reserved.client_keywords
            key = ("client_keyword", option.name)
        if option.name in taken:
            self._refuse(plugin, f"option {option.name!r} is a core keyword")
        self._claim(key, plugin)
        self._put("request_options", (option.scope, option.name), option)

    def _add_request_flows(self, flow: RequestFlow, plugin: str) -> None:
        self._claim(("request_flow", flow.name), plugin)
        self._lists["request_flows"].append(flow)

    def _add_token_response_steps(self, step: TokenResponseStep, plugin: str) -> None:
        self._claim(("token_response_step", step.name), plugin)
        self._lists["token_response_steps"].append(step)

    def _add_response_modes(self, mode: ResponseMode, plugin: str) -> None:
        self._claim(("response_mode", mode.response_mode), plugin)
        self._put("response_modes", mode.response_mode, mode)

    def registered_by(self, plugin: str) -> tuple[Key, ...]:
        """The keys ``plugin`` registered so far."""
        return tuple(self._by_plugin.get(plugin, ()))

    def build(self, plugins: tuple[PluginInfo, ...], disabled: tuple[str, ...] = ()) -> Registry:
        """Freeze what was registered into a :class:`Registry`."""

        def table(name: str) -> Mapping[Any, Any]:
            return MappingProxyType(dict(self._tables.get(name, {})))

        # Coercions registered last (plugins) are asked first; core's built-ins come last.
        coercions = tuple(reversed(self._lists["auth_coercions"]))
        flows = sorted(self._lists["request_flows"], key=lambda f: -f.phase)
        return Registry(
            grants=table("grants"),
            client_auth_methods=table("client_auth_methods"),
            token_types=table("token_types"),
            vendor_profiles=table("vendor_profiles"),
            error_codes=table("error_codes"),
            exports=table("exports"),
            client_methods=table("client_methods"),
            auth_coercions=coercions,
            request_options=table("request_options"),
            request_flows=tuple(flows),
            token_response_steps=tuple(self._lists["token_response_steps"]),
            response_modes=table("response_modes"),
            plugins=plugins,
            disabled=disabled,
        )
