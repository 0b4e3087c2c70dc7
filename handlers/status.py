"""`/deepgram status`: is it Deepgram or is it us? Plus its two buttons.

"Post to channel" re-posts the stored report exactly as the asker saw it (through the button's
response_url, so it works even in channels the bot has not joined); "Run again" replaces the
ephemeral report with a fresh one. When the report cannot be stored (the database is not
writable), it is still shown, without "Post to channel" and with a note saying it was not saved.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp

from bot import messages
from bot.blocks import MAX_BLOCKS, context, error_reply
from bot.commands import Invocation, Reply, Subcommand
from bot.deps import Deps
from bot.errors import StoreError
from bot.report import RERUN_ACTION, SHARE_ACTION, StatusReport, report_blocks, report_fallback
from bot.status import check_status, record_report
from handlers.router import on_button

log = logging.getLogger(__name__)


async def status_reply(deps: Deps) -> Reply:
    report = await check_status(deps)
    try:
        run_id = record_report(deps, report)
    except StoreError as exc:
        log.info("status checked, not saved", extra={"verdict": report.verdict.kind, "problem": exc.reason})
        return _unsaved_reply(report)
    log.info(
        "status checked",
        extra={"verdict": report.verdict.kind, "run_id": run_id, "elapsed_ms": report.probes.elapsed_ms},
    )
    return Reply(text=report_fallback(report), blocks=report_blocks(report, run_id=run_id))


def _unsaved_reply(report: StatusReport) -> Reply:
    """The finished report, although its history write failed: no "Post to channel" (it re-posts the stored copy)."""
    blocks = report_blocks(report)
    actions = blocks.pop() if blocks and blocks[-1].get("type") == "actions" else None
    blocks = [*blocks[: MAX_BLOCKS - 2], context(messages.STATUS_NOT_SAVED)]
    if actions is not None:
        blocks.append({**actions, "elements": [e for e in actions["elements"] if e.get("action_id") != SHARE_ACTION]})
    return Reply(text=report_fallback(report), blocks=blocks)


async def run(invocation: Invocation, deps: Deps) -> Reply:
    return await status_reply(deps)


SUBCOMMAND = Subcommand(
    name="status",
    usage="status",
    summary="Is it Deepgram or us? Official status plus live probes of REST, streaming and TTS.",
    run=run,
    aliases=("st", "health"),
    ack_text=messages.STATUS_CHECKING,
)


async def _share(deps: Deps, run_value: str, user: str) -> Reply:
    stored = deps.store.probe_run_message(int(run_value)) if run_value.isdigit() else None
    if stored is None:
        return error_reply(messages.STATUS_REPORT_GONE)
    text, blocks = stored
    blocks.append(context(messages.shared_by(user)))
    return Reply(text=text, blocks=blocks, in_channel=True)


def register_actions(app: AsyncApp, deps: Deps) -> None:
    # The shared report goes to everyone; an error about it stays private to the clicker.
    on_button(app, SHARE_ACTION, lambda click: _share(deps, click.value, click.user_id), replace_original=False)
    on_button(app, RERUN_ACTION, lambda click: status_reply(deps), replace_original=True)
