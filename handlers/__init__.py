"""Slack listeners. `register(app, deps)` wires every one of them; nothing here runs at import."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.commands import CommandTable
from bot.deps import Deps
from bot.messages import COMMAND
from handlers import help
from handlers.router import make_command_listener

# The one table of `/deepgram` subcommands, in the order `help` lists them.
SUBCOMMANDS = CommandTable([help.SUBCOMMAND])


def register(app: AsyncApp, deps: Deps) -> None:
    """Attach every listener to `app`."""
    app.command(COMMAND)(make_command_listener(SUBCOMMANDS, deps))
