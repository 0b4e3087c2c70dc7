"""Replies that more than one listener gives: a use case of the core, rendered by a Slack view.

`/deepgram status` and the "Run /deepgram status" button of a playbook answer with the same report;
`/deepgram check-key` and the "Check our key" button with the same checklist. Listeners import them
from here rather than from each other.

The status report is progressive when the listener can show interim replies: the first one goes out
at once, before any probe has finished (the official status as last read, a row per surface saying
"probing…"); one more follows if the run is still going after `PROGRESS_UPDATE_SECONDS` and more
probes have finished; the finished report replaces them. Three posts at most, of the response_url's 5.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from bot.keys import Notice, check_credential, mask, secrets_of
from bot.runtime.deps import Deps
from bot.slack import messages
from bot.slack.kit import MAX_BLOCKS, Reply, context, escape
from bot.slack.listeners import Show
from bot.slack.views.keys import notice_reply, render_key_check
from bot.slack.views.progress import progress_reply, reused_note
from bot.slack.views.status import report_blocks, report_fallback, status_actions
from bot.status.check import ask_status, attach_message, partial_report
from bot.status.runs import Ask, CheckedRun

__all__ = ["PROGRESS_UPDATE_SECONDS", "check_key_reply", "status_reply"]

log = logging.getLogger(__name__)

#: With the first partial report showing, a second one when the run is still going after this long.
PROGRESS_UPDATE_SECONDS = 1.0


async def status_reply(deps: Deps, *, show: Show | None = None, force: bool = False) -> Reply:
    """The status report with its buttons: from the run in flight, one that just finished, or a new one.

    `show` posts interim replies (the partial report) while the probes run; `force` ("Run again")
    wants a run that starts now. When the history could not be written the report is still shown,
    with a note and without "Post to channel" (which re-posts the stored copy)."""
    ask = ask_status(deps, force=force)
    if show is not None and not ask.flight.finished:
        await _show_progress(deps, ask, show)
    checked = await ask.flight.result()
    return _final_reply(deps, ask, checked)


async def _show_progress(deps: Deps, ask: Ask[CheckedRun], show: Show) -> None:
    """The partial report at once; once more if the run is still going and more probes have finished."""
    first = partial_report(deps, ask)
    await show(progress_reply(first))
    if await ask.flight.wait(PROGRESS_UPDATE_SECONDS):
        return
    later = partial_report(deps, ask)
    if len(later.done) > len(first.done):
        await show(progress_reply(later))


def _final_reply(deps: Deps, ask: Ask[CheckedRun], checked: CheckedRun) -> Reply:
    report = checked.report
    blocks = report_blocks(report)
    text = report_fallback(report)
    saved = attach_message(deps, checked, text=text, blocks=blocks)
    if ask.how == "cached":
        # Only this asker's copy says it is a reused run; the stored (shareable) one does not.
        blocks.insert(1, context(reused_note(ask.flight.age(deps.status_runs.clock()))))
    if not saved:
        return Reply(
            text=text,
            blocks=[*blocks[: MAX_BLOCKS - 2], context(messages.STATUS_NOT_SAVED), status_actions(None, share=False)],
        )
    return Reply(text=text, blocks=[*blocks[: MAX_BLOCKS - 1], status_actions(checked.run_id)])


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
