"""`/deepgram subscribe`, `unsubscribe` and `subscriptions` in Slack: the channel's announcement, the
replies, and the list of settings.

Component names come from the status page and a mention's label from Slack's directory, so both are
escaped wherever they appear; the label is shown as words and never becomes a live mention.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.alerts.subscribing import SUBSCRIBE_USAGE, describe_filters, describe_mention
from bot.slack.kit import Block, Reply, context, escape, mrkdwn, section, slack_date
from bot.slack.views.lease import lease_line
from bot.store import Subscription
from bot.store.leases import Lease

__all__ = [
    "AdminView",
    "Extras",
    "announcement",
    "not_subscribed",
    "subscribed",
    "subscriptions",
    "unsubscribed",
    "unsubscribed_note",
]

#: How many subscriptions the admin list shows before it only counts the rest.
_LISTED = 40
#: How many of Deepgram's active incidents the subscribe reply names.
_ACTIVE_SHOWN = 3


@dataclass(frozen=True)
class Extras:
    """Whom the channel's alerts mention and its digest: the options stored with a subscription."""

    mention: str | None = None
    mention_label: str | None = None
    mention_min: str | None = None
    digest: str | None = None

    @classmethod
    def of(cls, sub: Subscription) -> Extras:
        return cls(sub.mention, sub.mention_label, sub.mention_min, sub.digest)


@dataclass(frozen=True)
class AdminView:
    """What an admin sees besides their own channel: every subscription, and who delivers the alerts."""

    subscriptions: Sequence[Subscription]
    lease: Lease | None
    now: float


def _extra_words(extras: Extras, digest_words: str) -> list[str]:
    """The mention and the digest in words, as mrkdwn (the mention's label is inert text, never markup)."""
    words = []
    if extras.mention:
        words.append(mrkdwn(describe_mention(extras.mention_label or "someone", extras.mention_min)))
    if extras.digest:
        words.append(mrkdwn(digest_words))
    return words


def _sentence(words: str) -> str:
    """Words that follow the filters in a list, as a sentence of their own."""
    return f"{words[:1].upper()}{words[1:]}."


def _filters(filters: Sequence[str], min_severity: str) -> str:
    # Component names come from the status page.
    return escape(describe_filters(filters, min_severity))


def announcement(
    user_id: str, filters: Sequence[str], min_severity: str, extras: Extras, digest_words: str
) -> tuple[str, list[Block]]:
    """The message posted in the channel when it subscribes, so everyone there knows who turned alerts on
    and how to stop them. `digest_words` is the core's `describe_digest` for this workspace."""
    described = _filters(filters, min_severity)
    more = "".join(f" {_sentence(w)}" for w in _extra_words(extras, digest_words))
    text = f"<@{user_id}> subscribed this channel to Deepgram alerts: {described}.{more}"
    blocks = [
        section(
            f":satellite_antenna: <@{user_id}> subscribed this channel to Deepgram alerts "
            f"({described}). Each incident gets one message here, with its updates and resolution "
            f"in the thread.{more}"
        ),
        context("`/deepgram unsubscribe` to stop · `/deepgram subscriptions` to see the settings"),
    ]
    return text, blocks


def subscribed(
    filters: Sequence[str], min_severity: str, extras: Extras, digest_words: str, active: Sequence[str]
) -> Reply:
    """The reply to `/deepgram subscribe`: what was saved, and what Deepgram reports right now (`active`:
    the status page's incident names), since the new subscription only alerts on what changes next."""
    lines = [f":white_check_mark: Subscribed: {_filters(filters, min_severity)}."]
    lines += [_sentence(w) for w in _extra_words(extras, digest_words)]
    if active:
        named = ", ".join(f"*{escape(name)}*" for name in active[:_ACTIVE_SHOWN])
        lines.append(f"Right now Deepgram reports: {named}. Run `/deepgram status` for details.")
    return Reply(text=lines[0], blocks=[section("\n".join(lines))])


def not_subscribed() -> Reply:
    """The reply to `/deepgram unsubscribe` in a channel that had no subscription."""
    text = "This channel was not subscribed."
    return Reply(text=text, blocks=[section(text)])


def unsubscribed() -> Reply:
    """The reply to `/deepgram unsubscribe` once the subscription is gone."""
    text = "Unsubscribed: no more Deepgram alerts here."
    return Reply(text=text, blocks=[section(f":no_bell: {text}")])


def unsubscribed_note(user_id: str) -> str:
    """The courtesy note in the channel, so its members know who turned the alerts off."""
    return f"<@{user_id}> turned off Deepgram alerts in this channel."


def _describe(sub: Subscription, digest_words: str, *, with_channel: bool) -> str:
    """One subscription on one line: what it gets, its options, who set it up and when, and why it is paused."""
    where = f"<#{sub.channel_id}>: " if with_channel else ""
    created = slack_date(datetime.fromtimestamp(sub.created_at, UTC))
    state = "" if sub.active else f" · :no_entry: paused ({escape(sub.deactivated_reason or 'unknown')})"
    options = "".join(f" · {w}" for w in _extra_words(Extras.of(sub), digest_words))
    return f"{where}{_filters(sub.filters, sub.min_severity)}{options} · by <@{sub.created_by}> {created}{state}"


def subscriptions(
    mine: Subscription | None,
    digest_words: str,
    *,
    poll_seconds: float,
    cost: str,
    has_api_key: bool,
    admin: AdminView | None = None,
) -> Reply:
    """The reply to `/deepgram subscriptions`: this channel's settings, every channel's for an admin
    (`admin`), and what the monitoring costs (`cost`: the core's `daily_probe_cost`)."""
    lines = [
        "*This channel:* "
        + (
            _describe(mine, digest_words, with_channel=False)
            if mine
            else f"not subscribed. `/deepgram {SUBSCRIBE_USAGE}`"
        )
    ]
    if admin is not None:
        subs = admin.subscriptions
        # The lease first, where a long list cannot push it out of the section's 3,000 characters.
        lines.append(lease_line(admin.lease, now=admin.now))
        lines.append(f"*All subscriptions ({len(subs)}):*")
        lines += [f"• {_describe(s, digest_words, with_channel=True)}" for s in subs[:_LISTED]] or ["• none"]
        if len(subs) > _LISTED:
            lines.append(f"…and {len(subs) - _LISTED} more.")
    blocks = [
        section("\n".join(lines)),
        context(
            f"Status page polled every {poll_seconds:g} s. {cost}"
            + (" Probes skip without DEEPGRAM_API_KEY." if not has_api_key else "")
        ),
    ]
    return Reply(text=lines[0], blocks=blocks)
