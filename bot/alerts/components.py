"""The component rule of change detection: diff each component's *status* between polls (never an
incident's `affected_components`, often null or stale). Pure.

A component merely degraded is held for `hold_polls` polls, so a blip says nothing at all; an outage
is told at once, each change of it in the same thread, and its recovery closes the thread. A component
inside an announced incident is not told separately: the incident's thread tells that story.

`under_maintenance` is information, never an outage (the maintenance rule tells it). A component the
table of surfaces marks as a third party (the Voice Agent's downstream providers) is told as what it
is, a provider behind a surface and not Deepgram's speech APIs, and never as a major outage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from bot.alerts.events import Event, EventKind
from bot.alerts.memory import ComponentMemo, IncidentMemo, Poll
from bot.statuspage.model import Component
from bot.surfaces import surface, third_party

__all__ = ["component_changes"]

_BAD_COMPONENT = {"degraded_performance": "minor", "partial_outage": "major", "major_outage": "major"}


def component_changes(
    poll: Poll, incidents: Mapping[str, IncidentMemo]
) -> tuple[dict[str, ComponentMemo], list[Event]]:
    """Every leaf component's memo after this poll, and what to tell. `incidents` are the memos after
    this poll: the components of those announced and still open are covered by their thread."""
    covered = {
        cid for memo in incidents.values() if memo.announced and not memo.resolved_at for cid in memo.component_ids
    }
    before = poll.prev.components if poll.prev else {}
    memos: dict[str, ComponentMemo] = {}
    events: list[Event] = []
    for comp in poll.summary.leaf_components:
        memo, event = _follow(poll, comp, _observed(poll, comp, before.get(comp.id)), comp.id in covered)
        memos[comp.id] = memo
        events += [event] if event else []
    return memos, events


def _observed(poll: Poll, comp: Component, memo: ComponentMemo | None) -> ComponentMemo:
    """The memo with the status seen now (anything not bad counts as operational) and how long it has held.

    A component seen for the first time is taken as long operational, so a bad status is not held.
    """
    status = comp.status if comp.status in _BAD_COMPONENT else "operational"
    if memo is None:
        memo = ComponentMemo(comp.id, comp.name, "operational", polls_in_status=poll.hold_polls + 1)
    polls = memo.polls_in_status + 1 if status == memo.status else 1
    return replace(memo, name=comp.name, status=status, polls_in_status=polls)


def _follow(poll: Poll, comp: Component, memo: ComponentMemo, covered: bool) -> tuple[ComponentMemo, Event | None]:
    status, announced = memo.status, memo.announced_status
    if status == (announced or "operational"):
        return memo, None  # nothing new to tell
    minor_blip = status == "degraded_performance" and announced is None
    if minor_blip and memo.polls_in_status <= poll.hold_polls and poll.prev is not None:
        return memo, None  # wait: a flap should not page anyone
    if status == "operational":
        return _recovered(poll.now, comp, memo)
    if covered or memo.covered:
        return replace(memo, announced_status=status, covered=True, since=memo.since or poll.now.isoformat()), None
    return _worse_or_changed(poll.now, comp, memo)


def _recovered(now: datetime, comp: Component, memo: ComponentMemo) -> tuple[ComponentMemo, Event | None]:
    """Back to operational: the thread is closed, unless an incident's thread told the story."""
    event = None
    if not memo.covered:
        thread = _thread(comp, memo.since or now.isoformat())
        told = memo.announced_status or memo.status
        event = _component_event("component_recovered", comp, thread, told, now, memo.since, ended=True)
    return replace(memo, announced_status=None, since=None, covered=False), event


def _worse_or_changed(now: datetime, comp: Component, memo: ComponentMemo) -> tuple[ComponentMemo, Event]:
    """A bad status to tell: a new thread when it was fine before, else a follow-up in the open one."""
    if memo.announced_status is None:
        started = now.isoformat()
        event = _component_event("component_degraded", comp, _thread(comp, started), memo.status, now, started)
        return replace(memo, announced_status=memo.status, since=started), event
    thread = _thread(comp, memo.since or now.isoformat())
    event = _component_event("component_changed", comp, thread, memo.status, now, memo.since)
    return replace(memo, announced_status=memo.status), event


def _thread(comp: Component, since: str) -> str:
    return f"component:{comp.id}:{since}"


def _component_event(
    kind: EventKind, comp: Component, thread: str, status: str, now: datetime, since: str | None, *, ended: bool = False
) -> Event:
    party = third_party(comp.id, comp.name)
    body = None
    if party is not None and not ended:
        body = (
            f"This component reports on {party.label} (an outside service), not on Deepgram's own speech APIs: "
            f"{surface(party.behind).label} sessions that rely on it may fail or be slow, while Deepgram's "
            "transcription and text-to-speech APIs are not affected."
        )
    return Event(
        kind=kind,
        family="component",
        thread=thread,
        key=f"{thread}:{kind}:{status}",
        severity="major" if _BAD_COMPONENT.get(status) == "major" and party is None else "minor",
        title=comp.name,
        status=status,
        component_names=(comp.name,),
        body=body,
        started_at=since,
        ended_at=now.isoformat() if ended else None,
    )
