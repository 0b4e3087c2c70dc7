"""Alert subscriptions: which channels get the monitor's alerts, filtered how, mentioning whom, with
which digest."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.store.connection import Repository, guarded


@dataclass(frozen=True)
class Subscription:
    channel_id: str
    team_id: str
    filters: tuple[str, ...]
    min_severity: str
    created_by: str
    created_at: float
    active: bool = True
    deactivated_reason: str | None = None
    #: Whom alert roots mention: a Slack user ID (`U…`/`W…`) or user group ID (`S…`); None: nobody.
    mention: str | None = None
    #: How the mention is shown in lists and confirmations (`@oncall`): plain words, never markup.
    mention_label: str | None = None
    #: Roots of alerts at or above this severity mention; None: every alert the channel gets.
    mention_min: str | None = None
    #: `"weekly"` for the weekly digest, None for none.
    digest: str | None = None


class Subscriptions(Repository):
    """`store.subscriptions`: one subscription per channel. Ending one also drops what was queued for it."""

    @guarded(write=True)
    def subscribe(
        self,
        channel_id: str,
        *,
        team_id: str,
        filters: Sequence[str],
        min_severity: str,
        created_by: str,
        now: float,
        mention: str | None = None,
        mention_label: str | None = None,
        mention_min: str | None = None,
        digest: str | None = None,
    ) -> Subscription:
        """Create or replace the channel's subscription (re-subscribing reactivates it).

        Every option is written as given: keeping a channel's mention or digest across a new
        `/deepgram subscribe` is the caller's decision (it reads `get` first)."""
        self.db.table("subscriptions").upsert(
            {
                "channel_id": channel_id,
                "team_id": team_id,
                "filters": json.dumps(list(filters)),
                "min_severity": min_severity,
                "created_by": created_by,
                "created_at": now,
                "active": 1,
                "deactivated_reason": None,
                "deactivated_at": None,
                "mention": mention,
                "mention_label": mention_label if mention else None,
                "mention_min": mention_min if mention else None,
                "digest": digest,
            },
            pk="channel_id",
        )
        sub = self.get(channel_id)
        assert sub is not None
        return sub

    @guarded(write=True)
    def unsubscribe(self, channel_id: str) -> bool:
        with self.db.atomic():
            cursor = self.db.execute("DELETE FROM subscriptions WHERE channel_id = ?", [channel_id])
            self.db.execute(
                "UPDATE outbox SET status = 'dropped', error = 'unsubscribed' "
                "WHERE channel_id = ? AND status IN ('pending', 'inflight')",
                [channel_id],
            )
        return cursor.rowcount > 0

    @guarded(write=True)
    def deactivate(self, channel_id: str, reason: str, *, now: float) -> None:
        """The bot can no longer post there: stop, and drop what was queued for it."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE subscriptions SET active = 0, deactivated_reason = ?, deactivated_at = ? WHERE channel_id = ?",
                [reason, now, channel_id],
            )
            self.db.execute(
                "UPDATE outbox SET status = 'dropped', error = ? "
                "WHERE channel_id = ? AND status IN ('pending', 'inflight')",
                [reason, channel_id],
            )

    @guarded(write=False)
    def get(self, channel_id: str) -> Subscription | None:
        """The channel's subscription, active or not."""
        row = next(self.db.table("subscriptions").rows_where("channel_id = ?", [channel_id], limit=1), None)
        return _subscription(row) if row else None

    @guarded(write=False)
    def active(self) -> list[Subscription]:
        """The active subscriptions, oldest first (where alerts go)."""
        return self._rows("active = 1")

    @guarded(write=False)
    def digest_channels(self) -> list[Subscription]:
        """The active subscriptions that asked for the weekly digest, oldest first."""
        return self._rows("active = 1 AND digest = 'weekly'")

    @guarded(write=False)
    def all(self) -> list[Subscription]:
        """Every subscription, deactivated ones included, oldest first."""
        return self._rows(None)

    def _rows(self, where: str | None) -> list[Subscription]:
        return [_subscription(r) for r in self.db.table("subscriptions").rows_where(where, order_by="created_at")]


def _subscription(row: Mapping[str, Any]) -> Subscription:
    return Subscription(
        channel_id=row["channel_id"],
        team_id=row["team_id"],
        filters=tuple(json.loads(row["filters"] or "[]")),
        min_severity=row["min_severity"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        active=bool(row["active"]),
        deactivated_reason=row["deactivated_reason"],
        # Rows written before migration m0006 have no such columns in a dict built by hand.
        mention=row.get("mention") or None,
        mention_label=row.get("mention_label") or None,
        mention_min=row.get("mention_min") or None,
        digest=row.get("digest") or None,
    )
