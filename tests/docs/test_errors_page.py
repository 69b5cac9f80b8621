"""docs/errors.md cannot drift: its code table is the registry's, its tree names every class."""

from __future__ import annotations

import re
from pathlib import Path

import oauth2core
from oauth2core import _errors

PAGE = Path(__file__).resolve().parents[2] / "docs" / "errors.md"
ROW = re.compile(r"^\| (\w+) \| `(\w+)` \| `(\w+)` \| (\w+) \|$", re.MULTILINE)


def documented_codes() -> dict[tuple[str, str], str]:
    rows = ROW.findall(PAGE.read_text(encoding="utf-8"))
    table = {(context, code): cls for context, code, cls, _ in rows}
    assert len(table) == len(rows), "a (context, code) pair is listed twice"
    return table


def test_the_code_table_is_the_registry():
    registry = oauth2core.default_registry()
    registered = {key: cls.__name__ for key, cls in registry.error_codes.items()}
    assert documented_codes() == registered


def test_the_table_names_where_each_code_comes_from():
    registry = oauth2core.default_registry()
    rows = ROW.findall(PAGE.read_text(encoding="utf-8"))
    for context, code, _, origin in rows:
        module = registry.error_codes[(context, code)].__module__
        expected = "core" if module == "oauth2core" else module.rsplit("_", 1)[-1]
        assert origin == expected, (context, code, module)


def test_every_exported_exception_is_in_the_tree_or_on_the_page():
    text = (_errors.__doc__ or "") + PAGE.read_text(encoding="utf-8")
    exported = [
        name
        for name in oauth2core.__all__
        if isinstance(value := getattr(oauth2core, name), type) and issubclass(value, Exception)
    ]
    assert len(exported) > 40
    missing = [name for name in exported if not re.search(rf"\b{name}\b", text)]
    assert missing == []


def test_the_page_includes_the_tree_from_the_source():
    assert ".. automodule:: oauth2core._errors" in PAGE.read_text(encoding="utf-8")
    assert "OAuth2Error\n" in (_errors.__doc__ or "")
