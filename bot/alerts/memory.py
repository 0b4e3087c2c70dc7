"""What the monitor remembers of the status page between polls (persisted as JSON after every poll),
and one poll as the change rules see it: that memory next to what the page says now."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from bot.statuspage.model import Component, Incident, PageRecords, Summary

__all__ = ["ComponentMemo", "IncidentMemo", "MaintenanceMemo", "PageMemory", "Poll"]


@dataclass(frozen=True)
class IncidentMemo:
    id: str
    name: str
    impact: str
    status: str
    shortlink: str
    started_at: str | None
    component_ids: tuple[str, ...]
    last_update_id: str | None
    announced: bool
    polls_seen: int = 1
    resolved_at: str | None = None


@dataclass(frozen=True)
class ComponentMemo:
    id: str
    name: str
    status: str
    polls_in_status: int = 1
    announced_status: str | None = None  # the bad status we told subscribers about, if any
    since: str | None = None
    covered: bool = False  # an announced incident told this story instead


@dataclass(frozen=True)
class MaintenanceMemo:
    id: str
    name: str
    status: str
    scheduled_for: str | None
    scheduled_until: str | None
    shortlink: str
    component_ids: tuple[str, ...]


@dataclass(frozen=True)
class PageMemory:
    taken_at: str
    components: Mapping[str, ComponentMemo] = field(default_factory=dict)
    incidents: Mapping[str, IncidentMemo] = field(default_factory=dict)
    maintenances: Mapping[str, MaintenanceMemo] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PageMemory:
        def tupled(values: Mapping[str, Any]) -> dict[str, Any]:
            return {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}

        return cls(
            taken_at=data["taken_at"],
            components={k: ComponentMemo(**tupled(v)) for k, v in data.get("components", {}).items()},
            incidents={k: IncidentMemo(**tupled(v)) for k, v in data.get("incidents", {}).items()},
            maintenances={k: MaintenanceMemo(**tupled(v)) for k, v in data.get("maintenances", {}).items()},
        )


@dataclass(frozen=True)
class Poll:
    """What each change rule is given: what we knew (`prev`, None on the very first poll), the new
    summary, the page's own records (incidents.json, scheduled-maintenances.json: what confirms a
    disappearance), the time, and how many polls to hold a flap."""

    prev: PageMemory | None
    summary: Summary
    records: PageRecords
    now: datetime
    hold_polls: int

    @property
    def recent(self) -> Sequence[Incident]:
        """The recent incidents the page's records list, any status."""
        return self.records.incidents

    @cached_property
    def components(self) -> Mapping[str, Component]:
        """Every component on the page now, by id."""
        return {c.id: c for c in self.summary.components}
