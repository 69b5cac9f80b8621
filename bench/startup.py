"""Start-up, in fresh interpreters: import time and peak RSS, and the first construction.

- **Import**: ``sys.executable -c "import X"``, the whole process timed from the parent
  (start to exit), and its peak RSS read from the kernel (``wait4``), against
  ``import requests`` in the same round.
- **First construction**: ``import oauth2core`` untimed, then the first ``OAuth2Client``
  timed inside the process: it builds the registry, scanning the entry points of every
  installed plugin package. "Warm" runs with stevedore's on-disk entry-point cache in
  place, "cold" without: the interpreter runs with ``HOME`` and ``XDG_CACHE_HOME`` in a
  temporary folder, where stevedore keeps ``python-entrypoints/``, deleted before each
  cold run (a real user cache is never touched).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._config import Config
from ._libs import AUTHLIB, LIBRARIES, OAUTH2CORE, OAUTHLIB, R2C
from ._table import Row, duration, ratio
from ._timing import interleaved, median, ratios

REQUESTS = "requests"
IMPORTS = {
    REQUESTS: "import requests",
    OAUTH2CORE: "import oauth2core",
    R2C: "import requests_oauth2client",
    AUTHLIB: "from authlib.integrations.requests_client import OAuth2Session",
    OAUTHLIB: "import requests_oauthlib",
}
IMPORT_TARGET = 1.15
RSS_TARGET = 1.1
FIRST_TARGET = 0.020

FIRST_CONSTRUCTION = """
import json, time
import oauth2core
start = time.perf_counter()
oauth2core.OAuth2Client("https://as.example/oauth/token", ("client", "secret"))
first = time.perf_counter() - start
print(json.dumps({
    "first": first,
    "plugins": sorted(
        (p.name, p.distribution) for p in oauth2core.plugins() if p.distribution != "oauth2core"
    ),
}))
"""


PEAK_RSS = """
try:
    with open("/proc/self/status") as status:
        print(status.read())
except OSError:
    pass
"""
"""Appended to the measured code: the kernel's peak RSS of this interpreter (``VmHWM``).

Not ``ru_maxrss``: across ``exec`` Linux keeps the high-water mark of the process that
forked, so a child of the (large) benchmark process would report the parent's size.
"""


def python_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the fresh interpreters: byte-code caches are written and used.

    Import timings without ``.pyc`` files measure the compiler; the warm-up run writes them.
    """
    env = dict(os.environ if env is None else env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_python(code: str, env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Run ``code`` in a fresh interpreter: wall seconds, peak RSS in bytes, stdout."""
    with tempfile.TemporaryFile(mode="w+") as out:
        start = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", code + PEAK_RSS], stdout=out, env=python_env(env)
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise RuntimeError(f"{code!r} exited with {process.returncode}")
        out.seek(0)
        output = out.read()
    peak = re.search(r"^VmHWM:\s*(\d+) kB", output, re.MULTILINE)
    return elapsed, int(peak.group(1) if peak else usage.ru_maxrss) * 1024, output


def import_rows(config: Config) -> list[Row]:
    """The import-time and peak-RSS rows, from the same interpreters."""
    rss: dict[str, list[float]] = {name: [] for name in IMPORTS}

    def sample(name: str) -> Callable[[], float]:
        def once() -> float:
            elapsed, peak, _ = run_python(IMPORTS[name])
            rss[name].append(peak)
            return elapsed

        return once

    for name in IMPORTS:  # byte-compile and fill the page cache first
        run_python(IMPORTS[name])
    rounds = max(config.subprocess_rounds, 1) * 2
    times = interleaved({name: sample(name) for name in IMPORTS}, rounds)
    time_ratios = ratios(times, REQUESTS)
    rss_ratios = ratios(rss, REQUESTS)
    import_cells = {
        library: f"{ratio(time_ratios[library])} ({duration(median(times[library]))})"
        for library in LIBRARIES
    }
    rss_cells = {
        library: f"{median(rss[library]) / 2**20:.1f} MiB ({ratio(rss_ratios[library])})"
        for library in LIBRARIES
    }
    import_note = (
        f"Whole interpreter, start to exit, median of {rounds} interleaved rounds after one "
        "warm-up that writes the byte-code caches (`PYTHONDONTWRITEBYTECODE` is dropped for "
        f"these interpreters); `import requests`: {duration(median(times[REQUESTS]))}. Authlib: "
        "`from authlib.integrations.requests_client import OAuth2Session`."
    )
    rss_note = (
        "Peak RSS (`VmHWM`) of the same interpreters, read at exit, median "
        f"(`import requests`: {median(rss[REQUESTS]) / 2**20:.1f} MiB)."
    )
    return [
        Row(
            "import",
            "`import oauth2core`, whole process, x `import requests`",
            import_cells,
            f"<= {IMPORT_TARGET:g}x",
            time_ratios[OAUTH2CORE] <= IMPORT_TARGET,
            [import_note],
        ),
        Row(
            "rss",
            "peak RSS after import, x `import requests`",
            rss_cells,
            f"<= {RSS_TARGET:g}x",
            rss_ratios[OAUTH2CORE] <= RSS_TARGET,
            [rss_note],
        ),
    ]


def first_construction_row(config: Config) -> Row:
    """First construction in a process, with the entry-point cache warm and cold."""
    with tempfile.TemporaryDirectory(prefix="oauth2core-bench-") as home:
        cache = Path(home, "cache")
        env = {**os.environ, "HOME": home, "XDG_CACHE_HOME": str(cache)}
        entry_points_cache = cache / "python-entrypoints"
        found: list[Any] = []

        def once(cold: bool) -> float:
            if cold:
                shutil.rmtree(entry_points_cache, ignore_errors=True)
            _, _, out = run_python(FIRST_CONSTRUCTION, env)
            result = json.loads(out.partition("\n")[0])
            found[:] = result["plugins"]
            return float(result["first"])

        once(cold=False)  # fills the cache (and the byte-code caches)
        cached = entry_points_cache.is_dir() and any(entry_points_cache.iterdir())
        rounds = max(config.subprocess_rounds, 1)
        samples = interleaved(
            {"warm": lambda: once(cold=False), "cold": lambda: once(cold=True)}, rounds
        )
    warm, cold = median(samples["warm"]), median(samples["cold"])
    distributions = sorted({str(distribution) for _, distribution in found})
    cells = dict.fromkeys(LIBRARIES[1:], "n/a")
    cells[OAUTH2CORE] = f"{duration(warm)} / {duration(cold)}"
    note = (
        "Timed inside a fresh interpreter after an untimed `import oauth2core`: the first "
        "`OAuth2Client(...)` builds the registry (built-ins, stevedore entry-point scan, plugin "
        f"modules, contract check); median of {rounds} interleaved rounds. "
        f"{len(found)} entry-point plugins from {len(distributions)} distributions were "
        f"discovered: {', '.join(distributions)}. Cold = stevedore's `python-entrypoints` "
        "cache deleted before the run (in a temporary `XDG_CACHE_HOME`). The peers have no "
        "plugin discovery."
    )
    if not cached:
        note += (
            " WARNING: stevedore kept no cache (it never does for an interpreter under /tmp): "
            "warm and cold are the same here."
        )
    return Row(
        "first_construction",
        "first construction in a process (discovery of all seven packages), "
        "warm entry-point cache / cold",
        cells,
        "<= 20 ms warm; report cold",
        warm <= FIRST_TARGET,
        [note],
    )


def rows(config: Config) -> list[Row]:
    """The start-up rows."""
    return [first_construction_row(config), *import_rows(config)]
