"""Is the running bot healthy? A pure model: signals in, one verdict per part out.

Five parts, each healthy or not, with a sentence saying why:

- `slack`: Socket Mode: the WebSocket is connected, or has been reconnecting for less than
  `reconnect_grace` seconds. HTTP mode: the listener for Slack's requests is up.
- `status_poll`: the status page was polled successfully (fetched and saved) within
  `poll_stale_after` seconds; after start-up the first poll gets the same grace.
- `courier`: the alert courier's loop is alive (it turns several times a second, so a loop that has
  not turned for `courier_stall_after` seconds is stuck; one that ended has crashed), and delivering:
  it pauses, alerts kept queued, while Slack rejects the bot token.
- `database`: the path still names the file the bot opened, it is writable, and the last write worked.
- `lease`: which process polls, probes and delivers alerts (`bot.runtime.lease`). A standby process
  (another one holds the lease) is healthy: it serves commands, and its poll and courier parts say
  they stand by instead of going stale.

The transports, the monitor, the courier and the store feed `Health`; `report()` is a function of
those signals and `now` only, so tests drive it with numbers. `HealthReport.to_json()` is what HTTP
mode's `/healthz` answers and what the heartbeat file holds (`bot.runtime.heartbeat`); `from_json()` reads it
back for `deepgram-doctor healthcheck`, and `lines()` is what that command prints.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

PARTS = ("slack", "status_poll", "courier", "database", "lease")
#: The courier's loop turns at least every fraction of a second; this long without a turn is a stall.
COURIER_STALL_SECONDS = 30.0


def ago(seconds: float) -> str:
    """A duration for people: `0.5 s`, `4 s`, `3 min`, `2 h 5 min`."""
    seconds = max(0.0, seconds)
    if seconds < 10 and round(seconds, 1) != round(seconds):
        return f"{seconds:.1f} s"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours} h {rest // 60} min"


@dataclass(frozen=True)
class Part:
    """One part's verdict, and why."""

    ok: bool
    detail: str


@dataclass(frozen=True)
class HealthReport:
    """Every part's verdict at one moment."""

    transport: str
    parts: Mapping[str, Part]
    checked_at: float  # epoch seconds

    @property
    def ok(self) -> bool:
        return all(part.ok for part in self.parts.values())

    @property
    def unhealthy(self) -> list[str]:
        return [name for name, part in self.parts.items() if not part.ok]

    def with_part(self, name: str, part: Part) -> HealthReport:
        """The same report with `name` replaced (or added last)."""
        return HealthReport(self.transport, {**self.parts, name: part}, self.checked_at)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "unhealthy": self.unhealthy,
            "transport": self.transport,
            "checked_at": datetime.fromtimestamp(self.checked_at, UTC).isoformat(timespec="seconds"),
            "parts": {name: {"ok": part.ok, "detail": part.detail} for name, part in self.parts.items()},
        }

    @classmethod
    def from_json(cls, data: Any) -> HealthReport:
        """Read `to_json()` back; raises `ValueError` for anything else."""
        if not isinstance(data, Mapping) or not isinstance(data.get("parts"), Mapping):
            raise ValueError("not a health report")
        parts: dict[str, Part] = {}
        for name, raw in data["parts"].items():
            if not isinstance(name, str) or not isinstance(raw, Mapping) or not isinstance(raw.get("ok"), bool):
                raise ValueError("not a health report")
            parts[name] = Part(raw["ok"], str(raw.get("detail") or ""))
        try:
            checked_at = datetime.fromisoformat(str(data.get("checked_at"))).timestamp()
        except ValueError:
            checked_at = 0.0
        return cls(str(data.get("transport") or "unknown"), parts, checked_at)

    def lines(self) -> list[str]:
        """What `deepgram-doctor healthcheck` prints: the verdict, then one line per part."""
        mode = {"socket": " (Socket Mode)", "http": " (HTTP mode)"}.get(self.transport, "")
        first = f"healthy{mode}" if self.ok else f"unhealthy{mode}: {', '.join(self.unhealthy)}"
        width = max(len(name) for name in self.parts) if self.parts else 0
        rows = [
            f"  {'ok  ' if part.ok else 'FAIL'}  {name.ljust(width)}  {part.detail}"
            for name, part in self.parts.items()
        ]
        return [first, *rows]


