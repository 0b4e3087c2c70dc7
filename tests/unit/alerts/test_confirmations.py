"""What left the summary is confirmed by the page's own records before anyone calls it over.

Incidents: resolved only when incidents.json (or the incident's own JSON) says resolved / postmortem;
still open there, followed as open; gone everywhere, "removed from the status page"; unreadable
records, nothing said until they can be read. Maintenances: gone while scheduled is "cancelled or
removed"; gone under way is "completed" only when scheduled-maintenances.json says so.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.alerts import PageMemory, detect
from bot.alerts.incidents import incidents_to_confirm
from bot.alerts.maintenance import maintenances_to_confirm
from bot.statuspage.model import PageRecords
from bot.statuspage.parse import parse_summary
from tests.unit.alerts.test_changes import COMPONENTS, T0, incident, kinds, page, recent

MINUTE = timedelta(minutes=1)


def opened(iid: str = "a", **kw: Any) -> PageMemory:
    """The memory after incident `iid` was announced."""
    memory, _ = detect(None, page(), now=T0)
    memory, events = detect(memory, page(incidents=[incident(iid, **kw)]), now=T0 + MINUTE)
    assert kinds(events) == ["incident_opened"]
    return memory


def gone_everywhere(*ids: str) -> PageRecords:
    """incidents.json read without them, and their own JSON answering 404."""
    return PageRecords(incidents_read=True, missing=frozenset(ids))


# -- incidents ------------------------------------------------------------------------------------


def test_resolution_is_confirmed_by_the_records() -> None:
    """Gone from the summary and `resolved` in incidents.json: resolved, at the record's resolved_at."""
    memory = opened()
    assert incidents_to_confirm(memory, page()) == ["a"]
    done = incident("a", status="postmortem", updates=2, resolved=T0 + 30 * MINUTE)
    memory, events = detect(memory, page(), recent(done), now=T0 + 40 * MINUTE)
    assert kinds(events) == ["incident_resolved"] and events[0].ended_at == (T0 + 30 * MINUTE).isoformat()
    assert incidents_to_confirm(memory, page()) == []


def test_unreadable_records_say_nothing_until_they_can_be_read() -> None:
    """No records (or incidents.json unreadable): the incident stays open, untold; the next poll asks again."""
    memory = opened()
    memory, events = detect(memory, page(), now=T0 + 2 * MINUTE)
    assert events == [] and incidents_to_confirm(memory, page()) == ["a"]
    # incidents.json failed; the own JSON answered 404: not enough to call it deleted.
    memory, events = detect(memory, page(), PageRecords(missing=frozenset({"a"})), now=T0 + 3 * MINUTE)
    assert events == []
    done = incident("a", status="resolved", resolved=T0 + 2 * MINUTE)
    _, events = detect(memory, page(), recent(done), now=T0 + 4 * MINUTE)
    assert kinds(events) == ["incident_resolved"]


def test_still_open_in_the_records_is_followed_not_resolved() -> None:
    """Left out of summary.json but `identified` in incidents.json: not resolved; its updates are followed."""
    memory = opened()
    still = incident("a", status="identified", updates=2)
    memory, events = detect(memory, page(), recent(still), now=T0 + 2 * MINUTE)
    assert kinds(events) == ["incident_updated"] and events[0].status == "identified"
    memory, events = detect(memory, page(), recent(still), now=T0 + 3 * MINUTE)
    assert events == []
    # and it can come back to the summary without being announced again
    memory, events = detect(
        memory, page(incidents=[incident("a", status="identified", updates=2)]), now=T0 + 4 * MINUTE
    )
    assert events == []


def test_the_incidents_own_json_confirms_what_incidents_json_no_longer_lists() -> None:
    """incidents.json (the 50 most recent) lacks it, its own JSON says resolved: resolved."""
    memory = opened()
    own = parse_summary({"status": {}, "incidents": [incident("a", status="resolved", resolved=T0)]}).incidents
    records = PageRecords(incidents=own, incidents_read=True)
    _, events = detect(memory, page(), records, now=T0 + 2 * MINUTE)
    assert kinds(events) == ["incident_resolved"]


