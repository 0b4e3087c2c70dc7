"""Replies that more than one listener gives: a use case of the core, rendered by a Slack view.

`/deepgram status` and the "Run /deepgram status" button of a playbook answer with the same report;
`/deepgram check-key` and the "Check our key" button with the same checklist. Listeners import them
from here rather than from each other.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from bot.errors import StoreError
from bot.keys import Notice, check_credential, mask, secrets_of
from bot.runtime.deps import Deps
from bot.slack import messages
from bot.slack.kit import MAX_BLOCKS, Reply, context, escape
from bot.slack.views.keys import notice_reply, render_key_check
from bot.slack.views.status import report_blocks, report_fallback, status_actions
from bot.status.check import check_status, record_report

__all__ = ["check_key_reply", "status_reply"]

log = logging.getLogger(__name__)


async def status_reply(deps: Deps) -> Reply:
    """Run the status check, store what is shown, and answer with the report and its buttons.

    When only the history write fails the finished report is still shown, with a note and without
    "Post to channel" (which re-posts the stored copy)."""
    report = await check_status(deps)
    blocks = report_blocks(report)
    text = report_fallback(report)
    try:
        run_id = record_report(deps, report, text=text, blocks=blocks)
    except StoreError as exc:
        log.info("status checked, not saved", extra={"verdict": report.verdict.kind, "problem": exc.reason})
        return Reply(
            text=text,
            blocks=[*blocks[: MAX_BLOCKS - 2], context(messages.STATUS_NOT_SAVED), status_actions(None, share=False)],
        )
    log.info(
        "status checked",
        extra={"verdict": report.verdict.kind, "run_id": run_id, "elapsed_ms": report.probes.elapsed_ms},
    )
    return Reply(text=text, blocks=[*blocks, status_actions(run_id)])


async def check_key_reply(deps: Deps, pasted: str | None, *, user_id: str) -> Reply:
    """Check a pasted credential, or the configured key when `pasted` is empty; the reply is ephemeral."""
    result = await check_credential(deps.http, deps.settings, deps.clock(), pasted)
    if isinstance(result, Notice):
        return notice_reply(result)
    # Only the outcome is logged: never the credential, not even masked.
    log.info(
        "key checked",
        extra={
            "user": user_id,
            "source": result.source,
            "kind": result.kind,
            "overall": result.overall,
            "failed": ",".join(c.label for c in result.checks if c.state == "fail"),
        },
    )
    return _scrubbed(render_key_check(result), secrets_of(pasted, deps.settings.deepgram_api_key))


def _scrubbed(reply: Reply, secrets: set[str]) -> Reply:
    """Last line of defence: mask any secret that found its way into the reply (e.g. in a Deepgram message).

    The reply is mrkdwn, so a secret is looked for as written and as the view escaped it.
    """
    masks = {form: mask(s) for s in secrets if len(s) >= 8 for form in (s, escape(s))}

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            for secret, masked in masks.items():
                value = value.replace(secret, masked)
            return value
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    return replace(reply, text=clean(reply.text), blocks=clean(reply.blocks), in_channel=False)