class Health:
    """The running bot's health signals. Every method takes `now` (monotonic seconds) for tests."""

    def __init__(
        self,
        *,
        transport: str,
        poll_every: float,
        poll_stale_after: float,
        reconnect_grace: float,
        database_path: str | None = None,
        courier_stall_after: float = COURIER_STALL_SECONDS,
        now: float | None = None,
    ) -> None:
        self.transport = transport
        self.poll_every = poll_every
        self.poll_stale_after = poll_stale_after
        self.reconnect_grace = reconnect_grace
        self.database_path = database_path
        self.courier_stall_after = courier_stall_after
        self.started_at = _now(now)
        self._slack_up = False
        self._slack_since = self.started_at
        self._slack_detail = ""
        self._slack_ever_up = False
        self._poll_ok_at: float | None = None
        self._poll_problem: str | None = None
        self._courier_beat_at: float | None = None
        self._courier_failure: str | None = None
        self._courier_paused: str | None = None
        self._database_problem: str | None = None
        self._standby_for: str | None = None  # the lease holder, while this process stands by

    # -- signals ---------------------------------------------------------------------------------------

    def slack(self, connected: bool, detail: str = "", *, now: float | None = None) -> None:
        """The Slack connection is up (or not); `detail` describes it when up (e.g. the port)."""
        if connected != self._slack_up:
            self._slack_since = _now(now)
        self._slack_up = connected
        self._slack_ever_up = self._slack_ever_up or connected
        if detail:
            self._slack_detail = detail

    def poll_succeeded(self, *, now: float | None = None) -> None:
        self._poll_ok_at = _now(now)
        self._poll_problem = None

    def poll_failed(self, problem: str) -> None:
        self._poll_problem = problem

    def courier_beat(self, *, now: float | None = None) -> None:
        self._courier_beat_at = _now(now)

    def courier_stopped(self, reason: str) -> None:
        self._courier_failure = reason

    def courier_paused(self, reason: str | None) -> None:
        """The courier holds every delivery for `reason` (e.g. the token is rejected); None: delivering again."""
        self._courier_paused = reason

    def database(self, problem: str | None) -> None:
        self._database_problem = problem

    def lease(self, holder: str | None) -> None:
        """`holder` holds the delivery lease and this process stands by; None: this process holds it."""
        self._standby_for = holder

    # -- verdict ---------------------------------------------------------------------------------------

    def report(self, *, now: float | None = None, wall: float | None = None) -> HealthReport:
        now = _now(now)
        parts = {
            "slack": self._slack_part(now),
            "status_poll": self._poll_part(now),
            "courier": self._courier_part(now),
            "database": self._database_part(),
            "lease": self._lease_part(),
        }
        return HealthReport(self.transport, parts, time.time() if wall is None else wall)

    def _slack_part(self, now: float) -> Part:
        if self._slack_up:
            return Part(True, self._slack_detail or "connected")
        down_for = now - self._slack_since
        if self.transport == "http":
            if not self._slack_ever_up and down_for <= self.reconnect_grace:
                return Part(True, "starting: not listening for Slack's requests yet")
            return Part(False, "not listening for Slack's requests")
        state = "reconnecting" if self._slack_ever_up else "connecting"
        if down_for <= self.reconnect_grace:
            return Part(True, f"Socket Mode {state} ({ago(down_for)}, limit {ago(self.reconnect_grace)})")
        what = "disconnected" if self._slack_ever_up else "not connected since start-up"
        return Part(
            False,
            f"Socket Mode {what} for {ago(down_for)} (limit {ago(self.reconnect_grace)}): "
            "Slack cannot deliver commands or events",
        )

    def _poll_part(self, now: float) -> Part:
        if self._standby_for is not None:
            return Part(True, f"standing by: {self._standby_for} polls the status page")
        every = f"polled every {ago(self.poll_every)}"
        failing = f"; the latest attempt failed: {self._poll_problem}" if self._poll_problem else ""
        if self._poll_ok_at is not None:
            since = now - self._poll_ok_at
            if since <= self.poll_stale_after:
                return Part(True, f"last successful poll {ago(since)} ago ({every}){failing}")
            return Part(
                False,
                f"no successful poll for {ago(since)} (limit {ago(self.poll_stale_after)}, {every}){failing}",
            )
        running = now - self.started_at
        if running <= self.poll_stale_after:
            return Part(True, f"waiting for the first successful poll ({every}){failing}")
        return Part(
            False,
            f"no successful poll since start-up {ago(running)} ago (limit {ago(self.poll_stale_after)}){failing}",
        )

    def _courier_part(self, now: float) -> Part:
        if self._standby_for is not None and not self._courier_failure:
            return Part(True, f"standing by: {self._standby_for} delivers alerts")
        if self._courier_failure:
            return Part(False, f"stopped: {self._courier_failure}; alerts are not delivered")
        if self._courier_beat_at is None:
            if now - self.started_at <= self.courier_stall_after:
                return Part(True, "starting")
            return Part(False, "never started; alerts are not delivered")
        quiet = now - self._courier_beat_at
        if quiet > self.courier_stall_after:
            return Part(False, f"stuck: its loop has not turned for {ago(quiet)}; alerts are not delivered")
        if self._courier_paused:
            return Part(False, f"paused: {self._courier_paused}; alerts are queued, not delivered")
        return Part(True, "running")

    def _lease_part(self) -> Part:
        if self._standby_for is None:
            return Part(True, "this process polls, probes and delivers alerts")
        return Part(True, f"standby: {self._standby_for} holds the lease; this process takes over if it stops")

    def _database_part(self) -> Part:
        where = self.database_path or "the database"
        if self._database_problem:
            return Part(False, f"{where}: {self._database_problem}")
        if self.database_path is None:
            return Part(True, "in memory")
        return Part(True, f"{where}: the file opened at start-up, writable")


def _now(now: float | None) -> float:
    return time.monotonic() if now is None else now
