"""The error boundary every listener shares, and answering through a response_url.

`guarded()` turns a `BotError` into its own message and anything else into a generic one with a
correlation id that is also written to the log with the traceback. `on_button()` registers a
button: ack at once, run the work inside the boundary, answer through the click's response_url.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.errors import BotError
from bot.slack import messages
from bot.slack.kit import Reply
from bot.slack.views.help import error_reply

__all__ = ["Click", "guarded", "new_correlation_id", "on_button", "send"]

log = logging.getLogger(__name__)


def new_correlation_id() -> str:
    return uuid.uuid4().hex[:10]


async def guarded(work: Awaitable[Reply], *, what: str, user: str, channel: str) -> Reply:
    """The error boundary: a `BotError` becomes its own message, anything else a generic one."""
    try:
        return await work
    except BotError as exc:
        log.info("request refused", extra={"what": what, "reason": type(exc).__name__, "user": user})
        return error_reply(exc.user_message)
    except Exception:
        correlation_id = new_correlation_id()
        log.exception(
            "request failed",
            extra={"correlation_id": correlation_id, "what": what, "user": user, "channel": channel},
        )
        return error_reply(messages.internal_error(correlation_id))


async def send(respond: AsyncRespond, reply: Reply, *, subcommand: str, replace_original: bool | None = None) -> None:
    """Post `reply` to the request's response_url; failures are logged, not raised."""
    try:
        response = await respond(
            text=reply.text,
            blocks=reply.blocks,
            response_type="in_channel" if reply.in_channel else "ephemeral",
            replace_original=replace_original,
        )
    except Exception:
        log.exception("response_url post failed", extra={"subcommand": subcommand})
        return
    if response.status_code != 200:
        log.warning(
            "response_url refused the reply",
            extra={"subcommand": subcommand, "status": response.status_code, "body": response.body[:200]},
        )


@dataclass(frozen=True)
class Click:
    """A button press: the button's value, who pressed it, where."""

    value: str
    user_id: str
    channel_id: str

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> Click:
        action = (body.get("actions") or [{}])[0]
        return cls(
            value=str(action.get("value") or ""),
            user_id=(body.get("user") or {}).get("id", ""),
            channel_id=(body.get("channel") or {}).get("id", ""),
        )


def on_button(
    app: AsyncApp, action_id: str, work: Callable[[Click], Awaitable[Reply]], *, replace_original: bool
) -> None:
    """Register a button: ack at once, run `work` inside the error boundary, answer via the click's response_url.

    `replace_original=False` answers as a new message (an error then stays private to the clicker).
    """

    async def listener(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        click = Click.from_body(body)
        reply = await guarded(work(click), what=action_id, user=click.user_id, channel=click.channel_id)
        await send(respond, reply, subcommand=action_id, replace_original=replace_original)

    app.action(action_id)(listener)
