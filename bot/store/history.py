"""Probe history: every status check with its per-surface results, and the incidents the monitor saw."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.store.connection import Repository, guarded

#: One stored result as the latency chart reads it: `(surface, checked_at, state, elapsed_ms, cause)`.
ProbePoint = tuple[str, float, str, float | None, str | None]


@dataclass(frozen=True)
class ProbeRecord:
    """One surface's result in one run, as stored."""

    surface: str
    state: str
    elapsed_ms: float | None
    http_status: int | None = None
    close_code: int | None = None
    error_code: str | None = None
    topic: str | None = None
    timings: Mapping[str, float] | None = None
    #: Why it failed, as classified when it was stored (`bot.status.causes`); None when it did not fail
    #: or was not classified.
    cause: str | None = None


class ProbeHistory(Repository):
    """`store.history`: stored status checks (for "post to channel" and `/deepgram history`), past incidents."""

    @guarded(write=True)
    def record_run(
        self,
        *,
        checked_at: float,
        verdict: str,
        indicator: str | None,
        official_state: str,
        elapsed_ms: float,
        text: str,
        blocks: Sequence[Mapping[str, Any]],
        results: Sequence[ProbeRecord],
    ) -> int:
        """Store one status check and its per-surface results; returns the run id."""
        with self.db.atomic():
            runs = self.db.table("probe_runs")
            runs.insert(
                {
                    "checked_at": checked_at,
                    "verdict": verdict,
                    "indicator": indicator,
                    "official_state": official_state,
                    "elapsed_ms": elapsed_ms,
                    "text": text,
                    "blocks": json.dumps(list(blocks)),
                }
            )
            assert runs.last_pk is not None
            run_id = int(runs.last_pk)
            self.db.table("probe_results").insert_all(
                {
                    "run_id": run_id,
                    "checked_at": checked_at,
                    "surface": r.surface,
                    "state": r.state,
                    "elapsed_ms": r.elapsed_ms,
                    "http_status": r.http_status,
                    "close_code": r.close_code,
                    "error_code": r.error_code,
                    "topic": r.topic,
                    "timings": json.dumps(dict(r.timings or {})),
                    "cause": r.cause,
                }
                for r in results
            )
        return run_id

    @guarded(write=True)
    def attach_message(self, run_id: int, *, text: str, blocks: Sequence[Mapping[str, Any]]) -> None:
        """Keep with a stored run the message a view showed for it (what "Post to channel" re-posts)."""
        self.db.execute(
            "UPDATE probe_runs SET text = ?, blocks = ? WHERE id = ?", [text, json.dumps(list(blocks)), run_id]
        )
        self.db.conn.commit()

    @guarded(write=False)
    def run_message(self, run_id: int) -> tuple[str, list[dict[str, Any]]] | None:
        """The fallback text and blocks of a stored run, exactly as they were shown."""
        row = next(self.db.table("probe_runs").rows_where("id = ?", [run_id], limit=1), None)
        if row is None:
            return None
        return str(row["text"]), list(json.loads(row["blocks"]))

    @guarded(write=False)
    def latest_run(self) -> dict[str, Any] | None:
        """The newest stored status check (verdict, fallback text, when)."""
        return next(self.db.table("probe_runs").rows_where(order_by="checked_at desc", limit=1), None)

    @guarded(write=False)
    def results_since(self, surface: str, since: float) -> list[ProbeRecord]:
        """Stored results of one surface since `since` (epoch seconds), oldest first."""
        rows = self.db.table("probe_results").rows_where(
            "surface = ? AND checked_at >= ?", [surface, since], order_by="checked_at"
        )
        return [
            ProbeRecord(
                surface=r["surface"],
                state=r["state"],
                elapsed_ms=r["elapsed_ms"],
                http_status=r["http_status"],
                close_code=r["close_code"],
                error_code=r["error_code"],
                topic=r["topic"],
                timings=json.loads(r["timings"] or "{}"),
                cause=r["cause"],
            )
            for r in rows
        ]

    @guarded(write=False)
    def scan_probe_points(
        self,
        surfaces: Sequence[str],
        since: float,
        until: float,
        consume: Callable[[list[ProbePoint]], None],
        *,
        chunk: int = 4096,
    ) -> int:
        """Hand `consume` the `(surface, checked_at, state, elapsed_ms, cause)` of the surfaces' results in
        [since, until], `chunk` rows at a time; returns how many there were.

        One query over the `(surface, checked_at)` index. A week of one-minute probes is some 70,000
        rows: in chunks, they are never all in memory at once (what the latency chart, `bot.charts`,
        is drawn from)."""
        if not surfaces:
            return 0
        marks = ", ".join("?" for _ in surfaces)
        cursor = self.db.execute(
            f"SELECT surface, checked_at, state, elapsed_ms, cause FROM probe_results "
            f"WHERE surface IN ({marks}) AND checked_at >= ? AND checked_at <= ?",
            [*surfaces, since, until],
        )
        seen = 0
        while rows := cursor.fetchmany(chunk):
            seen += len(rows)
            consume(rows)
        return seen

    @guarded(write=True)
    def forget_runs_before(self, cutoff: float) -> int:
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM probe_results WHERE run_id IN (SELECT id FROM probe_runs WHERE checked_at < ?)", [cutoff]
            )
            cursor = self.db.execute("DELETE FROM probe_runs WHERE checked_at < ?", [cutoff])
        return cursor.rowcount

    @guarded(write=False)
    def run_times(self, since: float, until: float) -> list[float]:
        """When each probe run in [since, until] was checked, oldest first (the `checked_at` index only)."""
        rows = self.db.execute(
            "SELECT checked_at FROM probe_runs WHERE checked_at >= ? AND checked_at <= ? ORDER BY checked_at",
            [since, until],
        )
        return [float(at) for (at,) in rows]

    @guarded(write=False)
    def recent_incidents(self, limit: int = 10) -> list[dict[str, Any]]:
        """The incidents the monitor logged (`store.monitor.commit_events`), newest first."""
        return list(self.db.table("incident_log").rows_where(order_by="started_at desc", limit=limit))
