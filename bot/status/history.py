"""Uptime and latency of the own probes, their failures by side, and past incidents, from the store."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from bot.store import Outcome, Store
from bot.surfaces import SURFACES
from bot.units import format_ms, parse_time

__all__ = [
    "FAILING",
    "SIDES",
    "WINDOWS",
    "WORKING",
    "FailureCauses",
    "History",
    "PastIncident",
    "Side",
    "SurfaceStats",
    "failure_causes",
    "read_history",
    "side_of",
]

#: Whose side a failed run's stored cause is on (`bot.status.causes` kinds: `ours`, `theirs`, and the
#: rest, slow, wrong output or a provider, are `other`; no cause at all is `unclassified`).
Side = Literal["ours", "theirs", "other", "unclassified"]
SIDES: tuple[Side, ...] = ("ours", "theirs", "other", "unclassified")
#: A run worked when it was `ok` or `degraded` (slow is still working); it failed when `failed` or `degraded`.
WORKING = frozenset({"ok", "degraded"})
FAILING = frozenset({"failed", "degraded"})


def side_of(cause: str | None) -> Side:
    """The side of a stored cause (`kind:reason`): ours, theirs, other (slow, quality, provider), or
    unclassified (stored before causes were recorded)."""
    kind = cause.partition(":")[0] if cause else None
    if kind == "ours":
        return "ours"
    if kind == "theirs":
        return "theirs"
    return "other" if kind else "unclassified"


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
    sides = dict.fromkeys(SIDES, 0)
    for cause, n in counts.items():
        sides[side_of(cause)] += n
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
    """Uptime and latency of every surface over each window, failures by side, and the latest incidents.

    Counted inside SQLite (`store.stats`): of a week of one-minute probes (some 70,000 results), only
    the working runs' latencies leave it, for their percentiles.
    """
    ids = [spec.id for spec in SURFACES]
    per_surface: dict[str, dict[str, SurfaceStats]] = {surface: {} for surface in ids}
    failures: dict[str, FailureCauses] = {}
    for label, span in WINDOWS:
        start = (now - span).timestamp()
        outcomes = store.stats.outcomes(ids, start, math.inf)  # everything since the window's start
        latencies = store.stats.latency_percentiles(ids, start, math.inf)
        for surface in ids:
            per_surface[surface][label] = _stats([o for o in outcomes if o.surface == surface], latencies.get(surface))
        failures[label] = failure_causes(_count_causes(o for o in outcomes if o.state in FAILING))
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
    return History(per_surface, past, failures)


def _stats(outcomes: list[Outcome], latency: Mapping[float, float] | None) -> SurfaceStats:
    runs = sum(o.count for o in outcomes if o.state != "skipped")
    working = sum(o.count for o in outcomes if o.state in WORKING)
    return SurfaceStats(runs, working, latency.get(50) if latency else None, latency.get(95) if latency else None)


def _count_causes(outcomes: Iterable[Outcome]) -> dict[str | None, int]:
    counts: dict[str | None, int] = {}
    for o in outcomes:
        counts[o.cause] = counts.get(o.cause, 0) + o.count
    return counts