def test_deleted_incident_is_removed_not_resolved() -> None:
    """Gone from summary.json, incidents.json and its own JSON: "removed", closing the thread, told once."""
    memory = opened()
    memory, events = detect(memory, page(), gone_everywhere("a"), now=T0 + 2 * MINUTE)
    assert kinds(events) == ["incident_removed"]
    (removed,) = events
    assert removed.thread == "incident:a" and removed.status == "removed" and removed.body is None
    memory, events = detect(memory, page(), gone_everywhere("a"), now=T0 + 3 * MINUTE)
    assert events == [] and incidents_to_confirm(memory, page()) == []


def test_a_held_incident_deleted_is_never_told() -> None:
    """A minor incident still held when it was deleted: nothing was said, nothing is said."""
    memory, _ = detect(None, page(), now=T0)
    memory, events = detect(memory, page(incidents=[incident("m", impact="minor")]), now=T0 + MINUTE)
    assert events == []
    memory, events = detect(memory, page(), gone_everywhere("m"), now=T0 + 2 * MINUTE)
    assert events == []
    # if it then shows up resolved in the records, it is not news either
    _, events = detect(memory, page(), recent(incident("m", impact="minor", status="resolved", resolved=T0)), now=T0)
    assert events == []


def test_impact_none_is_information() -> None:
    """An incident of impact `none` is minor (held like one), and says its impact in the event."""
    memory, _ = detect(None, page(), now=T0)
    memory, events = detect(memory, page(incidents=[incident("n", impact="none")]), now=T0 + MINUTE)
    assert events == []
    _, events = detect(memory, page(incidents=[incident("n", impact="none")]), now=T0 + 2 * MINUTE)
    assert kinds(events) == ["incident_opened"] and events[0].severity == "minor" and events[0].impact == "none"


# -- third parties --------------------------------------------------------------------------------

DOWNSTREAM = {"id": "7n3stjcbj4bx", "name": "Voice Agent API: Downstream Providers", "status": "operational"}


def with_downstream(status: str = "operational", **kw: Any) -> Any:
    comps = [*COMPONENTS, dict(DOWNSTREAM, group_id="grp", status=status)]
    return parse_summary({"status": {}, "components": comps, **kw})


def test_downstream_providers_are_a_provider_behind_the_voice_agent() -> None:
    """Its outage is told as a provider behind the Voice Agent, never as a major Deepgram outage."""
    memory, _ = detect(None, with_downstream(), now=T0)
    memory, events = detect(memory, with_downstream("major_outage"), now=T0 + MINUTE)
    (event,) = events
    assert event.kind == "component_degraded" and event.severity == "minor"
    assert "a provider behind the Voice Agent" in (event.body or "")
    assert "not on Deepgram's own speech APIs" in (event.body or "")
    _, events = detect(memory, with_downstream(), now=T0 + 2 * MINUTE)
    assert kinds(events) == ["component_recovered"] and events[0].body is None


def test_an_incident_only_on_downstream_providers_is_minor() -> None:
    """Impact `major` (derived from the provider's status, quirk 3.3) on the provider alone: minor, still told."""
    provider_incident = dict(incident("p", impact="major"), components=[{"id": "7n3stjcbj4bx"}])
    memory, _ = detect(None, with_downstream(), now=T0)
    summary = with_downstream("major_outage", incidents=[provider_incident])
    memory, events = detect(memory, summary, now=T0 + MINUTE)
    # the incident is held like any minor one; the provider's component is told meanwhile, as minor
    assert kinds(events) == ["component_degraded"] and events[0].severity == "minor"
    _, events = detect(memory, summary, now=T0 + 2 * MINUTE)
    assert kinds(events) == ["incident_opened"] and events[0].severity == "minor"
    assert events[0].component_names == ("Voice Agent API: Downstream Providers",)


