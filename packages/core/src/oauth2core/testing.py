"""Helpers for plugin authors' tests (no pytest import).

- :func:`registry_from` builds a registry from core's built-ins and the given plugin
  modules, without entry points; pass it to ``OAuth2Client(..., registry=...)``.
- :func:`check_plugin` runs a plugin module against the hook contract and reports what
  it registers.
- :class:`FakeClock` and :class:`FakeSleeper` stand in for time, so tests of expiry,
  renewal and polling never wait.
- :class:`SecretScanner` proves that secrets (client secrets, keys, tokens, codes) never
  show in a repr, a message, a log record or a warning, so a plugin can run its own flows
  under it.
"""

from __future__ import annotations

import gc
import logging
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import BuiltinFunctionType, FunctionType, MethodType, ModuleType, TracebackType
from typing import Any
from urllib.parse import quote, quote_plus

import requests

from ._plugins import build_registry
from ._registry import Key, Registry
from ._tokens import BearerToken

__all__ = [
    "FakeClock",
    "FakeSleeper",
    "PluginReport",
    "SecretScanner",
    "check_plugin",
    "registry_from",
]


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


_NOT_SCANNED = (
    str,
    bytes,
    bytearray,
    int,
    float,
    complex,
    bool,
    type(None),
    type,
    ModuleType,
    FunctionType,
    MethodType,
    BuiltinFunctionType,
    requests.Request,
    requests.PreparedRequest,
    requests.Response,
    requests.Session,
)


