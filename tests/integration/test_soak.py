"""Soak: many threads share one ApiClient whose handler renews 2-second tokens, in real time.

The defaults are the short CI run. The full run (32 threads x 10,000 requests, several
minutes) and what it measured are in docs/soak.md::

    OAUTH2CORE_SOAK_THREADS=32 OAUTH2CORE_SOAK_REQUESTS=10000 \\
        uv run --all-packages pytest tests/integration/test_soak.py -q -rP
"""

from __future__ import annotations

import gc
import logging
import math
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import requests

from oauth2core import ApiClient, OAuth2ClientCredentialsAuth
from tests.integration._authorization_server import AuthorizationServer
from tests.integration._library import TIMEOUT, library_client

pytestmark = pytest.mark.integration

THREADS = "OAUTH2CORE_SOAK_THREADS"
REQUESTS = "OAUTH2CORE_SOAK_REQUESTS"
DEFAULT_THREADS = 8
DEFAULT_REQUESTS = 800
"""Per thread: 7 to 18 s on a (loaded) 2-core machine, so several 1-second renewal windows."""
WARM_UP_REQUESTS = 20
"""Per thread, before the start is measured: connections, the first token, caches."""
RSS_GROWTH_LIMIT = 8 * 2**20
"""Bytes of resident memory the run may add; measured growth is about 0 (docs/soak.md)."""
OBJECTS_GROWTH_LIMIT = 2_000
"""GC-tracked objects the run may add (a few per new pooled connection); one leaked
object per request would add thousands even in the short run."""
EXP_RESOLUTION = 1
"""Seconds: the server's ``exp`` is a whole second, so a token may die this much early."""
BARRIER_TIMEOUT = 120.0
SHOWN_FAILURES = 5
POOL_FULL = "Connection pool is full"


def env_count(name: str, default: int) -> int:
    """A positive integer from the environment variable ``name``, else ``default``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = int(raw)
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, not {raw!r}")
    return value


def rss_bytes() -> int | None:
    """Resident set size of this process from /proc/self/statm (Linux), else None."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            resident_pages = int(statm.read().split()[1])
    except OSError:
        return None
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


@dataclass
class Tally:
    """Requests and failures of all threads; the first few failures are kept for the message."""

    requests: int = 0
    failures: int = 0
    retried: int = 0
    """Requests refused with 401 and resent by the handler with a new token."""
    first_failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, done: int, retried: int, failed: list[str]) -> None:
        with self.lock:
            self.requests += done
            self.retried += retried
            self.failures += len(failed)
            room = max(SHOWN_FAILURES - len(self.first_failures), 0)
            self.first_failures.extend(failed[:room])


def call(api: ApiClient, count: int) -> tuple[int, int, list[str]]:
    """``GET resource`` ``count`` times; any exception or non-200 answer is a failure."""
    failed: list[str] = []
    retried = 0
    for _ in range(count):
        try:
            response = api.get("resource", raise_for_status=False)
        except Exception as exc:  # every exception is a failed request
            failed.append(f"{type(exc).__name__}: {exc}"[:300])
            continue
        if response.status_code != 200:
            challenge = response.headers.get("WWW-Authenticate", "")
            failed.append(f"HTTP {response.status_code} {challenge}"[:300])
        elif response.history:
            retried += 1
    return count, retried, failed


@dataclass
class Measures:
    """What one soak run measured, between the end of the warm-up and the last request."""

    tally: Tally
    warm_up: Tally
    elapsed: float
    token_requests: int
    objects_growth: int
    rss_start: int | None
    rss_end: int | None


def soak(server: AuthorizationServer, api: ApiClient, threads: int, per_thread: int) -> Measures:
    """Run ``threads`` threads of ``per_thread`` requests each, all released at once."""
    tally, warm_up = Tally(), Tally()
    barrier = threading.Barrier(threads + 1, timeout=BARRIER_TIMEOUT)

    def worker() -> None:
        warm_up.add(*call(api, WARM_UP_REQUESTS))
        try:
            barrier.wait()  # warmed up
            barrier.wait()  # go
        except threading.BrokenBarrierError:
            return
        tally.add(*call(api, per_thread))

    workers = [threading.Thread(target=worker, name=f"soak-{n}") for n in range(threads)]
    for thread in workers:
        thread.start()
    try:
        barrier.wait()
        gc.collect()
        objects_start = len(gc.get_objects())
        rss_start = rss_bytes()
        server.reset_token_request_counts()
        started = time.perf_counter()
        barrier.wait()
    except BaseException:
        barrier.abort()
        raise
    finally:
        for thread in workers:
            thread.join()
    elapsed = time.perf_counter() - started
    token_requests = server.token_request_count(server.clients["short_lived"].client_id)
    gc.collect()
    return Measures(
        tally=tally,
        warm_up=warm_up,
        elapsed=elapsed,
        token_requests=token_requests,
        objects_growth=len(gc.get_objects()) - objects_start,
        rss_start=rss_start,
        rss_end=rss_bytes(),
    )


