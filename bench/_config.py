"""How much each figure family measures: the full run, and the smoke run CI does."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    """Counts and durations of one run."""

    smoke: bool
    rounds: int
    """Interleaved rounds of each timed comparison (each round samples every side once)."""
    handler_calls: int
    """Handler calls per sample of the hot-path row."""
    loopback_requests: int
    """GETs per sample of the loopback row."""
    constructions: int
    """Constructions per sample of the warm-construction row."""
    subprocess_rounds: int
    """Rounds of fresh interpreters for the import, memory and first-construction rows."""
    signatures: int
    """Assertions or proofs per sample of the JOSE rows."""
    threads: int
    paced_requests: int
    """Requests per thread in the renewal row."""
    paced_interval: float
    """Seconds between the requests of one thread in the renewal row."""
    concurrency_repeats: int
    boundary_seconds: float
    """Length of the tight loop at the expiry boundary."""


FULL = Config(
    smoke=False,
    rounds=21,
    handler_calls=2000,
    loopback_requests=200,
    constructions=200,
    subprocess_rounds=15,
    signatures=200,
    threads=32,
    paced_requests=50,
    paced_interval=0.11,
    concurrency_repeats=3,
    boundary_seconds=10.0,
)

SMOKE = Config(
    smoke=True,
    rounds=2,
    handler_calls=20,
    loopback_requests=5,
    constructions=5,
    subprocess_rounds=1,
    signatures=5,
    threads=32,
    paced_requests=3,
    paced_interval=0.02,
    concurrency_repeats=1,
    boundary_seconds=1.5,
)

LEEWAY = 0.1
"""Seconds before expiry at which every library renews in the renewal row.

Each library's default is meant for tokens of minutes (oauth2core and requests-oauth2client
20 s, Authlib 60 s): with 1 s tokens it would renew on every request.
"""
BOUNDARY_LEEWAY = 0.0
"""The tight loop at the expiry boundary uses each token up to its expiry."""
TOKEN_LIFETIME = 1
TOKEN_DELAY = 0.05