class SecretScanner:
    """Canary secrets that must never show in a repr, a message, a log record or a warning.

    Use it as a context manager around a flow: on entry it sets the root logger and the
    ``oauth2core``, ``urllib3`` and ``requests`` trees to DEBUG and records every log
    record and every warning (warnings are recorded, not raised). :meth:`assert_no_secrets`
    then looks for each secret (and its URL-encoded forms) in:

    - every log record, formatted with its arguments and its exception and stack text;
    - every warning message;
    - ``repr()`` of the objects given and of the library objects and exceptions reachable
      from them (through attributes, containers, exception arguments, causes and
      contexts), and of every live object whose class comes from one of ``modules``;
    - ``str()`` of each of those objects that is an exception or not a token.

    Exempt, because showing the value is their purpose:

    - ``str()`` of tokens (:class:`~oauth2core.BearerToken` and subclasses: ``str(token)``
      is the access token) and of ``str`` subclasses (an ID token is its own value); their
      ``repr()`` is still scanned;
    - requests' :class:`~requests.Request`, :class:`~requests.PreparedRequest`,
      :class:`~requests.Response` and :class:`~requests.Session`: the request body carries
      the credentials and the response body is the server's raw answer;
    - plain strings, bytes and numbers: a secret is stored somewhere by design.

    :param secrets: the canaries; :meth:`add` adds more as a flow issues them (tokens,
        codes). A PEM key also adds each of its base64 lines.
    :param modules: module prefixes whose live objects are scanned.
    :param str_exempt: more classes whose ``str()`` is their secret value by design.
    :ivar counts: how many objects, strings, log records and warnings were scanned.
    """

    LOGGERS = ("", "oauth2core", "urllib3", "requests")
    """The loggers set to DEBUG, with their children: the root, the library, the HTTP stack."""

    def __init__(
        self,
        *secrets: str,
        modules: tuple[str, ...] = ("oauth2core",),
        str_exempt: tuple[type, ...] = (),
    ) -> None:
        self._secrets: list[str] = []
        self.modules = modules
        self.str_exempt = (BearerToken, str, *str_exempt)
        self.records: list[logging.LogRecord] = []
        self.warnings: list[warnings.WarningMessage] = []
        self.counts = {"objects": 0, "strings": 0, "records": 0, "warnings": 0}
        self._handler = _ListHandler(self.records)
        self._levels: dict[str, int] = {}
        self._attached: list[logging.Logger] = []
        self._disabled = logging.NOTSET
        self._warnings_context: warnings.catch_warnings[list[warnings.WarningMessage]] | None
        self._warnings_context = None
        self.add(*secrets)

    def __repr__(self) -> str:
        return f"SecretScanner(<{len(self._secrets)} secrets>, counts={self.counts})"

    def add(self, *secrets: str | None) -> None:
        """Add canaries (None and repeats are ignored); each must be 8 characters or more."""
        for secret in secrets:
            if secret is None:
                continue
            if not isinstance(secret, str) or len(secret) < 8:
                raise ValueError("a canary must be a string of 8 characters or more")
            forms = {secret, quote(secret, safe=""), quote_plus(secret)}
            if "-----BEGIN" in secret:
                forms |= {line for line in secret.split() if len(line) >= 16 and "-" not in line}
            self._secrets.extend(form for form in sorted(forms) if form not in self._secrets)

    def __enter__(self) -> SecretScanner:
        for name in {*self.LOGGERS, *self._tree_names()}:
            logger = logging.getLogger(name)
            self._levels[name] = logger.level
            logger.setLevel(logging.DEBUG)
            if name == "" or not logger.propagate:  # the root sees every other record
                logger.addHandler(self._handler)
                self._attached.append(logger)
        self._disabled = logging.root.manager.disable
        logging.disable(logging.NOTSET)
        self._warnings_context = warnings.catch_warnings(record=True)
        self.warnings = self._warnings_context.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._warnings_context is not None:
            self._warnings_context.__exit__(exc_type, exc, traceback)
        logging.disable(self._disabled)
        for logger in self._attached:
            logger.removeHandler(self._handler)
        self._attached.clear()
        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)

    def _tree_names(self) -> Iterator[str]:
        for name in list(logging.root.manager.loggerDict):
            if any(name.startswith(f"{top}.") for top in self.LOGGERS if top):
                yield name

    def leaks(self, *objects: object, live: bool = True) -> list[str]:
        """Where a canary shows: one line per finding, with the canary masked.

        :param objects: what the flow produced (clients, handlers, tokens, errors...).
        :param live: also scan every live object of the ``modules`` (``gc.get_objects()``).
        """
        found: list[str] = []
        formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
        for record in self.records:
            self.counts["records"] += 1
            self._look(f"log record {record.name}", _format(formatter, record), found)
        self.records.clear()
        for message in self.warnings:
            self.counts["warnings"] += 1
            text = f"{message.category.__name__}: {message.message}"
            self._look("warning", text, found)
        self.warnings.clear()
        seen: set[int] = set()
        for obj in self._walk(objects, seen):
            self._texts(obj, found)
        if live:
            for obj in gc.get_objects():
                if id(obj) not in seen and self._ours(obj):
                    seen.add(id(obj))
                    self._texts(obj, found)
        return found

    def assert_no_secrets(self, *objects: object, live: bool = True) -> None:
        """Raise AssertionError listing every place a canary shows (see :meth:`leaks`)."""
        found = self.leaks(*objects, live=live)
        if found:
            raise AssertionError("secrets leaked:\n" + "\n".join(found))

    def _walk(self, roots: Iterable[object], seen: set[int]) -> Iterator[object]:
        stack = list(roots)
        given = {id(root) for root in stack}
        while stack:
            obj = stack.pop()
            if id(obj) in seen or isinstance(obj, _NOT_SCANNED):
                continue
            seen.add(id(obj))
            ours = self._ours(obj)
            if isinstance(obj, dict):
                stack.extend(obj.values())
            elif isinstance(obj, list | tuple | set | frozenset):
                stack.extend(obj)
            plain = type(obj) in (dict, list, tuple, set, frozenset)
            if ours or isinstance(obj, BaseException) or (id(obj) in given and not plain):
                yield obj
                stack.extend(_attributes(obj))
            if isinstance(obj, BaseException):
                stack.extend((*obj.args, obj.__cause__, obj.__context__))

    def _ours(self, obj: object) -> bool:
        module = getattr(type(obj), "__module__", None)
        return isinstance(module, str) and module.startswith(self.modules)

    def _texts(self, obj: object, found: list[str]) -> None:
        name = type(obj).__name__
        self.counts["objects"] += 1
        self._look(f"repr({name})", _safely(repr, obj), found)
        if isinstance(obj, BaseException) or not isinstance(obj, self.str_exempt):
            self._look(f"str({name})", _safely(str, obj), found)

    def _look(self, where: str, text: str, found: list[str]) -> None:
        self.counts["strings"] += 1
        hits = [n for n, secret in enumerate(self._secrets) if secret in text]
        if hits:
            for n in hits:
                text = text.replace(self._secrets[n], f"<canary {n}>")
            found.append(f"{where}: {text[:300]}")


class _ListHandler(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self._records = records

    def emit(self, record: logging.LogRecord) -> None:
        self._records.append(record)


def _format(formatter: logging.Formatter, record: logging.LogRecord) -> str:
    extra = " ".join(f"{k}={v!r}" for k, v in vars(record).items() if k not in _RECORD_FIELDS)
    return f"{_safely(formatter.format, record)} {extra}"


_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


def _attributes(obj: object) -> list[Any]:
    values = list(getattr(obj, "__dict__", {}).values())
    for cls in type(obj).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if isinstance(slot, str) and slot not in ("__dict__", "__weakref__"):
                try:
                    values.append(object.__getattribute__(obj, slot))
                except AttributeError:
                    pass
    return values


def _safely(function: Any, obj: object) -> str:
    try:
        return str(function(obj))
    except Exception as error:
        return f"<{function.__name__} raised {type(error).__name__}: {error}>"
