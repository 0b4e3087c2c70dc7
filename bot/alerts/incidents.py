"""The incident rules of change detection: incidents open on the page, incidents that left it, and
incidents we only ever saw resolved. Each rule takes the poll and returns its memos and events. Pure.

An incident that leaves `summary.json` is resolved only when the page's records (incidents.json, or
the incident's own JSON) show it `resolved` / `postmortem`. Still open there, it is followed as open;
gone from both, it was removed from the page, which is not a resolution; and while the records cannot
be read it waits, unannounced, for the next poll (`incidents_to_confirm` names what the records must
be asked about).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.alerts.events import Event, EventKind, Severity, component_names, iso
from bot.alerts.memory import IncidentMemo, PageMemory, Poll
from bot.statuspage.model import CLOSED_INCIDENT, UNRESOLVED_INCIDENT, Component, Incident, Summary
from bot.surfaces import third_party
from bot.units import parse_time

__all__ = [
    "incident_severity",
    "incidents_seen_resolved",
    "incidents_to_confirm",
    "open_incidents",
    "vanished_incidents",
]

_RESOLVED_LOOKBACK = timedelta(minutes=30)
_FORGET_RESOLVED_AFTER = timedelta(days=7)

IncidentChanges = tuple[dict[str, IncidentMemo], list[Event]]


def incident_severity(impact: str, component_ids: Sequence[str], components: Mapping[str, Component]) -> Severity:
    """Major for a major or critical impact, unless every component it names is a third party's (a
    provider behind a surface is never a major Deepgram outage); impact `none` is information: minor."""
    if impact not in ("major", "critical"):
        return "minor"
    named = [components[c] for c in component_ids if c in components]
    return "minor" if named and all(third_party(c.id, c.name) for c in named) else "major"


def incidents_to_confirm(prev: PageMemory | None, summary: Summary) -> list[str]:
    """The incidents we knew open that `summary.json` no longer lists open: the page's records must say
    what became of them before anything is told."""
    listed = {i.id for i in summary.incidents if i.status in UNRESOLVED_INCIDENT or not i.status}
    known = prev.incidents.values() if prev else ()
    return [m.id for m in known if not m.resolved_at and m.id not in listed]


# -- incidents still open on the page -------------------------------------------------------------


def open_incidents(poll: Poll) -> IncidentChanges:
    """New incidents are announced (a minor one only once it outlasts `hold_polls`); known ones are
    followed up whenever their latest update, impact or status changes."""
    known = poll.prev.incidents if poll.prev else {}
    memos: dict[str, IncidentMemo] = {}
    events: list[Event] = []
    for inc in (*poll.summary.incidents, *_open_in_records(poll)):
        if inc.status not in UNRESOLVED_INCIDENT and inc.status:
            continue
        # An id listed twice is followed once; its second listing counts as first seen (as it always has).
        memo, event = _follow(poll, inc, None if inc.id in memos else known.get(inc.id))
        memos[inc.id] = memo
        events += [event] if event else []
    return memos, events


def _open_in_records(poll: Poll) -> list[Incident]:
    """Known open incidents the summary left out but the page's records still show open: not over."""
    records = (poll.records.incident(i) for i in incidents_to_confirm(poll.prev, poll.summary))
    return [r for r in records if r is not None and r.status in UNRESOLVED_INCIDENT]


def _follow(poll: Poll, inc: Incident, memo: IncidentMemo | None) -> tuple[IncidentMemo, Event | None]:
    if memo is None or memo.resolved_at:
        return _first_seen(poll, inc)
    polls = memo.polls_seen + 1
    if not memo.announced:
        announce = (
            polls > poll.hold_polls or incident_severity(inc.impact, inc.component_ids, poll.components) == "major"
        )
        held = replace(_refreshed(memo, inc, polls), announced=announce)
        return held, _opened(inc, poll.components) if announce else None
    return _refreshed(memo, inc, polls), _updated(inc, memo, poll.components)


def _first_seen(poll: Poll, inc: Incident) -> tuple[IncidentMemo, Event | None]:
    """A minor incident is held to absorb flaps, except on the first poll (there is no "before")."""
    severity = incident_severity(inc.impact, inc.component_ids, poll.components)
    hold = poll.hold_polls > 0 and poll.prev is not None and severity == "minor"
    latest = inc.latest_update
    memo = IncidentMemo(
        inc.id,
        inc.name,
        inc.impact,
        inc.status,
        inc.shortlink,
        iso(inc.began_at),
        inc.component_ids,
        latest.id if latest else None,
        announced=not hold,
    )
    return memo, None if hold else _opened(inc, poll.components)


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


def _updated(inc: Incident, memo: IncidentMemo, components: Mapping[str, Component]) -> Event | None:
    latest = inc.latest_update
    update_id = latest.id if latest else None
    if update_id == memo.last_update_id and inc.impact == memo.impact and inc.status == memo.status:
        return None
    key = f"incident:{inc.id}:update:{update_id or inc.status}:{inc.impact}"
    body = latest.body if latest else None
    return _incident_event("incident_updated", inc, key, components, status=inc.status, body=body)