def mib(size: int | None) -> float | None:
    return None if size is None else round(size / 2**20, 2)


def test_threads_share_one_api_client_through_token_renewals(
    authorization_server: AuthorizationServer,
    caplog: pytest.LogCaptureFixture,
    record_property: Callable[[str, object], None],
) -> None:
    threads = env_count(THREADS, DEFAULT_THREADS)
    per_thread = env_count(REQUESTS, DEFAULT_REQUESTS)
    lifetime = authorization_server.clients["short_lived"].access_token_ttl
    caplog.set_level(logging.WARNING, logger="urllib3")

    with library_client(authorization_server, "short_lived") as client, requests.Session() as http:
        # requests keeps 10 connections per host; beyond that, each extra concurrent
        # request opens a connection and drops it ("Connection pool is full")
        http.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=threads))
        auth = OAuth2ClientCredentialsAuth(client)
        api = ApiClient(
            authorization_server.resource_indicator, auth, session=http, timeout=TIMEOUT
        )
        run = soak(authorization_server, api, threads, per_thread)

    # The handler renews `leeway` before expiry, at most half the remaining life before:
    # with expires_in=2 and the default leeway (20 s), 1 s after the token arrived. A
    # token may also die up to EXP_RESOLUTION early; a request refused then (401
    # invalid_token, RFC 6750 section 3.1) makes the handler renew at once, still more than
    # lifetime - EXP_RESOLUTION after that token was issued. Renewals are thus at least
    # `interval` apart, the first one possibly at the very start: at most windows + 1.
    interval = min(lifetime - min(auth.leeway, lifetime / 2), lifetime - EXP_RESOLUTION)
    windows = math.ceil(run.elapsed / interval)
    growth = None if run.rss_start is None or run.rss_end is None else run.rss_end - run.rss_start
    summary = {
        "threads": threads,
        "requests": run.tally.requests,
        "failures": run.tally.failures,
        "elapsed_s": round(run.elapsed, 2),
        "requests_per_s": round(run.tally.requests / run.elapsed),
        "token_requests": run.token_requests,
        "retried_after_401": run.tally.retried,
        "renewal_interval_s": interval,
        "windows": windows,
        "objects_growth": run.objects_growth,
        "rss_start_mib": mib(run.rss_start),
        "rss_end_mib": mib(run.rss_end),
        "rss_growth_mib": mib(growth),
    }
    for name, value in summary.items():
        record_property(name, value)
    print("soak:", ", ".join(f"{name}={value}" for name, value in summary.items()))

    assert run.warm_up.failures == 0, f"failed warm-up requests: {run.warm_up.first_failures}"
    assert run.tally.requests == threads * per_thread
    assert run.tally.failures == 0, (
        f"{run.tally.failures} failed requests, the first: {run.tally.first_failures}"
    )
    dropped = [record.getMessage() for record in caplog.records if POOL_FULL in record.getMessage()]
    assert not dropped, f"{len(dropped)} connections dropped, e.g. {dropped[0]}"
    assert run.token_requests >= 2, (
        f"the run ({run.elapsed:.1f} s) saw fewer than two renewals: raise {REQUESTS}"
    )
    # each token lives at most `lifetime`: fewer renewals would have left requests failing
    assert run.token_requests >= math.ceil(run.elapsed / lifetime) - 1
    assert run.token_requests <= windows + 1
    assert run.objects_growth < OBJECTS_GROWTH_LIMIT
    if growth is None:
        pytest.skip(f"RSS not measured: no /proc/self/statm on {sys.platform}")
    assert growth < RSS_GROWTH_LIMIT
