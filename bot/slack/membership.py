"""Can the bot post in a conversation? Slack's membership rules, answered without wording.

`chat:write.public` lets a bot post in public channels it is not in, but sharing a file
(`files.completeUploadExternal`) and threading alert updates need a real member (slack.md §1.4,
§5.4). `ensure_member` inspects the conversation (`conversations.info`), joins a public channel
when needed (`conversations.join`, scope `channels:join`), and says how it went as a `Membership`;
each feature words the outcome its own way (`/deepgram speak` falls back to the user's DM,
`/deepgram subscribe` asks for an invite).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Literal

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

__all__ = [
    "INVISIBLE_ERRORS",
    "SLACK_TROUBLE",
    "TOKEN_REFUSED",
    "Access",
    "Membership",
    "ensure_member",
    "join",
    "retry_after",
    "shown_code",
    "slack_error",
]

log = logging.getLogger(__name__)

Access = Literal[
    "member",  # the bot is in it (or it is the bot's own DM): it can post and share
    "joined",  # a public channel the bot just joined
    "unchecked",  # `conversations.info` said missing_scope: this kind (a group DM) cannot be inspected
    "invisible",  # a private channel or other people's DM: it does not exist for the bot
    "archived",
    "private",  # visible, but neither joined nor public: only an invite lets the bot in
    "cannot_join",  # a public channel the bot may not join (`error` says why: missing_scope, is_archived, …)
    "unknown",  # `conversations.info` failed otherwise (`error` says how)
]

#: Slack refuses the bot token itself: no channel's fault, and no retry helps until an admin acts.
TOKEN_REFUSED = frozenset({"invalid_auth", "token_revoked", "account_inactive", "not_authed", "token_expired"})
#: A failure on Slack's side, not a refusal of the call: trying again later is the answer.
SLACK_TROUBLE = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout"})

# Errors that mean "the bot cannot see or post in this conversation" (slack.md §1.4, §5.1).
INVISIBLE_ERRORS = frozenset(
    {"channel_not_found", "not_in_channel", "missing_scope", "method_not_supported_for_channel_type"}
)


@dataclass(frozen=True)
class Membership:
    """Where the bot stands in a conversation; `error` is Slack's error code when a call failed, and
    `retry_after` the seconds Slack asked to wait when it was a rate limit (HTTP 429)."""

    access: Access
    error: str | None = None
    retry_after: int | None = None

    @property
    def can_post(self) -> bool:
        return self.access in ("member", "joined")


def slack_error(exc: SlackApiError) -> str:
    """Slack's error code of a failed Web API call (`unknown_error` when the body was not Slack's JSON)."""
    data = exc.response.data
    return str(data.get("error") or "unknown_error") if isinstance(data, dict) else "unknown_error"


def shown_code(error: str | None) -> str:
    """Slack's error code as it may be shown in a code span: only the characters such codes have, since
    a body that is not Slack's could put anything there."""
    return "".join(c for c in error or "" if c.isascii() and (c.isalnum() or c in "_.-"))[:60] or "unknown_error"


def retry_after(exc: SlackApiError) -> int | None:
    """For a rate-limited call (HTTP 429), the whole seconds Slack asked to wait (`Retry-After`); else None."""
    if exc.response.status_code != 429:
        return None
    try:
        return max(1, math.ceil(float(exc.response.headers.get("Retry-After", "1") or 1)))
    except ValueError:
        return 1


async def ensure_member(client: AsyncWebClient, channel_id: str) -> Membership:
    """Inspect `channel_id` and join it if it is a public channel the bot is not in yet."""
    try:
        info = await client.conversations_info(channel=channel_id)
    except SlackApiError as exc:
        error = slack_error(exc)
        if error == "missing_scope":
            return Membership("unchecked", error)
        if error in INVISIBLE_ERRORS:
            return Membership("invisible", error)
        return Membership("unknown", error, retry_after(exc))
    channel = info.get("channel") or {}
    if channel.get("is_archived"):
        return Membership("archived")
    # An IM the bot can see is its own DM with someone: always writable.
    if channel.get("is_im") or channel.get("is_member"):
        return Membership("member")
    if not channel.get("is_channel") or channel.get("is_private"):
        return Membership("private")
    return await join(client, channel_id)


async def join(client: AsyncWebClient, channel_id: str) -> Membership:
    """Join a public channel: `joined`, or `cannot_join` with Slack's reason."""
    try:
        await client.conversations_join(channel=channel_id)
    except SlackApiError as exc:
        error = slack_error(exc)
        log.info("cannot join channel", extra={"channel": channel_id, "error": error})
        return Membership("cannot_join", error, retry_after(exc))
    return Membership("joined")
