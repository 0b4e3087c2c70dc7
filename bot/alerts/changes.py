"""Change detection: (what we knew, what the status page says now) → (what we know now, events).

Pure. The memory is persisted after every poll, so a restart neither re-announces nor misses a
change. Rules (statuspage.md §3, what-users-want.md A–C):

- Diff component *statuses* between polls, never `affected_components` (often null or unchanged).
- An incident that vanishes from `summary.json` was resolved; its `resolved_at` comes from
  `incidents.json` when available (quirk 7), else the time we noticed.
- An incident that opened and resolved between two polls is reported once, as resolved with its
  duration: never a "new" + "resolved" pair, never an orphan resolution (quirk 6).
- A brand-new minor incident, and a component merely degraded, is held for `hold_polls` polls to
  absorb flaps; if it is gone by then, only the one "resolved" message is sent (for an incident)
  or nothing at all (for a component blip).
- A component covered by an announced incident is not announced separately: the incident's
  thread already tells that story.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.statuspage.page import UNRESOLVED_INCIDENT, Component, Incident, Summary, parse_time

EventKind = Literal[
    "incident_opened",
    "incident_updated",
    "incident_resolved",
    "incident_resolved_on_sight",
    "component_degraded",
    "component_changed",
    "component_recovered",
    "maintenance_scheduled",
    "maintenance_started",
    "maintenance_completed",
    "probe_degraded",
    "probe_recovered",
    "balance_low",
    "balance_recovered",
]
Severity = Literal["minor", "major"]

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
# Events after which the thread is closed.
CLOSING: frozenset[EventKind] = frozenset(
    {
        "incident_resolved",
        "incident_resolved_on_sight",
        "component_recovered",
        "maintenance_completed",
        "probe_recovered",
        "balance_recovered",
    }
)

_BAD_COMPONENT = {"degraded_performance": "minor", "partial_outage": "major", "major_outage": "major"}
_RESOLVED_LOOKBACK = timedelta(minutes=30)
_FORGET_RESOLVED_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class Event:
    """One thing worth telling subscribers. `thread` groups the events of one story."""

    kind: EventKind
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
    source: Literal["statuspage", "probes", "balance"] = "statuspage"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Event:
        values = dict(data)
        for name in ("component_names", "surfaces"):
            values[name] = tuple(values.get(name) or ())
        return cls(**values)


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


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def incident_severity(impact: str) -> Severity:
    return "major" if impact in ("major", "critical") else "minor"


def _names(ids: Iterable[str], components: Mapping[str, Component]) -> tuple[str, ...]:
    return tuple(components[i].name for i in ids if i in components)


def _incident_event(
    kind: EventKind,
    inc: Incident | IncidentMemo,
    key: str,
    components: Mapping[str, Component],
    *,
    status: str,
    body: str | None = None,
    ended_at: str | None = None,
) -> Event:
    started = _iso(inc.began_at) if isinstance(inc, Incident) else inc.started_at
    return Event(
        kind=kind,
        thread=f"incident:{inc.id}",
        key=key,
        severity=incident_severity(inc.impact),
        title=inc.name,
        status=status,
        component_names=_names(inc.component_ids, components),
        body=body,
        link=inc.shortlink or None,
        started_at=started,
        ended_at=ended_at,
        impact=inc.impact,
    )


def _refreshed(memo: IncidentMemo, inc: Incident, polls: int) -> IncidentMemo:
    """The memo brought up to date with what the page shows now."""
    latest = inc.latest_update
    return replace(
        memo,
        name=inc.name,
        impact=inc.impact,
        status=inc.status,
        component_ids=inc.component_ids,
        last_update_id=latest.id if latest else None,
        polls_seen=polls,
    )


def _opened(inc: Incident, components: Mapping[str, Component]) -> Event:
    latest = inc.latest_update
    return _incident_event(
        "incident_opened",
        inc,
        f"incident:{inc.id}:opened",
        components,
        status=inc.status,
        body=latest.body if latest else None,
    )


def detect(
    prev: PageMemory | None,
    summary: Summary,
    recent: Sequence[Incident] = (),
    *,
    now: datetime,
    hold_polls: int = 1,
) -> tuple[PageMemory, list[Event]]:
    """Compare the new summary (plus recent incidents from incidents.json) with what we knew."""
    events: list[Event] = []
    components = {c.id: c for c in summary.components}
    recent_by_id = {i.id: i for i in recent}
    incidents: dict[str, IncidentMemo] = {}
    known = dict(prev.incidents) if prev else {}

    # -- incidents still open on the page ----------------------------------------------------------
    for inc in summary.incidents:
        if inc.status not in UNRESOLVED_INCIDENT and inc.status:
            continue
        latest = inc.latest_update
        memo = known.pop(inc.id, None)
        hold = hold_polls > 0 and prev is not None and incident_severity(inc.impact) == "minor"
        if memo is None or memo.resolved_at:
            seen = IncidentMemo(
                inc.id,
                inc.name,
                inc.impact,
                inc.status,
                inc.shortlink,
                _iso(inc.began_at),
                inc.component_ids,
                latest.id if latest else None,
                announced=not hold,
            )
            if not hold:
                events.append(_opened(inc, components))
            incidents[inc.id] = seen
            continue
        polls = memo.polls_seen + 1
        if not memo.announced:
            announce = polls > hold_polls or incident_severity(inc.impact) == "major"
            if announce:
                events.append(_opened(inc, components))
            incidents[inc.id] = replace(_refreshed(memo, inc, polls), announced=announce)
            continue
        update_id = latest.id if latest else None
        if update_id != memo.last_update_id or inc.impact != memo.impact or inc.status != memo.status:
            key = f"incident:{inc.id}:update:{update_id or inc.status}:{inc.impact}"
            events.append(
                _incident_event(
                    "incident_updated", inc, key, components, status=inc.status, body=latest.body if latest else None
                )
            )
        incidents[inc.id] = _refreshed(memo, inc, polls)

    # -- incidents that left the page: resolved --------------------------------------------------
    for memo in known.values():
        if memo.resolved_at:
            if (resolved := parse_time(memo.resolved_at)) and now - resolved < _FORGET_RESOLVED_AFTER:
                incidents[memo.id] = memo
            continue
        final = recent_by_id.get(memo.id)
        resolved_at = _iso(final.resolved_at) if final and final.resolved_at else now.isoformat()
        body = final.latest_update.body if final and final.latest_update else None
        name = final.name if final else memo.name
        kind: EventKind = "incident_resolved" if memo.announced else "incident_resolved_on_sight"
        closed = replace(memo, name=name, status="resolved", resolved_at=resolved_at)
        events.append(
            _incident_event(
                kind,
                closed,
                f"incident:{memo.id}:resolved",
                components,
                status="resolved",
                body=body,
                ended_at=resolved_at,
            )
        )
        incidents[memo.id] = closed

    # -- incidents we never saw open: opened and resolved between two polls ------------------------
    if prev is not None:
        lookback_start = (parse_time(prev.taken_at) or now) - _RESOLVED_LOOKBACK
        for inc in recent:
            if inc.id in incidents or inc.status not in ("resolved", "postmortem") or not inc.resolved_at:
                continue
            if inc.resolved_at < lookback_start:
                continue
            resolved_at = _iso(inc.resolved_at)
            latest = inc.latest_update
            events.append(
                _incident_event(
                    "incident_resolved_on_sight",
                    inc,
                    f"incident:{inc.id}:resolved",
                    components,
                    status="resolved",
                    body=latest.body if latest else None,
                    ended_at=resolved_at,
                )
            )
            incidents[inc.id] = IncidentMemo(
                inc.id,
                inc.name,
                inc.impact,
                "resolved",
                inc.shortlink,
                _iso(inc.began_at),
                inc.component_ids,
                latest.id if latest else None,
                announced=True,
                resolved_at=resolved_at,
            )

    # -- components ------------------------------------------------------------------------------
    covered_ids = {
        cid for memo in incidents.values() if memo.announced and not memo.resolved_at for cid in memo.component_ids
    }
    component_memos: dict[str, ComponentMemo] = {}
    old_components = prev.components if prev else {}
    for comp in summary.leaf_components:
        memo_c = old_components.get(comp.id)
        status = comp.status if comp.status in _BAD_COMPONENT else "operational"
        if memo_c is None:
            memo_c = ComponentMemo(comp.id, comp.name, "operational", polls_in_status=hold_polls + 1)
        polls = memo_c.polls_in_status + 1 if status == memo_c.status else 1
        memo_c = replace(memo_c, name=comp.name, status=status, polls_in_status=polls)
        announced = memo_c.announced_status
        if status == (announced or "operational"):
            component_memos[comp.id] = memo_c
            continue
        minor_blip = status == "degraded_performance" and announced is None
        if minor_blip and polls <= hold_polls and prev is not None:
            component_memos[comp.id] = memo_c  # wait: a flap should not page anyone
            continue
        thread = f"component:{comp.id}:{memo_c.since or now.isoformat()}"
        if status == "operational":
            if not memo_c.covered:
                events.append(
                    _component_event(
                        "component_recovered", comp, thread, announced or status, now, memo_c.since, ended=True
                    )
                )
            component_memos[comp.id] = replace(memo_c, announced_status=None, since=None, covered=False)
            continue
        if comp.id in covered_ids or memo_c.covered:
            component_memos[comp.id] = replace(
                memo_c, announced_status=status, covered=True, since=memo_c.since or now.isoformat()
            )
            continue
        if announced is None:
            started = now.isoformat()
            events.append(
                _component_event("component_degraded", comp, f"component:{comp.id}:{started}", status, now, started)
            )
            component_memos[comp.id] = replace(memo_c, announced_status=status, since=started)
        else:
            events.append(_component_event("component_changed", comp, thread, status, now, memo_c.since))
            component_memos[comp.id] = replace(memo_c, announced_status=status)

    # -- maintenance -------------------------------------------------------------------------------
    maintenances: dict[str, MaintenanceMemo] = {}
    old_windows = dict(prev.maintenances) if prev else {}
    for window in summary.maintenances:
        before = old_windows.pop(window.id, None)
        memo_m = MaintenanceMemo(
            window.id,
            window.name,
            window.status,
            _iso(window.scheduled_for),
            _iso(window.scheduled_until),
            window.shortlink,
            window.component_ids,
        )
        if window.status == "completed":
            if before is not None and before.status != "completed":
                events.append(_maintenance_event("maintenance_completed", memo_m, components))
            continue
        if before is None:
            opening: EventKind = "maintenance_scheduled" if window.status == "scheduled" else "maintenance_started"
            events.append(_maintenance_event(opening, memo_m, components))
        elif before.status == "scheduled" and window.status in ("in_progress", "verifying"):
            events.append(_maintenance_event("maintenance_started", memo_m, components))
        maintenances[window.id] = memo_m
    for gone in old_windows.values():
        if gone.status != "completed":
            events.append(_maintenance_event("maintenance_completed", replace(gone, status="completed"), components))

    return PageMemory(now.isoformat(), component_memos, incidents, maintenances), events


def _component_event(
    kind: EventKind, comp: Component, thread: str, status: str, now: datetime, since: str | None, *, ended: bool = False
) -> Event:
    return Event(
        kind=kind,
        thread=thread,
        key=f"{thread}:{kind}:{status}",
        severity="major" if _BAD_COMPONENT.get(status) == "major" else "minor",
        title=comp.name,
        status=status,
        component_names=(comp.name,),
        started_at=since,
        ended_at=now.isoformat() if ended else None,
    )


def _maintenance_event(kind: EventKind, window: MaintenanceMemo, components: Mapping[str, Component]) -> Event:
    return Event(
        kind=kind,
        thread=f"maintenance:{window.id}",
        key=f"maintenance:{window.id}:{kind}",
        severity="minor",
        title=window.name,
        status=window.status,
        component_names=_names(window.component_ids, components),
        link=window.shortlink or None,
        started_at=window.scheduled_for,
        ended_at=window.scheduled_until,
    )
