"""A small, known probe history in a store: what the latency chart tests draw.

Every surface runs every `interval` seconds (default 30 min) over the last `days`, the last run
`interval` before `NOW`, working with a steady latency, except for these runs (at the default interval):

- 2 h ago, Pre-recorded (REST) failed with a 503: Deepgram's side (`theirs:server`);
- 3 days ago, the key & management API failed with a 401: our side (`ours:key`);
- 30 min ago, the Voice Agent was slow (`degraded`, `slow:slow`): working, and a failure of the other kind;
- 1 h ago, Flux did not run (`skipped`).

The monitor logged three incidents: one resolved two days ago after 3 hours, one open since an hour
ago, one 20 days ago (outside both windows).
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.store import ProbeRecord, Store
from bot.surfaces import SURFACES

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
HOUR = 3600.0
DAY = 86400.0
#: Each surface's steady latency (ms); a run adds 0–40 ms to it.
BASE_MS = {"auth": 60.0, "rest": 800.0, "streaming": 2900.0, "tts": 350.0, "agent": 2200.0, "flux": 3300.0}
BASE_MS["tts_stream"] = 500.0
#: (hours before NOW, surface) → the record stored instead of a working run.
SPECIAL: dict[tuple[float, str], ProbeRecord] = {
    (2.0, "rest"): ProbeRecord("rest", "failed", 120.0, http_status=503, cause="theirs:server"),
    (72.0, "auth"): ProbeRecord("auth", "failed", 40.0, http_status=401, cause="ours:key"),
    (0.5, "agent"): ProbeRecord("agent", "degraded", 6100.0, cause="slow:slow"),
    (1.0, "flux"): ProbeRecord("flux", "skipped", None),
}


def record_results(store: Store, at: float, *results: ProbeRecord) -> int:
    """One stored check at `at` with these per-surface results (the run's own verdict and text are
    placeholders: the history, the chart and the digest read the results)."""
    return store.history.record_run(
        checked_at=at,
        verdict="ok",
        indicator="none",
        official_state="fresh",
        elapsed_ms=1.0,
        text="",
        blocks=[],
        results=results,
    )


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat()


def record_history(store: Store, *, days: float = 7, interval: float = 1800.0, now: datetime = NOW) -> int:
    """Store the history; returns how many runs."""
    end = now.timestamp()
    count = int(days * DAY / interval)
    for i in range(count):
        at = end - (count - i) * interval
        hours = round((end - at) / HOUR * 4) / 4
        results = [
            SPECIAL.get((hours, spec.id))
            or ProbeRecord(spec.id, "ok", BASE_MS[spec.id] + (i % 5) * 10.0, http_status=200)
            for spec in SURFACES
        ]
        store.history.record_run(
            checked_at=at,
            verdict="all_good",
            indicator="none",
            official_state="fresh",
            elapsed_ms=100.0,
            text="All good.",
            blocks=[],
            results=results,
        )
    incidents = [
        {
            "id": "inc-1",
            "name": "Elevated errors on the Streaming API",
            "impact": "major",
            "link": "https://status.deepgram.com/incidents/inc-1",
            "started_at": _iso(end - 2 * DAY - 3 * HOUR),
            "resolved_at": _iso(end - 2 * DAY),
        },
        {
            "id": "inc-2",
            "name": "Degraded Voice Agent performance",
            "impact": "minor",
            "link": None,
            "started_at": _iso(end - HOUR),
            "resolved_at": None,
        },
        {
            "id": "inc-3",
            "name": "Dashboard login issues",
            "impact": "minor",
            "link": None,
            "started_at": _iso(end - 20 * DAY),
            "resolved_at": _iso(end - 20 * DAY + HOUR),
        },
    ]
    store.monitor.commit_events({}, [], now=end, incidents=incidents)
    return count
