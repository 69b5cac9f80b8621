"""Package attributes imported on first access (PEP 562): light plugin packages."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(
    package: str, modules: Mapping[str, str], public: Iterable[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose names are imported on first use.

    A plugin's entry point imports its package at the first client of every process, used
    or not: names whose modules pull in heavy libraries (a JOSE or SAML library) are
    better imported when first used. At the end of the package's ``__init__``::

        __getattr__, __dir__ = lazy_attributes(__name__, {"Saml2Bearer": "._grant"}, __all__)

    :param package: the package's ``__name__``.
    :param modules: each lazy public name, and the module defining it, relative to
        ``package`` (``"._grant"``).
    :param public: the package's ``__all__``: ``dir()`` lists them before they are loaded.
    :returns: ``(__getattr__, __dir__)``; a name, once imported, is kept in the package's
        namespace, so later accesses do not come back here.
    """
    namespace = vars(sys.modules[package])
    names = frozenset(public)

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *names})

    return __getattr__, __dir__