# -- maintenances ---------------------------------------------------------------------------------

WINDOW = {
    "id": "mw",
    "name": "Database upgrade",
    "status": "scheduled",
    "impact": "maintenance",
    "scheduled_for": (T0 + timedelta(hours=2)).isoformat(),
    "scheduled_until": (T0 + timedelta(hours=3)).isoformat(),
    "shortlink": "https://stspg.io/mw",
    "incident_updates": [{"id": "u1", "status": "scheduled"}],
}
RAN = [{"id": "u3", "status": "completed"}, {"id": "u2", "status": "in_progress"}, *WINDOW["incident_updates"]]  # type: ignore[misc]


def scheduled() -> PageMemory:
    memory, _ = detect(None, page(), now=T0)
    memory, events = detect(memory, page(maintenances=[WINDOW]), now=T0 + MINUTE)
    assert kinds(events) == ["maintenance_scheduled"]
    return memory


def started() -> PageMemory:
    memory, events = detect(scheduled(), page(maintenances=[dict(WINDOW, status="in_progress")]), now=T0 + MINUTE)
    assert kinds(events) == ["maintenance_started"]
    return memory


def windows(*items: dict[str, Any]) -> PageRecords:
    return recent(maintenances=items)


def test_scheduled_window_deleted_is_cancelled_or_removed() -> None:
    memory = scheduled()
    assert maintenances_to_confirm(memory, page()) == ["mw"]
    memory, events = detect(memory, page(), windows(), now=T0 + 2 * MINUTE)
    assert kinds(events) == ["maintenance_cancelled"] and events[0].status == "cancelled"
    assert maintenances_to_confirm(memory, page()) == []


def test_scheduled_window_closed_without_running_is_cancelled() -> None:
    """`completed` in the records but never in progress: called off (Statuspage has no "cancelled")."""
    closed = dict(WINDOW, status="completed", incident_updates=[{"id": "u2", "status": "completed"}])
    _, events = detect(scheduled(), page(), windows(closed), now=T0 + 2 * MINUTE)
    assert kinds(events) == ["maintenance_cancelled"]


def test_scheduled_window_that_ran_between_polls_is_completed() -> None:
    done = dict(WINDOW, status="completed", incident_updates=RAN)
    _, events = detect(scheduled(), page(), windows(done), now=T0 + 4 * timedelta(hours=1))
    assert kinds(events) == ["maintenance_completed"]


def test_window_under_way_is_completed_only_when_the_records_say_so() -> None:
    memory = started()
    memory, events = detect(memory, page(), now=T0 + 2 * MINUTE)
    assert events == [] and maintenances_to_confirm(memory, page()) == ["mw"]  # unconfirmed: wait
    still = dict(WINDOW, status="verifying")
    memory, events = detect(memory, page(), windows(still), now=T0 + 3 * MINUTE)
    assert events == [] and maintenances_to_confirm(memory, page()) == ["mw"]  # still open there
    done = dict(WINDOW, status="completed", incident_updates=RAN)
    _, events = detect(memory, page(), windows(done), now=T0 + 4 * MINUTE)
    assert kinds(events) == ["maintenance_completed"] and events[0].status == "completed"


def test_window_under_way_deleted_is_removed() -> None:
    _, events = detect(started(), page(), windows(), now=T0 + 2 * MINUTE)
    assert kinds(events) == ["maintenance_removed"] and events[0].thread == "maintenance:mw"


def test_window_listed_completed_without_running_is_cancelled() -> None:
    """Even listed in the summary, a window that goes scheduled → completed without starting was called off."""
    closed = dict(WINDOW, status="completed", incident_updates=[{"id": "u2", "status": "completed"}])
    _, events = detect(scheduled(), page(maintenances=[closed]), now=T0 + 2 * MINUTE)
    assert kinds(events) == ["maintenance_cancelled"]
