"""Counting what the team asks the bot about, for the digest's "most asked topics".

The playbook answers (`/deepgram why`, a DM) call `record_ask` with the topic they answered: only the
topic id and the UTC day are kept, never who asked or what they wrote. A database that cannot be
written costs the count, never the answer.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.digest.period import Period
from bot.errors import StoreError
from bot.store import Store

__all__ = ["ask_day", "ask_days", "record_ask"]

log = logging.getLogger(__name__)


def ask_day(moment: datetime) -> str:
    """The counter an ask at `moment` goes to: its UTC date, `YYYY-MM-DD`."""
    return moment.astimezone(UTC).date().isoformat()


def ask_days(period: Period) -> tuple[str, str]:
    """The counters that belong to `period`: from the UTC day it starts on (included) to the UTC day it ends
    on (excluded). Seven whole days: the closest daily counters come to a period that starts at an hour."""
    return ask_day(period.start), ask_day(period.end)


def record_ask(store: Store, topic: str, *, now: datetime) -> None:
    """Count one ask of `topic` at `now`. Never raises: a failed write is logged by the store, and here."""
    try:
        store.asks.record(topic, day=ask_day(now))
    except StoreError:
        log.info("topic ask not counted", extra={"topic": topic})
