"""What the latency chart shows, as plain data: per window and surface, p50/p95 per time bucket, the
failed runs by side, Deepgram's incidents. Pure, except `read_chart_data`, which reads the store.

The numbers are the ones `/deepgram history` prints (`bot.status.history`): a run that did not run
(`skipped`) does not count; a run worked when it was `ok` or `degraded` (slow is still working), and
its latency counts towards p50/p95 (nearest rank); a `failed` or `degraded` run is a failure, on the
side of its stored cause (ours, Deepgram's, other: slow, wrong output or a provider; or unclassified).

Each window is cut into buckets of a round size (24 h: 15 min, 7 days: 2 h), about a hundred at most,
so a week of one-minute probes is a hundred points a line, not ten thousand; and large enough to hold
a run at the probes' usual pace, so probes every 30 minutes draw a line of hourly points rather than
dots between empty buckets.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.status.history import FAILING, SIDES, WORKING, FailureCauses, Side, SurfaceStats, side_of
from bot.store import Store
from bot.surfaces import SURFACES
from bot.units import parse_time, percentile

__all__ = [
    "Bucket",
    "ChartData",
    "FailureMark",
    "IncidentSpan",
    "Point",
    "SurfaceSeries",
    "Window",
    "WindowData",
    "bucket_seconds",
    "chart_data",
    "incident_spans",
    "read_chart_data",
    "usual_spacing",
    "window_label",
]

#: One stored result: `(surface, checked_at, state, elapsed_ms, cause)` (`store.history.probe_points`).
Point = tuple[str, float, str, float | None, str | None]

#: Bucket sizes in seconds, smallest first: the first that cuts the window into at most `MAX_BUCKETS`.
BUCKET_SIZES = (300, 900, 1800, 3600, 7200, 3 * 3600, 6 * 3600, 12 * 3600, 86400)
MAX_BUCKETS = 100
#: A bucket is at least this many times the usual time between runs, so that each holds one.
SPACING_MARGIN = 1.25
#: Incidents read from the monitor's log, newest first: more than any week has had.
MAX_INCIDENTS = 200


def bucket_seconds(span: float, spacing: float = 0.0) -> int:
    """The bucket size for a window of `span` seconds (24 h → 15 min, 7 days → 2 h), and for runs
    `spacing` seconds apart (30 min → 1 h buckets)."""
    fits = (size for size in BUCKET_SIZES if span / size <= MAX_BUCKETS and size >= spacing * SPACING_MARGIN)
    return next(fits, BUCKET_SIZES[-1])


def usual_spacing(times: Sequence[float]) -> float:
    """The median time between consecutive runs (`times` oldest first; 0 for fewer than two): the
    probes' pace, which a few on-demand runs or a restart do not change."""
    gaps = sorted(later - earlier for earlier, later in itertools.pairwise(times))
    return gaps[len(gaps) // 2] if gaps else 0.0


def window_label(days: float) -> str:
    """`24 h`, `7 days`, as `bot.status.history.WINDOWS` names them."""
    if days <= 1:
        return f"{days * 24:g} h"
    return f"{days:g} days"


@dataclass(frozen=True)
class Window:
    """A stretch of time ending now, and the size of its buckets."""

    label: str
    start: float
    end: float
    bucket_seconds: int

    def bucket_starts(self) -> tuple[float, ...]:
        """Every bucket's start (aligned to UTC multiples of its size; the first may begin before `start`)."""
        size = self.bucket_seconds
        first, last = int(self.start // size), int(self.end // size)
        return tuple(float(b * size) for b in range(first, last + 1))


@dataclass(frozen=True)
class Bucket:
    """One bucket of one surface: how many runs ran, and p50/p95 of the working ones (None: none worked)."""

    start: float
    runs: int
    p50_ms: float | None
    p95_ms: float | None


@dataclass(frozen=True)
class FailureMark:
    """The failed (or degraded) runs of one bucket on one side: the first one's time, and how many."""

    at: float
    side: Side
    count: int


@dataclass(frozen=True)
class SurfaceSeries:
    """One surface over one window: its stats as `/deepgram history` prints them, its buckets, its failures."""

    surface: str
    label: str
    stats: SurfaceStats
    buckets: tuple[Bucket, ...]
    failures: tuple[FailureMark, ...]

    @property
    def failed(self) -> int:
        return sum(mark.count for mark in self.failures)


@dataclass(frozen=True)
class IncidentSpan:
    """A Deepgram incident as the monitor logged it; `end` is None while it is still open."""

    name: str
    impact: str | None
    start: float
    end: float | None

    def overlaps(self, window: Window) -> bool:
        return self.start <= window.end and (self.end is None or self.end >= window.start)


@dataclass(frozen=True)
class WindowData:
    window: Window
    surfaces: tuple[SurfaceSeries, ...]
    incidents: tuple[IncidentSpan, ...]

    @property
    def runs(self) -> int:
        return sum(s.stats.runs for s in self.surfaces)

    @property
    def failures(self) -> FailureCauses:
        """The window's failed runs summed by side, as `/deepgram history` counts them."""
        counts = {side: 0 for side in SIDES}
        for series in self.surfaces:
            for mark in series.failures:
                counts[mark.side] += mark.count
        return FailureCauses(**counts)

    def series(self, surface: str) -> SurfaceSeries | None:
        return next((s for s in self.surfaces if s.surface == surface), None)


@dataclass(frozen=True)
class ChartData:
    """Everything the chart draws and its alt text says, for one or more windows ending at `now`."""

    now: float
    windows: tuple[WindowData, ...]

    @property
    def empty(self) -> bool:
        """No probe run in any window: nothing to draw."""
        return not any(w.runs for w in self.windows)

    def surfaces(self) -> tuple[tuple[str, str], ...]:
        """`(id, label)` of the surfaces with runs in some window, in the table of surfaces' order."""
        seen = {s.surface for w in self.windows for s in w.surfaces if s.stats.runs}
        return tuple((spec.id, spec.label) for spec in SURFACES if spec.id in seen)


def chart_data(
    points: Iterable[Point],
    incidents: Iterable[IncidentSpan],
    *,
    now: float,
    windows: Sequence[tuple[str, float]],
    labels: Mapping[str, str] | None = None,
    spacing: float = 0.0,
) -> ChartData:
    """Bucket `points` into each window (`(label, seconds)`, ending at `now`); pure.

    `labels` names the surfaces (default: the table of surfaces); points of other surfaces are ignored.
    `spacing` is the usual time between runs (`usual_spacing`): no bucket is smaller.
    """
    tally = _Tally(now, windows, labels, spacing)
    tally.add(points)
    return tally.result(incidents)


class _SurfaceTally:
    """One surface in one window, as its points arrive: runs, latencies and failures per bucket."""

    __slots__ = ("latencies", "marks", "runs", "working")

    def __init__(self) -> None:
        self.runs: dict[int, int] = {}
        self.latencies: dict[int, list[float]] = {}
        self.marks: dict[tuple[int, Side], list[float]] = {}
        self.working = 0

    def series(self, surface: str, label: str, size: int) -> SurfaceSeries:
        every = [ms for values in self.latencies.values() for ms in values]
        stats = SurfaceStats(sum(self.runs.values()), self.working, percentile(every, 50), percentile(every, 95))
        buckets = tuple(
            Bucket(
                float(b * size),
                self.runs[b],
                percentile(self.latencies.get(b, ()), 50),
                percentile(self.latencies.get(b, ()), 95),
            )
            for b in sorted(self.runs)
        )
        failures = sorted(
            (FailureMark(min(times), side, len(times)) for (_, side), times in self.marks.items()), key=lambda m: m.at
        )
        return SurfaceSeries(surface, label, stats, buckets, tuple(failures))


class _Tally:
    """Points bucketed into every window as they arrive (`add`, any number of times), then `result`."""

    def __init__(
        self, now: float, windows: Sequence[tuple[str, float]], labels: Mapping[str, str] | None, spacing: float
    ) -> None:
        self.now = now
        self.labels = dict(labels) if labels is not None else {spec.id: spec.label for spec in SURFACES}
        self.windows = [
            Window(label, now - seconds, now, bucket_seconds(seconds, spacing)) for label, seconds in windows
        ]
        self.tallies = [{surface: _SurfaceTally() for surface in self.labels} for _ in self.windows]

    def add(self, points: Iterable[Point]) -> None:
        """Count `points` into every window they fall in (the loop runs once per stored result: kept flat)."""
        targets = {
            surface: [
                (w.start, w.end, w.bucket_seconds, t[surface]) for w, t in zip(self.windows, self.tallies, strict=True)
            ]
            for surface in self.labels
        }
        for surface, at, state, elapsed_ms, cause in points:
            if state == "skipped" or (windows := targets.get(surface)) is None:
                continue  # did not run, or not a surface drawn: counts nowhere
            working, failing = state in WORKING, state in FAILING
            for start, end, size, tally in windows:
                if not start <= at <= end:
                    continue
                bucket = int(at // size)
                tally.runs[bucket] = tally.runs.get(bucket, 0) + 1
                if working:
                    tally.working += 1
                    if elapsed_ms is not None:
                        tally.latencies.setdefault(bucket, []).append(elapsed_ms)
                if failing:
                    tally.marks.setdefault((bucket, side_of(cause)), []).append(at)

    def result(self, incidents: Iterable[IncidentSpan]) -> ChartData:
        spans = tuple(incidents)
        windows = tuple(
            WindowData(
                window,
                tuple(tallies[s].series(s, label, window.bucket_seconds) for s, label in self.labels.items()),
                tuple(i for i in spans if i.overlaps(window)),
            )
            for window, tallies in zip(self.windows, self.tallies, strict=True)
        )
        return ChartData(self.now, windows)


def incident_spans(rows: Iterable[Mapping[str, object]]) -> tuple[IncidentSpan, ...]:
    """The monitor's `incident_log` rows as spans (rows without a readable start are left out)."""
    spans = []
    for row in rows:
        started = parse_time(row.get("started_at"))
        if started is None:
            continue
        resolved = parse_time(row.get("resolved_at"))
        spans.append(
            IncidentSpan(
                name=str(row.get("name") or "Untitled"),
                impact=str(row["impact"]) if row.get("impact") else None,
                start=started.timestamp(),
                end=resolved.timestamp() if resolved else None,
            )
        )
    return tuple(spans)


def read_chart_data(store: Store, *, now: float, days: int = 7, with_day: bool = False) -> ChartData:
    """The chart's data from the store: the last `days` (and, `with_day`, the last 24 h before it).

    One query over the longest window, read in chunks; both windows are cut from it, into buckets no
    smaller than the runs' usual spacing there. Runs on the store's thread (the event loop's): a few
    hundred milliseconds for a week of one-minute probes.
    """
    spans = [(window_label(1), timedelta(days=1).total_seconds())] if with_day and days != 1 else []
    spans.append((window_label(days), timedelta(days=days).total_seconds()))
    longest = max(seconds for _, seconds in spans)
    tally = _Tally(now, spans, None, usual_spacing(store.history.run_times(now - longest, now)))
    store.history.scan_probe_points([spec.id for spec in SURFACES], now - longest, now, tally.add)
    return tally.result(incident_spans(store.history.recent_incidents(limit=MAX_INCIDENTS)))
