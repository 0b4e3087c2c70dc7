"""`/deepgram status`: is it Deepgram or is it us? Plus its two buttons.

"Post to channel" re-posts the stored report exactly as the asker saw it (through the button's
response_url, so it works even in channels the bot has not joined); "Run again" replaces the
ephemeral report with a fresh one.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot import messages
from bot.blocks import context, error_reply
from bot.commands import Invocation, Reply, Subcommand
from bot.deps import Deps
from bot.report import RERUN_ACTION, SHARE_ACTION, report_blocks, report_fallback
from bot.status import check_status, record_report
from handlers.router import guarded, send

log = logging.getLogger(__name__)


async def status_reply(deps: Deps) -> Reply:
    report = await check_status(deps)
    run_id = record_report(deps, report)
    log.info(
        "status checked",
        extra={"verdict": report.verdict.kind, "run_id": run_id, "elapsed_ms": report.probes.elapsed_ms},
    )
    return Reply(text=report_fallback(report), blocks=report_blocks(report, run_id=run_id))


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


def _action(body: dict[str, Any]) -> tuple[str, str, str]:
    action = (body.get("actions") or [{}])[0]
    user = (body.get("user") or {}).get("id", "")
    channel = (body.get("channel") or {}).get("id", "")
    return str(action.get("value") or ""), user, channel


async def _share(deps: Deps, run_value: str, user: str) -> Reply:
    stored = deps.store.probe_run_message(int(run_value)) if run_value.isdigit() else None
    if stored is None:
        return error_reply(messages.STATUS_REPORT_GONE)
    text, blocks = stored
    blocks.append(context(messages.shared_by(user)))
    return Reply(text=text, blocks=blocks, in_channel=True)


def register_actions(app: AsyncApp, deps: Deps) -> None:
    async def on_share(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        value, user, channel = _action(body)
        reply = await guarded(_share(deps, value, user), what=SHARE_ACTION, user=user, channel=channel)
        # An error stays private to the clicker; the report itself goes to everyone.
        await send(respond, reply, subcommand=SHARE_ACTION, replace_original=False)

    async def on_rerun(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        _, user, channel = _action(body)
        reply = await guarded(status_reply(deps), what=RERUN_ACTION, user=user, channel=channel)
        await send(respond, reply, subcommand=RERUN_ACTION, replace_original=True)

    app.action(SHARE_ACTION)(on_share)
    app.action(RERUN_ACTION)(on_rerun)
