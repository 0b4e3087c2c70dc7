"""`/deepgram history`: the probes' failures by whose side the cause was on, from the stored causes."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.probes import ProbeResult
from bot.slack.views.history import history_reply
from bot.status.check import probe_cause
from bot.status.history import FailureCauses, failure_causes, read_history
from bot.store import ProbeRecord, Store
from bot.topics import Topic

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_probe_cause_is_stored_only_for_failures() -> None:
    assert probe_cause(ProbeResult("auth", "ok", "Fine")) is None
    assert probe_cause(ProbeResult("auth", "skipped", "No key")) is None
    assert probe_cause(ProbeResult("auth", "failed", "Rejected (401)", http_status=401)) == "ours:key"
    assert probe_cause(ProbeResult("rest", "failed", "Server error (503)", http_status=503)) == "theirs:server"
    assert probe_cause(ProbeResult("tts", "degraded", "Slowly", topic=Topic.LATENCY)) == "slow:slow"


def test_failure_causes_sum_by_side() -> None:
    counts = {"ours:key": 2, "ours:network": 1, "theirs:server": 3, "quality:transcript": 1, "provider:provider": 1}
    assert failure_causes({**counts, None: 4}) == FailureCauses(ours=3, theirs=3, other=2, unclassified=4)
    assert failure_causes({}).total == 0


def test_history_shows_our_side_and_their_side() -> None:
    store = Store.open(":memory:")
    store.history.record_run(
        checked_at=NOW.timestamp() - 60,
        verdict="key_rejected",
        indicator="none",
        official_state="fresh",
        elapsed_ms=100.0,
        text="t",
        blocks=[],
        results=[
            ProbeRecord("auth", "failed", 30.0, http_status=401, cause="ours:key"),
            ProbeRecord("rest", "failed", 30.0, http_status=503, cause="theirs:server"),
            ProbeRecord("tts", "failed", 30.0, http_status=503, cause="theirs:server"),
        ],
    )
    history = read_history(store, NOW)
    assert history.failures["24 h"] == FailureCauses(ours=1, theirs=2)
    shown = "\n".join(b["text"]["text"] for b in history_reply(history).blocks or [] if b["type"] == "section")
    assert "24 h: our side 1 · Deepgram's side 2" in shown
