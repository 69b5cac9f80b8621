"""lazy_attributes: a package's names imported on first access, then kept."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

INIT = """
from oauth2core import lazy_attributes

__all__ = ["Heavy", "light"]
light = 1
__getattr__, __dir__ = lazy_attributes(__name__, {"Heavy": "._heavy"}, __all__)
"""


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    root = tmp_path / "lazy_example_pkg"
    root.mkdir()
    (root / "__init__.py").write_text(INIT, encoding="utf-8")
    (root / "_heavy.py").write_text("class Heavy:\n    pass\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "lazy_example_pkg"
    for name in [name for name in sys.modules if name.startswith("lazy_example_pkg")]:
        del sys.modules[name]


def test_a_name_is_imported_on_first_access_and_kept(package: str) -> None:
    module = importlib.import_module(package)
    assert f"{package}._heavy" not in sys.modules
    assert "Heavy" in dir(module)  # listed before it is loaded
    heavy = module.Heavy
    assert heavy.__module__ == f"{package}._heavy"
    assert vars(module)["Heavy"] is heavy  # later accesses do not come back to __getattr__


def test_an_unknown_name_is_an_attribute_error(package: str) -> None:
    module = importlib.import_module(package)
    with pytest.raises(AttributeError, match="has no attribute 'Missing'"):
        module.Missing  # noqa: B018
    assert not hasattr(module, "Missing")
