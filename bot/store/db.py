"""SQLite persistence through sqlite-utils: versioned migrations, WAL mode, intent-level methods.

`sqlite3` connections belong to the thread that opened them, so the store is opened on the
event-loop thread and used only from coroutines on that loop; every query here is tiny.
Schema changes are new functions registered on `migrations`, never edits of old ones.

Failures are messages, not tracebacks:

- `Store.open` raises `StoreOpenError` (a reason without a traceback) when the file cannot be
  created, opened, migrated or written, and removes whatever it created on the way.
- Under the running bot, the store holds the file it opened: before every write it checks that the
  path still names that file (same device and inode: not deleted, not replaced) and that it is still
  writable, and SQLite's own failures (disk full, I/O error) are caught too. Either way the method
  raises `StoreError` (generic Slack wording plus an operator `reason`), logs one line at error level,
  and `problem()` reports it to the health check until a later write succeeds.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from bot.errors import StoreError
from bot.slack import messages

log = logging.getLogger(__name__)

migrations = Migrations("deepgram-doctor")

#: Files SQLite keeps beside the database.
SIDECARS = ("-wal", "-shm", "-journal")
#: The same database problem is logged at error level once, then again at most this often.
REPEAT_LOG_SECONDS = 60.0
#: SQLite's messages (lower-cased fragments) and what they mean for an operator.
_SQLITE_REASONS = (
    ("readonly database", "it is read-only"),
    ("disk is full", "the disk is full"),
    ("unable to open database file", "SQLite cannot open or create a file there"),
    ("file is not a database", "it is not a SQLite database"),
    ("is locked", "another process holds a lock on it"),
    ("disk i/o error", "disk I/O error (was the file deleted, or its disk removed?)"),
    ("no such table", "its tables are missing (was it replaced by another file?)"),
)


class StoreOpenError(Exception):
    """The database cannot be used at start-up; `reason` says why, in words (no traceback, no path)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sqlite_reason(exc: sqlite3.Error) -> str:
    """What a SQLite error means, in a few words."""
    text = str(exc)
    lowered = text.lower()
    for fragment, reason in _SQLITE_REASONS:
        if fragment in lowered:
            return reason
    return f"SQLite error: {text[:200]}"


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


@migrations()
def m0003_monitor(db: Database) -> None:
    """Alert subscriptions, the monitor's memory, the outbox and the threads it opened."""
    db.table("subscriptions").create(
        {
            "channel_id": str,
            "team_id": str,
            "filters": str,  # JSON list of surfaces / component names; empty = everything
            "min_severity": str,
            "created_by": str,
            "created_at": float,
            "active": int,
            "deactivated_reason": str,
            "deactivated_at": float,
        },
        pk="channel_id",
    )
    db.table("monitor_state").create({"name": str, "value": str, "updated_at": float}, pk="name")
    outbox = db.table("outbox")
    outbox.create(
        {
            "id": int,
            "event_key": str,
            "thread": str,
            "channel_id": str,
            "event": str,
            "status": str,  # pending → inflight → sent | dropped | dead
            "attempts": int,
            "next_attempt_at": float,
            "created_at": float,
            "sent_at": float,
            "slack_ts": str,
            "error": str,
        },
        pk="id",
    )
    outbox.create_index(["event_key", "channel_id"], unique=True)
    outbox.create_index(["status", "channel_id", "id"])
    db.table("threads").create(
        {"thread": str, "channel_id": str, "root_ts": str, "created_at": float}, pk=("thread", "channel_id")
    )
    db.table("incident_log").create(
        {"id": str, "name": str, "impact": str, "link": str, "started_at": str, "resolved_at": str}, pk="id"
    )


@dataclass(frozen=True)
class Subscription:
    channel_id: str
    team_id: str
    filters: tuple[str, ...]
    min_severity: str
    created_by: str
    created_at: float
    active: bool = True
    deactivated_reason: str | None = None


@dataclass(frozen=True)
class OutboxRow:
    id: int
    event_key: str
    thread: str
    channel_id: str
    event: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: float
    created_at: float


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


P = ParamSpec("P")
R = TypeVar("R")


