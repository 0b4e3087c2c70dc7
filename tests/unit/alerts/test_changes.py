"""Change detection between status-page polls: the pure heart of outage alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.alerts import Event, PageMemory, detect
from bot.statuspage.model import PageRecords, Summary
from bot.statuspage.parse import parse_summary

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
COMPONENTS = [
    {
        "id": "grp",
        "name": "Deepgram Public API (api.deepgram.com)",
        "status": "operational",
        "group": True,
        "components": ["bat", "str", "tts"],
    },
    {"id": "bat", "name": "Batch API", "status": "operational", "group_id": "grp"},
    {"id": "str", "name": "Streaming API", "status": "operational", "group_id": "grp"},
    {"id": "tts", "name": "TTS API", "status": "operational", "group_id": "grp"},
]


def page(
    *,
    statuses: dict[str, str] | None = None,
    incidents: list[dict[str, Any]] | None = None,
    maintenances: list[dict[str, Any]] | None = None,
) -> Summary:
    comps = [dict(c, status=(statuses or {}).get(c["id"], c["status"])) for c in COMPONENTS]
    return parse_summary(
        {
            "page": {"name": "Deepgram"},
            "status": {"indicator": "none"},
            "components": comps,
            "incidents": incidents or [],
            "scheduled_maintenances": maintenances or [],
        }
    )


def incident(
    iid: str,
    *,
    impact: str = "major",
    status: str = "investigating",
    updates: int = 1,
    started: datetime = T0,
    resolved: datetime | None = None,
) -> dict[str, Any]:
    ups = [
        {
            "id": f"{iid}-u{n}",
            "status": status,
            "body": f"update {n}",
            "display_at": (started + timedelta(minutes=n)).isoformat(),
        }
        for n in range(updates)
    ]
    return {
        "id": iid,
        "name": f"Incident {iid}",
        "status": status,
        "impact": impact,
        "shortlink": f"https://stspg.io/{iid}",
        "created_at": started.isoformat(),
        "started_at": started.isoformat(),
        "resolved_at": resolved.isoformat() if resolved else None,
        "incident_updates": ups,
        "components": [{"id": "str"}],
    }


def recent(*items: dict[str, Any], maintenances: tuple[dict[str, Any], ...] = ()) -> PageRecords:
    """The page's records as the monitor reads them: incidents.json (and scheduled-maintenances.json)."""
    listed = parse_summary({"status": {}, "incidents": list(items), "scheduled_maintenances": list(maintenances)})
    return PageRecords(listed.incidents, listed.maintenances, incidents_read=True, maintenances_read=True)


def kinds(events: list[Any]) -> list[str]:
    return [e.kind for e in events]


def test_incident_lifecycle() -> None:
    """Opened → updated → resolved with its real resolved_at and duration, all in one thread."""
    memory, events = detect(None, page(), now=T0)
    assert events == []
    memory, events = detect(memory, page(incidents=[incident("a")]), now=T0 + timedelta(minutes=1))
    assert kinds(events) == ["incident_opened"] and events[0].component_names == ("Streaming API",)
    memory, events = detect(memory, page(incidents=[incident("a")]), now=T0 + timedelta(minutes=2))
    assert events == []  # nothing new: nothing said
    memory, events = detect(
        memory, page(incidents=[incident("a", status="identified", updates=2)]), now=T0 + timedelta(minutes=3)
    )
    assert kinds(events) == ["incident_updated"] and events[0].body == "update 1"
    done = incident("a", status="resolved", updates=3, resolved=T0 + timedelta(minutes=42))
    memory, events = detect(memory, page(), recent(done), now=T0 + timedelta(minutes=45))
    assert kinds(events) == ["incident_resolved"]
    assert events[0].ended_at == (T0 + timedelta(minutes=42)).isoformat()
    assert {e.thread for e in events} == {"incident:a"}
    assert {e.family for e in events} == {"incident"}


def test_restart_neither_repeats_nor_misses() -> None:
    """The memory survives a JSON round trip: the same page after a restart says nothing new."""
    memory, _ = detect(None, page(), now=T0)
    memory, events = detect(memory, page(incidents=[incident("a")]), now=T0 + timedelta(minutes=1))
    assert kinds(events) == ["incident_opened"]
    restored = PageMemory.from_json(memory.to_json())
    again, events = detect(restored, page(incidents=[incident("a")]), now=T0 + timedelta(minutes=2))
    assert events == []
    done = incident("a", status="resolved", resolved=T0 + timedelta(minutes=3))
    _, events = detect(again, page(), recent(done), now=T0 + timedelta(minutes=3))
    assert kinds(events) == ["incident_resolved"]


def test_minor_incident_is_held_one_poll() -> None:
    """A new minor incident waits a poll; if still open it is announced, once."""
    memory, _ = detect(None, page(), now=T0)
    memory, events = detect(memory, page(incidents=[incident("m", impact="minor")]), now=T0 + timedelta(minutes=1))
    assert events == []
    memory, events = detect(memory, page(incidents=[incident("m", impact="minor")]), now=T0 + timedelta(minutes=2))
    assert kinds(events) == ["incident_opened"]


