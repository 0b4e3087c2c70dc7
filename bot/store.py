"""SQLite persistence through sqlite-utils: versioned migrations, WAL mode, intent-level methods.

`sqlite3` connections belong to the thread that opened them, so the store is opened on the
event-loop thread and used only from coroutines on that loop; every query here is tiny.
Schema changes are new functions registered on `migrations`, never edits of old ones.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("deepgram-doctor")


@migrations()
def m0001_seen_events(db: Database) -> None:
    """Slack redelivers events it thinks we missed; remember which ones were handled."""
    table = db.table("seen_events")
    table.create({"event_key": str, "seen_at": float}, pk="event_key")
    table.create_index(["seen_at"])


@migrations()
def m0002_probe_runs(db: Database) -> None:
    """Every status check: its verdict, the report as shown (for "post to channel"), per-surface results."""
    runs = db.table("probe_runs")
    runs.create(
        {
            "id": int,
            "checked_at": float,
            "verdict": str,
            "indicator": str,
            "official_state": str,
            "elapsed_ms": float,
            "text": str,
            "blocks": str,
        },
        pk="id",
    )
    runs.create_index(["checked_at"])
    results = db.table("probe_results")
    results.create(
        {
            "run_id": int,
            "checked_at": float,
            "surface": str,
            "state": str,
            "elapsed_ms": float,
            "http_status": int,
            "close_code": int,
            "error_code": str,
            "topic": str,
            "timings": str,
        },
        foreign_keys=[("run_id", "probe_runs", "id")],
    )
    results.create_index(["surface", "checked_at"])


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


class Store:
    """The bot's state, one SQLite file."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open (creating it and its folder if needed) and migrate the database at `path`."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            db = Database(path)
            # WAL lets a reader (a CLI, a backup) look at the file while the bot writes.
            db.enable_wal()
        else:
            db = Database(memory=True)
        migrations.apply(db)
        return cls(db)

    def close(self) -> None:
        self.db.close()

    def applied_migrations(self) -> list[str]:
        return [m.name for m in migrations.applied(self.db)]

    def journal_mode(self) -> str:
        return str(self.db.execute("PRAGMA journal_mode").fetchone()[0])

    # -- event deduplication ---------------------------------------------------------------

    def first_sighting(self, event_key: str, *, now: float | None = None) -> bool:
        """Record `event_key`; True the first time it is seen, False for a redelivery."""
        now = time.time() if now is None else now
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO seen_events (event_key, seen_at) VALUES (?, ?)", [event_key, now]
        )
        self.db.conn.commit()
        return cursor.rowcount == 1

    def forget_events_before(self, cutoff: float) -> int:
        """Drop dedup keys older than `cutoff` (Slack stops retrying after a few minutes)."""
        cursor = self.db.execute("DELETE FROM seen_events WHERE seen_at < ?", [cutoff])
        self.db.conn.commit()
        return cursor.rowcount

    # -- status checks ------------------------------------------------------------------------

    def record_probe_run(
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
                }
                for r in results
            )
        return run_id

    def probe_run_message(self, run_id: int) -> tuple[str, list[dict[str, Any]]] | None:
        """The fallback text and blocks of a stored run, exactly as they were shown."""
        row = next(self.db.table("probe_runs").rows_where("id = ?", [run_id], limit=1), None)
        if row is None:
            return None
        return str(row["text"]), list(json.loads(row["blocks"]))

    def probe_results_since(self, surface: str, since: float) -> list[ProbeRecord]:
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
            )
            for r in rows
        ]

    def forget_probe_runs_before(self, cutoff: float) -> int:
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM probe_results WHERE run_id IN (SELECT id FROM probe_runs WHERE checked_at < ?)", [cutoff]
            )
            cursor = self.db.execute("DELETE FROM probe_runs WHERE checked_at < ?", [cutoff])
        return cursor.rowcount
