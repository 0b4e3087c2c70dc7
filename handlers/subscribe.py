"""`/deepgram subscribe`, `unsubscribe` and `subscriptions`: which channels get outage alerts."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts.subscribing import (
    MENTION_USAGE,
    SUBSCRIBE_USAGE,
    SubscribeRequest,
    daily_probe_cost,
    describe_digest,
    describe_filters,
    describe_mention,
    parse_subscribe_request,
)
from bot.config import Settings
from bot.errors import UpstreamError, UsageError
from bot.prose import Prose
from bot.runtime.deps import Deps
from bot.slack import messages
from bot.slack.commands import Invocation, Subcommand
from bot.slack.incoming import plain_text
from bot.slack.kit import Reply, context, escape, mrkdwn, section, slack_date
from bot.slack.membership import ensure_member, retry_after, slack_error
from bot.slack.mentions import MENTION_OFF, MentionTarget, resolve_mention, take_mention
from bot.slack.views.lease import lease_line
from bot.store import Subscription
from bot.surfaces import enabled

log = logging.getLogger(__name__)


async def _ensure_can_post(client: AsyncWebClient, channel_id: str) -> None:
    """Join a public channel when needed; say what to do, in Slack's own terms, where the bot cannot post."""
    membership = await ensure_member(client, channel_id)
    if membership.can_post or membership.access == "unchecked":
        return  # `unchecked` (a group DM): posting the confirmation will tell
    if membership.retry_after is not None:
        log.info(
            "cannot subscribe now: rate limited", extra={"channel": channel_id, "retry_after": membership.retry_after}
        )
        raise UpstreamError(messages.rate_limited(membership.retry_after))
    log.info(
        "cannot subscribe here", extra={"channel": channel_id, "access": membership.access, "error": membership.error}
    )
    if membership.access == "archived":
        raise UsageError(messages.SUBSCRIBE_ARCHIVED)
    if membership.access == "invisible":
        raise UsageError(messages.SUBSCRIBE_INVISIBLE)
    if membership.access == "private":
        raise UsageError(messages.SUBSCRIBE_PRIVATE)
    error = membership.error
    advice = (
        messages.subscribe_cannot_join(error)
        if membership.access == "cannot_join"
        else messages.subscribe_channel_check_failed(error)
    )
    raise UpstreamError(advice) if messages.slack_is_busy(error) else UsageError(advice)


def _post_error(exc: SlackApiError) -> str:
    """Slack's error code for a failed call, or what its HTTP status says (429, 5xx) when the body has none."""
    status = exc.response.status_code
    error = slack_error(exc)
    if status == 429:
        return "ratelimited"
    if status >= 500 and error == "unknown_error":
        return f"http_{status}"
    return error


@dataclass(frozen=True)
class _Extras:
    """Whom the channel's alerts mention and its digest, after this command: what is stored."""

    mention: str | None = None
    mention_label: str | None = None
    mention_min: str | None = None
    digest: str | None = None


def _extras(
    request: SubscribeRequest, given: str | None, target: MentionTarget | None, current: Subscription | None
) -> _Extras:
    """The new mention and digest: what the command gave, else what the channel had (`off` removes)."""
    if given == MENTION_OFF:
        mention, label = None, None
    elif target is not None:
        mention, label = target.id, target.label
    else:
        mention, label = (current.mention, current.mention_label) if current else (None, None)
    if request.mention_min is not None and mention is None:
        raise UsageError(
            Prose.of(
                "`--mention-min` says from which severity alerts mention someone; say whom too: "
                "`{usage} --mention-min major`.",
                usage=MENTION_USAGE,
            )
        )
    # A new person or group starts from "every alert" unless the command said otherwise.
    kept_min = current.mention_min if current and target is None else None
    mention_min = request.mention_min if request.mention_min is not None else kept_min
    digest = (current.digest if current else None) if request.digest is None else request.digest
    return _Extras(mention, label, mention_min if mention else None, None if digest == "off" else digest)


