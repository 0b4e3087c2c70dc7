"""What a Statuspage page says, as typed data: components, incidents, maintenances, the summary. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

__all__ = [
    "ACTIVE_MAINTENANCE",
    "CLOSED_INCIDENT",
    "COMPONENT_SEVERITY",
    "UNRESOLVED_INCIDENT",
    "Component",
    "Incident",
    "IncidentUpdate",
    "PageRecords",
    "Summary",
    "SummaryFormatError",
]

COMPONENT_SEVERITY = {
    "operational": 0,
    "under_maintenance": 1,
    "degraded_performance": 2,
    "partial_outage": 3,
    "major_outage": 4,
}
UNRESOLVED_INCIDENT = frozenset({"investigating", "identified", "monitoring"})
#: An incident in one of these is over (statuspage.md §2): the only proof that it was resolved.
CLOSED_INCIDENT = frozenset({"resolved", "postmortem"})
#: A maintenance under way (`verifying` is the tail of `in_progress`).
ACTIVE_MAINTENANCE = frozenset({"in_progress", "verifying"})


class SummaryFormatError(ValueError):
    """The body is not a Statuspage summary (or incident list): the parsers' only error."""


@dataclass(frozen=True)
class Component:
    id: str
    name: str
    status: str
    group_id: str | None = None
    group_name: str | None = None
    is_group: bool = False
    description: str = ""
    position: int = 0

    @property
    def full_name(self) -> str:
        """`Group - Child` as Statuspage writes it in incident updates (quirk §3.2)."""
        return f"{self.group_name} - {self.name}" if self.group_name else self.name

    @property
    def severity(self) -> int:
        return COMPONENT_SEVERITY.get(self.status, 2)


@dataclass(frozen=True)
class IncidentUpdate:
    id: str
    status: str
    body: str
    created_at: datetime | None
    display_at: datetime | None


@dataclass(frozen=True)
class Incident:
    """An incident or a scheduled maintenance (which adds `scheduled_for` / `scheduled_until`)."""

    id: str
    name: str
    status: str
    impact: str
    shortlink: str
    created_at: datetime | None
    updated_at: datetime | None
    started_at: datetime | None = None
    resolved_at: datetime | None = None
    scheduled_for: datetime | None = None
    scheduled_until: datetime | None = None
    updates: tuple[IncidentUpdate, ...] = ()
    component_ids: tuple[str, ...] = ()

    @property
    def latest_update(self) -> IncidentUpdate | None:
        """The newest update by display time (updates can be backdated, quirk §3.5)."""
        if not self.updates:
            return None
        epoch = datetime.min.replace(tzinfo=UTC)
        return max(self.updates, key=lambda u: u.display_at or u.created_at or epoch)

    @property
    def began_at(self) -> datetime | None:
        return self.started_at or self.created_at


@dataclass(frozen=True)
class Summary:
    page_name: str
    page_url: str
    updated_at: datetime | None
    indicator: str
    description: str
    components: tuple[Component, ...] = ()
    incidents: tuple[Incident, ...] = ()
    maintenances: tuple[Incident, ...] = ()

    def component(self, component_id: str) -> Component | None:
        return next((c for c in self.components if c.id == component_id), None)

    @property
    def leaf_components(self) -> tuple[Component, ...]:
        """Components that carry a status of their own (groups only aggregate their children)."""
        return tuple(c for c in self.components if not c.is_group)

    def with_components(self, catalogue: Sequence[Component]) -> Summary:
        """This summary keyed against `components.json` (`catalogue`): every component either lists, by id.

        The summary's own entry wins (its status is the one just polled); the catalogue adds what the
        summary leaves out, and group names are resolved across both.
        """
        if not catalogue:
            return self
        merged = {c.id: c for c in catalogue} | {c.id: c for c in self.components}
        names = {c.id: c.name for c in merged.values()}
        components = tuple(replace(c, group_name=names.get(c.group_id or "") or c.group_name) for c in merged.values())
        return replace(self, components=components)


@dataclass(frozen=True)
class PageRecords:
    """The page's own records, read to confirm what left `summary.json` (quirk §3.7): `incidents.json`
    (plus `incidents/<id>.json` for an id it does not list) and `scheduled-maintenances.json`.

    `incidents_read` / `maintenances_read` say whether each list could be read at all; `missing` holds
    the ids whose own JSON answered 404. Nothing is "gone" unless the lists that would show it were read.
    """

    incidents: tuple[Incident, ...] = ()
    maintenances: tuple[Incident, ...] = ()
    incidents_read: bool = False
    maintenances_read: bool = False
    missing: frozenset[str] = frozenset()

    def incident(self, incident_id: str) -> Incident | None:
        return next((i for i in self.incidents if i.id == incident_id), None)

    def maintenance(self, maintenance_id: str) -> Incident | None:
        return next((m for m in self.maintenances if m.id == maintenance_id), None)

    def incident_gone(self, incident_id: str) -> bool:
        """Gone everywhere: `incidents.json` was read without it and its own JSON answered 404."""
        return self.incidents_read and incident_id in self.missing and self.incident(incident_id) is None

    def maintenance_gone(self, maintenance_id: str) -> bool:
        """`scheduled-maintenances.json` was read and no longer lists it."""
        return self.maintenances_read and self.maintenance(maintenance_id) is None