def _guarded(*, write: bool) -> Callable[[Callable[Concatenate[Store, P], R]], Callable[Concatenate[Store, P], R]]:
    """Turn SQLite failures (and, before a write, a deleted/replaced/read-only file) into `StoreError`."""

    def decorate(method: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
        @functools.wraps(method)
        def wrapper(store: Store, /, *args: P.args, **kwargs: P.kwargs) -> R:
            if write:
                problem = store.file_problem()
                if problem:
                    raise store._failed(method.__name__, problem)
            try:
                result = method(store, *args, **kwargs)
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    store.db.conn.rollback()
                raise store._failed(method.__name__, sqlite_reason(exc)) from None
            if write and store._write_problem is not None:
                log.warning("database writable again", extra={"operation": method.__name__})
                store._write_problem = None
                store._logged = None
            return result

        return wrapper

    return decorate


class Store:
    """The bot's state, one SQLite file."""

    def __init__(self, db: Database, *, path: str | None = None, created: Sequence[Path] = ()) -> None:
        self.db = db
        #: The file opened (None for an in-memory store).
        self.path = path
        #: What `open` created (the file, then new folders deepest first): removed again by `discard`.
        self._created = tuple(created)
        self._identity = _identity(path) if path else None
        self._write_problem: str | None = None
        self._logged: tuple[str, float] | None = None

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open (creating it and its folder if needed), migrate and check the database at `path`.

        Raises `StoreOpenError` when it cannot be used; whatever this call created is removed first.
        """
        if str(path) == ":memory:":
            memory = Database(memory=True)
            migrations.apply(memory)
            return cls(memory)
        target = Path(path)
        if target.is_dir():
            raise StoreOpenError("it is a directory")
        existed = target.exists()
        new_dirs = _missing_folders(target)
        db: Database | None = None
        try:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreOpenError(f"its folder cannot be created ({exc.strerror or type(exc).__name__})") from None
            try:
                db = Database(target)
                # WAL lets a reader (a CLI, a backup) look at the file while the bot writes. With WAL,
                # synchronous=NORMAL survives any process crash (kill -9 included); only a power cut
                # can lose the last commits, at worst making the courier post one alert twice.
                db.enable_wal()
                db.execute("PRAGMA synchronous=NORMAL")
                migrations.apply(db)
                # An existing, migrated file may have been opened read-only without a word: write once.
                db.execute("UPDATE seen_events SET seen_at = seen_at WHERE 0")
                db.conn.commit()
            except sqlite3.Error as exc:
                raise StoreOpenError(sqlite_reason(exc)) from None
        except StoreOpenError:
            if db is not None:
                with contextlib.suppress(sqlite3.Error):
                    db.close()
            if not existed:
                _remove_created([target, *new_dirs])
            raise
        return cls(db, path=str(target), created=() if existed else [target, *new_dirs])

    def close(self) -> None:
        self.db.close()

    def discard(self) -> None:
        """Close, and remove the file and folders `open` created (a failed start leaves nothing behind)."""
        with contextlib.suppress(sqlite3.Error):
            self.close()
        _remove_created(self._created)

    # -- is the database still usable? --------------------------------------------------------------

    def file_problem(self) -> str | None:
        """Is the path still the file opened at start-up, and writable? None when it is."""
        if self.path is None or self._identity is None:
            return None
        try:
            current = _identity(self.path)
        except FileNotFoundError:
            return "the file was deleted while the bot was running (restart the bot to start a new one)"
        except OSError as exc:
            return f"the file cannot be checked ({exc.strerror or type(exc).__name__})"
        if current != self._identity:
            return "the file was replaced by another file while the bot was running (restart the bot to use it)"
        if not os.access(self.path, os.W_OK):
            return "the file is no longer writable (read-only)"
        return None

    def problem(self) -> str | None:
        """Why the database cannot be relied on right now (for the health check); None when it can."""
        return self.file_problem() or self._write_problem

    def check_writable(self) -> None:
        """Raise `StoreError` now if a write would be refused (before doing something that must be saved)."""
        problem = self.file_problem()
        if problem:
            raise self._failed("check_writable", problem)

    def _failed(self, operation: str, reason: str) -> StoreError:
        self._write_problem = reason
        now = time.monotonic()
        if self._logged is None or self._logged[0] != reason or now - self._logged[1] >= REPEAT_LOG_SECONDS:
            self._logged = (reason, now)
            log.error("database unavailable", extra={"operation": operation, "problem": reason, "path": self.path})
        return StoreError(reason, messages.STORE_UNAVAILABLE)

    @_guarded(write=False)
    def applied_migrations(self) -> list[str]:
        return [m.name for m in migrations.applied(self.db)]

    @_guarded(write=False)
    def journal_mode(self) -> str:
        return str(self.db.execute("PRAGMA journal_mode").fetchone()[0])

    # -- event deduplication ---------------------------------------------------------------

    @_guarded(write=True)
    def first_sighting(self, event_key: str, *, now: float | None = None) -> bool:
        """Record `event_key`; True the first time it is seen, False for a redelivery."""
        now = time.time() if now is None else now
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO seen_events (event_key, seen_at) VALUES (?, ?)", [event_key, now]
        )
        self.db.conn.commit()
        return cursor.rowcount == 1

    @_guarded(write=True)
    def forget_events_before(self, cutoff: float) -> int:
        """Drop dedup keys older than `cutoff` (Slack stops retrying after a few minutes)."""
        cursor = self.db.execute("DELETE FROM seen_events WHERE seen_at < ?", [cutoff])
        self.db.conn.commit()
        return cursor.rowcount

    # -- status checks ------------------------------------------------------------------------

    @_guarded(write=True)
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

    @_guarded(write=False)
    def probe_run_message(self, run_id: int) -> tuple[str, list[dict[str, Any]]] | None:
        """The fallback text and blocks of a stored run, exactly as they were shown."""
        row = next(self.db.table("probe_runs").rows_where("id = ?", [run_id], limit=1), None)
        if row is None:
            return None
        return str(row["text"]), list(json.loads(row["blocks"]))

    @_guarded(write=False)
    def latest_probe_run(self) -> dict[str, Any] | None:
        """The newest stored status check (verdict, fallback text, when)."""
        return next(self.db.table("probe_runs").rows_where(order_by="checked_at desc", limit=1), None)

    @_guarded(write=False)
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

    @_guarded(write=True)
    def forget_probe_runs_before(self, cutoff: float) -> int:
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM probe_results WHERE run_id IN (SELECT id FROM probe_runs WHERE checked_at < ?)", [cutoff]
            )
            cursor = self.db.execute("DELETE FROM probe_runs WHERE checked_at < ?", [cutoff])
        return cursor.rowcount

    # -- subscriptions ------------------------------------------------------------------------

    @_guarded(write=True)
    def subscribe(
        self, channel_id: str, *, team_id: str, filters: Sequence[str], min_severity: str, created_by: str, now: float
    ) -> Subscription:
        """Create or replace the channel's subscription (re-subscribing reactivates it)."""
        self.db.table("subscriptions").upsert(
            {
                "channel_id": channel_id,
                "team_id": team_id,
                "filters": json.dumps(list(filters)),
                "min_severity": min_severity,
                "created_by": created_by,
                "created_at": now,
                "active": 1,
                "deactivated_reason": None,
                "deactivated_at": None,
            },
            pk="channel_id",
        )
        sub = self.subscription(channel_id)
        assert sub is not None
        return sub

    @_guarded(write=True)
    def unsubscribe(self, channel_id: str) -> bool:
        with self.db.atomic():
            cursor = self.db.execute("DELETE FROM subscriptions WHERE channel_id = ?", [channel_id])
            self.db.execute(
                "UPDATE outbox SET status = 'dropped', error = 'unsubscribed' "
                "WHERE channel_id = ? AND status IN ('pending', 'inflight')",
                [channel_id],
            )
        return cursor.rowcount > 0

    @_guarded(write=True)
    def deactivate(self, channel_id: str, reason: str, *, now: float) -> None:
        """The bot can no longer post there: stop, and drop what was queued for it."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE subscriptions SET active = 0, deactivated_reason = ?, deactivated_at = ? WHERE channel_id = ?",
                [reason, now, channel_id],
            )
            self.db.execute(
                "UPDATE outbox SET status = 'dropped', error = ? "
                "WHERE channel_id = ? AND status IN ('pending', 'inflight')",
                [reason, channel_id],
            )

    @_guarded(write=False)
    def subscription(self, channel_id: str) -> Subscription | None:
        row = next(self.db.table("subscriptions").rows_where("channel_id = ?", [channel_id], limit=1), None)
        return _subscription(row) if row else None

    @_guarded(write=False)
    def subscriptions(self, *, active_only: bool = True) -> list[Subscription]:
        where = "active = 1" if active_only else None
        return [_subscription(r) for r in self.db.table("subscriptions").rows_where(where, order_by="created_at")]

    # -- monitor memory, outbox, threads ----------------------------------------------------------

    @_guarded(write=False)
    def load_state(self, name: str) -> Any:
        row = next(self.db.table("monitor_state").rows_where("name = ?", [name], limit=1), None)
        return json.loads(row["value"]) if row else None

    @_guarded(write=True)
    def commit_events(
        self,
        state: Mapping[str, Any],
        deliveries: Sequence[tuple[Mapping[str, Any], str]],
        *,
        now: float,
        incidents: Sequence[Mapping[str, Any]] = (),
    ) -> int:
        """Atomically save the monitor's new memory and queue each (event, channel) delivery.

        Persisting both in one transaction is what makes a restart neither repeat nor lose an
        event: either the change was seen and queued, or it will be seen again next poll.
        Returns how many deliveries were queued (a delivery queued before is not queued again).
        """
        queued = 0
        with self.db.atomic():
            for name, value in state.items():
                self.db.table("monitor_state").upsert(
                    {"name": name, "value": json.dumps(value), "updated_at": now}, pk="name"
                )
            for event, channel_id in deliveries:
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO outbox (event_key, thread, channel_id, event, status, attempts, "
                    "next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)",
                    [event["key"], event["thread"], channel_id, json.dumps(event), now, now],
                )
                queued += cursor.rowcount
            for incident in incidents:
                self.db.table("incident_log").upsert(dict(incident), pk="id")
        return queued

    @_guarded(write=False)
    def outbox_heads(self) -> list[OutboxRow]:
        """The oldest undelivered row of each channel: a channel's alerts go out strictly in order."""
        rows = self.db.execute(
            "SELECT * FROM outbox WHERE id IN (SELECT MIN(id) FROM outbox WHERE status IN ('pending', 'inflight') "
            "GROUP BY channel_id) ORDER BY id"
        ).fetchall()
        columns = [d[0] for d in self.db.execute("SELECT * FROM outbox LIMIT 0").description]
        return [_outbox_row(dict(zip(columns, row, strict=True))) for row in rows]

    @_guarded(write=False)
    def outbox_counts(self) -> dict[str, int]:
        return {
            str(status): int(count)
            for status, count in self.db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall()
        }

    @_guarded(write=False)
    def queued_after(self, row_id: int, *, channel_id: str, thread: str) -> bool:
        """Is a later row of the same thread still to be delivered to this channel?"""
        row = self.db.execute(
            "SELECT 1 FROM outbox WHERE channel_id = ? AND thread = ? AND id > ? AND status IN ('pending', 'inflight') "
            "LIMIT 1",
            [channel_id, thread, row_id],
        ).fetchone()
        return row is not None

    @_guarded(write=True)
    def mark_inflight(self, row_id: int) -> None:
        self.db.execute("UPDATE outbox SET status = 'inflight', attempts = attempts + 1 WHERE id = ?", [row_id])
        self.db.conn.commit()

    @_guarded(write=True)
    def mark_sent(self, row_id: int, *, ts: str | None, now: float) -> None:
        self.db.execute("UPDATE outbox SET status = 'sent', slack_ts = ?, sent_at = ? WHERE id = ?", [ts, now, row_id])
        self.db.conn.commit()

    @_guarded(write=True)
    def reschedule(self, row_id: int, *, at: float, error: str) -> None:
        self.db.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, error = ? WHERE id = ?", [at, error, row_id]
        )
        self.db.conn.commit()

    @_guarded(write=True)
    def mark_dead(self, row_id: int, *, error: str) -> None:
        self.db.execute("UPDATE outbox SET status = 'dead', error = ? WHERE id = ?", [error, row_id])
        self.db.conn.commit()

    @_guarded(write=False)
    def thread_root(self, thread: str, channel_id: str) -> str | None:
        row = next(
            self.db.table("threads").rows_where("thread = ? AND channel_id = ?", [thread, channel_id], limit=1), None
        )
        return str(row["root_ts"]) if row else None

    @_guarded(write=True)
    def set_thread_root(self, thread: str, channel_id: str, root_ts: str, *, now: float) -> None:
        self.db.table("threads").upsert(
            {"thread": thread, "channel_id": channel_id, "root_ts": root_ts, "created_at": now},
            pk=("thread", "channel_id"),
        )

    @_guarded(write=False)
    def recent_incidents(self, limit: int = 10) -> list[dict[str, Any]]:
        return list(self.db.table("incident_log").rows_where(order_by="started_at desc", limit=limit))


