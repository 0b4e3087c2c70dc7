"""History over a period for the weekly digest, counted inside SQLite: probe outcomes, latency percentiles,
the incidents the monitor logged; and the incident log's retention.

A week of one-minute probes of every surface is about 70,000 `probe_results` rows: every query here
reads them through the `(surface, checked_at)` index; only the latencies of the working runs leave SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.store.connection import Repository, guarded
from bot.units import parse_time, percentile


@dataclass(frozen=True)
class Outcome:
    """How many results of one surface ended in one state with one stored cause (None: none recorded)."""

    surface: str
    state: str
    cause: str | None
    count: int


@dataclass(frozen=True)
class LoggedIncident:
    """A status-page incident as the monitor logged it; `components` are the names it listed (empty when it
    named none, or was logged before the names were kept)."""

    id: str
    name: str
    impact: str | None
    link: str | None
    started_at: datetime | None
    resolved_at: datetime | None
    components: tuple[str, ...] = ()


class PeriodStats(Repository):
    """`store.stats`: aggregates of the stored history between two moments (epoch seconds, end excluded)."""

    @guarded(write=False)
    def outcomes(self, surfaces: Sequence[str], start: float, end: float) -> list[Outcome]:
        """Result counts per surface, state and cause."""
        if not surfaces:
            return []
        marks = ", ".join("?" for _ in surfaces)
        rows = self.db.execute(
            f"SELECT surface, state, cause, COUNT(*) FROM probe_results WHERE surface IN ({marks}) "
            "AND checked_at >= ? AND checked_at < ? GROUP BY surface, state, cause",
            [*surfaces, start, end],
        ).fetchall()
        return [Outcome(str(s), str(state), cause, int(n)) for s, state, cause, n in rows]

    @guarded(write=False)
    def latency_percentiles(
        self, surfaces: Sequence[str], start: float, end: float, quantiles: Sequence[float] = (50, 95)
    ) -> dict[str, dict[float, float]]:
        """Nearest-rank percentiles (`bot.units.percentile`) of the latency of the runs that worked
        (ok or slow), per surface: {surface: {50: ms, 95: ms}}; a surface with no such run is absent.

        One indexed range read per surface, sorted here: about 10,000 numbers per surface for a week of
        one-minute probes (ranking them inside SQLite with a window function took twice as long).
        """
        found: dict[str, dict[float, float]] = {}
        for surface in surfaces:
            values = sorted(
                row[0]
                for row in self.db.execute(
                    "SELECT elapsed_ms FROM probe_results WHERE surface = ? AND checked_at >= ? AND checked_at < ? "
                    "AND state IN ('ok', 'degraded') AND elapsed_ms IS NOT NULL",
                    [surface, start, end],
                )
            )
            if values:
                found[surface] = {q: float(percentile(values, q) or 0.0) for q in quantiles}
        return found

    @guarded(write=False)
    def incidents(self) -> list[LoggedIncident]:
        """Every incident the monitor logged, oldest first (the log is small: retention prunes it)."""
        rows = self.db.execute(
            "SELECT id, name, impact, link, started_at, resolved_at, components FROM incident_log ORDER BY started_at"
        ).fetchall()
        return [
            LoggedIncident(
                id=str(id_),
                name=str(name or "Untitled"),
                impact=impact,
                link=link,
                started_at=parse_time(started),
                resolved_at=parse_time(resolved),
                components=_names(components),
            )
            for id_, name, impact, link, started, resolved, components in rows
        ]

    @guarded(write=True)
    def forget_incidents_resolved_before(self, cutoff: float) -> int:
        """Drop logged incidents resolved before `cutoff` (epoch seconds); open ones stay. Returns how many."""
        rows = self.db.execute("SELECT id, resolved_at FROM incident_log WHERE resolved_at IS NOT NULL").fetchall()
        old = [(id_,) for id_, resolved in rows if (at := parse_time(resolved)) is not None and at.timestamp() < cutoff]
        with self.db.atomic():
            self.db.conn.executemany("DELETE FROM incident_log WHERE id = ?", old)
        return len(old)


def _names(value: str | None) -> tuple[str, ...]:
    """The stored JSON list of component names; nothing for NULL or anything unreadable."""
    try:
        names = json.loads(value) if value else []
    except ValueError:
        return ()
    return tuple(str(n) for n in names) if isinstance(names, list) else ()
