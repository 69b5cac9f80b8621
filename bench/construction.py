"""Warm construction: ``OAuth2Client(token_endpoint, auth)`` with its Session, x ``Session()``.

Warm: the plugin registry is built and every module imported before the timed rounds. The
objects built in a sample are kept until its clock stops, so that no destructor is timed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from ._config import Config
from ._libs import LIBRARIES, OAUTH2CORE, construct
from ._table import Row, duration, ratio
from ._timing import interleaved, median, no_gc, ratios

SESSION = "requests.Session()"
TARGET = 1.5


def per_construction(make: Callable[[], object], count: int) -> float:
    """Seconds per ``make()``, over ``count`` objects kept alive until the clock stops."""
    built: list[object] = []
    with no_gc():
        start = time.perf_counter()
        for _ in range(count):
            built.append(make())
        elapsed = time.perf_counter() - start
    for obj in built:
        session = obj if isinstance(obj, requests.Session) else getattr(obj, "session", None)
        if isinstance(session, requests.Session):
            session.close()
    return elapsed / count


def sampler(make: Callable[[], object], count: int) -> Callable[[], float]:
    """One sample of ``make``."""
    return lambda: per_construction(make, count)


def rows(config: Config) -> list[Row]:
    """The warm-construction row."""
    makers: dict[str, Callable[[], object]] = {SESSION: requests.Session}
    for library in LIBRARIES:
        makers[library] = construct(library)
    for make in makers.values():  # warm: imports done, registry built
        per_construction(make, 3)
    samples = interleaved(
        {name: sampler(make, config.constructions) for name, make in makers.items()},
        config.rounds,
    )
    relative = ratios(samples, SESSION)
    cells = {
        library: f"{ratio(relative[library])} ({duration(median(samples[library]))})"
        for library in LIBRARIES
    }
    notes = [
        f"Median of {config.rounds} interleaved samples of {config.constructions} constructions "
        f"(`requests.Session()`: {duration(median(samples[SESSION]))}), https token endpoint "
        "(each library validates it), `(client_id, client_secret)` credentials. Authlib: "
        "`OAuth2Session(client_id, client_secret, token_endpoint=..., "
        'grant_type="client_credentials")`; requests-oauthlib: '
        "`OAuth2Session(client=BackendApplicationClient(client_id))`, which takes the token "
        "endpoint at `fetch_token()`.",
    ]
    return [
        Row(
            "construction",
            "`OAuth2Client(token_endpoint, auth)` warm construction incl. its Session, "
            "x `requests.Session()`",
            cells,
            f"<= {TARGET:g}x",
            relative[OAUTH2CORE] <= TARGET,
            notes,
        )
    ]
