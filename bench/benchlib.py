"""Shared by the benchmark scripts."""
from __future__ import annotations

import statistics
import time


def median_ms(fn, n: int) -> float:
    """Median wall time of n calls, in milliseconds."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