def test_flapping_minor_incident_is_one_message() -> None:
    """A minor incident gone before the hold ends becomes one "resolved, lasted N" message, no pair."""
    memory, _ = detect(None, page(), now=T0)
    memory, events = detect(memory, page(incidents=[incident("f", impact="minor")]), now=T0 + timedelta(minutes=1))
    assert events == []
    flap = incident("f", impact="minor", status="resolved", resolved=T0 + timedelta(minutes=3))
    _, events = detect(memory, page(), recent(flap), now=T0 + timedelta(minutes=4))
    assert kinds(events) == ["incident_resolved_on_sight"]


def test_incident_seen_only_resolved() -> None:
    """Opened and resolved between two polls: one resolved message, never an orphan resolution."""
    memory, _ = detect(None, page(), now=T0)
    short = incident("s", status="resolved", started=T0 + timedelta(seconds=10), resolved=T0 + timedelta(minutes=4))
    memory, events = detect(memory, page(), recent(short), now=T0 + timedelta(minutes=5))
    assert kinds(events) == ["incident_resolved_on_sight"]
    _, events = detect(memory, page(), recent(short), now=T0 + timedelta(minutes=6))
    assert events == []


def test_old_resolved_incidents_are_not_news() -> None:
    """History from incidents.json that ended long before we started watching is not announced."""
    memory, _ = detect(None, page(), now=T0)
    old = incident("o", status="resolved", started=T0 - timedelta(days=3), resolved=T0 - timedelta(days=3))
    _, events = detect(memory, page(), recent(old), now=T0 + timedelta(minutes=1))
    assert events == []


def test_component_blip_absorbed_and_outage_reported() -> None:
    """A one-poll degradation says nothing; a major outage is reported at once and its recovery too."""
    memory, _ = detect(None, page(), now=T0)
    memory, events = detect(memory, page(statuses={"tts": "degraded_performance"}), now=T0 + timedelta(minutes=1))
    assert events == []
    memory, events = detect(memory, page(), now=T0 + timedelta(minutes=2))
    assert events == []
    memory, events = detect(memory, page(statuses={"bat": "major_outage"}), now=T0 + timedelta(minutes=3))
    assert kinds(events) == ["component_degraded"] and events[0].severity == "major"
    thread = events[0].thread
    memory, events = detect(memory, page(statuses={"bat": "partial_outage"}), now=T0 + timedelta(minutes=4))
    assert kinds(events) == ["component_changed"] and events[0].thread == thread
    _, events = detect(memory, page(), now=T0 + timedelta(minutes=5))
    assert kinds(events) == ["component_recovered"] and events[0].thread == thread
    assert events[0].family == "component"


def test_component_covered_by_incident_is_not_double_reported() -> None:
    """A component degraded inside an announced incident is told by the incident's thread only."""
    memory, _ = detect(None, page(), now=T0)
    memory, events = detect(
        memory, page(statuses={"str": "partial_outage"}, incidents=[incident("a")]), now=T0 + timedelta(minutes=1)
    )
    assert kinds(events) == ["incident_opened"]
    done = incident("a", status="resolved", resolved=T0 + timedelta(minutes=2))
    _, events = detect(memory, page(), recent(done), now=T0 + timedelta(minutes=2))
    assert kinds(events) == ["incident_resolved"]


def test_maintenance_lifecycle() -> None:
    """Scheduled → started → completed, in one thread."""
    window = {
        "id": "mw",
        "name": "Database upgrade",
        "status": "scheduled",
        "impact": "maintenance",
        "scheduled_for": (T0 + timedelta(hours=2)).isoformat(),
        "scheduled_until": (T0 + timedelta(hours=3)).isoformat(),
        "shortlink": "https://stspg.io/mw",
    }
    memory, _ = detect(None, page(), now=T0)
    memory, events = detect(memory, page(maintenances=[window]), now=T0 + timedelta(minutes=1))
    assert kinds(events) == ["maintenance_scheduled"]
    memory, events = detect(
        memory, page(maintenances=[dict(window, status="in_progress")]), now=T0 + timedelta(hours=2)
    )
    assert kinds(events) == ["maintenance_started"]
    done = dict(window, status="completed", incident_updates=[{"id": "u2", "status": "in_progress"}])
    _, events = detect(memory, page(), recent(maintenances=(done,)), now=T0 + timedelta(hours=3))
    assert kinds(events) == ["maintenance_completed"] and {e.thread for e in events} == {"maintenance:mw"}
    assert {e.family for e in events} == {"maintenance"}


def test_events_survive_the_outbox_old_rows_included() -> None:
    """An event reads back from its JSON; a row stored before `family` and `topic` existed still reads."""
    memory, _ = detect(None, page(), now=T0)
    _, (opened,) = detect(memory, page(incidents=[incident("a")]), now=T0 + timedelta(minutes=1))
    assert Event.from_json(opened.to_json()) == opened
    old_row = {k: v for k, v in opened.to_json().items() if k not in ("family", "topic")}
    assert Event.from_json(old_row) == opened
    probe_row = {
        "kind": "probe_degraded",
        "thread": "probe:tts:2026-11-24T10:00:00+00:00",
        "key": "probe:tts:2026-11-24T10:00:00+00:00:probe_degraded",
        "severity": "major",
        "title": "Text-to-speech failing from here",
        "status": "failing",
        "component_names": [],
        "surfaces": ["tts"],
        "body": "HTTP 503 (2 runs in a row). See `/deepgram why tts-audio`.",
        "source": "probes",
    }
    old = Event.from_json(probe_row)
    assert old.family == "probe" and old.surfaces == ("tts",) and old.topic is None
