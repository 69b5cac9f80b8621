"""The benchmark runner: every figure family, one markdown table on stdout.

Full run (for humans; a few minutes)::

    uv run --all-packages --group bench python -m bench

Smoke run (CI: tiny counts; checks that every row is produced, never the timings)::

    uv run --frozen --all-packages --group bench python -m bench --smoke

Progress goes to stderr. The exit status is 0 whatever the figures are; it is non-zero
when the benchmark code fails or a row is missing.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
from collections.abc import Callable

from . import concurrency, construction, hotpath, jose, loopback, startup
from ._config import FULL, SMOKE, Config
from ._server import LoopbackServer
from ._table import Row, render
from ._timing import progress

ROWS = (
    "handler",
    "loopback",
    "construction",
    "first_construction",
    "import",
    "rss",
    "renewals",
    "cold_start",
    "boundary",
    "private_key_jwt",
    "dpop",
)
"""Every row of the table, in order."""


def machine() -> str:
    """One line about the machine and the interpreter."""
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average {load}"
    )


def measure(config: Config, families: set[str] | None) -> list[Row]:
    """Run the figure families (all of them when ``families`` is None)."""
    rows: list[Row] = []

    def run(name: str, produce: Callable[[], list[Row]]) -> None:
        if families is None or name in families:
            progress(f"[bench] {name}...")
            rows.extend(produce())

    run("hotpath", lambda: hotpath.rows(config))
    run("construction", lambda: construction.rows(config))
    run("startup", lambda: startup.rows(config))
    run("jose", lambda: jose.rows(config))
    with LoopbackServer() as server:
        run("loopback", lambda: loopback.rows(config, server))
        run("concurrency", lambda: concurrency.rows(config, server))
    order = {key: index for index, key in enumerate(ROWS)}
    return sorted(rows, key=lambda row: order[row.key])


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table; 1 if a row is missing."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny counts: check the code runs")
    parser.add_argument(
        "--only",
        action="append",
        choices=["hotpath", "loopback", "construction", "startup", "concurrency", "jose"],
        help="run only this figure family (repeatable)",
    )
    args = parser.parse_args(argv)
    config = SMOKE if args.smoke else FULL
    families = set(args.only) if args.only else None
    started = datetime.datetime.now(datetime.UTC)
    rows = measure(config, families)
    mode = "smoke run (tiny counts: the figures mean nothing)" if config.smoke else "full run"
    print(f"{mode}, {started:%Y-%m-%d %H:%M} UTC; {machine()}\n")
    print(render(rows))
    if families is None:
        missing = [key for key in ROWS if key not in {row.key for row in rows}]
        if missing:
            print(f"missing rows: {', '.join(missing)}", file=sys.stderr)
            return 1
    return 0
