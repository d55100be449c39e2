"""Percentiles and summaries of timing samples."""

from __future__ import annotations

import math
from collections.abc import Sequence

import msgspec


class Summary(msgspec.Struct, frozen=True):
    """A distribution of samples, in the unit of the samples (seconds unless named otherwise)."""

    n: int
    p50: float
    p99: float
    max: float
    mean: float


def percentile(sorted_samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: a value that was actually observed, never an interpolation."""
    if not sorted_samples:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_samples)))
    return sorted_samples[rank - 1]


def summarize(samples: Sequence[float]) -> Summary:
    ordered = sorted(samples)
    if not ordered:
        return Summary(n=0, p50=math.nan, p99=math.nan, max=math.nan, mean=math.nan)
    return Summary(
        n=len(ordered),
        p50=percentile(ordered, 0.50),
        p99=percentile(ordered, 0.99),
        max=ordered[-1],
        mean=sum(ordered) / len(ordered),
    )


def median(samples: Sequence[float]) -> float:
    return percentile(sorted(samples), 0.5) if samples else math.nan
