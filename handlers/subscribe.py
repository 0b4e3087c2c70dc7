"""`/deepgram subscribe`, `unsubscribe` and `subscriptions`: which channels get outage alerts."""

from __future__ import annotations

import contextlib
import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts.subscribing import (
    MENTION_USAGE,
    SUBSCRIBE_USAGE,
    SubscribeRequest,
    daily_probe_cost,
    describe_digest,
    parse_subscribe_request,
)
from bot.config import Settings
from bot.errors import UpstreamError, UsageError
from bot.prose import Prose
from bot.runtime.deps import Deps
from bot.slack import messages
from bot.slack.commands import Invocation, Subcommand
from bot.slack.incoming import plain_text
from bot.slack.kit import Block, Reply
from bot.slack.membership import ensure_member, retry_after, slack_error
from bot.slack.mentions import MENTION_OFF, MentionTarget, resolve_mention, take_mention
from bot.slack.views.subscriptions import (
    AdminView,
    Extras,
    announcement,
    not_subscribed,
    subscribed,
    subscriptions,
    unsubscribed,
    unsubscribed_note,
)
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


def _extras(
    request: SubscribeRequest, given: str | None, target: MentionTarget | None, current: Subscription | None
) -> Extras:
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
    return Extras(mention, label, mention_min if mention else None, None if digest == "off" else digest)


def _digest_words(settings: Settings) -> str:
    return describe_digest(settings.digest_day, settings.digest_hour, settings.digest_tz)


async def _confirm(client: AsyncWebClient, channel_id: str, text: str, blocks: list[Block]) -> None:
    """Announce the subscription in the channel; Slack's refusal becomes advice (nothing is saved then)."""
    try:
        await client.chat_postMessage(channel=channel_id, text=text, blocks=blocks)
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
    digest_words = _digest_words(deps.settings)
    text, blocks = announcement(invocation.user_id, filters, severity, extras, digest_words)
    await _confirm(client, invocation.channel_id, text, blocks)
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
    active = [i.name for i in summary.incidents] if summary else []
    return subscribed(filters, severity, extras, digest_words, active)


async def run_unsubscribe(invocation: Invocation, deps: Deps) -> Reply:
    if not deps.store.subscriptions.unsubscribe(invocation.channel_id):
        return not_subscribed()
    log.info("channel unsubscribed", extra={"channel": invocation.channel_id, "by": invocation.user_id})
    if invocation.client is not None:
        # A courtesy note for the channel; the ephemeral reply below says it all if this fails.
        with contextlib.suppress(SlackApiError):
            await invocation.client.chat_postMessage(
                channel=invocation.channel_id, text=unsubscribed_note(invocation.user_id)
            )
    return unsubscribed()


async def _is_admin(client: AsyncWebClient | None, user_id: str) -> bool:
    if client is None:
        return False
    try:
        user = (await client.users_info(user=user_id))["user"]
    except SlackApiError:
        return False
    return bool(user.get("is_admin") or user.get("is_owner"))


async def run_subscriptions(invocation: Invocation, deps: Deps) -> Reply:
    settings = deps.settings
    mine = deps.store.subscriptions.get(invocation.channel_id)
    admin = None
    if await _is_admin(invocation.client, invocation.user_id):
        admin = AdminView(deps.store.subscriptions.all(), deps.store.leases.current(), deps.clock().timestamp())
    cost = daily_probe_cost(
        settings.probe_interval_seconds,
        deps.clip,
        enabled(settings.probe_surfaces),
        agent_turn=settings.monitor_agent_turn,
    )
    return subscriptions(
        mine,
        _digest_words(settings),
        poll_seconds=settings.status_poll_seconds,
        cost=cost,
        has_api_key=bool(settings.deepgram_api_key),
        admin=admin,
    )


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
