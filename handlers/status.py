"""`/deepgram status`: is it Deepgram or is it us? Plus its two buttons.

The answer comes at once (the official status as last read, each probe "probing…") and is replaced
by the full report when the probes finish. Commands at the same time share one probe run, and a run
that finished within STATUS_FRESH_SECONDS is shown again with its age (`bot.status.runs`).
"Post to channel" re-posts the stored report exactly as the asker saw it (through the button's
response_url, so it works even in channels the bot has not joined); "Run again" replaces the
ephemeral report with a fresh run's. When the report cannot be stored (the database is not
writable), it is still shown, without "Post to channel" and with a note saying it was not saved.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.runtime.deps import Deps
from bot.slack import messages
from bot.slack.commands import Invocation, Subcommand
from bot.slack.kit import Reply, context
from bot.slack.listeners import on_button
from bot.slack.replies import status_reply
from bot.slack.views.help import error_reply
from bot.slack.views.status import RERUN_ACTION, SHARE_ACTION


async def run(invocation: Invocation, deps: Deps) -> Reply:
    return await status_reply(deps, show=invocation.show)


SUBCOMMAND = Subcommand(
    name="status",
    usage="status",
    summary="Is it Deepgram or us? Official status plus live probes of every surface "
    "(REST, streaming, TTS, Voice Agent, Flux).",
    run=run,
    aliases=("st", "health"),
    ack_text=messages.STATUS_CHECKING,
)


async def _share(deps: Deps, run_value: str, user: str) -> Reply:
    stored = deps.store.history.run_message(int(run_value)) if run_value.isdigit() else None
    if stored is None:
        return error_reply(messages.STATUS_REPORT_GONE)
    text, blocks = stored
    blocks.append(context(messages.shared_by(user)))
    return Reply(text=text, blocks=blocks, in_channel=True)


def register_actions(app: AsyncApp, deps: Deps) -> None:
    # The shared report goes to everyone; an error about it stays private to the clicker.
    on_button(app, SHARE_ACTION, lambda click: _share(deps, click.value, click.user_id), replace_original=False)
    on_button(app, RERUN_ACTION, lambda click: status_reply(deps, show=click.show, force=True), replace_original=True)
