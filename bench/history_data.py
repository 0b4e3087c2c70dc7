"""A synthetic probe history for the benchmarks (`bench/digest.py`, `bench/chart.py`).

`build_history(path, days=…, interval=…)` writes a new database the way the bot fills it: one
`probe_runs` row per run of every surface in `bot.surfaces.SURFACES` (the run's one-line text) and one
`probe_results` row per surface, as `ProbeHistory.record_run` writes them (per-phase timings as JSON,
HTTP status, WebSocket close code, Deepgram's error code, topic and cause for a failure). Latencies
follow a daily rhythm. On top of a background of failures of every cause (`failure_rate`, about 0.3 %,
some unclassified as rows stored before causes were recorded) and slow runs (`slow_rate`, about 1 %),
the last week has planned troubles, so both the 24-hour and the 7-day windows show each side:

- a Streaming API incident 2 days before `now` (3 h): streaming and Flux fail (Deepgram's side) or slow down;
- a pre-recorded latency incident 5 days before (40 min): REST slows down, some of it past its threshold;
- a rotated key 3 days before: every surface fails on our side for 12 minutes;
- the bot's host losing its network 9 hours before: every surface fails on our side for 4 minutes;
- a Voice Agent incident still open, begun 50 minutes before: some agent runs fail (a provider).

The monitor's incident log has those three incidents and, before the last week, one every 4 days back
to the start of the history (the first straddles the week's start; one names no component); each names
the status-page components of `SURFACES`. Also written: hourly balance samples of two projects and
daily topic counters. The history ends one interval before `now` (by default `NOW`, Monday
7 December 2026, 09:00 UTC: the end of the week a weekly digest covers).

    summary = build_history(path, days=35, interval=60)  # {"runs": …, "results": …, "balance_samples": …}

`rss_mb()` and `peak_rss_mb()` read this process's memory (`VmRSS`, `VmHWM` of /proc/self/status).
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.store import BalanceSample, Store
from bot.surfaces import SURFACES

__all__ = ["BASE_MS", "DAY", "FAILURES", "NOW", "PHASES", "build_history", "peak_rss_mb", "rss_mb"]

#: The end of the history: Monday 7 December 2026, 09:00 UTC (when the weekly digest of that week is due).
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC).timestamp()
DAY = 86400.0
HOUR = 3600.0
#: Typical latency (ms) of each surface's probe from one place: the streaming probes send the 2.56 s
#: clip at real-time pace, so they take about 3 s.
BASE_MS = {
    "auth": 70.0,
    "rest": 850.0,
    "streaming": 2900.0,
    "tts": 380.0,
    "agent": 2300.0,
    "flux": 3300.0,
    "tts_stream": 520.0,
}
#: The phases each probe times (`probe_results.timings`).
PHASES = {
    "auth": ("connect_ms", "tls_ms", "ttfb_ms"),
    "rest": ("connect_ms", "tls_ms", "upload_ms", "server_ms", "ttfb_ms"),
    "streaming": ("handshake_ms", "first_result_ms", "flushed_ms", "final_ms"),
    "tts": ("connect_ms", "tls_ms", "ttfb_ms"),
    "agent": ("handshake_ms", "welcome_ms", "settings_applied_ms"),
    "flux": ("handshake_ms", "connected_ms", "first_result_ms", "end_of_turn_ms"),
    "tts_stream": ("handshake_ms", "first_audio_ms", "flushed_ms"),
}
#: How a failure of each cause is stored: HTTP status, WebSocket close code, Deepgram's error code, topic.
FAILURES: dict[str, tuple[int | None, int | None, str | None, str]] = {
    "theirs:server": (503, None, None, "5xx"),
    "theirs:timeout": (504, None, None, "408"),
    "theirs:stall": (None, None, None, "net-0000"),
    "theirs:closed": (None, 1011, "NET-0000", "net-0000"),
    "ours:key": (401, None, "INVALID_AUTH", "401"),
    "ours:credits": (402, None, "ASR_PAYMENT_REQUIRED", "402"),
    "ours:network": (None, None, None, "network"),
    "ours:concurrency": (429, None, "TOO_MANY_REQUESTS", "429"),
    "quality:transcript": (200, None, None, "wrong-transcript"),
    "provider:provider": (None, None, "THINK_REQUEST_FAILED", "agent-think-provider"),
}
#: The background's failure causes: every kind above, and None (unclassified: stored before causes were).
_RANDOM_CAUSES: tuple[str | None, ...] = (*sorted(FAILURES), None)
#: Each surface's status-page component (the first name `SURFACES` matches it by).
COMPONENTS = {spec.id: spec.component_names[0] for spec in SURFACES if spec.component_names}
TOPICS = ("401", "websocket", "net-0001", "429", "empty-transcript", "5xx", "credits", "flux", "latency", "402")

# The planned troubles, as (start, end) in seconds before `now`.
_STREAMING_INCIDENT = (2 * DAY + 5 * HOUR, 2 * DAY + 2 * HOUR)
_REST_INCIDENT = (5 * DAY + 9 * HOUR, 5 * DAY + 8 * HOUR + 20 * 60)
_ROTATED_KEY = (3 * DAY + HOUR + 12 * 60, 3 * DAY + HOUR)
_NETWORK_LOSS = (9 * HOUR + 4 * 60, 9 * HOUR)
_AGENT_INCIDENT = (50 * 60, 0.0)
#: Incidents before the last week: the first this long before `now`, then one every `_OLDER_EVERY`.
_OLDER_FROM = 7 * DAY + 2 * HOUR
_OLDER_EVERY = 4 * DAY


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def _within(ago: float, span: tuple[float, float]) -> bool:
    return span[1] <= ago <= span[0]


def _incident(
    key: str, name: str, impact: str, span: tuple[float, float | None], components: list[str]
) -> dict[str, Any]:
    start, end = span
    return {
        "id": f"inc-{key}",
        "name": name,
        "impact": impact,
        "link": f"https://status.deepgram.com/incidents/inc-{key}",
        "started_at": _iso(start),
        "resolved_at": None if end is None else _iso(end),
        "components": json.dumps(components),
    }


def _incidents(now: float, days: float) -> list[dict[str, Any]]:
    """The incident log: the last week's three (one still open), then older ones back to the history's start."""
    rows = [
        _incident(
            "streaming",
            "Elevated errors on the Streaming API",
            "major",
            (now - _STREAMING_INCIDENT[0], now - _STREAMING_INCIDENT[1]),
            [COMPONENTS["streaming"]],
        ),
        _incident(
            "latency",
            "Increased latency for pre-recorded transcription",
            "minor",
            (now - _REST_INCIDENT[0], now - _REST_INCIDENT[1]),
            [COMPONENTS["rest"]],
        ),
        _incident(
            "agent",
            "Degraded Voice Agent performance",
            "minor",
            (now - _AGENT_INCIDENT[0], None),
            [COMPONENTS["agent"]],
        ),
    ]
    rng = random.Random(3)
    names = sorted(set(COMPONENTS.values()))
    ago, n = _OLDER_FROM, 0
    while ago < days * DAY:
        start = now - ago
        span = (start, start + rng.uniform(2.5, 5.0) * HOUR)
        if n == 3:
            rows.append(_incident(f"old-{n}", "Dashboard login issues", "minor", span, []))
        else:
            named = rng.sample(names, k=1 + n % 2)
            impact = ("minor", "major", "critical")[n % 3]
            rows.append(_incident(f"old-{n}", f"Elevated errors on {' and '.join(named)}", impact, span, named))
        ago, n = ago + _OLDER_EVERY, n + 1
    return rows


def _outcome(
    surface: str, ago: float, hour: int, rng: random.Random, failure_rate: float, slow_rate: float
) -> tuple[str, float | None, str | None]:
    """State, latency and cause of one probe run `ago` seconds before `now`: the planned troubles, else the
    background."""
    busy = 1.0 + 0.18 * math.exp(-(((hour - 16) / 3.0) ** 2))  # US morning, Europe's afternoon
    ms = BASE_MS[surface] * busy * rng.lognormvariate(0.0, 0.12)
    if _within(ago, _ROTATED_KEY):
        return "failed", 45.0, "ours:key"  # a rotated key, fixed twelve minutes later
    if _within(ago, _NETWORK_LOSS):
        return "failed", None, "ours:network"
    if _within(ago, _STREAMING_INCIDENT) and surface in ("streaming", "flux"):
        if rng.random() < 0.45:
            return "failed", 10_000.0, "theirs:server" if rng.random() < 0.7 else "theirs:stall"
        ms *= 1.8
    if _within(ago, _REST_INCIDENT) and surface == "rest":
        ms *= 3.2
        if ms > 5000:
            return "degraded", ms, "slow:slow"
    if _within(ago, _AGENT_INCIDENT) and surface == "agent" and rng.random() < 0.3:
        return "failed", 4000.0, "provider:provider"
    roll = rng.random()
    if roll < failure_rate:
        cause = rng.choice(_RANDOM_CAUSES)
        return "failed", (None if cause == "ours:network" else ms * 2), cause
    if roll < failure_rate + slow_rate:
        return "degraded", ms * 2.5, "slow:slow"
    return "ok", ms, None


def _timings(surface: str, ms: float | None, rng: random.Random) -> str:
    if ms is None:
        return "{}"
    phases = PHASES[surface]
    weights = [rng.random() + 0.2 for _ in phases]
    return json.dumps({p: round(ms * w / sum(weights), 1) for p, w in zip(phases, weights, strict=True)})


def _runs(
    days: float, interval: float, now: float, seed: int, failure_rate: float, slow_rate: float
) -> Iterator[tuple[float, list[tuple[Any, ...]]]]:
    """Each run's time and its `probe_results` rows (without the run id), oldest first."""
    rng = random.Random(seed)
    count = int(days * DAY / interval)
    for i in range(count):
        ago = (count - i) * interval
        at = now - ago
        hour = datetime.fromtimestamp(at, UTC).hour
        rows = []
        for spec in SURFACES:
            state, ms, cause = _outcome(spec.id, ago, hour, rng, failure_rate, slow_rate)
            http, close, code, topic = FAILURES[cause] if state == "failed" and cause else (None, None, None, None)
            if http is None and state != "failed" and spec.id in ("auth", "rest", "tts"):
                http = 200
            rows.append((spec.id, state, ms, http, close, code, topic, _timings(spec.id, ms, rng), cause))
        yield at, rows


