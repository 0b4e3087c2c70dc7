"""Uptime and latency of the own probes, their failures by side, and past incidents, from the store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.store import ProbeRecord, Store
from bot.surfaces import SURFACES
from bot.units import format_ms, parse_time, percentile

__all__ = [
    "WINDOWS",
    "FailureCauses",
    "History",
    "PastIncident",
    "SurfaceStats",
    "failure_causes",
    "read_history",
    "surface_stats",
]


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

    def words(self) -> str:
        """`99.5% up over 288 runs · p50 430 ms · p95 1.2 s` (plain words, for any renderer)."""
        if not self.runs:
            return "no runs"
        uptime = f"{self.uptime * 100:.1f}%" if self.uptime is not None else "n/a"
        p50 = format_ms(self.p50_ms) if self.p50_ms is not None else "–"
        p95 = format_ms(self.p95_ms) if self.p95_ms is not None else "–"
        return f"{uptime} up over {self.runs} run{'s' if self.runs != 1 else ''} · p50 {p50} · p95 {p95}"


def surface_stats(records: Sequence[ProbeRecord]) -> SurfaceStats:
    ran = [r for r in records if r.state != "skipped"]
    working = [r for r in ran if r.state in ("ok", "degraded")]
    latencies = [r.elapsed_ms for r in working if r.elapsed_ms is not None]
    return SurfaceStats(len(ran), len(working), percentile(latencies, 50), percentile(latencies, 95))


@dataclass(frozen=True)
class FailureCauses:
    """The probes' failures over a window (slow and wrong answers included), by whose side they are on.

    `ours`: the key, credits, concurrency, the network path or a request we built; `theirs`: Deepgram's
    errors and silences; `other`: wrong output, slowness, a provider behind the Voice Agent
    (`bot.status.causes`); `unclassified`: stored before causes were recorded.
    """

    ours: int = 0
    theirs: int = 0
    other: int = 0
    unclassified: int = 0

    @property
    def total(self) -> int:
        return self.ours + self.theirs + self.other + self.unclassified

    def words(self) -> str:
        """`our side 2 · Deepgram's side 1` (plain words, for any renderer)."""
        if not self.total:
            return "no failures"
        parts = [f"our side {self.ours}", f"Deepgram's side {self.theirs}"]
        if self.other:
            parts.append(f"slow, wrong output or a provider {self.other}")
        if self.unclassified:
            parts.append(f"not classified {self.unclassified}")
        return " · ".join(parts)


def failure_causes(counts: Mapping[str | None, int]) -> FailureCauses:
    """Counts by stored cause (`kind:reason`, or None) summed by side."""
    sides = {"ours": 0, "theirs": 0, "other": 0, "unclassified": 0}
    for cause, n in counts.items():
        kind = cause.partition(":")[0] if cause else None
        side = kind if kind in ("ours", "theirs") else "other" if kind else "unclassified"
        sides[side] += n
    return FailureCauses(**sides)


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
    """Per surface, the stats of each window (label → stats); per window, the failures by side; and
    the incidents the monitor saw."""

    surfaces: Mapping[str, Mapping[str, SurfaceStats]]
    incidents: tuple[PastIncident, ...]
    failures: Mapping[str, FailureCauses] = field(default_factory=dict)


def read_history(store: Store, now: datetime, *, incidents: int = 10) -> History:
    """Uptime and latency of every surface over each window, failures by side, and the latest incidents."""
    per_surface = {
        spec.id: {
            label: surface_stats(store.history.results_since(spec.id, (now - span).timestamp()))
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
        for row in store.history.recent_incidents(limit=incidents)
    )
    failures = {
        label: failure_causes(store.history.failures_by_cause((now - span).timestamp())) for label, span in WINDOWS
    }
    return History(per_surface, past, failures)
