"""The app factory: builds the Bolt `AsyncApp` and wires every listener; connects to nothing."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

import handlers
from bot.config import Settings
from bot.errors import StoreError
from bot.runtime.deps import Deps

log = logging.getLogger(__name__)

#: Bolt warns that `token` is unused whenever SLACK_BOT_TOKEN is in the environment and a client is
#: given. We give the client (built with that very token) on purpose: the warning says nothing.
_BOLT_TOKEN_WARNING = "As you gave `client` as well, `token` will be unused."


class _DropBoltTokenWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _BOLT_TOKEN_WARNING


#: The longest, in all, a call on behalf of someone waiting for an answer waits out Slack's 429s. A longer
#: `Retry-After` is not waited: the `SlackApiError` goes through and the user is told when to try again.
RATE_LIMIT_WAIT_CAP_SECONDS = 5.0
_WAITED = "rate_limit_waited"


class CappedRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """Waits out a 429 like slack_sdk's handler, but only while the call's total wait stays within `cap`."""

    def __init__(self, cap: float = RATE_LIMIT_WAIT_CAP_SECONDS, max_retry_count: int = 2) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.cap = cap

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        values = state.custom_values if state.custom_values is not None else {}
        waited = float(values.get(_WAITED, 0.0))
        wait = retry_after_header(response.headers) + 1.0  # slack_sdk adds up to a second of jitter
        if waited + wait > self.cap:
            return False
        state.custom_values = {**values, _WAITED: waited + wait}
        return True


def retry_after_header(headers: Mapping[str, list[str] | str]) -> float:
    """Slack's `Retry-After` in seconds (1 when absent or unreadable)."""
    for name, values in headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(0.0, float(values if isinstance(values, str) else values[0]))
            except ValueError:
                break
    return 1.0


def create_web_client(
    settings: Settings, *, wait_on_rate_limit: bool = True, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """The Web API client: retries dropped connections and, unless told not to, waits out short 429s.

    Someone is waiting for the answer of an interactive call, so a 429 is waited out only while the
    total wait stays within `RATE_LIMIT_WAIT_CAP_SECONDS`; beyond that the `SlackApiError` reaches the
    listener, which says when to try again (`bot.slack.messages.rate_limited`).

    The alert courier passes `wait_on_rate_limit=False`: it schedules its own retry after
    `Retry-After` instead of holding a delivery slot while sleeping. It also passes a long-lived
    `session`: without one slack_sdk opens a new connection for every call, which caps a fan-out
    to hundreds of channels at a few hundred calls a second.
    """
    handlers: list[AsyncRetryHandler] = [AsyncConnectionErrorRetryHandler(max_retry_count=2)]
    if wait_on_rate_limit:
        handlers.append(CappedRateLimitRetryHandler())
    return AsyncWebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url, retry_handlers=handlers, session=session
    )


def create_app(settings: Settings, deps: Deps) -> AsyncApp:
    """Build the Bolt app for `settings`; listeners get `deps`. Makes no network call."""
    bolt_logger = logging.getLogger("slack_bolt.app")
    quiet = _DropBoltTokenWarning()
    bolt_logger.addFilter(quiet)
    try:
        app = AsyncApp(
            client=create_web_client(settings),
            # Passed explicitly so Bolt never falls back to reading the environment itself. In Socket
            # Mode requests arrive over an authenticated WebSocket and are not signed. In HTTP mode
            # `bot.runtime.http` verifies each signature on the raw body, and refuses replays, before
            # Bolt parses anything; Bolt's own check stays on behind it as a second line.
            signing_secret=settings.slack_signing_secret or "",
            request_verification_enabled=settings.transport == "http",
            logger=bolt_logger,
        )
    finally:
        bolt_logger.removeFilter(quiet)
    app.middleware(_skip_redelivered_events(deps))
    app.error(_log_unhandled_error)
    handlers.register(app, deps)
    return app


def _skip_redelivered_events(deps: Deps) -> Any:
    """Slack redelivers an event when it thinks we missed it; Bolt has no dedup of its own."""

    async def middleware(body: dict[str, Any], next: Any) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        try:
            first = not event_id or deps.store.events.first_sighting(f"{body.get('team_id', '')}:{event_id}")
        except StoreError:
            first = True  # the store has logged why; answering twice beats not answering
        if not first:
            log.info("redelivered event skipped", extra={"event_id": event_id})
            return BoltResponse(status=200, body="")
        await next()
        return None

    return middleware


async def _log_unhandled_error(error: Exception, body: dict[str, Any]) -> None:
    """Last resort for listener errors outside the command router (events, actions)."""
    if isinstance(error, StoreError):
        # Already logged by the store, with the reason; no traceback for an operational problem.
        log.error("listener failed: the database is unavailable", extra={"request_type": body.get("type")})
        return
    log.error(
        "listener failed",
        exc_info=error,
        extra={"correlation_id": uuid.uuid4().hex[:10], "request_type": body.get("type")},
    )
