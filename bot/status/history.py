"""Uptime and latency of the own probes, from the stored probe history. Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.db import ProbeRecord


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class SurfaceStats:
    runs: int
    working: int
    p50_ms: float | None
    p95_ms: float | None

    @property
    def uptime(self) -> float | None:
        """Share of runs in which the surface worked (slow counts as working)."""
        return self.working / self.runs if self.runs else None


def surface_stats(records: Sequence[ProbeRecord]) -> SurfaceStats:
    ran = [r for r in records if r.state != "skipped"]
    working = [r for r in ran if r.state in ("ok", "degraded")]
    latencies = [r.elapsed_ms for r in working if r.elapsed_ms is not None]
    return SurfaceStats(len(ran), len(working), percentile(latencies, 50), percentile(latencies, 95))
