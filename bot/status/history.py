"""Uptime and latency of the own probes, and past incidents, from what the store remembers."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.store.db import ProbeRecord, Store
from bot.surfaces import SURFACES
from bot.units import parse_time

__all__ = ["WINDOWS", "History", "PastIncident", "SurfaceStats", "percentile", "read_history", "surface_stats"]


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


WINDOWS: tuple[tuple[str, timedelta], ...] = (("24 h", timedelta(hours=24)), ("7 days", timedelta(days=7)))


@dataclass(frozen=True)
class PastIncident:
    name: str
    impact: str | None
    link: str | None
    started_at: datetime | None
    resolved_at: datetime | None


@dataclass(frozen=True)
class History:
    """Per surface, the stats of each window (label → stats), and the incidents the monitor saw."""

    surfaces: Mapping[str, Mapping[str, SurfaceStats]]
    incidents: tuple[PastIncident, ...]


def read_history(store: Store, now: datetime, *, incidents: int = 10) -> History:
    """Uptime and latency of every surface over each window, and the latest incidents."""
    per_surface = {
        spec.id: {
            label: surface_stats(store.probe_results_since(spec.id, (now - span).timestamp()))
            for label, span in WINDOWS
        }
        for spec in SURFACES
    }
    past = tuple(
        PastIncident(
            name=row["name"] or "Untitled",
            impact=row["impact"],
            link=row["link"],
            started_at=parse_time(row["started_at"]),
            resolved_at=parse_time(row["resolved_at"]),
        )
        for row in store.recent_incidents(limit=incidents)
    )
    return History(per_surface, past)
