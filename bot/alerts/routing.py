"""Which subscriptions an event goes to: surface / component filters and minimum severity. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.alerts.events import Event
from bot.store import Subscription
from bot.surfaces import SURFACE_IDS, component_key, surface

__all__ = ["SEVERITIES", "route", "wants"]

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
