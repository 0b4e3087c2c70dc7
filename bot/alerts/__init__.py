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
from bot.alerts.routing import SEVERITIES, route, wants
from bot.alerts.subscribing import SUBSCRIBE_USAGE, daily_probe_cost, describe_filters, parse_subscribe

__all__ = [
    "CLOSING",
    "OPENING",
    "SEVERITIES",
    "SUBSCRIBE_USAGE",
    "Balance",
    "Event",
    "EventKind",
    "Family",
    "PageMemory",
    "Severity",
    "Source",
    "Streak",
    "daily_probe_cost",
    "describe_filters",
    "detect",
    "parse_subscribe",
    "route",
    "wants",
    "watch_balance",
    "watch_probes",
]
