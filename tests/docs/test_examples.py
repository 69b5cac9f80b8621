"""Every ```python block of README.md and docs/ runs, so that no example rots.

One test per block, named ``<file>:<line>``. The blocks of one page run in order in one
namespace (a test for block N first runs the blocks before it that have not run yet), with
HTTP answered by the fake servers of ``_fake_as`` and ``time.sleep`` recorded instead of
slept. A page may have an invisible setup, ``tests/docs/setups/<page>.py`` (``/`` in the
page path written ``__``), run first in its namespace, for what a reader would have (a
private key of their own). Every namespace starts with ``sign_in(uri)``, which stands for
the browser round trip of an authorization request and returns the callback URL.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import responses

from tests.docs._fake_as import FakeWorld

ROOT = Path(__file__).resolve().parents[2]
SETUPS = Path(__file__).resolve().parent / "setups"
FENCE = re.compile(r"^(`{3,}|~{3,})\s*(\S*)")


class Block(NamedTuple):
    page: str
    line: int  # the line of the first line of code, 1-based
    code: str


def pages() -> list[Path]:
    """README.md and every Markdown page of docs/ but the build output."""
    docs = ROOT / "docs"
    found = [path for path in docs.rglob("*.md") if "_build" not in path.relative_to(docs).parts]
    return [ROOT / "README.md", *sorted(found)]


NOT_EXECUTED = {"sh", "toml", "text", "json", "ini"}
"""Languages of fenced blocks that are shown only; MyST directives (``{...}``) are allowed."""


def fence_languages(path: Path) -> set[str]:
    """The info strings of every fenced block of ``path``."""
    return {block.code for block in _blocks(path, language=None)}


def python_blocks(path: Path) -> list[Block]:
    """The fenced blocks whose info string is ``python``, in order."""
    return _blocks(path, language="python")


def _blocks(path: Path, language: str | None) -> list[Block]:
    """Blocks of one language; with None, one Block per fence whose code is its language."""
    page = path.relative_to(ROOT).as_posix()
    blocks: list[Block] = []
    fence: str | None = None
    info = ""
    start = 0
    body: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if fence is None:
            match = FENCE.match(line)
            if match:
                fence, info, start, body = match.group(1), match.group(2), number + 1, []
        elif line.strip().startswith(fence) and not line.strip().strip(fence[0]):
            if language is None:
                blocks.append(Block(page, start, info))
            elif info == language:
                blocks.append(Block(page, start, "\n".join(body) + "\n"))
            fence = None
        else:
            body.append(line)
    assert fence is None, f"{page}: unclosed code fence"
    return blocks


BLOCKS = [block for path in pages() for block in python_blocks(path)]
BY_PAGE: dict[str, list[Block]] = {}
for _block in BLOCKS:
    BY_PAGE.setdefault(_block.page, []).append(_block)


@dataclass
class PageRun:
    """The shared state of one page: its servers, its namespace, how many blocks ran."""

    page: str
    world: FakeWorld = field(default_factory=FakeWorld)
    namespace: dict[str, Any] = field(default_factory=dict)
    done: int = 0

    def __post_init__(self) -> None:
        world = self.world

        def sign_in(uri: str) -> str:
            server = world.auth0 if uri.startswith(world.auth0.origin) else world.server
            return server.sign_in(uri)

        self.namespace.update(__name__=f"docs_example_{self.done}", sign_in=sign_in)
        setup = SETUPS / (self.page.removesuffix(".md").replace("/", "__") + ".py")
        if setup.exists():
            exec(compile(setup.read_text(), str(setup), "exec"), self.namespace)  # noqa: S102

    def run(self, block: Block) -> None:
        code = compile("\n" * (block.line - 1) + block.code, str(ROOT / block.page), "exec")
        exec(code, self.namespace)  # noqa: S102
        self.done += 1


RUNS: dict[str, PageRun] = {}


def test_the_docs_have_examples():
    assert len(BLOCKS) >= 40
    assert "README.md" in BY_PAGE
    assert "docs/quickstart.md" in BY_PAGE


@pytest.mark.parametrize("path", pages(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_code_block_is_run_or_plainly_not_python(path: Path):
    """A ```py or untagged block would escape these tests: only python runs, the rest shows."""
    for language in fence_languages(path):
        assert language == "python" or language in NOT_EXECUTED or language.startswith("{"), (
            f"{language!r} block: tag Python code 'python' so that it runs"
        )


@pytest.mark.parametrize("block", BLOCKS, ids=[f"{b.page}:{b.line}" for b in BLOCKS])
def test_example_runs(block: Block, monkeypatch: pytest.MonkeyPatch):
    blocks = BY_PAGE[block.page]
    index = blocks.index(block)
    run = RUNS.get(block.page)
    if run is None or run.done > index:
        run = RUNS[block.page] = PageRun(block.page)
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)  # polling jobs never wait for real

    def wait(event: threading.Event, timeout: float | None = None) -> bool:
        slept.append(timeout or 0.0)
        return event.is_set()

    monkeypatch.setattr(threading.Event, "wait", wait)  # nor on their cancel event
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        run.world.install(mock)
        for earlier in blocks[run.done : index]:
            try:
                run.run(earlier)
            except Exception as error:  # pragma: no cover - reported as this test's failure
                where = f"{earlier.page}:{earlier.line}"
                pytest.fail(f"the earlier block {where} failed: {error!r}")
        run.run(block)
