"""Renewals under threads: one shared client credentials handler, 1 s tokens, a 50 ms endpoint.

The loopback server counts token requests and the most in flight at once; it refuses an
expired token with ``401 invalid_token``. Each library shares one handler (and one Session
with a connection per thread) between all threads:

- **renewals**: every thread sends its requests at a fixed pace, staggered, for about six
  token lifetimes; token requests against expiry windows (the run's length over the token
  lifetime, rounded up: the fewest tokens that can cover it), the most token requests in
  flight at once, and the requests that failed (an exception, or a final status other than
  200);
- **cold start**: the threads start together before any token exists;
- **boundary**: the threads send requests back to back for a while, across many expiries;
  the exceptions they get.

The libraries take turns, repeat after repeat; each figure is the median of the repeats.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ._config import BOUNDARY_LEEWAY, LEEWAY, TOKEN_DELAY, TOKEN_LIFETIME, Config
from ._libs import LIBRARIES, OAUTH2CORE, OAUTHLIB, R2C, Shared
from ._server import LoopbackServer
from ._table import Row
from ._timing import median


@dataclass
class Outcome:
    """What one run of a scenario counted."""

    token_requests: int
    most_in_flight: int
    requests: int
    failed: int
    exceptions: int
    unauthorized: int
    seconds: float

    @property
    def windows(self) -> int:
        """The fewest tokens that can cover the run."""
        return max(1, math.ceil(self.seconds / TOKEN_LIFETIME))


class Tally:
    """Thread-safe counters of the client side."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = self.failed = self.exceptions = 0

    def send(self, get: Callable[[], object]) -> None:
        """One request through the shared handler; a failure is counted, never raised."""
        status = None
        try:
            response = get()
            status = getattr(response, "status_code", None)
        except Exception:  # what the library raises is what is counted
            with self._lock:
                self.requests += 1
                self.failed += 1
                self.exceptions += 1
            return
        with self._lock:
            self.requests += 1
            if status != 200:
                self.failed += 1


def run_threads(count: int, work: Callable[[int], None]) -> None:
    """Run ``work(index)`` in ``count`` threads and wait for them all."""
    errors: list[BaseException] = []

    def guarded(index: int) -> None:
        try:
            work(index)
        except BaseException as err:  # a bug of the bench itself: re-raised below
            errors.append(err)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def outcome(server: LoopbackServer, tally: Tally, seconds: float) -> Outcome:
    """The server's counters and the client's, together."""
    stats = server.stats()
    return Outcome(
        token_requests=int(stats["token_requests"]),
        most_in_flight=int(stats["max_in_flight"]),
        requests=tally.requests,
        failed=tally.failed,
        exceptions=tally.exceptions,
        unauthorized=int(stats["statuses"].get("401", 0)),
        seconds=seconds,
    )


def paced(config: Config, server: LoopbackServer, library: str) -> Outcome:
    """Renewals: each thread sends its requests at a fixed pace, the threads staggered."""
    server.configure(delay=TOKEN_DELAY, lifetime=TOKEN_LIFETIME)
    shared = Shared(library, server.token_url, server.resource_url, LEEWAY)
    tally = Tally()
    interval = config.paced_interval
    start = time.monotonic()
    shared.prefetch()
    begin = time.monotonic()

    def work(index: int) -> None:
        offset = interval * index / config.threads
        for number in range(config.paced_requests):
            delay = begin + offset + number * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            tally.send(shared.get)

    run_threads(config.threads, work)
    result = outcome(server, tally, time.monotonic() - start)
    shared.close()
    return result


def cold_start(config: Config, server: LoopbackServer, library: str) -> Outcome:
    """Cold start: every thread's first request, all at once, before any token exists."""
    server.configure(delay=TOKEN_DELAY, lifetime=3600)
    shared = Shared(library, server.token_url, server.resource_url, LEEWAY)
    tally = Tally()
    barrier = threading.Barrier(config.threads)
    start = time.monotonic()

    def work(index: int) -> None:
        barrier.wait()
        tally.send(shared.get)

    run_threads(config.threads, work)
    result = outcome(server, tally, time.monotonic() - start)
    shared.close()
    return result


def boundary(config: Config, server: LoopbackServer, library: str) -> Outcome:
    """A tight loop across many expiries: requests back to back from every thread."""
    server.configure(delay=TOKEN_DELAY, lifetime=TOKEN_LIFETIME)
    shared = Shared(library, server.token_url, server.resource_url, BOUNDARY_LEEWAY)
    tally = Tally()
    start = time.monotonic()
    shared.prefetch()
    stop = time.monotonic() + config.boundary_seconds

    def work(index: int) -> None:
        while time.monotonic() < stop:
            tally.send(shared.get)

    run_threads(config.threads, work)
    result = outcome(server, tally, time.monotonic() - start)
    shared.close()
    return result


Scenario = Callable[[Config, LoopbackServer, str], Outcome]


def repeat(
    config: Config, server: LoopbackServer, scenario: Scenario, libraries: tuple[str, ...]
) -> dict[str, list[Outcome]]:
    """Run ``scenario`` for each library, ``concurrency_repeats`` times, taking turns."""
    results: dict[str, list[Outcome]] = {library: [] for library in libraries}
    for index in range(config.concurrency_repeats):
        shift = index % len(libraries)
        for library in libraries[shift:] + libraries[:shift]:
            results[library].append(scenario(config, server, library))
    return results


