"""Which subscriptions an event goes to: surface / component filters and minimum severity. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.alerts.changes import Event
from bot.status.verdict import SURFACE_KEYWORDS
from bot.store.db import Subscription

# What users type for each probed surface; also accepted: any status-page component name.
SURFACE_ALIASES = {
    "rest": "rest",
    "batch": "rest",
    "prerecorded": "rest",
    "pre-recorded": "rest",
    "listen": "rest",
    "streaming": "streaming",
    "stream": "streaming",
    "live": "streaming",
    "ws": "streaming",
    "websocket": "streaming",
    "tts": "tts",
    "speak": "tts",
    "aura": "tts",
    "text-to-speech": "tts",
}
SEVERITIES = ("minor", "major")


def _component_matches(filter_: str, names: Iterable[str]) -> bool:
    keywords = SURFACE_KEYWORDS.get(filter_)  # type: ignore[call-overload]
    for name in names:
        lowered = name.lower()
        if keywords and any(k in lowered for k in keywords):
            return True
        if not keywords and filter_.lower() in lowered:
            return True
    return False


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
