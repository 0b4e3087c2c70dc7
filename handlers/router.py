"""The `/deepgram` router: ack at once, parse, look the subcommand up, run it, respond.

Slack gives a slash command 3 seconds to be acknowledged; every subcommand may take longer
(probes, TTS), so the listener acks before doing anything else and answers afterwards
through the command's `response_url`. This module is also the error boundary: a `BotError`
becomes its own message, anything else a generic message with a correlation id that is
also written to the log together with the traceback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.deps import Deps
from bot.slack.commands import CommandTable, Invocation, Subcommand
from bot.slack.incoming import plain_text
from bot.slack.kit import Reply
from bot.slack.listeners import Responder, guarded
from bot.slack.views.help import help_reply, unknown_subcommand_reply

log = logging.getLogger(__name__)

CommandListener = Callable[..., Awaitable[None]]


#: One word of Slack's command text: a run of non-blanks where a markup token (`<@U1|ana smith>`,
#: `<https://x|a label>`) counts as one piece, blanks inside its label included.
_WORD = re.compile(r"(?:<[^<>]*>|<(?![^<>]*>)|[^\s<])+")


def split(text: str) -> tuple[str, str, str]:
    """Split Slack's command text into `(subcommand, args, raw_args)`.

    The manifest turns `should_escape` on, so Slack sends mentions, channels and links as markup
    (`<@U…|name>`, `<!subteam^S…|@name>`, `<#C…|name>`, `<https://…>`) and `&`, `<`, `>` as entities
    (slack.md §1.1, §7). `args` is what the user sees (`plain_text`: markup read as its label, entities
    undone once); `raw_args` keeps Slack's form for the one option that needs an ID (`subscribe --mention`).
    """
    first = _WORD.search(text)
    if first is None:
        return "", "", ""
    raw_args = text[first.end() :].strip()
    return plain_text(first.group(0)).strip().lower(), plain_text(raw_args).strip(), raw_args


def parse(text: str) -> tuple[str, str]:
    """Split the command text into `(subcommand, args)`, both as the user sees them."""
    name, args, _ = split(text)
    return name, args


async def dispatch(invocation: Invocation, deps: Deps, sub: Subcommand | None = None) -> Reply:
    """Run the subcommand named in `invocation` (already looked up, or looked up here); never raises."""
    table = invocation.table
    if not invocation.name:
        return help_reply(table)
    sub = sub or table.lookup(invocation.name)
    if sub is None:
        return unknown_subcommand_reply(invocation.name, table)
    return await guarded(
        sub.run(invocation, deps), what=sub.name, user=invocation.user_id, channel=invocation.channel_id
    )


def make_command_listener(table: CommandTable, deps: Deps) -> CommandListener:
    """Build the Bolt listener for `/deepgram`, closed over the table and dependencies."""

    async def on_deepgram(
        ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        name, args, raw_args = split(command.get("text", ""))
        sub = table.lookup(name) if name else None
        # Acknowledge before any work: Slack gives a slash command 3 seconds.
        await ack(sub.ack_text if sub and sub.ack_text else "")
        # The answer goes to the response_url, replacing any interim reply the subcommand showed.
        responder = Responder(respond, what=name or "help")
        invocation = Invocation(
            name=name,
            args=args,
            user_id=command.get("user_id", ""),
            channel_id=command.get("channel_id", ""),
            team_id=command.get("team_id", ""),
            table=table,
            client=client,
            show=responder.show,
            raw_args=raw_args,
        )
        reply = await dispatch(invocation, deps, sub)
        await responder.answer(reply)

    return on_deepgram
