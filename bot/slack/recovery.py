"""Did Slack accept a post whose answer never reached us? Look in the channel before posting again.

A post can reach Slack and the bot die (or time out) before the answer arrives; Slack may even
commit the message a moment after the connection dropped. Each alert carries message metadata
(`{"event_type": METADATA_TYPE, "event_payload": {"key": …}}`), so the courier can find it again:

- only after a grace period from the send in doubt (`grace`), so a late commit has landed;
- in `conversations.history` (a root) or `conversations.replies` (a thread reply), bounded by
  `oldest`/`latest` around the send, `limit=15` per page (the most Slack serves some apps since
  2025) and paginated;
- at most one history call per `interval` seconds across all channels (Slack's limit for
  `conversations.history`/`replies` is per method and workspace: Tier 3 for most apps, as low as one
  a minute for non-Marketplace distributed ones), and a 429 holds every search for its Retry-After
  (a short wait is waited out and the same page asked again);
- a long 429, a 5xx or a network failure means "unknown": `Unknown` tells the courier to try again
  later, never to post.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.membership import SLACK_TROUBLE, slack_error

__all__ = ["METADATA_TYPE", "TRANSIENT", "HistorySearch", "Match", "Unknown", "by_key"]

log = logging.getLogger(__name__)

METADATA_TYPE = "deepgram_doctor_alert"
#: Messages per history page: the smallest page Slack serves (non-Marketplace apps, since 2025).
PAGE_SIZE = 15
#: Pages read before giving up (the bounds make one page the usual case).
MAX_PAGES = 20
#: Allowance for the difference between this host's clock and Slack's message timestamps.
SKEW_SECONDS = 60.0
#: A 429 asking to wait longer than this ends the search as `Unknown` (the row is looked at again later).
MAX_INLINE_WAIT_SECONDS = 30.0
#: Slack's errors for "cannot answer now" (not a refusal of the call itself): try again later.
TRANSIENT = SLACK_TROUBLE | {"ratelimited"}


class Unknown(Exception):
    """Slack could not say whether the message is there (rate limited, failing, unreachable): ask later."""

    def __init__(self, reason: str, retry_after: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


Match = Callable[[Mapping[str, Any]], bool]


def by_key(key: str) -> Match:
    """Accepts the message whose metadata carries this alert's key."""

    def match(message: Mapping[str, Any]) -> bool:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        return bool(metadata.get("event_type") == METADATA_TYPE and payload.get("key") == key)

    return match


class _Wait(Exception):
    """Rate limited for a short while: the search waits its turn and asks again."""


class HistorySearch:
    """Finds an alert's message by its key, pacing every history call the bot makes."""

    def __init__(self, client: AsyncWebClient, *, interval: float) -> None:
        self.client = client
        self.interval = interval
        self._free_at = 0.0  # event-loop time from which the next call may go

    async def find(self, *, channel: str, match: Match, root: str | None, since: float, until: float) -> str | None:
        """The `ts` of the message `match` accepts (`by_key(key)`: the alert carrying that key), posted
        between `since` and `until` (epoch seconds), in the channel (`root` None) or in the thread of
        `root`; None when Slack has no such message.

        Raises `Unknown` when Slack cannot tell now, and `SlackApiError` when it refuses to look
        (the token, a missing scope, the channel): the courier decides.
        """
        args: dict[str, Any] = {
            "channel": channel,
            "oldest": f"{since - SKEW_SECONDS:.6f}",
            "latest": f"{until + SKEW_SECONDS:.6f}",
            "inclusive": True,
            "include_all_metadata": True,
            "limit": PAGE_SIZE,
        }
        if root is not None:
            args["ts"] = root
        pages = 0
        while pages < MAX_PAGES:
            try:
                response = await self._page(args, thread=root is not None)
            except _Wait:
                continue  # the same page again, once its turn comes: a long search is not restarted
            pages += 1
            if response is None:
                return None
            for message in response.get("messages") or []:
                if match(message):
                    return str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
            args["cursor"] = cursor
        log.warning("interrupted alert not found within the pages read; posting it", extra={"channel": channel})
        return None

    async def _page(self, args: dict[str, Any], *, thread: bool) -> Any:
        await self._turn()
        try:
            if thread:
                return await self.client.conversations_replies(**args)
            return await self.client.conversations_history(**args)
        except SlackApiError as exc:
            error = slack_error(exc)
            if exc.response.status_code == 429:
                wait = float(exc.response.headers.get("Retry-After", "1") or 1)
                self._hold(wait)
                if wait <= MAX_INLINE_WAIT_SECONDS:
                    raise _Wait from None
                raise Unknown("ratelimited", wait) from None
            if exc.response.status_code >= 500 or error in TRANSIENT:
                raise Unknown(error, self.interval) from None
            if error == "thread_not_found":
                return None  # the root is gone, and with it the thread
            raise
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise Unknown(type(exc).__name__, self.interval) from None

    async def _turn(self) -> None:
        """Wait for this call's turn: calls go at least `interval` apart, whichever channel asks."""
        loop = asyncio.get_running_loop()
        start = max(loop.time(), self._free_at)
        self._free_at = start + self.interval
        delay = start - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)

    def _hold(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        self._free_at = max(self._free_at, loop.time() + seconds)
