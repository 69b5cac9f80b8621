"""Where oauth2core's time goes, for the figures that miss their targets.

::

    uv run --all-packages --group bench python -m bench.profile construction
    uv run --all-packages --group bench python -m bench.profile handler
    uv run --all-packages --group bench python -m bench.profile first
    uv run --all-packages --group bench python -m bench.profile import

``construction``, ``handler`` and ``first`` print a pyinstrument call tree (warm
constructions, hot-path calls, the first construction in a fresh interpreter);
``import`` prints, for the modules that ``import oauth2core`` loads and ``import requests``
does not, their median self time over several ``python -X importtime`` runs.
"""

from __future__ import annotations

import argparse
import gc
import re
import statistics
import subprocess
import sys

import requests
from pyinstrument import Profiler  # type: ignore[import-not-found,unused-ignore]

import oauth2core

from ._libs import CLIENT_ID, CLIENT_SECRET, HTTPS_RESOURCE_URL, HTTPS_TOKEN_URL, OAUTH2CORE
from ._libs import cached_handler as make_handler
from ._timing import fresh_requests
from .hotpath import ACCESS_TOKEN
from .startup import python_env

FIRST = """
import oauth2core
from pyinstrument import Profiler  # type: ignore[import-not-found,unused-ignore]
profiler = Profiler(interval=0.0001)
profiler.start()
oauth2core.OAuth2Client("https://as.example/oauth/token", ("client", "secret"))
profiler.stop()
print(profiler.output_text(unicode=False, color=False))
"""


def tree(work: object, count: int) -> str:
    """A pyinstrument tree of ``count`` calls of ``work`` (a callable)."""
    assert callable(work)
    profiler = Profiler(interval=0.0001)
    gc.disable()
    profiler.start()
    for _ in range(count):
        work()
    profiler.stop()
    gc.enable()
    return str(profiler.output_text(unicode=False, color=False))


def construction() -> str:
    """Warm ``OAuth2Client(token_endpoint, (id, secret))``, its Session included."""
    oauth2core.OAuth2Client(HTTPS_TOKEN_URL, (CLIENT_ID, CLIENT_SECRET))
    return tree(lambda: oauth2core.OAuth2Client(HTTPS_TOKEN_URL, (CLIENT_ID, CLIENT_SECRET)), 50000)


def handler() -> str:
    """The hot path of a client credentials handler holding a fresh token."""
    auth = make_handler(OAUTH2CORE, HTTPS_TOKEN_URL, ACCESS_TOKEN)
    template = requests.Request("GET", HTTPS_RESOURCE_URL).prepare()
    batch = iter(fresh_requests(template, 300000))
    return tree(lambda: auth(next(batch)), 300000)


def first() -> str:
    """The first construction in a fresh interpreter (byte-code and entry-point caches warm)."""
    for _ in range(2):
        result = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", FIRST],
            capture_output=True,
            text=True,
            check=True,
            env=python_env(),
        )
    return result.stdout


def import_times(runs: int = 9) -> str:
    """Median self time of each module ``import oauth2core`` adds to ``import requests``."""

    def self_times(statement: str) -> dict[str, int]:
        result = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-X", "importtime", "-c", statement],
            capture_output=True,
            text=True,
            check=True,
            env=python_env(),
        )
        found = re.findall(r"^import time:\s*(\d+) \|\s*\d+ \| ( *)(\S+)$", result.stderr, re.M)
        return {name: int(own) for own, _, name in found}

    baseline = set(self_times("import requests"))
    samples = [self_times("import oauth2core") for _ in range(runs)]
    added = {name for sample in samples for name in sample} - baseline
    medians = {name: statistics.median(s.get(name, 0) for s in samples) for name in added}
    lines = [f"median self time over {runs} runs, modules `import requests` does not load:"]
    lines += [
        f"{value / 1000:8.2f} ms  {name}"
        for name, value in sorted(medians.items(), key=lambda item: -item[1])
    ]
    lines.append(f"{sum(medians.values()) / 1000:8.2f} ms  total")
    return "\n".join(lines)


def main() -> None:
    """Print the profile asked for."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("figure", choices=["construction", "handler", "first", "import"])
    figure = parser.parse_args().figure
    report = {
        "construction": construction,
        "handler": handler,
        "first": first,
        "import": import_times,
    }[figure]()
    print(report)


if __name__ == "__main__":
    main()
