"""Fixtures of the plugin-system tests.

- ``toy``: load a module of ``toy_plugins/`` (one small plugin per extension point). The
  folder is not installed: it is loaded once as the package ``oauth2core_toy_plugins``,
  so that its modules have stable names (plugin names, ``module:attribute`` export
  targets, fake entry points) under ``--import-mode=importlib``.
- ``make_plugin``: an ad-hoc plugin module whose ``register_<kind>`` hooks register the
  objects given.
- ``fresh_default``: the process default registry forgotten before and after the test,
  with the allow/block/trace environment variables unset.
- ``install_default``: make a given registry the process default for one test, and drop
  the plugin exports the root module cached meanwhile.
- ``mocked``: a ``responses`` mock that fails on unmatched or unused responses.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
import responses

import oauth2core
from oauth2core import Registry, hookimpl
from oauth2core import _plugins as plugins_module

TOYS = "oauth2core_toy_plugins"
TOYS_DIR = Path(__file__).parent / "toy_plugins"


@pytest.fixture(scope="session")
def toy_package() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location(
        TOYS, TOYS_DIR / "__init__.py", submodule_search_locations=[str(TOYS_DIR)]
    )
    assert spec is not None
    assert spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules[TOYS] = package
    spec.loader.exec_module(package)
    yield package
    for name in [n for n in sys.modules if n == TOYS or n.startswith(f"{TOYS}.")]:
        del sys.modules[name]


@pytest.fixture
def toy(toy_package: ModuleType) -> Callable[[str], ModuleType]:
    def load(name: str) -> ModuleType:
        return importlib.import_module(f"{TOYS}.{name}")

    return load


def _make_plugin(name: str, **hooks: Iterable[object] | Callable[..., None]) -> ModuleType:
    """A plugin module ``name`` with one hook implementation per keyword.

    ``kind=[obj, ...]`` makes ``register_<kind>`` register each object; ``kind=function``
    makes ``function`` the implementation of ``register_<kind>``.
    """
    module = ModuleType(name)

    def registering(objects: list[object]) -> Callable[..., None]:
        def register_all(register: Callable[[object], None]) -> None:
            for obj in objects:
                register(obj)

        return register_all

    for kind, value in hooks.items():
        function = value if callable(value) else registering(list(value))
        setattr(module, f"register_{kind}", hookimpl(function))
    return module


@pytest.fixture
def make_plugin() -> Callable[..., ModuleType]:
    return _make_plugin


@pytest.fixture
def fresh_default(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for variable in (plugins_module.ALLOW_ENV, plugins_module.BLOCK_ENV, plugins_module.TRACE_ENV):
        monkeypatch.delenv(variable, raising=False)
    plugins_module.reset_default_registry()
    yield
    plugins_module.reset_default_registry()


@pytest.fixture
def install_default(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Registry], None]]:
    cached = set(vars(oauth2core))

    def install(registry: Registry) -> None:
        monkeypatch.setattr(plugins_module, "_default", registry)

    yield install
    for name in set(vars(oauth2core)) - cached:
        if not isinstance(getattr(oauth2core, name), ModuleType):
            delattr(oauth2core, name)


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock
