"""The hook specifications are the plugin contract: each one is documented (datasette-style).

Every hookspec in ``oauth2core.hookspecs`` has a summary, says when it is called,
documents ``register`` and what it accepts, has an example that compiles and a
``versionadded``; every ``register_*`` hook maps to an object class of ``hookspecs``, and
every class there is documented field by field.
"""

from __future__ import annotations

import inspect
import re
import textwrap
import typing

import pytest

from oauth2core import _registry as registry_module
from oauth2core import hookspecs

HOOKS = sorted(
    name
    for name, value in vars(hookspecs).items()
    if inspect.isfunction(value) and hasattr(value, "oauth2core_spec")
)
CLASSES = sorted(name for name in hookspecs.__all__ if inspect.isclass(getattr(hookspecs, name)))


def doc_of(hook: str) -> str:
    doc = inspect.getdoc(getattr(hookspecs, hook))
    assert doc, f"{hook} has no docstring"
    return doc


def accepted_class(hook: str) -> type:
    """The ``T`` of ``register: Register[T]`` in the hook's signature."""
    hints = typing.get_type_hints(getattr(hookspecs, hook), vars(hookspecs))
    (cls,) = typing.get_args(hints["register"])
    assert typing.get_origin(hints["register"]) is hookspecs.Register
    return typing.cast("type", cls)


def test_there_are_twelve_hooks_all_collected_by_the_registry():
    assert len(HOOKS) == 12
    assert set(HOOKS) == {f"register_{kind}" for kind in registry_module._KINDS}
    assert all(name.startswith("register_") for name in HOOKS)


def test_the_module_documents_the_contract():
    doc = inspect.getdoc(hookspecs)
    assert doc
    assert "oauth2core.plugins" in doc
    assert "Security" in doc


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_summary_param_example_and_versionadded(hook: str):
    doc = doc_of(hook)
    summary = doc.splitlines()[0]
    assert summary.endswith(".")
    assert len(summary) > 20
    assert doc.splitlines()[1] == "", "one summary line, then a blank line"
    assert ":param register:" in doc
    assert "Example::" in doc
    assert re.search(r"^\.\. versionadded:: \d+\.\d+$", doc, re.MULTILINE)
    assert "Called once per registry build" in doc  # when it is called


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_takes_only_register(hook: str):
    assert list(inspect.signature(getattr(hookspecs, hook)).parameters) == ["register"]


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_maps_to_an_object_class_of_hookspecs(hook: str):
    cls = accepted_class(hook)
    assert cls is registry_module._KINDS[hook.removeprefix("register_")]
    assert cls.__name__ in hookspecs.__all__
    assert getattr(hookspecs, cls.__name__) is cls
    assert issubclass(cls, tuple)  # an immutable NamedTuple
    assert cls._fields
    assert f"register({cls.__name__}(" in doc_of(hook), "the docs show what register accepts"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_example_compiles_and_implements_the_hook(hook: str):
    doc = doc_of(hook)
    example = doc.split("Example::", 1)[1]
    code = textwrap.dedent(example.strip("\n"))
    compile(code, f"<{hook} example>", "exec")
    assert "@hookimpl" in code
    assert f"def {hook}(register):" in code
    assert f"register({accepted_class(hook).__name__}(" in code


@pytest.mark.parametrize("name", CLASSES)
def test_every_class_of_hookspecs_is_documented(name: str):
    cls = getattr(hookspecs, name)
    doc = inspect.getdoc(cls)
    assert doc
    assert not doc.startswith(f"{name}("), "a class without a docstring gets its signature"
    assert doc.splitlines()[0].endswith(".")


@pytest.mark.parametrize("name", [n for n in CLASSES if hasattr(getattr(hookspecs, n), "_fields")])
def test_every_field_of_an_object_class_is_documented(name: str):
    cls = getattr(hookspecs, name)
    doc = inspect.getdoc(cls) or ""
    for field in cls._fields:
        assert f":ivar {field}:" in doc, f"{name}.{field}"


def test_phases_are_ordered_client_auth_innermost():
    assert hookspecs.CLIENT_AUTH_PHASE < hookspecs.TOKEN_PROOF_PHASE < hookspecs.RETRY_PHASE
