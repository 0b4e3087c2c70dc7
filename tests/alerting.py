"""Alert helpers shared by the end-to-end tests and `bench/attack_alerts.py`: what reached a channel, and
subscriptions written straight into the bot's database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.store import Store
from simworld.slack import FakeSlack

METADATA_TYPE = "deepgram_doctor_alert"


def alerts(slack: FakeSlack, channel: str) -> list[Any]:
    """The bot's alert messages in a channel (roots and thread replies), oldest first."""
    return [m for m in slack.messages(channel) if (m.metadata or {}).get("event_type") == METADATA_TYPE]


def subscribe_directly(db: Path, slack: FakeSlack, channels: list[str]) -> None:
    """Subscribe `channels` to everything, as `/deepgram subscribe` would, without going through Slack."""
    store = Store.open(db)
    try:
        for channel in channels:
            store.subscriptions.subscribe(
                channel, team_id=slack.team_id, filters=[], min_severity="minor", created_by="U0", now=0
            )
    finally:
        store.close()