def build_history(
    path: Path | str,
    *,
    days: float = 35.0,
    interval: float = 60.0,
    now: float = NOW,
    seed: int = 7,
    failure_rate: float = 0.003,
    slow_rate: float = 0.01,
) -> dict[str, int]:
    """Write the fixture into a new database at `path` (any file there is added to: remove it first).

    `days` of runs every `interval` seconds, the last one `interval` before `now`; `seed` picks the
    latencies and the background; `failure_rate` and `slow_rate` are the background's shares of failed
    and slow results. Returns what was written: `runs`, `results` and `balance_samples`.
    """
    store = Store.open(path)
    conn = store.db.conn
    runs = results = 0
    with conn:
        for at, rows in _runs(days, interval, now, seed, failure_rate, slow_rate):
            states = ", ".join(f"{spec.label}: {row[1]}" for spec, row in zip(SURFACES, rows, strict=True))
            failing = any(row[1] == "failed" for row in rows)
            cursor = conn.execute(
                "INSERT INTO probe_runs (checked_at, verdict, indicator, official_state, elapsed_ms, text, blocks) "
                "VALUES (?, ?, 'none', 'fresh', ?, ?, '[]')",
                [
                    at,
                    "probes_failing" if failing else "all_good",
                    max(row[2] or 0 for row in rows) + 40,
                    f"{'A probe failed' if failing else 'All good'}. {states}.",
                ],
            )
            conn.executemany(
                "INSERT INTO probe_results (run_id, checked_at, surface, state, elapsed_ms, http_status, close_code, "
                "error_code, topic, timings, cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(cursor.lastrowid, at, *row) for row in rows],
            )
            runs += 1
            results += len(rows)
    store.monitor.commit_events({}, [], now=now, incidents=_incidents(now, days))
    hours = int(days * 24)
    store.balances.record(
        BalanceSample(now - (hours - h) * HOUR, pid, amount, "usd", name)
        for h in range(hours)
        for pid, name, amount in (("p-1", "Production", 900 - 0.8 * h), ("p-2", "Staging", 120 - 0.05 * h))
    )
    rng = random.Random(5)
    for d in range(int(days)):
        day = datetime.fromtimestamp(now - (d + 1) * DAY, UTC).date().isoformat()
        for topic in TOPICS:
            for _ in range(rng.randint(0, 4)):
                store.asks.record(topic, day=day)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return {"runs": runs, "results": results, "balance_samples": hours * 2}


def _proc_status_mb(field: str) -> float:
    text = Path("/proc/self/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) / 1024 if match else float("nan")


def rss_mb() -> float:
    """This process's resident memory now (`VmRSS` of /proc/self/status), in MB; NaN where there is none."""
    return _proc_status_mb("VmRSS")


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (`VmHWM`), in MB; NaN where there is none."""
    return _proc_status_mb("VmHWM")
