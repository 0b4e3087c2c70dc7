"""Reading one period's digest from the store.

`read_digest(store, period, params=...)` runs a handful of aggregate queries (result counts per surface,
state and cause; latency percentiles ranked inside SQLite for this week and the one before; the incident
log; the period's balance samples; the topic counters) and hands them to the pure `compose`. With 35 days
of one-minute probes of every surface that is about 350,000 stored results, none of which is fetched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from bot.config import Settings
from bot.digest.asks import ask_days
from bot.digest.compose import DigestInputs, compose
from bot.digest.model import Digest
from bot.digest.period import Period, last_due, next_due, period_ending
from bot.playbooks.library import read_playbook
from bot.probes import Clip
from bot.store import Store
from bot.surfaces import SURFACE_IDS, enabled
from bot.topics import Topic

__all__ = ["DigestParams", "playbook_titles", "read_digest"]


@dataclass(frozen=True)
class DigestParams:
    """What the digest needs besides the store: which surfaces are probed, the clip's length and whether
    the periodic Voice Agent probe runs a turn (for the cost), when the digest is due."""

    surfaces: tuple[str, ...] = ()
    clip_seconds: float = 0.0
    agent_turn: bool = False
    day: str = "mon"
    hour: int = 9
    tz: str = "UTC"

    @classmethod
    def from_settings(cls, settings: Settings, *, clip_seconds: float | None = None) -> DigestParams:
        """From the bot's settings; the clip's length is read from the probe clip unless given."""
        if clip_seconds is None:
            clip_seconds = Clip.load().seconds
        return cls(
            surfaces=settings.probe_surfaces,
            clip_seconds=clip_seconds,
            agent_turn=settings.monitor_agent_turn,
            day=settings.digest_day,
            hour=settings.digest_hour,
            tz=settings.digest_tz,
        )

    def last_due(self, now: datetime) -> Period:
        """The period of the latest digest due at or before `now`."""
        return last_due(now, day=self.day, hour=self.hour, tz=self.tz)

    def next_due(self, now: datetime) -> Period:
        """The period of the first digest due after `now` (its `end` is when)."""
        return next_due(now, day=self.day, hour=self.hour, tz=self.tz)

    def ending(self, day: date) -> Period:
        """The period ending on the local date `day` at the digest's hour (any weekday)."""
        return period_ending(day, hour=self.hour, tz=self.tz)


def read_digest(
    store: Store, period: Period, *, params: DigestParams, titles: Mapping[str, str] | None = None
) -> Digest:
    """The digest of `period` from what the store holds. Raises `StoreError` when the database fails."""
    stats = store.stats
    start, end = period.start.timestamp(), period.end.timestamp()
    before = period.previous()
    asks = store.asks.counts(*ask_days(period))
    inputs = DigestInputs(
        period=period,
        outcomes=stats.outcomes(SURFACE_IDS, start, end),
        latency=stats.latency_percentiles(SURFACE_IDS, start, end),
        previous_latency=stats.latency_percentiles(SURFACE_IDS, before.start.timestamp(), before.end.timestamp()),
        incidents=stats.incidents(),
        balances=store.balances.between(start, end),
        asks=asks,
        titles=titles if titles is not None else playbook_titles(asks),
        surfaces=enabled(params.surfaces),
        clip_seconds=params.clip_seconds,
        agent_turn=params.agent_turn,
    )
    return compose(inputs)


def playbook_titles(topics: Iterable[str]) -> dict[str, str]:
    """The titles of these playbook topics (ids no playbook has any more are left out). Reads only those
    playbooks: the whole library, with its search index, takes a good part of a second to load."""
    known = {t.value: t for t in Topic}
    return {t: read_playbook(known[t]).title for t in topics if t in known}
