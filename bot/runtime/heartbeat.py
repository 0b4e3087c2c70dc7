"""The heartbeat file: how `deepgram-doctor healthcheck` learns the running bot's health, in both transports.

While it runs, the bot rewrites HEALTH_FILE (default: `<DEEPGRAM_DOCTOR_DB>-health.json`, beside the
database) every HEALTH_INTERVAL_SECONDS with its `HealthReport` as JSON plus `pid`, `host`, `written_at`
(epoch seconds), `fresh_for` (seconds) and, in HTTP mode, `port`; it removes the file when it stops.
The file is written beside its final name and renamed, so a reader never sees half of it.

`healthcheck()` reads it, in the container, with the bot's own environment:

- no file: unhealthy (the bot is not running, or it was started with another DEEPGRAM_DOCTOR_DB or HEALTH_FILE);
- a file older than `fresh_for`: unhealthy (the process was killed, or its event loop is stuck);
- a file whose process (same host) no longer exists: unhealthy at once;
- HTTP mode: it also asks `GET http://127.0.0.1:<port>/healthz`, because the endpoint Slack calls
  must answer; that live report is the one shown;
- otherwise: the report as the bot wrote it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bot.health import HealthReport, Part, ago

log = logging.getLogger(__name__)

#: A heartbeat is trusted for three intervals, and never less than this (a busy host, a slow disk).
FRESH_FLOOR_SECONDS = 30.0
HEALTHZ_TIMEOUT_SECONDS = 3.0


def fresh_for(interval: float) -> float:
    return max(3 * interval, FRESH_FLOOR_SECONDS)


class HeartbeatFile:
    """Writes the running bot's health report to its heartbeat file; never raises."""

    def __init__(self, path: str, *, interval: float, port: int | None = None) -> None:
        self.path = Path(path)
        self.interval = interval
        self.port = port
        self._problem: str | None = None
        self._written = False

    def write(self, report: HealthReport, *, now: float | None = None) -> None:
        data: dict[str, Any] = {
            **report.to_json(),
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "written_at": time.time() if now is None else now,
            "fresh_for": fresh_for(self.interval),
        }
        if self.port is not None:
            data["port"] = self.port
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            partial.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
            os.replace(partial, self.path)
            self._written = True
        except OSError as exc:
            with contextlib.suppress(OSError):
                partial.unlink()
            problem = exc.strerror or type(exc).__name__
            if problem != self._problem:
                log.error("cannot write the heartbeat file", extra={"path": str(self.path), "problem": problem})
            self._problem = problem
            return
        if self._problem is not None:
            log.warning("heartbeat file written again", extra={"path": str(self.path)})
            self._problem = None

    def remove(self) -> None:
        """Remove the file this process wrote (a stopped bot has no heartbeat)."""
        if self._written:
            with contextlib.suppress(OSError):
                self.path.unlink()


def judge(path: str, data: Any, *, now: float) -> HealthReport:
    """The health a heartbeat file's content tells (`data` None: there is no file). Pure."""
    if data is None:
        return _heartbeat_only(
            f"no heartbeat file at {path}: the bot is not running, or it was started with another "
            "DEEPGRAM_DOCTOR_DB or HEALTH_FILE"
        )
    try:
        report = HealthReport.from_json(data)
        written_at = float(data["written_at"])
        limit = float(data["fresh_for"])
    except (ValueError, KeyError, TypeError):
        return _heartbeat_only(f"{path} is not a heartbeat file written by deepgram-doctor")
    age = now - written_at
    if age > limit:
        return report.with_part(
            "heartbeat",
            Part(
                False,
                f"last refreshed {ago(age)} ago (limit {ago(limit)}): the bot was killed or its event loop is stuck",
            ),
        )
    return report


def healthcheck(path: str, *, now: float | None = None) -> HealthReport:
    """What `deepgram-doctor healthcheck` reports: the heartbeat file, and in HTTP mode `/healthz` too."""
    data = read(path)
    report = judge(path, data, now=time.time() if now is None else now)
    if not isinstance(data, dict):
        return report
    ended = _ended_process(data)
    if ended is not None:
        report = report.with_part(
            "heartbeat", Part(False, f"the bot (pid {ended}) is not running any more; this heartbeat is its last")
        )
    if report.transport != "http" or not isinstance(data.get("port"), int):
        return report
    port = data["port"]
    try:
        live = fetch_healthz(port)
    except (OSError, ValueError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        return report.with_part(
            "slack",
            Part(False, f"the HTTP endpoint on port {port} does not answer ({_short(reason)})"),
        )
    stale = report.parts.get("heartbeat")
    return live.with_part("heartbeat", stale) if stale else live


def read(path: str) -> Any:
    """The heartbeat file's JSON; None when there is none; `{}` when it cannot be read as JSON."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return {}


def fetch_healthz(port: int) -> HealthReport:
    """GET /healthz on loopback: its report, whether it answered 200 or 503."""
    url = f"http://127.0.0.1:{port}/healthz"
    # Loopback only: no proxy from the environment may carry this request away.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=HEALTHZ_TIMEOUT_SECONDS) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:  # 503 carries the report too
        body = exc.read()
    return HealthReport.from_json(json.loads(body))


def _ended_process(data: dict[str, Any]) -> int | None:
    """The pid that wrote the heartbeat, if it was on this host and no longer exists."""
    pid = data.get("pid")
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0 or data.get("host") != socket.gethostname():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return pid
    except OSError:  # it exists (another user's), or we cannot tell
        return None
    return None


def _heartbeat_only(detail: str) -> HealthReport:
    return HealthReport("unknown", {"heartbeat": Part(False, detail)}, time.time())


def _short(reason: object) -> str:
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return str(text)[:120]
