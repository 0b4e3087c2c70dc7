"""`/deepgram help`: the command overview, rendered from the command table itself."""

from __future__ import annotations

from bot.runtime.deps import Deps
from bot.slack.commands import Invocation, Subcommand
from bot.slack.kit import Reply
from bot.slack.views.help import help_reply


async def run(invocation: Invocation, deps: Deps) -> Reply:
    return help_reply(invocation.table)


SUBCOMMAND = Subcommand(
    name="help",
    usage="help",
    summary="Show what Deepgram Doctor can do.",
    run=run,
    aliases=("?", "-h", "--help"),
)
