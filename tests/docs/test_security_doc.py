"""docs/security.md keeps up with the code: every opt-out is documented, every name it cites exists.

A new ``allow_*`` keyword, sentinel, plugin option or ``OAUTH2CORE_*`` environment variable
fails here until the page names it (and the opt-outs in its summary table); a class or
keyword the page names that the code no longer has fails too.
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import itertools
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests

import oauth2core
from oauth2core._sentinels import Sentinel

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "security.md"

PACKAGES = (
    "oauth2core",
    "oauth2core.testing",
    "oauth2core_clientauth_jwt",
    "oauth2core_grants_device",
    "oauth2core_grants_ciba",
    "oauth2core_vendor_auth0",
    "oauth2core_tokentype_dpop",
    "oauth2core_oidc",
)
"""The public modules of the first-party distributions."""

FIRST_PARTY_PLUGINS = (
    "oauth2core_clientauth_jwt._plugin",
    "oauth2core_grants_device._plugin",
    "oauth2core_grants_ciba._plugin",
    "oauth2core_vendor_auth0._plugin",
    "oauth2core_tokentype_dpop._plugin",
    "oauth2core_oidc._plugin",
)

OTHER_OPT_OUTS: dict[str, Callable[[], Callable[..., Any]]] = {
    "code_challenge_method": lambda: oauth2core.AuthorizationRequest,
    "state": lambda: oauth2core.AuthorizationRequest,
    "nonce": lambda: oauth2core.AuthorizationRequest,
    "id_token_validation": lambda: oauth2core.OAuth2Client.grant_request,
    "timeout": lambda: oauth2core.ApiClient,
    "raise_for_status": lambda: oauth2core.ApiClient.request,
    "verify": lambda: oauth2core.ApiClient.request,
    "typ": lambda: _attr("oauth2core_clientauth_jwt", "PrivateKeyJwt"),
    "aud": lambda: _attr("oauth2core_clientauth_jwt", "PrivateKeyJwt"),
    "ttl": lambda: _attr("oauth2core_oidc", "Jwks"),
    "refresh_interval": lambda: _attr("oauth2core_oidc", "Jwks"),
    "builtins": lambda: oauth2core.build_registry,
    "max_response_size": lambda: oauth2core.OAuth2Client,
    "retry": lambda: oauth2core.OAuth2Client,
}
"""Opt-outs whose name does not start with ``allow_``, and a callable that takes each."""

ENV_VARIABLE = re.compile(r"\bOAUTH2CORE_[A-Z0-9_]+\b")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
FENCE = re.compile(r"^(`{3,}|~{3,})")
CODE = re.compile(r"`([^`\n]+)`")
CAMEL_CASE = re.compile(r"[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+")
DOTTED = re.compile(r"([A-Z][A-Za-z0-9]+)((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")


def _attr(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


# ------------------------------------------------------------------------------ the page


@cache
def page() -> str:
    return PAGE.read_text(encoding="utf-8")


@cache
def prose() -> str:
    """The page without HTML comments (the notes for maintainers) and fenced code."""
    lines, fenced = [], False
    for line in HTML_COMMENT.sub("", page()).splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return "\n".join(lines)


def code_spans(text: str) -> set[str]:
    """Every inline code span, and each name=value or dotted word in it."""
    spans = set()
    for span in CODE.findall(text):
        spans.add(span)
        spans.add(span.split("=", 1)[0])
    return spans


def section(title: str) -> str:
    """The text of the H2 section ``title``, up to the next H2."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", prose(), re.M | re.S)
    assert match is not None, f"docs/security.md has no '## {title}' section"
    return match.group(1)


# ------------------------------------------------------------------------------ the code


@cache
def public_modules() -> tuple[ModuleType, ...]:
    return tuple(importlib.import_module(name) for name in PACKAGES)


def public_objects() -> Iterator[tuple[str, Any]]:
    for module in public_modules():
        for name in module.__all__:
            yield f"{module.__name__}.{name}", getattr(module, name)


def _parameters(target: Any) -> list[str]:
    try:
        return list(inspect.signature(target).parameters)
    except (TypeError, ValueError):  # a builtin without a signature
        return []


def _ours(cls: type) -> bool:
    return cls.__module__.split(".")[0].startswith("oauth2core")


def callables(qualname: str, obj: Any) -> Iterator[tuple[str, Any]]:
    """``obj`` if it is a function, or a class and every public method of it and its bases."""
    if inspect.isclass(obj):
        yield qualname, obj
        for cls in obj.__mro__:
            if not _ours(cls):
                continue
            for name, member in vars(cls).items():
                if name.startswith("_"):
                    continue
                if isinstance(member, staticmethod | classmethod):
                    member = member.__func__
                if inspect.isfunction(member):
                    yield f"{qualname}.{name}", member
    elif inspect.isfunction(obj):
        yield qualname, obj


@cache
def allow_keywords() -> dict[str, tuple[str, ...]]:
    """Every ``allow_*`` keyword of the public API -> where it is taken."""
    found: dict[str, set[str]] = {}
    for qualname, obj in public_objects():
        for where, target in callables(qualname, obj):
            for name in _parameters(target):
                if name.startswith("allow_"):
                    found.setdefault(name, set()).add(where)
    for option in first_party_registry().request_options.values():
        if option.name.startswith("allow_"):
            found.setdefault(option.name, set()).add(f"{option.scope} option")
    return {name: tuple(sorted(where)) for name, where in found.items()}


