"""Alert messages: the state line by family, durations in the shared format, the playbook pointer."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.alerts import Event
from bot.slack.views.alerts import reply_message, root_message

AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def alert(**kw: Any) -> Event:
    base: dict[str, Any] = {
        "kind": "incident_resolved",
        "family": "incident",
        "thread": "incident:a",
        "key": "incident:a:resolved",
        "severity": "major",
        "title": "API errors",
        "status": "resolved",
        "started_at": "2026-11-24T10:00:00Z",
        "ended_at": "2026-11-24T10:42:00Z",
    }
    return Event(**(base | kw))


def test_resolution_says_how_long_it_lasted() -> None:
    """Durations read like everywhere else in the bot: "42 min", "3 h 05 min"; unknown ends say nothing."""
    text, blocks = root_message(alert())
    assert text == "Resolved: API errors (lasted 42 min)" and "*Resolved*, lasted 42 min" in json.dumps(blocks)
    text, _ = root_message(alert(ended_at="2026-11-24T13:05:00+00:00"))
    assert text == "Resolved: API errors (lasted 3 h 05 min)"
    text, _ = root_message(alert(started_at=None))
    assert text == "Resolved: API errors"


def test_the_family_picks_the_wording() -> None:
    """A maintenance completes and shows its window; an open component shows its status and since when."""
    window = alert(
        kind="maintenance_completed", family="maintenance", thread="maintenance:mw", key="k", status="completed"
    )
    section = root_message(window)[1][0]["text"]["text"]
    assert "*Completed*, lasted 42 min" in section and "Window: <!date^" in section and "Until: <!date^" in section
    degraded = alert(kind="component_degraded", family="component", thread="c", status="partial_outage", ended_at=None)
    section = root_message(degraded)[1][0]["text"]["text"]
    assert section.startswith(":large_orange_circle: *Partial outage*") and "Since: <!date^" in section


def test_topic_becomes_a_playbook_pointer_after_the_body() -> None:
    """The core names the playbook; the view writes the command, after the (escaped) words."""
    failing = alert(
        kind="probe_degraded",
        family="probe",
        thread="probe:streaming:t",
        status="failing",
        body="Could not open the stream <1006> (2 runs in a row).",
        topic="websocket",
        source="probes",
        ended_at=None,
    )
    expected = "Could not open the stream &lt;1006&gt; (2 runs in a row). See `/deepgram why websocket`."
    assert root_message(failing)[1][0]["text"]["text"].endswith(">" + expected)
    assert reply_message(failing, at=AT)[1][0]["text"]["text"].endswith("\n" + expected)
    bare = alert(kind="balance_low", family="balance", thread="b", status="low", topic="credits", source="balance")
    assert reply_message(bare, at=AT)[1][0]["text"]["text"].endswith("\nSee `/deepgram why credits`.")
