"""The maintenance rule of change detection: scheduled → started → completed, in one thread. Pure.

A window that leaves `summary.json` is completed only when `scheduled-maintenances.json` says so (and,
for one last seen `scheduled`, shows it ran: a window closed without ever starting was called off). One
the records still show open is followed as listed. Gone from the records too, a window last seen
`scheduled` was cancelled or removed, one last seen under way was removed from the page; while the
records cannot be read it waits, untold, for the next poll (`maintenances_to_confirm`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.alerts.events import Event, EventKind, component_names, iso
from bot.alerts.memory import MaintenanceMemo, PageMemory, Poll
from bot.statuspage.model import ACTIVE_MAINTENANCE, Component, Incident, Summary

__all__ = ["maintenance_changes", "maintenances_to_confirm"]


def maintenances_to_confirm(prev: PageMemory | None, summary: Summary) -> list[str]:
    """The windows we knew open that `summary.json` no longer lists: the records must say what became of them."""
    listed = {m.id for m in summary.maintenances}
    known = prev.maintenances.values() if prev else ()
    return [m.id for m in known if m.status != "completed" and m.id not in listed]


def maintenance_changes(poll: Poll) -> tuple[dict[str, MaintenanceMemo], list[Event]]:
    """The memo of every window still to come or under way, and what to tell. Closed windows are
    not remembered."""
    before = poll.prev.maintenances if poll.prev else {}
    gone = maintenances_to_confirm(poll.prev, poll.summary)
    still_listed = [r for m in gone if (r := poll.records.maintenance(m)) and r.status != "completed"]
    listed: set[str] = set()
    memos: dict[str, MaintenanceMemo] = {}
    events: list[Event] = []
    for window in (*poll.summary.maintenances, *still_listed):
        memo = _memo(window)
        # An id listed twice: its second listing counts as first seen (as it always has).
        kind = _change(None if window.id in listed else before.get(window.id), window)
        listed.add(window.id)
        if kind:
            events.append(_maintenance_event(kind, _closed(memo, kind), poll.components))
        if window.status != "completed":
            memos[window.id] = memo
    for window_id in gone:
        if window_id in listed:
            continue
        kind = _fate(before[window_id], poll)
        if kind is None:
            memos[window_id] = before[window_id]  # not confirmed either way: ask again next poll
        else:
            events.append(_maintenance_event(kind, _closed(before[window_id], kind), poll.components))
    return memos, events


def _memo(window: Incident) -> MaintenanceMemo:
    return MaintenanceMemo(
        window.id,
        window.name,
        window.status,
        iso(window.scheduled_for),
        iso(window.scheduled_until),
        window.shortlink,
        window.component_ids,
    )


def _ran(window: Incident) -> bool:
    """Did the window ever get under way? Its updates say (they keep every status it went through)."""
    return window.status in ACTIVE_MAINTENANCE or any(u.status in ACTIVE_MAINTENANCE for u in window.updates)


def _change(before: MaintenanceMemo | None, window: Incident) -> EventKind | None:
    """What happened to a listed window since the last poll, if anything worth telling."""
    if window.status == "completed":
        if before is None or before.status == "completed":
            return None
        return "maintenance_completed" if before.status != "scheduled" or _ran(window) else "maintenance_cancelled"
    if before is None:
        return "maintenance_scheduled" if window.status == "scheduled" else "maintenance_started"
    if before.status == "scheduled" and window.status in ACTIVE_MAINTENANCE:
        return "maintenance_started"
    return None


def _fate(gone: MaintenanceMemo, poll: Poll) -> EventKind | None:
    """What became of a window the summary and the records no longer list open; None while unknown."""
    record = poll.records.maintenance(gone.id)
    if record is not None:  # completed (an open one is followed as listed)
        return "maintenance_completed" if gone.status != "scheduled" or _ran(record) else "maintenance_cancelled"
    if not poll.records.maintenance_gone(gone.id):
        return None
    return "maintenance_cancelled" if gone.status == "scheduled" else "maintenance_removed"


_CLOSED_STATUS: Mapping[EventKind, str] = {
    "maintenance_completed": "completed",
    "maintenance_cancelled": "cancelled",
    "maintenance_removed": "removed",
}


def _closed(window: MaintenanceMemo, kind: EventKind) -> MaintenanceMemo:
    return replace(window, status=_CLOSED_STATUS[kind]) if kind in _CLOSED_STATUS else window


def _maintenance_event(kind: EventKind, window: MaintenanceMemo, components: Mapping[str, Component]) -> Event:
    return Event(
        kind=kind,
        family="maintenance",
        thread=f"maintenance:{window.id}",
        key=f"maintenance:{window.id}:{kind}",
        severity="minor",
        title=window.name,
        status=window.status,
        component_names=component_names(window.component_ids, components),
        link=window.shortlink or None,
        started_at=window.scheduled_for,
        ended_at=window.scheduled_until,
    )
