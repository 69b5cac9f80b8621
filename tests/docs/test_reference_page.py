"""docs/reference/core.md documents every public name of ``oauth2core``, once."""

from __future__ import annotations

import re
from pathlib import Path

import oauth2core

PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "core.md"
DIRECTIVE = re.compile(r"^\.\. auto\w+:: oauth2core\.(\w+)$", re.MULTILINE)


def test_every_public_name_is_in_the_reference_once():
    names = DIRECTIVE.findall(PAGE.read_text(encoding="utf-8"))
    assert len(names) == len(set(names)), "a name is documented twice"
    missing = sorted(set(oauth2core.__all__) - set(names) - {"__version__"})
    assert missing == [], f"add these to {PAGE.name}, in the group of their task"
    assert set(names) <= set(oauth2core.__all__), "the page documents a name that is gone"


def test_exceptions_use_autoexception():
    text = PAGE.read_text(encoding="utf-8")
    for name in oauth2core.__all__:
        value = getattr(oauth2core, name)
        if isinstance(value, type) and issubclass(value, BaseException):
            assert f".. autoexception:: oauth2core.{name}\n" in text, name
