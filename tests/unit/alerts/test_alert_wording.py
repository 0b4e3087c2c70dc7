"""How the new kinds read in Slack: a disappearance is never worded as a resolution or a completion."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.alerts import CLOSING, Event
from bot.slack.views.alerts import reply_message, root_message

AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def alert(**kw: Any) -> Event:
    base: dict[str, Any] = {
        "kind": "incident_removed",
        "family": "incident",
        "thread": "incident:a",
        "key": "incident:a:removed",
        "severity": "major",
        "title": "API errors",
        "status": "removed",
        "started_at": "2026-11-24T10:00:00Z",
        "ended_at": "2026-11-24T10:42:00Z",
    }
    return Event(**(base | kw))


def section_text(blocks: list[Any]) -> str:
    return str(blocks[0]["text"]["text"])


def test_removed_incident_is_not_resolved() -> None:
    """It closes the thread as "Removed from the status page", with no duration, and says why that matters."""
    removed = alert()
    assert removed.kind in CLOSING
    text, blocks = root_message(removed)
    assert text == "Removed from the status page: API errors"
    section = section_text(blocks)
    assert section.startswith(":wastebasket: *Removed from the status page*")
    assert "without marking it resolved" in section and "Resolved" not in section and "lasted" not in section
    assert "Removed from the status page" in section_text(reply_message(removed, at=AT)[1])


def test_maintenance_cancelled_removed_and_completed() -> None:
    window: dict[str, Any] = {"family": "maintenance", "thread": "maintenance:mw", "key": "k"}
    cancelled = alert(kind="maintenance_cancelled", status="cancelled", **window)
    text, blocks = root_message(cancelled)
    assert text == "Cancelled or removed: API errors"
    assert section_text(blocks).startswith(":no_entry_sign: *Cancelled or removed*")
    assert "before it started" in section_text(blocks) and "lasted" not in section_text(blocks)
    removed = alert(kind="maintenance_removed", status="removed", **window)
    assert root_message(removed)[0] == "Removed from the status page: API errors"
    assert "without being marked completed" in section_text(root_message(removed)[1])
    completed = alert(kind="maintenance_completed", status="completed", **window)
    assert root_message(completed)[0] == "Completed: API errors (lasted 42 min)"


def test_impact_none_slow_and_third_party_words() -> None:
    """Impact none is information; degraded performance is slow; a third party's component says whose it is."""
    info = alert(kind="incident_opened", status="investigating", impact="none", ended_at=None)
    assert "Impact: none (information, not an outage)" in section_text(root_message(info)[1])
    slow = alert(
        kind="component_degraded",
        family="component",
        status="degraded_performance",
        component_names=("Voice Agent API: Downstream Providers",),
        ended_at=None,
    )
    section = section_text(root_message(slow)[1])
    assert section.startswith(":large_orange_circle: *Slow (degraded performance)*")
    assert "Affects: Voice Agent API: Downstream Providers (a provider behind the Voice Agent)" in section
    assert "Impact" not in section
    assert "Slow (degraded performance)" in json.dumps(reply_message(slow, at=AT)[1])
