"""Alerts as data: what an `Event` says, which family of story it belongs to, which kinds open or close it.

The Slack view (`bot.slack.views.alerts`) turns an event into messages; the outbox stores it as JSON
(`to_json`/`from_json`), so a field added here must be readable from rows written before it existed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any, Literal

from bot.statuspage.model import Component

__all__ = [
    "CLOSING",
    "FAMILY_OF",
    "OPENING",
    "Event",
    "EventKind",
    "Family",
    "Severity",
    "Source",
    "component_names",
    "iso",
]

EventKind = Literal[
    "incident_opened",
    "incident_updated",
    "incident_resolved",
    "incident_resolved_on_sight",
    "incident_removed",
    "component_degraded",
    "component_changed",
    "component_recovered",
    "maintenance_scheduled",
    "maintenance_started",
    "maintenance_completed",
    "maintenance_cancelled",
    "maintenance_removed",
    "probe_degraded",
    "probe_recovered",
    "balance_low",
    "balance_recovered",
]
#: What kind of story an event tells: a status-page incident, a component's status, a maintenance
#: window, the bot's own probes, or a project's balance.
Family = Literal["incident", "component", "maintenance", "probe", "balance"]
Severity = Literal["minor", "major"]
Source = Literal["statuspage", "probes", "balance"]

FAMILY_OF: Mapping[EventKind, Family] = {
    "incident_opened": "incident",
    "incident_updated": "incident",
    "incident_resolved": "incident",
    "incident_resolved_on_sight": "incident",
    "incident_removed": "incident",
    "component_degraded": "component",
    "component_changed": "component",
    "component_recovered": "component",
    "maintenance_scheduled": "maintenance",
    "maintenance_started": "maintenance",
    "maintenance_completed": "maintenance",
    "maintenance_cancelled": "maintenance",
    "maintenance_removed": "maintenance",
    "probe_degraded": "probe",
    "probe_recovered": "probe",
    "balance_low": "balance",
    "balance_recovered": "balance",
}

# Events that open a thread; the others follow up in it (or open one if the channel has none).
OPENING: frozenset[EventKind] = frozenset(
    {
        "incident_opened",
        "incident_resolved_on_sight",
        "component_degraded",
        "maintenance_scheduled",
        "probe_degraded",
        "balance_low",
    }
)
# Events after which the thread is closed. Only a status page's own record closes an incident or a
# window as resolved / completed; one that left the page unconfirmed is "removed" (or "cancelled").
CLOSING: frozenset[EventKind] = frozenset(
    {
        "incident_resolved",
        "incident_resolved_on_sight",
        "incident_removed",
        "component_recovered",
        "maintenance_completed",
        "maintenance_cancelled",
        "maintenance_removed",
        "probe_recovered",
        "balance_recovered",
    }
)


@dataclass(frozen=True)
class Event:
    """One thing worth telling subscribers. `thread` groups the events of one story (an opaque key).

    `body` is plain words (often the status page's own text); `topic` names the playbook that
    explains the problem, which the view points to (`/deepgram why <topic>` in Slack).
    """

    kind: EventKind
    family: Family
    thread: str
    key: str
    severity: Severity
    title: str
    status: str
    component_names: tuple[str, ...] = ()
    surfaces: tuple[str, ...] = ()
    body: str | None = None
    link: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    impact: str | None = None
    source: Source = "statuspage"
    topic: str | None = None

    def __post_init__(self) -> None:
        if FAMILY_OF.get(self.kind) != self.family:
            raise ValueError(f"a {self.kind} event is not of the {self.family} family")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Event:
        """Read an outbox row; rows stored before `family` and `topic` existed read as they always did.

        Keys that are not fields are the delivery's, not the event's (`"mention"`, `bot.alerts.routing.Delivery`):
        they are left out here, and read from the row by whoever needs them.
        """
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        for name in ("component_names", "surfaces"):
            values[name] = tuple(values.get(name) or ())
        values.setdefault("family", FAMILY_OF[values["kind"]])
        return cls(**values)


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def component_names(ids: Iterable[str], components: Mapping[str, Component]) -> tuple[str, ...]:
    """The names of the components with these ids, in order; ids the page no longer lists are skipped."""
    return tuple(components[i].name for i in ids if i in components)
