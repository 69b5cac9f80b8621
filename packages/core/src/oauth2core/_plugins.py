"""Building registries: built-ins first, then entry-point plugins, then the contract check.

pluggy and stevedore are imported here on first use only, so ``import oauth2core``
stays light. Only this module touches ``pm.hook``.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ._errors import OAuth2Error, PluginConflictError, PluginContractError, PluginLoadError
from ._registry import (
    _KINDS,
    PluginInfo,
    Registry,
    RegistryBuilder,
    Reserved,
    distribution_of,
    plugin_label,
)

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    import pluggy

__all__ = [
    "ALLOW_ENV",
    "BLOCK_ENV",
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "build_registry",
    "default_registry",
    "plugins",
]

logger = logging.getLogger("oauth2core.plugins")

ENTRY_POINT_GROUP = "oauth2core.plugins"
ALLOW_ENV = "OAUTH2CORE_PLUGINS"
"""Comma-separated entry-point names: only these entry-point plugins load."""
BLOCK_ENV = "OAUTH2CORE_DISABLE_PLUGINS"
"""Comma-separated entry-point names that never load."""
TRACE_ENV = "OAUTH2CORE_TRACE_PLUGINS"
"""When set, every registration is logged on the ``oauth2core.plugins`` logger."""

BUILTIN_PLUGINS: tuple[tuple[str, str], ...] = (
    ("oauth2core.builtin.client_auth", "oauth2core._builtins.client_auth"),
    ("oauth2core.builtin.grants", "oauth2core._builtins.grants"),
    ("oauth2core.builtin.token_types", "oauth2core._builtins.token_types"),
    ("oauth2core.builtin.error_codes", "oauth2core._builtins.error_codes"),
    ("oauth2core.builtin.response_modes", "oauth2core._builtins.response_modes"),
)
"""Core's own plugins, registered first through the same hooks as everyone else's."""

_default: Registry | None = None
_default_lock = threading.Lock()


def default_registry() -> Registry:
    """The process-wide registry: built-ins plus entry-point plugins, built once.

    The first call scans the ``oauth2core.plugins`` entry points (reading the allow/block
    environment variables then); later calls return the same registry without rescanning.
    """
    global _default
    registry = _default
    if registry is None:
        with _default_lock:
            registry = _default
            if registry is None:
                registry = _default = build_registry(entry_points=True)
    return registry


def reset_default_registry() -> None:
    """Forget the process-wide registry, so the next client rebuilds it (tests only)."""
    global _default
    with _default_lock:
        _default = None


def build_registry(
    *plugins: ModuleType | object | str,
    entry_points: bool = False,
    builtins: bool = True,
) -> Registry:
    """Build a registry from core's built-ins, the given plugins, and optionally entry points.

    :param plugins: plugin modules (or objects, or importable module names) registered
        after the built-ins, in order, without entry points. Their plugin name is the
        module name.
    :param entry_points: also discover the ``oauth2core.plugins`` entry points, honouring
        ``OAUTH2CORE_PLUGINS`` (allow-list) and ``OAUTH2CORE_DISABLE_PLUGINS``
        (block-list), which apply to entry-point plugins only.
    :param builtins: register core's built-ins first (turn off only to test a plugin alone).
    :raises PluginLoadError: an entry-point plugin failed to import.
    :raises PluginConflictError: two plugins registered one key, or one entry-point name.
    :raises PluginContractError: a plugin implements an unknown hook or breaks a hook's
        contract.
    """
    import pluggy

    from . import hookspecs

    pm = pluggy.PluginManager("oauth2core")
    pm.add_hookspecs(hookspecs)
    modules: dict[str, str] = {}

    def add(plugin: object, name: str, module: str) -> None:
        if name in modules:
            raise PluginConflictError(
                ("plugin", name), plugin_label(name, modules[name]), plugin_label(name, module)
            )
        try:
            pm.register(plugin, name=name)
        except pluggy.PluginValidationError as err:
            raise PluginContractError(name, str(err)) from err
        except ValueError as err:
            raise PluginContractError(name, f"registered twice: {err}") from err
        modules[name] = module

    if builtins:
        for name, module in BUILTIN_PLUGINS:
            add(importlib.import_module(module), name, module)
    for plugin in plugins:
        obj = importlib.import_module(plugin) if isinstance(plugin, str) else plugin
        module = getattr(obj, "__name__", type(obj).__module__)
        add(obj, module, module)
    disabled: tuple[str, ...] = ()
    if entry_points:
        found = _entry_points()
        selected = _selected(found)
        disabled = tuple(sorted({ep.name for ep in found} - {ep.name for ep in selected}))
        for ep in selected:
            add(_load(ep), ep.name, ep.module)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as err:
        culprit = pm.get_name(err.plugin) or getattr(err.plugin, "__name__", str(err.plugin))
        raise PluginContractError(str(culprit), str(err)) from err
    return _collect(pm, modules, disabled)


def _collect(
    pm: pluggy.PluginManager, modules: dict[str, str], disabled: tuple[str, ...]
) -> Registry:
    builder = RegistryBuilder(_reserved(), lambda name: plugin_label(name, modules[name]))
    trace = bool(os.environ.get(TRACE_ENV))
    builtin = {name for name, _ in BUILTIN_PLUGINS}
    for kind in _KINDS:
        caller = getattr(pm.hook, f"register_{kind}")
        # Built-ins first whatever tryfirst/trylast say; then plugins in registration order.
        impls = sorted(caller.get_hookimpls(), key=lambda i: i.plugin_name not in builtin)
        for impl in impls:
            if impl.wrapper or impl.hookwrapper:  # it would run as a generator: nothing registered
                raise PluginContractError(
                    impl.plugin_name, f"register_{kind} must not be a wrapper"
                )
            callback = builder.callback(kind, impl.plugin_name)
            if trace:
                callback = _traced(callback, kind, impl.plugin_name)
            kwargs = {name: callback for name in impl.argnames if name == "register"}
            try:
                impl.function(**kwargs)
            except OAuth2Error:
                raise
            except Exception as err:
                raise PluginContractError(
                    impl.plugin_name, f"register_{kind} raised {type(err).__name__}: {err}"
                ) from err
    infos = tuple(
        PluginInfo(name, module, builder.registered_by(name)) for name, module in modules.items()
    )
    return builder.build(infos, disabled)


def _traced(callback: Any, kind: str, plugin: str) -> Any:
    def register(obj: object, /) -> None:
        logger.info("%s: register_%s(%r)", plugin, kind, obj)
        callback(obj)

    return register


def _reserved() -> Reserved:
    import inspect

    import oauth2core

    from ._authorization import AuthorizationRequest
    from ._client import OAuth2Client

    client_keywords = frozenset(inspect.signature(OAuth2Client).parameters) - {"options"}
    return Reserved(
        client_attributes=frozenset(dir(OAuth2Client)) - OAuth2Client.DISPATCHED,
        request_attributes=frozenset(dir(AuthorizationRequest)),
        exports=frozenset(oauth2core.__all__),
        call_keywords=frozenset({"grant_type", "timeout", "requests_kwargs"})
        | FORM_PARAMETERS
        | (
            frozenset(inspect.signature(OAuth2Client.grant_request).parameters)
            | frozenset(inspect.signature(AuthorizationRequest).parameters)
        )
        - {"self", "params", "kwargs"},
        client_keywords=client_keywords,
    )


FORM_PARAMETERS = frozenset(
    {
        "client_id",
        "client_secret",
        "client_assertion",
        "client_assertion_type",
        "code",
        "code_verifier",
        "redirect_uri",
        "refresh_token",
        "username",
        "password",
        "assertion",
        "resource",
        "audience",
        "subject_token",
        "subject_token_type",
        "actor_token",
        "actor_token_type",
        "requested_token_type",
        "token",
        "token_type_hint",
        "device_code",
        "auth_req_id",
    }
)
"""Standard form parameters (RFC 6749, 7521, 7523, 8628, 8693, 7009, CIBA): never options."""


def _entry_points() -> list[EntryPoint]:
    """The entry points of the group, from stevedore's per-process and on-disk cache.

    An empty test instance reads the cached list without loading anything, so that the
    allow/block lists apply before any plugin module is imported.
    """
    from stevedore import ExtensionManager

    return ExtensionManager.make_test_instance([], namespace=ENTRY_POINT_GROUP).list_entry_points()


def _names(variable: str) -> frozenset[str] | None:
    value = os.environ.get(variable)
    if value is None:
        return None
    return frozenset(n.strip() for n in value.split(",") if n.strip())


def _selected(entry_points: Iterable[EntryPoint]) -> list[EntryPoint]:
    allow, block = _names(ALLOW_ENV), _names(BLOCK_ENV) or frozenset()
    entry_points = list(entry_points)
    unknown = ((allow or frozenset()) | block) - {ep.name for ep in entry_points}
    if unknown:
        logger.warning(
            "%s/%s name plugins that are not installed: %s",
            ALLOW_ENV,
            BLOCK_ENV,
            ", ".join(sorted(unknown)),
        )
    return [
        ep for ep in entry_points if (allow is None or ep.name in allow) and ep.name not in block
    ]


def _load(ep: EntryPoint) -> Any:
    try:
        return ep.load()
    except Exception as err:
        distribution = ep.dist.name if ep.dist else distribution_of(ep.module)[0]
        raise PluginLoadError(ep.name, distribution, err) from err


def plugins(registry: Registry | None = None) -> list[PluginInfo]:
    """Diagnostics: every plugin of ``registry`` (default: the process registry).

    Each :class:`PluginInfo` gives the plugin name, its distribution and version (from
    ``importlib.metadata``) and the keys it registered.
    """
    return list((registry or default_registry()).plugins)
