"""The courier's pause while Slack refuses the bot token.

`invalid_auth`, `token_revoked`, `account_inactive` (and the like, `membership.TOKEN_REFUSED`) are no
channel's fault: no alert is marked dead and no subscription deactivated. Delivery pauses as a whole
(logged once at error level; the health model's courier part reports it), `auth.test` is tried every
`every` seconds, and once it succeeds delivery goes on with every pending alert, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.health import Health
from bot.slack.membership import slack_error

__all__ = ["AUTH_CHECK_SECONDS", "TokenPause"]

log = logging.getLogger(__name__)

#: While paused for a refused token, how often it is tried again (`auth.test`).
AUTH_CHECK_SECONDS = 30.0


class TokenPause:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        every: float,
        clock: Callable[[], float],
        wake: Callable[[], None],
        health: Health | None = None,
    ) -> None:
        self.client = client
        self.every = every
        self.clock = clock
        #: Called after every check, so the courier looks again (and resumes, once `error` is None).
        self.wake = wake
        self.health = health
        #: Slack's error while the token is refused; None while delivering.
        self.error: str | None = None
        self._check_at = 0.0
        self._checking: asyncio.Task[None] | None = None

    def pause(self, error: str, *, channel: str) -> None:
        if self.error is None:
            log.error(
                "alert delivery paused: Slack rejected the bot token; alerts stay queued until it works again",
                extra={"error": error, "channel": channel, "check_every_seconds": self.every},
            )
            self._check_at = self.clock() + self.every
        self.error = error
        if self.health is not None:
            self.health.courier_paused(f"Slack rejected the bot token ({error})")

    def check_when_due(self, now: float) -> float:
        """Start an `auth.test` when one is due; return how long until the next."""
        if self._checking is None and now >= self._check_at:
            self._check_at = now + self.every
            self._checking = asyncio.create_task(self._check(), name="check-token")
        return max(0.005, self._check_at - now)

    async def stop(self) -> None:
        if self._checking is not None:
            self._checking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checking

    async def _check(self) -> None:
        try:
            await self.client.auth_test()
        except SlackApiError as exc:
            log.info("bot token still refused", extra={"error": slack_error(exc)})
            return
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            log.info("bot token check failed", extra={"error": type(exc).__name__})
            return
        finally:
            self._checking = None
            self.wake()
        log.warning("Slack accepts the bot token again: alert delivery resumed", extra={"was": self.error})
        self.error = None
        if self.health is not None:
            self.health.courier_paused(None)
