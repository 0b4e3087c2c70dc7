"""Slack listeners. `register(app, deps)` wires every one of them; nothing here runs at import."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.runtime.deps import Deps
from bot.slack.commands import CommandTable
from bot.slack.messages import COMMAND
from handlers import check_key, dm, help, history, speak, status, subscribe, why
from handlers.home import make_home_listener
from handlers.router import make_command_listener

# The one table of `/deepgram` subcommands, in the order `help` lists them.
SUBCOMMANDS = CommandTable(
    [
        status.SUBCOMMAND,
        check_key.SUBCOMMAND,
        why.SUBCOMMAND,
        speak.SUBCOMMAND,
        subscribe.SUBSCRIBE,
        subscribe.UNSUBSCRIBE,
        subscribe.SUBSCRIPTIONS,
        history.SUBCOMMAND,
        help.SUBCOMMAND,
    ]
)


def register(app: AsyncApp, deps: Deps) -> None:
    """Attach every listener to `app`."""
    app.command(COMMAND)(make_command_listener(SUBCOMMANDS, deps))
    status.register_actions(app, deps)
    why.register_actions(app, deps)
    app.event("app_home_opened")(make_home_listener(SUBCOMMANDS, deps))
    app.event("message", matchers=[dm.is_user_dm])(dm.make_dm_listener(deps))
    # Every other message event (the bot's own echoes, edits, channel joins) is acknowledged and
    # dropped here; without a listener Bolt would leave it unacknowledged and Slack would resend it.
    app.event("message")(_ignore)


async def _ignore() -> None:
    return None