@cache
def first_party_registry() -> oauth2core.Registry:
    return oauth2core.build_registry(*FIRST_PARTY_PLUGINS)


def sentinels() -> dict[str, Sentinel]:
    return {
        name.rpartition(".")[2]: obj for name, obj in public_objects() if isinstance(obj, Sentinel)
    }


def environment_variables() -> set[str]:
    """Every ``OAUTH2CORE_*`` name in the source of the packages."""
    found: set[str] = set()
    for path in (ROOT / "packages").glob("*/src/**/*.py"):
        found.update(ENV_VARIABLE.findall(path.read_text(encoding="utf-8")))
    return found


def resolve(name: str) -> Any:
    """The public object ``name`` (``Jwks``, ``OAuth2Client.from_discovery_endpoint``)."""
    head, *rest = name.split(".")
    for module in (*public_modules(), requests, requests.exceptions, builtins):
        if hasattr(module, head):
            value = getattr(module, head)
            break
    else:
        raise LookupError(name)
    for part in rest:
        value = getattr(value, part)
    return value


# ------------------------------------------------------------------------------ tests


def test_the_collection_finds_the_known_opt_outs():
    """Guards the collection itself: if it found nothing, every other test would pass."""
    assert {"allow_insecure_http", "allow_redirects", "allow_bearer_downgrade"} <= set(
        allow_keywords()
    )
    assert "oauth2core.OAuth2Client" in allow_keywords()["allow_insecure_http"]
    assert "oauth2core.ApiClient.request" in allow_keywords()["allow_redirects"]
    assert "SKIP_ID_TOKEN_VALIDATION" in sentinels()
    assert {"OAUTH2CORE_PLUGINS", "OAUTH2CORE_DISABLE_PLUGINS"} <= environment_variables()


def test_one_title():
    headings = [line for line in prose().splitlines() if re.match(r"#(?!#)", line)]
    assert headings == ["# Security notes"]


def test_headings_do_not_skip_a_level():
    """MyST warns on a jump (## then ####), and the docs build turns warnings into errors."""
    levels = [len(m.group(1)) for m in re.finditer(r"^(#+) ", prose(), re.M)]
    assert all(after <= before + 1 for before, after in itertools.pairwise(levels))


def test_links_within_the_page_point_at_headings():
    """``[...](#anchor)`` must be the slug of a heading (MyST's ``myst_heading_anchors``)."""
    slugs = {
        re.sub(r"[^\w\- ]", "", m.group(2).strip().lower()).replace(" ", "-")
        for m in re.finditer(r"^(#{1,3}) (.+)$", prose(), re.M)
    }
    links = set(re.findall(r"\]\(#([^)]+)\)", prose()))
    assert links, "the page links to none of its sections"
    assert links <= slugs, sorted(links - slugs)


@pytest.mark.parametrize("keyword", sorted(allow_keywords()))
def test_every_allow_keyword_is_documented_and_summarised(keyword):
    where = ", ".join(allow_keywords()[keyword])
    assert keyword in code_spans(prose()), f"{keyword} ({where}) is not in docs/security.md"
    assert keyword in code_spans(section("Summary of opt-outs")), (
        f"{keyword} ({where}) is missing from the summary of opt-outs"
    )


@pytest.mark.parametrize("name", sorted(sentinels()))
def test_every_sentinel_is_documented_and_summarised(name):
    assert repr(sentinels()[name]) == name
    summary = section("Summary of opt-outs")
    assert name in prose()
    assert any(name in span for span in code_spans(summary)), name


@pytest.mark.parametrize("variable", sorted(environment_variables()))
def test_every_environment_variable_is_documented(variable):
    assert variable in code_spans(prose()), f"{variable} is read but not documented"


@pytest.mark.parametrize(
    "option", sorted(o.name for o in first_party_registry().request_options.values())
)
def test_every_plugin_option_is_documented(option):
    """Options of the first-party plugins (``dpop=``, ``clock_skew=``...) all touch security."""
    assert option in code_spans(prose()), f"the {option}= option is not in docs/security.md"


@pytest.mark.parametrize("keyword", sorted(OTHER_OPT_OUTS))
def test_other_opt_outs_exist_and_are_summarised(keyword):
    target = OTHER_OPT_OUTS[keyword]()
    assert keyword in _parameters(target), f"{target!r} no longer takes {keyword}="
    assert keyword in code_spans(section("Summary of opt-outs")), keyword


def test_every_allow_keyword_named_exists():
    named = {span for span in code_spans(prose()) if re.fullmatch(r"allow_\w+", span)}
    assert named, "the page names no allow_* keyword"
    assert named <= set(allow_keywords()), sorted(named - set(allow_keywords()))


def test_every_environment_variable_named_exists():
    named = set(ENV_VARIABLE.findall(prose()))
    assert named <= environment_variables(), sorted(named - environment_variables())


def test_every_class_and_attribute_named_exists():
    """``SomeError`` and ``OAuth2Client.method`` in the page resolve in a public package."""
    names = {
        span for span in code_spans(prose()) if CAMEL_CASE.fullmatch(span) or DOTTED.fullmatch(span)
    }
    assert "OAuth2Client.from_discovery_endpoint" in names  # the pattern still matches
    missing = []
    for name in sorted(names):
        try:
            resolve(name)
        except (LookupError, AttributeError):
            missing.append(name)
    assert not missing, f"docs/security.md names what the code does not have: {missing}"