def _extra_words(extras: _Extras, settings: Settings) -> list[str]:
    """The mention and the digest in words, as mrkdwn (the mention's label is inert text, never markup)."""
    words = []
    if extras.mention:
        words.append(mrkdwn(describe_mention(extras.mention_label or "someone", extras.mention_min)))
    if extras.digest:
        words.append(mrkdwn(describe_digest(settings.digest_day, settings.digest_hour, settings.digest_tz)))
    return words


async def _confirm(client: AsyncWebClient, invocation: Invocation, described: str, extras: list[str]) -> None:
    """Announce the subscription in the channel; Slack's refusal becomes advice (nothing is saved then)."""
    more = "".join(f" {w[:1].upper()}{w[1:]}." for w in extras)
    try:
        await client.chat_postMessage(
            channel=invocation.channel_id,
            text=f"<@{invocation.user_id}> subscribed this channel to Deepgram alerts: {described}.{more}",
            blocks=[
                section(
                    f":satellite_antenna: <@{invocation.user_id}> subscribed this channel to Deepgram alerts "
                    f"({described}). Each incident gets one message here, with its updates and resolution "
                    f"in the thread.{more}"
                ),
                context("`/deepgram unsubscribe` to stop · `/deepgram subscriptions` to see the settings"),
            ],
        )
    except SlackApiError as exc:
        error = _post_error(exc)
        log.info("subscription confirmation failed", extra={"error": error, "status": exc.response.status_code})
        if (wait := retry_after(exc)) is not None:
            raise UpstreamError(messages.rate_limited(wait)) from None
        advice = messages.subscribe_refused(error)
        raise (UpstreamError(advice) if messages.slack_is_busy(error) else UsageError(advice)) from None


async def run_subscribe(invocation: Invocation, deps: Deps) -> Reply:
    client = invocation.client
    if client is None:
        raise UpstreamError("Subscriptions can only be changed from Slack.")
    summary = (await deps.statuspage.fetch_summary()).summary
    names = [c.name for c in summary.leaf_components] if summary else []
    # `--mention` is read from Slack's own text (it needs the ID in `<@U…|name>`); the rest as Slack shows it.
    # Refusals are the core's `Prose`: the user's words come back escaped and masked (`kit.mrkdwn`).
    given, rest = take_mention(invocation.slack_args)
    request = parse_subscribe_request(plain_text(rest) if invocation.raw_args is not None else rest, names)
    # Announce nothing in the channel that could not be saved.
    deps.store.check_writable()
    current = deps.store.subscriptions.get(invocation.channel_id)
    target = await resolve_mention(client, given) if given not in (None, MENTION_OFF) else None
    extras = _extras(request, given, target, current)
    await _ensure_can_post(client, invocation.channel_id)
    filters, severity = list(request.filters), request.min_severity
    described = escape(describe_filters(filters, severity))  # component names come from the status page
    words = _extra_words(extras, deps.settings)
    await _confirm(client, invocation, described, words)
    now = deps.clock()
    deps.store.subscriptions.subscribe(
        invocation.channel_id,
        team_id=invocation.team_id,
        filters=filters,
        min_severity=severity,
        created_by=invocation.user_id,
        now=now.timestamp(),
        mention=extras.mention,
        mention_label=extras.mention_label,
        mention_min=extras.mention_min,
        digest=extras.digest,
    )
    log.info(
        "channel subscribed",
        extra={
            "channel": invocation.channel_id,
            "filters": filters,
            "min": severity,
            "mention": extras.mention,
            "mention_min": extras.mention_min,
            "digest": extras.digest,
        },
    )
    lines = [f":white_check_mark: Subscribed: {described}."] + [f"{w[:1].upper()}{w[1:]}." for w in words]
    if summary and summary.incidents:
        active = ", ".join(f"*{escape(i.name)}*" for i in summary.incidents[:3])
        lines.append(f"Right now Deepgram reports: {active}. Run `/deepgram status` for details.")
    return Reply(text=lines[0], blocks=[section("\n".join(lines))])


