"""Timing helpers: interleaved rounds, medians, paired ratios.

Every figure is a median of repeated samples. Sides that are compared are measured in the
same round, one after the other, in an order that rotates from round to round, and a
ratio is the median of the per-round ratios: drift in machine load hits both sides of a
ratio alike.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

import requests

Sample = Callable[[], float]
"""Measures once and returns a duration in seconds (or any figure to take the median of)."""


@contextmanager
def no_gc() -> Iterator[None]:
    """Keep the cyclic garbage collector out of a timed section (as :mod:`timeit` does)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def interleaved(sides: Mapping[str, Sample], rounds: int) -> dict[str, list[float]]:
    """Run every side once per round, rotating the order; the samples of each side."""
    names = list(sides)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        order = names[shift:] + names[:shift]
        if index % 2:
            order.reverse()
        for name in order:
            samples[name].append(sides[name]())
    return samples


def median(values: list[float]) -> float:
    """The median of ``values``."""
    return statistics.median(values)


def ratios(samples: Mapping[str, list[float]], baseline: str) -> dict[str, float]:
    """For each side but ``baseline``: the median of its per-round ratios to ``baseline``."""
    base = samples[baseline]
    return {
        name: median([value / ref for value, ref in zip(values, base, strict=True)])
        for name, values in samples.items()
        if name != baseline
    }


def fresh_requests(
    template: requests.PreparedRequest, count: int
) -> list[requests.PreparedRequest]:
    """``count`` copies of ``template``, each with its own (empty) response hooks."""
    batch = []
    for _ in range(count):
        request = template.copy()
        request.hooks = {"response": []}
        batch.append(request)
    return batch


def per_call(
    handler: Callable[[requests.PreparedRequest], object],
    template: requests.PreparedRequest,
    count: int,
) -> Sample:
    """A sample: seconds per ``handler(request)``, over ``count`` fresh copies of ``template``.

    The copies are made before the clock starts; the timed loop is the same for every side.
    """

    def once() -> float:
        batch = fresh_requests(template, count)
        with no_gc():
            start = time.perf_counter()
            for request in batch:
                handler(request)
            return (time.perf_counter() - start) / count

    return once


def progress(message: str) -> None:
    """A progress line on stderr (stdout carries only the table)."""
    print(message, file=sys.stderr, flush=True)
