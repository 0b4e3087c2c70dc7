"""The SQLite file under the repositories: open, migrate, check, and turn failures into messages.

`sqlite3` connections belong to the thread that opened them, so the store is opened on the
event-loop thread and used only from coroutines on that loop; every query is tiny. WAL mode;
the schema is `bot.store.migrations`.

Failures are messages, not tracebacks:

- `Connection.open` raises `StoreOpenError` (a reason without a traceback) when the file cannot be
  created, opened, migrated or written, and removes whatever it created on the way.
- Under the running bot, the connection holds the file it opened: before every write (every
  repository method marked `@guarded(write=True)`) it checks that the path still names that file
  (same device and inode: not deleted, not replaced) and that it is still writable, and SQLite's own
  failures (disk full, I/O error) are caught on reads and writes alike. Either way the method raises
  `StoreError` (generic user wording plus an operator `reason`), logs one line at error level, and
  `problem()` reports it to the health check until a later write succeeds.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Concatenate, ParamSpec, Self, TypeVar

from sqlite_utils import Database

from bot.errors import StoreError
from bot.prose import Prose
from bot.store.migrations import migrations

log = logging.getLogger(__name__)

#: Files SQLite keeps beside the database.
SIDECARS = ("-wal", "-shm", "-journal")
#: The same database problem is logged at error level once, then again at most this often.
REPEAT_LOG_SECONDS = 60.0
#: What a user is told when the database fails (the operator's `reason` goes to the logs and health check).
STORE_UNAVAILABLE = Prose.of(
    "I couldn't save that: my database is not writable right now, so nothing was changed. "
    "Please tell the admin who runs me; `deepgram-doctor healthcheck` on my host says what is wrong."
)
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


class Connection:
    """One SQLite file, opened and migrated, and whether it can still be relied on."""

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
    def open(cls, path: str | Path) -> Self:
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

    def applied_migrations(self) -> list[str]:
        with self._guard("applied_migrations", write=False):
            return [m.name for m in migrations.applied(self.db)]

    def journal_mode(self) -> str:
        with self._guard("journal_mode", write=False):
            return str(self.db.execute("PRAGMA journal_mode").fetchone()[0])

    @contextlib.contextmanager
    def _guard(self, operation: str, *, write: bool) -> Iterator[None]:
        """Turn SQLite failures (and, before a write, a deleted/replaced/read-only file) into `StoreError`."""
        if write:
            problem = self.file_problem()
            if problem:
                raise self._failed(operation, problem)
        try:
            yield
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self.db.conn.rollback()
            raise self._failed(operation, sqlite_reason(exc)) from None
        if write and self._write_problem is not None:
            log.warning("database writable again", extra={"operation": operation})
            self._write_problem = None
            self._logged = None

    def _failed(self, operation: str, reason: str) -> StoreError:
        self._write_problem = reason
        now = time.monotonic()
        if self._logged is None or self._logged[0] != reason or now - self._logged[1] >= REPEAT_LOG_SECONDS:
            self._logged = (reason, now)
            log.error("database unavailable", extra={"operation": operation, "problem": reason, "path": self.path})
        return StoreError(reason, STORE_UNAVAILABLE)


class Repository:
    """One concern's queries, over the connection every repository of a store shares.

    Each public method is marked `@guarded(write=...)`: the connection's checks and error handling apply.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    @property
    def db(self) -> Database:
        return self.connection.db


RepositoryT = TypeVar("RepositoryT", bound=Repository)
P = ParamSpec("P")
R = TypeVar("R")


def guarded(
    *, write: bool
) -> Callable[[Callable[Concatenate[RepositoryT, P], R]], Callable[Concatenate[RepositoryT, P], R]]:
    """Run a repository method under its connection's guard (named by the method, for the log line).

    Before a write: the file must still be the one opened, and writable. Any SQLite failure rolls back
    and becomes `StoreError`; a write that succeeds after a failure clears the problem.
    """

    def decorate(method: Callable[Concatenate[RepositoryT, P], R]) -> Callable[Concatenate[RepositoryT, P], R]:
        @functools.wraps(method)
        def wrapper(repository: RepositoryT, /, *args: P.args, **kwargs: P.kwargs) -> R:
            with repository.connection._guard(method.__name__, write=write):
                return method(repository, *args, **kwargs)

        return wrapper

    return decorate


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
