"""Change detection: (what we knew, what the status page says now) → (what we know now, events).

Pure. The memory is persisted after every poll, so a restart neither re-announces nor misses a
change. `detect` composes one small rule per kind of story (statuspage.md §3, what-users-want.md A–C):

- `open_incidents`: a new incident is announced, a known one followed up when its update, impact or
  status changes. A brand-new minor incident is held for `hold_polls` polls to absorb flaps.
- `vanished_incidents`: an incident that left `summary.json` is resolved only when the page's records
  (`incidents.json` or its own JSON) say `resolved` / `postmortem`, at their `resolved_at` (quirk 7);
  a held incident so resolved is told once, as resolved on sight. Still open in the records, it is
  followed as open; gone from them too, it was removed from the page (never "resolved"); while the
  records cannot be read, nothing is told and the next poll asks again.
- `incidents_seen_resolved`: an incident that opened and resolved between two polls is reported
  once, as resolved with its duration: never a "new" + "resolved" pair, never an orphan resolution
  (quirk 6).
- `component_changes`: diff component *statuses* between polls, never `affected_components` (often
  null or unchanged). A component merely degraded is held like a minor incident (a blip says
  nothing at all); one covered by an announced incident is not announced separately: the
  incident's thread already tells that story.
- `maintenance_changes`: scheduled → started → completed, confirmed by `scheduled-maintenances.json`;
  a window gone while `scheduled` was cancelled or removed, one gone under way unconfirmed was removed.

`bot.alerts.jobs` reads the records whenever `incidents_to_confirm` / `maintenances_to_confirm` name
something (and after every changed summary, for incidents seen only resolved).
"""

from __future__ import annotations

from datetime import datetime

from bot.alerts.components import component_changes
from bot.alerts.events import Event
from bot.alerts.incidents import incidents_seen_resolved, open_incidents, vanished_incidents
from bot.alerts.maintenance import maintenance_changes
from bot.alerts.memory import PageMemory, Poll
from bot.statuspage.model import PageRecords, Summary

__all__ = ["NOTHING_READ", "detect"]

#: No records read: nothing that left the summary can be confirmed this poll.
NOTHING_READ = PageRecords()


def detect(
    prev: PageMemory | None,
    summary: Summary,
    records: PageRecords = NOTHING_READ,
    *,
    now: datetime,
    hold_polls: int = 1,
) -> tuple[PageMemory, list[Event]]:
    """Compare the new summary (plus the page's records: recent incidents and maintenances, what
    confirms a disappearance) with what we knew."""
    poll = Poll(prev, summary, records, now, hold_polls)
    incidents, opened = open_incidents(poll)
    vanished, resolved = vanished_incidents(poll, still_open=set(incidents))
    incidents |= vanished
    seen, seen_resolved = incidents_seen_resolved(poll, known=set(incidents))
    incidents |= seen
    components, component_events = component_changes(poll, incidents)
    maintenances, maintenance_events = maintenance_changes(poll)
    memory = PageMemory(now.isoformat(), components, incidents, maintenances)
    return memory, [*opened, *resolved, *seen_resolved, *component_events, *maintenance_events]
