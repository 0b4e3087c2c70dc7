"""`/deepgram help`: the command overview, rendered from the command table itself."""

from __future__ import annotations

from bot.blocks import help_reply
from bot.commands import Invocation, Reply, Subcommand
from bot.deps import Deps


async def run(invocation: Invocation, deps: Deps) -> Reply:
    return help_reply(invocation.table)


SUBCOMMAND = Subcommand(
    name="help",
    usage="help",
    summary="Show what Deepgram Doctor can do.",
    run=run,
    aliases=("?", "-h", "--help"),
)
