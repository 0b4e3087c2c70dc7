"""Outage alerts: status-page change detection, the bot's own probe and balance streaks, and routing
to the subscribed channels. Pure: events are domain objects; `bot.slack.views.alerts` words them.

The monitor's jobs (`bot.alerts.jobs.Monitor`) poll, probe, detect and queue alerts in the outbox;
the composition root imports them from their module. Delivering the outbox is Slack's business:
`bot.slack.courier.Courier`.
"""

from bot.alerts.changes import detect
from bot.alerts.events import CLOSING, OPENING, Event, EventKind, Family, Severity, Source
from bot.alerts.memory import PageMemory
from bot.alerts.own import Balance, Streak, watch_balance, watch_probes
from bot.alerts.routing import SEVERITIES, Delivery, Story, deliveries, route, stories, wants
from bot.alerts.subscribing import (
    SUBSCRIBE_USAGE,
    SubscribeRequest,
    daily_probe_cost,
    describe_digest,
    describe_filters,
    describe_mention,
    parse_subscribe,
    parse_subscribe_request,
)

__all__ = [
    "CLOSING",
    "OPENING",
    "SEVERITIES",
    "SUBSCRIBE_USAGE",
    "Balance",
    "Delivery",
    "Event",
    "EventKind",
    "Family",
    "PageMemory",
    "Severity",
    "Source",
    "Story",
    "Streak",
    "SubscribeRequest",
    "daily_probe_cost",
    "deliveries",
    "describe_digest",
    "describe_filters",
    "describe_mention",
    "detect",
    "parse_subscribe",
    "parse_subscribe_request",
    "route",
    "stories",
    "wants",
    "watch_balance",
    "watch_probes",
]
