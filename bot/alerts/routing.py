"""Which subscriptions an event goes to (surface / component filters, minimum severity), and which of
those deliveries mention the channel's on-call person or group. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.alerts.events import CLOSING, Event
from bot.store import Subscription
from bot.surfaces import SURFACE_IDS, component_key, surface

__all__ = ["SEVERITIES", "Delivery", "Story", "at_least", "deliveries", "route", "stories", "wants"]

SEVERITIES = ("minor", "major")


def _component_matches(filter_: str, names: Iterable[str]) -> bool:
    """Does a filter (a surface id, or a component name) name one of these status-page components?

    By exact name, case-insensitive and without any `Group - ` prefix, never by substring: a surface
    stands for the component names the table lists for it.
    """
    wanted = (
        {component_key(n) for n in surface(filter_).component_names}
        if filter_ in SURFACE_IDS
        else {component_key(filter_)}
    )
    return any(component_key(name) in wanted for name in names)


def wants(sub: Subscription, event: Event) -> bool:
    """Does this subscription want this event?"""
    if not sub.active:
        return False
    if sub.min_severity == "major" and event.severity != "major":
        return False
    if not sub.filters or event.source == "balance":
        return True
    if event.surfaces:
        return any(f in event.surfaces for f in sub.filters)
    if not event.component_names:
        return True  # the status page did not say what is affected: better told than not
    return any(_component_matches(f, event.component_names) for f in sub.filters)


def route(events: Sequence[Event], subscriptions: Sequence[Subscription]) -> list[tuple[Event, str]]:
    """Every (event, channel) delivery to queue."""
    return [(event, sub.channel_id) for event in events for sub in subscriptions if wants(sub, event)]


def at_least(severity: str, minimum: str | None) -> bool:
    """Is `severity` at or above `minimum` (None: any severity is)?"""
    if minimum not in SEVERITIES:
        return True
    return SEVERITIES.index(severity) >= SEVERITIES.index(minimum) if severity in SEVERITIES else False


# -- mentions ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """One event queued for one channel. `mention` is the Slack ID (`U…`, `W…` or `S…`) its message
    mentions, or None; it travels in the outbox row's event JSON under `"mention"`."""

    event: Event
    channel_id: str
    mention: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = self.event.to_json()
        if self.mention:
            data["mention"] = self.mention
        return data


@dataclass(frozen=True)
class Story:
    """What one channel was already sent of one story (one `thread`): its root went out (or is
    queued), mentioning someone or not, and whether the resolution mentioned them too."""

    mentioned: bool = False
    resolution_mentioned: bool = False


def stories(rows: Iterable[tuple[str, str, str, bool]]) -> dict[tuple[str, str], Story]:
    """Fold the outbox rows already queued or sent, oldest first, as `(thread, channel, kind, mentioned)`,
    into what each `(thread, channel)` was told. The first row of a story in a channel is its root."""
    found: dict[tuple[str, str], Story] = {}
    for thread, channel, kind, mentioned in rows:
        key = (thread, channel)
        story = found.get(key)
        if story is None:
            found[key] = Story(mentioned, mentioned and kind in CLOSING)
        elif mentioned:  # an escalation, or the resolution
            found[key] = Story(True, story.resolution_mentioned or kind in CLOSING)
    return found


def deliveries(
    events: Sequence[Event],
    subscriptions: Sequence[Subscription],
    told: Mapping[tuple[str, str], Story] | None = None,
) -> list[Delivery]:
    """Every delivery to queue (as `route`), each with the mention its message carries.

    A channel's mention goes on the root of a story (the first message of the story in that channel)
    when the event is at or above the subscription's `mention_min`, and once more on the resolution
    of a story that mentioned. Updates in the thread do not mention again: the people were told. A
    story that reaches `mention_min` only later (a minor incident turned major) mentions on the update
    that says so, once: the people were not told before.
    `told` is what the outbox already holds (`stories`); events of one batch count in order.
    """
    seen = dict(told or {})
    out: list[Delivery] = []
    for event in events:
        for sub in subscriptions:
            if not wants(sub, event):
                continue
            key = (event.thread, sub.channel_id)
            mention, seen[key] = _mention(sub, event, seen.get(key))
            out.append(Delivery(event, sub.channel_id, mention))
    return out


def _mention(sub: Subscription, event: Event, story: Story | None) -> tuple[str | None, Story]:
    """The mention this delivery carries, and the story as the channel will then know it."""
    reaches = bool(sub.mention) and at_least(event.severity, sub.mention_min)
    if story is None:  # the channel has nothing of this story yet: this event opens its thread there
        return (sub.mention if reaches else None), Story(reaches, reaches and event.kind in CLOSING)
    if reaches and not story.mentioned and event.kind not in CLOSING:  # escalated after the root
        return sub.mention, Story(True, False)
    if sub.mention and story.mentioned and not story.resolution_mentioned and event.kind in CLOSING:
        return sub.mention, Story(True, True)
    return None, story
