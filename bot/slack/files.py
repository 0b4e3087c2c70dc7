"""Where a file may be shared, and sharing it: Slack's membership rules for the v2 upload flow.

A slash command can be typed anywhere, but `files.completeUploadExternal` only shares into
conversations the bot is a real member of, whatever `chat:write.public` allows (slack.md §1.4,
§5.4). So before anything is synthesised (and paid for) the destination is settled
(`bot.slack.membership` answers whether the bot is in, and joins public channels):

- a conversation the bot can see and is in (a channel it was invited to, the bot's own DM) → there;
- a public channel it is not in → `conversations.join` (scope `channels:join`); when that is not
  allowed, the user is told how to invite the bot;
- a private channel or a DM the bot is not part of (`channel_not_found`) → the user's DM with the
  bot (`conversations.open`), and the reply says so;
- an archived channel → a clear refusal.

Every call takes the request's `AsyncWebClient`; only documented arguments are sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UpstreamError, UsageError
from bot.slack import messages
from bot.slack.membership import INVISIBLE_ERRORS, Membership, ensure_member, join, retry_after, slack_error

__all__ = ["Destination", "How", "choose_destination", "open_dm", "share_file"]

log = logging.getLogger(__name__)

How = Literal["here", "joined", "dm"]

# `join` failures after which the user's DM is the place: the conversation cannot be joined at all.
_NOT_JOINABLE = ("channel_not_found", "method_not_supported_for_channel_type")


@dataclass(frozen=True)
class Destination:
    """The conversation the file goes to, and how the bot got there."""

    channel_id: str
    how: How


async def open_dm(client: AsyncWebClient, user_id: str, *, refused: Callable[[str], str]) -> Destination:
    """The user's DM with the bot (App Home → Messages), opened if needed (scope `im:write`).

    A rate limit says how long to wait; any other failure is worded by `refused` from Slack's error
    code, because only the caller knows what the DM was for (a clip, a chart).
    """
    try:
        opened = await client.conversations_open(users=user_id)
    except SlackApiError as exc:
        error = slack_error(exc)
        log.warning("DM not opened", extra={"user": user_id, "error": error})
        if (wait := retry_after(exc)) is not None:
            raise UpstreamError(messages.rate_limited(wait)) from None
        raise UpstreamError(refused(error)) from None
    channel = opened.get("channel") or {}
    return Destination(str(channel["id"]), "dm")


async def choose_destination(client: AsyncWebClient, channel_id: str, user_id: str) -> Destination:
    """Settle where the clip will be shared; raise `UsageError` when it cannot be shared at all."""
    membership = await ensure_member(client, channel_id)
    access = membership.access
    if access in ("member", "unchecked"):
        # unchecked: the app cannot inspect this kind of conversation (a group DM needs mpim:read,
        # which it does not ask for). Try it as is; `share_file` falls back if Slack refuses.
        return Destination(channel_id, "here")
    if access == "joined":
        return Destination(channel_id, "joined")
    if membership.retry_after is not None:
        raise UpstreamError(messages.rate_limited(membership.retry_after))
    if access == "unknown":
        raise UpstreamError(messages.speak_channel_check_failed(membership.error or "unknown_error"))
    if access == "archived" or _archived_at_join(membership):
        raise UsageError(messages.SPEAK_ARCHIVED)
    if access == "cannot_join" and membership.error not in _NOT_JOINABLE:
        # missing_scope (no channels:join), or a workspace policy that forbids it.
        raise UsageError(messages.SPEAK_INVITE)
    # invisible (a private channel or other people's DM), private, or not joinable: the DM is the safe place.
    return await open_dm(client, user_id, refused=messages.speak_dm_failed)


def _archived_at_join(membership: Membership) -> bool:
    return membership.access == "cannot_join" and membership.error == "is_archived"


async def share_file(
    client: AsyncWebClient,
    destination: Destination,
    data: bytes,
    *,
    user_id: str,
    filename: str,
    title: str,
    comment: str,
) -> Destination:
    """Upload `data` through the v2 flow and share it with `comment`; returns where it went.

    The audio is paid for by now, so if Slack still refuses the channel (it could not be checked,
    or membership changed since), the bot joins it when it can, else sends the file to the
    user's DM.
    """

    async def upload(channel_id: str) -> str | None:
        """None when shared, else Slack's error for the channel."""
        try:
            await _upload(client, channel_id, data, filename=filename, title=title, comment=comment)
        except SlackApiError as exc:
            return slack_error(exc)
        return None

    error = await upload(destination.channel_id)
    if error is None:
        return destination
    if error == "is_archived" or (error == "invalid_channel" and destination.how != "dm"):
        raise UsageError(messages.SPEAK_ARCHIVED)
    if destination.how == "dm" or error not in INVISIBLE_ERRORS:
        raise UpstreamError(messages.speak_upload_failed(error))
    log.info("share refused", extra={"channel": destination.channel_id, "error": error})
    # A channel that could not be checked first: join it if that is allowed, then share there.
    if error == "not_in_channel" and destination.how == "here":
        joined = await join(client, destination.channel_id)
        if _archived_at_join(joined):
            raise UsageError(messages.SPEAK_ARCHIVED)
        if joined.can_post and await upload(destination.channel_id) is None:
            return Destination(destination.channel_id, "joined")
    dm = await open_dm(client, user_id, refused=messages.speak_dm_failed)
    if (error := await upload(dm.channel_id)) is not None:
        raise UpstreamError(messages.speak_upload_failed(error))
    return dm


async def _upload(
    client: AsyncWebClient, channel_id: str, data: bytes, *, filename: str, title: str, comment: str
) -> None:
    try:
        await client.files_upload_v2(
            channel=channel_id, content=data, filename=filename, title=title, initial_comment=comment
        )
    except SlackRequestError as exc:
        # The byte upload itself (step 2) failed: slack_sdk raises this, not SlackApiError.
        log.warning("file upload failed", extra={"channel": channel_id, "reason": str(exc)[:200]})
        raise UpstreamError(messages.speak_upload_failed("upload_failed")) from None
