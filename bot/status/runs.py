"""One probe run for many askers: single flight, a short-lived cache, and a bound on runs in flight.

Every run of the probes costs money (billable Deepgram requests) and takes seconds (the streaming
probe sends its clip in real time). So `/deepgram status`, its "Run again" button and the monitor's
periodic probes all ask `StatusRuns` for a run instead of starting one each:

- a run that finished less than `fresh_seconds` ago is handed out again (`how == "cached"`, with
  its age), unless the asker forces a fresh one ("Run again", the monitor);
- otherwise an asker joins a run already in flight (`"joined"`): the first one started, so it
  finishes first. A forced asker joins only a run that has not started yet (queued for a slot):
  one already under way may have probed before the click;
- otherwise a new run starts (`"new"`), as its own task: an asker who goes away (a cancelled
  listener) never cancels what the others wait for;
- at most `max_concurrent` runs are in flight; a further one queues for a slot, and everyone who
  asks meanwhile joins it, so at most one run of each depth ever waits;
- a run answers only askers who want no more than it probes: its `depth` (the monitor's periodic
  run skips the Voice Agent turn unless MONITOR_AGENT_TURN is set, so it is shallower than the
  on-demand one and cannot answer `/deepgram status`; the on-demand one can answer the monitor).

Each run records each surface's result the moment its probe finishes (`Flight.done`), for the
progressive report. `StatusRuns` also keeps the last reading of the status page (the monitor's poll
or a check's own fetch), so the first reply can show the official status at once, with its age.

No I/O here: the run is a coroutine function handed to `ask()`; the clock is injectable for tests.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from bot.probes import ProbeResult, Surface
from bot.status.probing import OnResult
from bot.status.report import StatusReport
from bot.statuspage.client import SummaryFetch

__all__ = ["Ask", "CheckedRun", "Flight", "How", "OfficialReading", "Runner", "StatusRuns"]

log = logging.getLogger(__name__)

T = TypeVar("T")
#: A run: told each surface's result as it comes (`OnResult`), it returns the finished value.
Runner = Callable[[OnResult], Awaitable[T]]
How = Literal["new", "joined", "cached"]


@dataclass
class CheckedRun:
    """One finished status check, as every asker of it sees it: the report and its stored record.

    `run_id` is the stored run (None when the history write failed, `not_saved` says why);
    `message_saved` becomes True once a Slack view has stored the message it showed with it.
    """

    report: StatusReport
    run_id: int | None
    not_saved: str | None = None
    message_saved: bool = False


@dataclass(frozen=True)
class OfficialReading:
    """The last good reading of the status page, and when it was taken (on the runs' clock)."""

    fetch: SummaryFetch
    read_at: float


class Flight(Generic[T]):
    """One run from its first asker to its result: queued for a slot, running, finished."""

    def __init__(self, asked_at: float, depth: int = 0) -> None:
        self.asked_at = asked_at
        #: How much the run probes: it answers askers of this depth or less.
        self.depth = depth
        self.started_at: float | None = None
        self.finished_at: float | None = None
        #: Each surface's result as its probe finished, in the order they finished.
        self.done: dict[Surface, ProbeResult] = {}
        #: How many asked for this run (the first one included).
        self.askers = 1
        self._task: asyncio.Task[T] | None = None

    def note(self, surface: Surface, result: ProbeResult) -> None:
        self.done[surface] = result

    @property
    def finished(self) -> bool:
        return self._task is not None and self._task.done()

    def age(self, now: float) -> float:
        """Seconds since the run finished (0 while it runs)."""
        return max(0.0, now - self.finished_at) if self.finished_at is not None else 0.0

    async def result(self) -> T:
        """The run's value (or its exception); waiting here never cancels the run for the others."""
        assert self._task is not None
        return await asyncio.shield(self._task)

    async def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the run to finish; True when it has."""
        assert self._task is not None
        if not self._task.done():
            await asyncio.wait({self._task}, timeout=timeout)
        return self._task.done()


@dataclass(frozen=True)
class Ask(Generic[T]):
    """What one asker got: the run, and whether it was started for them, joined, or reused."""

    flight: Flight[T]
    how: How


class StatusRuns(Generic[T]):
    """Single flight, a cache of the last run, and a bound on runs in flight (see the module's text)."""

    def __init__(
        self, *, fresh_seconds: float = 15.0, max_concurrent: int = 2, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self.fresh_seconds = fresh_seconds
        self.max_concurrent = max_concurrent
        self.clock = clock
        #: How many runs were started (each one a set of billable requests).
        self.started = 0
        self._slots = asyncio.Semaphore(max_concurrent)
        self._flights: list[Flight[T]] = []  # queued or running, oldest first
        self._last: dict[int, Flight[T]] = {}  # by depth, the run that finished last
        self._official: OfficialReading | None = None

    @property
    def in_flight(self) -> int:
        return len(self._flights)

    def last(self, depth: int = 0) -> Flight[T] | None:
        """The run of at least `depth` that finished last, however long ago."""
        deep_enough = [f for d, f in self._last.items() if d >= depth]
        return max(deep_enough, key=lambda f: (f.finished_at or 0.0, f.depth), default=None)

    def ask(self, run: Runner[T], *, force: bool = False, depth: int = 0) -> Ask[T]:
        """A run for one asker: a fresh finished one, one in flight to join, or a new one running `run`.

        `force` skips finished runs and runs already under way; `depth` is how much the asker needs
        probed (`run` probes that much). Call it on the event loop; it does not wait, so the asker can
        show progress at once.
        """
        now = self.clock()
        last = self.last(depth)
        if not force and last is not None and last.age(now) < self.fresh_seconds:
            last.askers += 1
            return Ask(last, "cached")
        flight = self._joinable(now, force=force, depth=depth)
        if flight is not None:
            flight.askers += 1
            return Ask(flight, "joined")
        return Ask(self._start(run, now, depth), "new")

    def _joinable(self, now: float, *, force: bool, depth: int) -> Flight[T] | None:
        flights = [f for f in self._flights if f.depth >= depth]
        if force:
            return next((f for f in flights if f.started_at is None or f.started_at >= now), None)
        running = [f for f in flights if f.started_at is not None]
        return min(running, key=lambda f: f.started_at or 0.0) if running else next(iter(flights), None)

    def _start(self, run: Runner[T], now: float, depth: int) -> Flight[T]:
        flight: Flight[T] = Flight(now, depth)
        self._flights.append(flight)
        task = asyncio.get_running_loop().create_task(self._run(flight, run), name="status-run")
        task.add_done_callback(_retrieve)
        flight._task = task
        return flight

    async def _run(self, flight: Flight[T], run: Runner[T]) -> T:
        try:
            async with self._slots:
                flight.started_at = self.clock()
                self.started += 1
                value = await run(flight.note)
        finally:
            flight.finished_at = self.clock()
            self._flights.remove(flight)
        self._last[flight.depth] = flight
        return value

    # -- the status page, as last read ------------------------------------------------------------

    def note_official(self, fetch: SummaryFetch) -> None:
        """Remember a reading of the status page; one that failed keeps the last good one."""
        if fetch.state != "error" and fetch.summary is not None:
            self._official = OfficialReading(fetch, self.clock())

    @property
    def official(self) -> OfficialReading | None:
        """The last good reading of the status page, if any was made yet."""
        return self._official


def _retrieve(task: asyncio.Task[Any]) -> None:
    """Mark a failed run's exception as seen: its askers got it (or none was left to)."""
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.debug("status run failed", exc_info=exc)
