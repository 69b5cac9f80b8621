"""docs/plugins/hooks.md documents every hook and every public name of oauth2core.hookspecs."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from oauth2core import hookspecs

PAGE = Path(__file__).resolve().parents[2] / "docs" / "plugins" / "hooks.md"
HOOKS = sorted(
    name
    for name, value in vars(hookspecs).items()
    if inspect.isfunction(value) and hasattr(value, "oauth2core_spec")
)
DIRECTIVE = re.compile(r"^\.\. auto(\w+):: oauth2core\.hookspecs\.(\w+)$", re.MULTILINE)


def documented() -> dict[str, str]:
    found = DIRECTIVE.findall(PAGE.read_text(encoding="utf-8"))
    names = [name for _, name in found]
    assert len(names) == len(set(names)), "a name is documented twice"
    return {name: kind for kind, name in found}


def test_there_are_hooks():
    assert len(HOOKS) >= 12
    assert "register_grants" in HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_autodocumented_on_the_page(hook: str):
    assert documented().get(hook) == "function", f"add '.. autofunction:: {hook}' to {PAGE.name}"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_real_docstring(hook: str):
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    assert len(doc) > 200
    assert ":param register:" in doc
    assert "Example::" in doc


def test_every_public_name_of_hookspecs_is_on_the_page():
    assert set(documented()) == set(hookspecs.__all__) | set(HOOKS)


def test_nothing_on_the_page_is_stale():
    for name in documented():
        assert hasattr(hookspecs, name), name