def _identity(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def _missing_folders(target: Path) -> list[Path]:
    """The folders `open` would have to create for `target`, deepest first.

    Raises `StoreOpenError` when the nearest existing ancestor is not a folder.
    """
    missing: list[Path] = []
    folder = target.absolute().parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    if missing and not folder.is_dir():
        raise StoreOpenError(f"its folder cannot be created: {folder} is not a folder")
    return missing


def _remove_created(paths: Sequence[Path]) -> None:
    """Remove a database file this process created (with SQLite's files beside it), then empty new folders."""
    for path in paths:
        if path.is_dir():
            with contextlib.suppress(OSError):
                path.rmdir()
            continue
        for name in (path.name, *(path.name + suffix for suffix in SIDECARS)):
            with contextlib.suppress(OSError):
                path.with_name(name).unlink()


def _subscription(row: Mapping[str, Any]) -> Subscription:
    return Subscription(
        channel_id=row["channel_id"],
        team_id=row["team_id"],
        filters=tuple(json.loads(row["filters"] or "[]")),
        min_severity=row["min_severity"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        active=bool(row["active"]),
        deactivated_reason=row["deactivated_reason"],
    )


def _outbox_row(row: Mapping[str, Any]) -> OutboxRow:
    return OutboxRow(
        id=row["id"],
        event_key=row["event_key"],
        thread=row["thread"],
        channel_id=row["channel_id"],
        event=json.loads(row["event"]),
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        created_at=row["created_at"],
    )
