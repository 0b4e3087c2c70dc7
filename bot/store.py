"""SQLite persistence through sqlite-utils: versioned migrations, WAL mode, intent-level methods.

`sqlite3` connections belong to the thread that opened them, so the store is opened on the
event-loop thread and used only from coroutines on that loop; every query here is tiny.
Schema changes are new functions registered on `migrations`, never edits of old ones.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("deepgram-doctor")


@migrations()
def m0001_seen_events(db: Database) -> None:
    """Slack redelivers events it thinks we missed; remember which ones were handled."""
    table = db.table("seen_events")
    table.create({"event_key": str, "seen_at": float}, pk="event_key")
    table.create_index(["seen_at"])


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
