"""The maintenance rule of change detection: scheduled → started → completed, in one thread. Pure.

A window that leaves the page without being seen completed is told completed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.alerts.events import Event, EventKind, component_names, iso
from bot.alerts.memory import MaintenanceMemo, Poll
from bot.statuspage.page import Component, Incident

__all__ = ["maintenance_changes"]


def maintenance_changes(poll: Poll) -> tuple[dict[str, MaintenanceMemo], list[Event]]:
    """The memo of every window still to come or under way, and what to tell. Completed windows are
    not remembered."""
    before = poll.prev.maintenances if poll.prev else {}
    listed: set[str] = set()
    memos: dict[str, MaintenanceMemo] = {}
    events: list[Event] = []
    for window in poll.summary.maintenances:
        memo = _memo(window)
        # An id listed twice: its second listing counts as first seen (as it always has).
        kind = _change(None if window.id in listed else before.get(window.id), memo)
        listed.add(window.id)
        if kind:
            events.append(_maintenance_event(kind, memo, poll.components))
        if window.status != "completed":
            memos[window.id] = memo
    for window_id, gone in before.items():
        if window_id not in listed and gone.status != "completed":
            events.append(
                _maintenance_event("maintenance_completed", replace(gone, status="completed"), poll.components)
            )
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


def _change(before: MaintenanceMemo | None, now: MaintenanceMemo) -> EventKind | None:
    """What happened to a listed window since the last poll, if anything worth telling."""
    if now.status == "completed":
        return "maintenance_completed" if before is not None and before.status != "completed" else None
    if before is None:
        return "maintenance_scheduled" if now.status == "scheduled" else "maintenance_started"
    if before.status == "scheduled" and now.status in ("in_progress", "verifying"):
        return "maintenance_started"
    return None


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