def med(outcomes: list[Outcome], field: str) -> int:
    """The median of one counter over the repeats (rounded to an integer)."""
    return round(median([float(getattr(o, field)) for o in outcomes]))


def renewals_row(config: Config, server: LoopbackServer) -> Row:
    """Token requests / expiry windows; most in flight; failed requests."""
    results = repeat(config, server, paced, LIBRARIES)
    cells = {}
    for library, outcomes in results.items():
        cells[library] = (
            f"{med(outcomes, 'token_requests')}/{med(outcomes, 'windows')}; "
            f"{med(outcomes, 'most_in_flight')}; {med(outcomes, 'failed')}"
        )
    cells[OAUTHLIB] = f"never renews ({cells[OAUTHLIB]})"
    mine = results[OAUTH2CORE]
    tokens, windows = med(mine, "token_requests"), med(mine, "windows")
    passed = tokens <= windows + 1 and med(mine, "most_in_flight") <= 1 and med(mine, "failed") == 0
    total = config.threads * config.paced_requests
    note = (
        f"{config.threads} threads x {config.paced_requests} requests ({total}), each thread "
        f"one request every {config.paced_interval:g} s, staggered; tokens of "
        f"{TOKEN_LIFETIME} s, token endpoint delayed {TOKEN_DELAY * 1000:g} ms, every library "
        f"renewing {LEEWAY:g} s before expiry (its `leeway`), first token fetched before the "
        f"threads start (counted); median of {config.concurrency_repeats} repeats. Windows = "
        "run length / token lifetime, rounded up. requests-oauthlib has no renewal for client "
        "credentials: after the first token expires every request raises `TokenExpiredError`. "
        "requests-oauth2client and Authlib keep `expires_at` in whole seconds, so their "
        "tokens look up to 1 s shorter-lived than they are."
    )
    return Row(
        "renewals",
        f"{config.threads} threads x {config.paced_requests} requests sharing one "
        "client-credentials handler, 1 s tokens, 50 ms token endpoint: token requests / expiry "
        "windows; most in flight; failed requests",
        cells,
        "<= 7/6; 1; 0 (windows + 1)",
        passed,
        [note],
    )


def cold_start_row(config: Config, server: LoopbackServer) -> Row:
    """Token requests when every thread starts before any token exists."""
    libraries = (OAUTH2CORE, R2C)
    results = repeat(config, server, cold_start, libraries)
    cells = dict.fromkeys(LIBRARIES, "n/a")
    for library, outcomes in results.items():
        failed = med(outcomes, "failed")
        cells[library] = (
            f"{med(outcomes, 'token_requests')} ({med(outcomes, 'most_in_flight')} at once)"
            + (f"; {failed} failed" if failed else "")
        )
    mine = results[OAUTH2CORE]
    note = (
        f"{config.threads} threads released together by a barrier, one request each, through a "
        f"handler that has no token yet; median of {config.concurrency_repeats} repeats. "
        "Authlib's `OAuth2Session` raises `MissingTokenError` until `fetch_token()` has been "
        "called, and requests-oauthlib never fetches a token by itself: neither gets a first "
        "token on first use."
    )
    return Row(
        "cold_start",
        f"cold start, {config.threads} threads, no token yet: token requests",
        cells,
        "1",
        med(mine, "token_requests") == 1 and med(mine, "failed") == 0,
        [note],
    )


def boundary_row(config: Config, server: LoopbackServer) -> Row:
    """Exceptions in a tight loop across expiries."""
    results = repeat(config, server, boundary, LIBRARIES)
    cells = {}
    for library, outcomes in results.items():
        exceptions, requests = med(outcomes, "exceptions"), med(outcomes, "requests")
        other = med(outcomes, "failed") - exceptions
        cells[library] = f"{exceptions} of {requests}" + (
            f"; {other} other failures" if other else ""
        )
    mine = results[OAUTH2CORE]
    unauthorized = ", ".join(
        f"{library} {med(outcomes, 'unauthorized')}" for library, outcomes in results.items()
    )
    note = (
        f"{config.threads} threads sending requests back to back for "
        f"{config.boundary_seconds:g} s through one shared handler (tokens of "
        f"{TOKEN_LIFETIME} s, {TOKEN_DELAY * 1000:g} ms token endpoint, leeway "
        f"{BOUNDARY_LEEWAY:g}: each token is used up to its expiry; first token fetched "
        "first); exceptions raised to the caller, of all requests sent; other failures are "
        "final answers other than 200 (a 401 that a handler retried successfully is not "
        f"one); median of {config.concurrency_repeats} repeats. 401s the server sent: "
        f"{unauthorized}."
    )
    return Row(
        "boundary",
        f"tight loop at the expiry boundary, {config.threads} threads, "
        f"{config.boundary_seconds:g} s: exceptions",
        cells,
        "0",
        med(mine, "exceptions") == 0,
        [note],
    )


def rows(config: Config, server: LoopbackServer) -> list[Row]:
    """The concurrency rows."""
    return [
        renewals_row(config, server),
        cold_start_row(config, server),
        boundary_row(config, server),
    ]