async def run_unsubscribe(invocation: Invocation, deps: Deps) -> Reply:
    if not deps.store.subscriptions.unsubscribe(invocation.channel_id):
        return Reply(text="This channel was not subscribed.", blocks=[section("This channel was not subscribed.")])
    log.info("channel unsubscribed", extra={"channel": invocation.channel_id, "by": invocation.user_id})
    if invocation.client is not None:
        # A courtesy note for the channel; the ephemeral reply below says it all if this fails.
        with contextlib.suppress(SlackApiError):
            await invocation.client.chat_postMessage(
                channel=invocation.channel_id,
                text=f"<@{invocation.user_id}> turned off Deepgram alerts in this channel.",
            )
    text = "Unsubscribed: no more Deepgram alerts here."
    return Reply(text=text, blocks=[section(f":no_bell: {text}")])


def _describe(sub: Subscription, settings: Settings, *, with_channel: bool) -> str:
    where = f"<#{sub.channel_id}>: " if with_channel else ""
    created = slack_date(datetime.fromtimestamp(sub.created_at, UTC))
    state = "" if sub.active else f" · :no_entry: paused ({escape(sub.deactivated_reason or 'unknown')})"
    extras = _Extras(sub.mention, sub.mention_label, sub.mention_min, sub.digest)
    options = "".join(f" · {w}" for w in _extra_words(extras, settings))
    filters = escape(describe_filters(sub.filters, sub.min_severity))
    return f"{where}{filters}{options} · by <@{sub.created_by}> {created}{state}"


async def _is_admin(client: AsyncWebClient | None, user_id: str) -> bool:
    if client is None:
        return False
    try:
        user = (await client.users_info(user=user_id))["user"]
    except SlackApiError:
        return False
    return bool(user.get("is_admin") or user.get("is_owner"))


async def run_subscriptions(invocation: Invocation, deps: Deps) -> Reply:
    mine = deps.store.subscriptions.get(invocation.channel_id)
    lines = [
        "*This channel:* "
        + (
            _describe(mine, deps.settings, with_channel=False)
            if mine
            else f"not subscribed. `/deepgram {SUBSCRIBE_USAGE}`"
        )
    ]
    if await _is_admin(invocation.client, invocation.user_id):
        everything = deps.store.subscriptions.all()
        lines.append(f"*All subscriptions ({len(everything)}):*")
        lines += [f"• {_describe(s, deps.settings, with_channel=True)}" for s in everything[:40]] or ["• none"]
        if len(everything) > 40:
            lines.append(f"…and {len(everything) - 40} more.")
        # First, where a long list cannot push it out of the section's 3,000 characters.
        lines.insert(1, lease_line(deps.store.leases.current(), now=deps.clock().timestamp()))
    settings = deps.settings
    cost = daily_probe_cost(
        settings.probe_interval_seconds,
        deps.clip,
        enabled(settings.probe_surfaces),
        agent_turn=settings.monitor_agent_turn,
    )
    blocks = [
        section("\n".join(lines)),
        context(
            f"Status page polled every {settings.status_poll_seconds:g} s. {cost}"
            + (" Probes skip without DEEPGRAM_API_KEY." if not settings.deepgram_api_key else "")
        ),
    ]
    return Reply(text=lines[0], blocks=blocks)


SUBSCRIBE = Subcommand(
    name="subscribe",
    usage=SUBSCRIBE_USAGE,
    summary=(
        "Post Deepgram incidents and own-probe outages in this channel, once, threaded; `--mention` pings your "
        "on-call person or group, `--digest weekly` adds a weekly summary."
    ),
    run=run_subscribe,
)
UNSUBSCRIBE = Subcommand(
    name="unsubscribe", usage="unsubscribe", summary="Stop alerts in this channel.", run=run_unsubscribe
)
SUBSCRIPTIONS = Subcommand(
    name="subscriptions",
    usage="subscriptions",
    summary="This channel's alert settings (all channels for admins), and what the probes cost.",
    run=run_subscriptions,
)
