"""Helpers for plugin authors' tests (no pytest import).

- :func:`registry_from` builds a registry from core's built-ins and the given plugin
  modules, without entry points; pass it to ``OAuth2Client(..., registry=...)``.
- :func:`check_plugin` runs a plugin module against the hook contract and reports what
  it registers.
- :class:`FakeClock` and :class:`FakeSleeper` stand in for time, so tests of expiry,
  renewal and polling never wait.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType

from ._plugins import build_registry
from ._registry import Key, Registry

__all__ = ["FakeClock", "FakeSleeper", "PluginReport", "check_plugin", "registry_from"]


def registry_from(*plugins: ModuleType | object | str, builtins: bool = True) -> Registry:
    """A registry of core's built-ins (unless ``builtins=False``) and ``plugins``, in order.

    No entry point is scanned and no environment variable is read.
    """
    return build_registry(*plugins, builtins=builtins)


@dataclass(frozen=True)
class PluginReport:
    """What :func:`check_plugin` found.

    :ivar plugin: the plugin name (its module name).
    :ivar registered: the keys it registered, in order.
    :ivar registry: a registry of core's built-ins and this plugin.
    """

    plugin: str
    registered: tuple[Key, ...]
    registry: Registry

    def kinds(self) -> dict[str, list[tuple[str, ...]]]:
        """The registered keys grouped by kind (``"grant"``, ``"method"``...)."""
        grouped: dict[str, list[tuple[str, ...]]] = {}
        for kind, *rest in self.registered:
            grouped.setdefault(kind, []).append(tuple(rest))
        return grouped


def check_plugin(plugin: ModuleType | object | str) -> PluginReport:
    """Check ``plugin`` against the hook contract, next to core's built-ins.

    Every hook implementation must name a known hook with known arguments, and every
    ``register`` call must pass the right object with a key no one else holds.

    :raises PluginContractError: a hook or object breaks the contract.
    :raises PluginConflictError: it registers a key a built-in holds.
    """
    registry = build_registry(plugin)
    info = registry.plugins[-1]
    return PluginReport(info.name, info.registered, registry)


@dataclass
class FakeClock:
    """A clock that only moves when told to (the ``oauth2core.Clock`` protocol).

    Pass it as ``OAuth2Client(..., clock=clock)`` (tokens and handlers follow it) or to
    the objects that take a clock.

    :ivar mono: the monotonic reading, in seconds.
    :ivar wall: the wall-clock reading, in seconds since the epoch.
    """

    mono: float = 1_000.0
    wall: float = 1_700_000_000.0

    def monotonic(self) -> float:
        """The monotonic reading."""
        return self.mono

    def time(self) -> float:
        """The wall-clock reading."""
        return self.wall

    def advance(self, seconds: float) -> None:
        """Move both readings forward."""
        self.mono += seconds
        self.wall += seconds


@dataclass
class FakeSleeper:
    """A sleeper for polling jobs: advances a :class:`FakeClock` instead of sleeping.

    :ivar clock: the clock it advances.
    :ivar waits: every wait asked for, in order.
    """

    clock: FakeClock
    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        """Record the wait and move the clock."""
        self.waits.append(seconds)
        self.clock.advance(seconds)