# -- incidents that left the page: resolved, removed, or not known yet -----------------------------


def vanished_incidents(poll: Poll, still_open: Collection[str]) -> IncidentChanges:
    """An incident no longer open on the page was resolved if its record says so (at its `resolved_at`,
    quirk 7), removed if no record has it any more, and is kept, untold, while the records cannot be
    read. Closed incidents are remembered for a week, then forgotten."""
    known = poll.prev.incidents if poll.prev else {}
    memos: dict[str, IncidentMemo] = {}
    events: list[Event] = []
    for incident_id, memo in known.items():
        if incident_id in still_open:
            continue
        if memo.resolved_at:
            if (resolved := parse_time(memo.resolved_at)) and poll.now - resolved < _FORGET_RESOLVED_AFTER:
                memos[memo.id] = memo
            continue
        record = poll.records.incident(incident_id)
        event: Event | None
        if record is not None and record.status in CLOSED_INCIDENT:
            memos[memo.id], event = _resolved(memo, record, poll)
        elif poll.records.incident_gone(incident_id):
            memos[memo.id], event = _removed(memo, poll)
        else:
            memos[memo.id], event = memo, None  # not confirmed either way: ask again next poll
        events += [event] if event else []
    return memos, events


def _removed(memo: IncidentMemo, poll: Poll) -> tuple[IncidentMemo, Event | None]:
    """Gone from the page and from its records: removed, not resolved. One never announced stays untold."""
    closed = replace(memo, status="removed", resolved_at=poll.now.isoformat())
    if not memo.announced:
        return closed, None
    key = f"incident:{memo.id}:removed"
    return closed, _incident_event(
        "incident_removed", closed, key, poll.components, status="removed", ended_at=closed.resolved_at
    )


def _resolved(memo: IncidentMemo, final: Incident, poll: Poll) -> tuple[IncidentMemo, Event]:
    """The confirmed resolution of an incident we knew open; one never announced (held) is told "on sight"."""
    resolved_at = iso(final.resolved_at) if final.resolved_at else poll.now.isoformat()
    body = final.latest_update.body if final.latest_update else None
    name = final.name
    kind: EventKind = "incident_resolved" if memo.announced else "incident_resolved_on_sight"
    closed = replace(memo, name=name, status="resolved", resolved_at=resolved_at)
    event = _incident_event(
        kind,
        closed,
        f"incident:{memo.id}:resolved",
        poll.components,
        status="resolved",
        body=body,
        ended_at=resolved_at,
    )
    return closed, event


# -- incidents we never saw open: opened and resolved between two polls -----------------------------


def incidents_seen_resolved(poll: Poll, known: Collection[str]) -> IncidentChanges:
    """An incident that opened and resolved between two polls is told once, as resolved with its
    duration (quirk 6); history that ended before the previous poll (less a lookback) is not news.
    Nothing is news on the first poll."""
    memos: dict[str, IncidentMemo] = {}
    events: list[Event] = []
    if poll.prev is None:
        return memos, events
    since = (parse_time(poll.prev.taken_at) or poll.now) - _RESOLVED_LOOKBACK
    for inc in poll.recent:
        if inc.id in known or inc.id in memos or not _resolved_since(inc, since):
            continue
        memo, event = _seen_resolved(inc, poll.components)
        memos[inc.id] = memo
        events.append(event)
    return memos, events


def _resolved_since(inc: Incident, since: datetime) -> bool:
    return inc.status in ("resolved", "postmortem") and inc.resolved_at is not None and inc.resolved_at >= since


def _seen_resolved(inc: Incident, components: Mapping[str, Component]) -> tuple[IncidentMemo, Event]:
    resolved_at = iso(inc.resolved_at)
    latest = inc.latest_update
    event = _incident_event(
        "incident_resolved_on_sight",
        inc,
        f"incident:{inc.id}:resolved",
        components,
        status="resolved",
        body=latest.body if latest else None,
        ended_at=resolved_at,
    )
    memo = IncidentMemo(
        inc.id,
        inc.name,
        inc.impact,
        "resolved",
        inc.shortlink,
        iso(inc.began_at),
        inc.component_ids,
        latest.id if latest else None,
        announced=True,
        resolved_at=resolved_at,
    )
    return memo, event


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
    started = iso(inc.began_at) if isinstance(inc, Incident) else inc.started_at
    return Event(
        kind=kind,
        family="incident",
        thread=f"incident:{inc.id}",
        key=key,
        severity=incident_severity(inc.impact, inc.component_ids, components),
        title=inc.name,
        status=status,
        component_names=component_names(inc.component_ids, components),
        body=body,
        link=inc.shortlink or None,
        started_at=started,
        ended_at=ended_at,
        impact=inc.impact,
    )
