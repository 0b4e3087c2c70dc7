"""The error boundary every listener shares, and answering through a response_url.

`guarded()` turns a `BotError` into its own message and anything else into a generic one with a
correlation id that is also written to the log with the traceback. `on_button()` registers a
button: ack at once, run the work inside the boundary, answer through the click's response_url.

A response_url takes at most 5 posts in 30 minutes (slack.md §1.3), and an ephemeral reply can only
be replaced through it. `Responder` is one request's response_url: work that takes seconds may
`show()` interim replies (a partial status report) before its answer, each post replacing the one
before, and no request makes more than `MAX_POSTS` of them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.errors import BotError
from bot.slack import messages
from bot.slack.kit import Reply
from bot.slack.views.help import error_reply

__all__ = ["MAX_POSTS", "Click", "Responder", "Show", "guarded", "new_correlation_id", "on_button", "send"]

log = logging.getLogger(__name__)

#: Posts one request makes to its response_url at most (Slack allows 5): interim replies and the answer.
MAX_POSTS = 3
#: Shows an interim reply at once; the next one (or the answer) replaces it.
Show = Callable[[Reply], Awaitable[None]]


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


async def send(respond: AsyncRespond, reply: Reply, *, subcommand: str, replace_original: bool | None = None) -> bool:
    """Post `reply` to the request's response_url; failures are logged, not raised. True when Slack took it."""
    try:
        response = await respond(
            text=reply.text,
            blocks=reply.blocks,
            response_type="in_channel" if reply.in_channel else "ephemeral",
            replace_original=replace_original,
        )
    except Exception:
        log.exception("response_url post failed", extra={"subcommand": subcommand})
        return False
    if response.status_code != 200:
        log.warning(
            "response_url refused the reply",
            extra={"subcommand": subcommand, "status": response.status_code, "body": response.body[:200]},
        )
        return False
    return True


class Responder:
    """One request's response_url: interim replies (`show`), then the answer (`answer`), at most `limit` posts.

    Once a reply is showing, the next post replaces it (`replace_original`); the first post replaces
    the message that carried the button when `replace_original` says so (a "Run again" click). The last
    allowed post is kept for the answer, so interim replies beyond it are skipped.
    """

    def __init__(
        self, respond: AsyncRespond, *, what: str, replace_original: bool | None = None, limit: int = MAX_POSTS
    ) -> None:
        self._respond = respond
        self._what = what
        self._replace_first = replace_original
        self._limit = limit
        self._showing = False
        #: Posts made so far (each one of the response_url's 5 uses).
        self.posts = 0

    async def show(self, reply: Reply) -> None:
        """Show an interim reply now (skipped when only the answer's post is left)."""
        if self.posts < self._limit - 1:
            await self._post(reply)

    async def answer(self, reply: Reply) -> None:
        """Post the answer, replacing the interim reply if one is showing."""
        if self.posts < self._limit:
            await self._post(reply)

    async def _post(self, reply: Reply) -> None:
        self.posts += 1
        replace = True if self._showing else self._replace_first
        if await send(self._respond, reply, subcommand=self._what, replace_original=replace):
            self._showing = True


@dataclass(frozen=True)
class Click:
    """A button press: the button's value, who pressed it, where."""

    value: str
    user_id: str
    channel_id: str
    #: Shows an interim reply through the click's response_url (replacing the clicked message); only
    #: for buttons whose answer replaces that message.
    show: Show | None = field(default=None, compare=False, repr=False)

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
    With `replace_original=True` the work may also show interim replies first (`Click.show`).
    """

    async def listener(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        responder = Responder(respond, what=action_id, replace_original=replace_original)
        click = Click.from_body(body)
        if replace_original:
            click = replace(click, show=responder.show)
        reply = await guarded(work(click), what=action_id, user=click.user_id, channel=click.channel_id)
        await responder.answer(reply)

    app.action(action_id)(listener)
