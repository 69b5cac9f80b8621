"""End to end: a keep-alive GET over loopback, library auth against a static header.

Each side has its own Session (its own keep-alive connection) to the same loopback server,
whose resource accepts the cached token. The sides take turns request by request.
"""

from __future__ import annotations

import time

import requests

from ._config import Config
from ._libs import LIBRARIES, OAUTH2CORE, Get, StaticHeader, cached_get
from ._server import STATIC_TOKEN, LoopbackServer
from ._table import Row, duration
from ._timing import median, no_gc, ratios

STATIC = "static header"
TARGET = 1.01


def check(response: requests.Response) -> None:
    """Every GET must succeed, or the figure means nothing."""
    if response.status_code != 200:
        raise RuntimeError(f"the resource answered {response.status_code}")


def sample(gets: dict[str, Get], count: int, shift: int) -> dict[str, float]:
    """Seconds per GET of each side over ``count`` turns; each turn is one GET per side.

    Interleaving single requests (in an order rotating with ``shift``) exposes every side to
    the same moments of machine load.
    """
    names = list(gets)
    totals = dict.fromkeys(names, 0.0)
    clock = time.perf_counter
    with no_gc():
        for turn in range(count):
            offset = (shift + turn) % len(names)
            for name in names[offset:] + names[:offset]:
                get = gets[name]
                start = clock()
                response = get()
                totals[name] += clock() - start
                check(response)
    return {name: total / count for name, total in totals.items()}


def rows(config: Config, server: LoopbackServer) -> list[Row]:
    """The loopback row."""
    server.configure(delay=0.0, lifetime=3600)
    static_session = requests.Session()
    static = StaticHeader(f"Bearer {STATIC_TOKEN}")
    gets: dict[str, Get] = {
        STATIC: lambda: static_session.get(server.resource_url, auth=static, timeout=10)
    }
    for library in LIBRARIES:
        gets[library] = cached_get(library, server.token_url, server.resource_url, STATIC_TOKEN)
    sample(gets, 3, 0)  # open the connections
    samples: dict[str, list[float]] = {name: [] for name in gets}
    for index in range(config.rounds):
        for name, value in sample(gets, config.loopback_requests, index).items():
            samples[name].append(value)
    static_session.close()
    relative = ratios(samples, STATIC)
    cells = {library: f"{relative[library]:.3f}" for library in LIBRARIES}
    note = (
        f"Median of {config.rounds} samples of {config.loopback_requests} GETs per side, the "
        f"sides taking turns GET by GET (static header: {duration(median(samples[STATIC]))} "
        "per GET); the server runs in its own process. oauth2core and "
        "requests-oauth2client: `session.get(url, auth=handler)` (requests-oauth2client with "
        "`testing=True`, which it needs for plain http); Authlib and requests-oauthlib: their "
        "`OAuth2Session.get(url)` (requests-oauthlib with `OAUTHLIB_INSECURE_TRANSPORT=1`). "
        "Differences of a few tenths of a percent are below this machine's noise."
    )
    return [
        Row(
            "loopback",
            "end-to-end GET over loopback keep-alive, library auth vs static header",
            cells,
            f"<= {TARGET:g} (report; below noise)",
            relative[OAUTH2CORE] <= TARGET,
            [note],
            report_only=True,
        )
    ]
