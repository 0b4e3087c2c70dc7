"""Replies that more than one listener gives: a use case of the core, rendered by a Slack view.

`/deepgram status` and the "Run /deepgram status" button of a playbook answer with the same report;
`/deepgram check-key` and the "Check our key" button with the same checklist. Listeners import them
from here rather than from each other.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from bot.keys.live import ApiKeyFacts, JwtFacts, check_api_key, check_jwt
from bot.keys.paste import MAX_PASTE, Pasted, decode_jwt, mask, parse_pasted
from bot.keys.report import EMPTY_PASTE, NO_KEY, TOO_LONG, build_key_check, notice_reply, render_key_check
from bot.runtime.deps import Deps
from bot.slack.kit import Reply
from bot.slack.views.status import report_blocks, report_fallback, status_actions
from bot.status.check import check_status, record_report

__all__ = ["check_key_reply", "status_reply"]

log = logging.getLogger(__name__)


async def status_reply(deps: Deps) -> Reply:
    """Run the status check, store what is shown, and answer with the report and its buttons."""
    report = await check_status(deps)
    blocks = report_blocks(report)
    text = report_fallback(report)
    run_id = record_report(deps, report, text=text, blocks=blocks)
    log.info(
        "status checked",
        extra={"verdict": report.verdict.kind, "run_id": run_id, "elapsed_ms": report.probes.elapsed_ms},
    )
    return Reply(text=text, blocks=[*blocks, status_actions(run_id)])


async def check_key_reply(deps: Deps, pasted: str | None, *, user_id: str) -> Reply:
    """Check a pasted credential, or the configured key when `pasted` is empty; the reply is ephemeral."""
    configured = not (pasted and pasted.strip())
    raw = deps.settings.deepgram_api_key if configured else pasted
    if not raw:
        return notice_reply(NO_KEY)
    if len(raw) > MAX_PASTE:
        return notice_reply(TOO_LONG)
    credential = parse_pasted(raw)
    if credential.kind == "empty":
        return notice_reply(EMPTY_PASTE)
    settings = deps.settings
    as_sent = _as_sent_by_bot(raw, credential) if configured else credential.sent_as_pasted()
    facts: ApiKeyFacts | JwtFacts | None = None
    claims = decode_jwt(credential.secret) if credential.kind == "jwt" else None
    if not credential.sendable:
        facts = None  # no client could send it either; the checklist says so
    elif credential.kind in ("api_key", "jwt"):
        check = check_api_key if credential.kind == "api_key" else check_jwt
        facts = await check(
            deps.http,
            settings.deepgram_api_url,
            credential.secret,
            as_pasted=as_sent,
            timeout=settings.probe_timeout_seconds,
        )
    result = build_key_check(
        credential,
        facts,
        source="configured" if configured else "pasted",
        now=deps.clock(),
        api_url=settings.deepgram_api_url,
        claims=claims,
    )
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
    return _scrubbed(render_key_check(result), {credential.secret, raw})


def _as_sent_by_bot(raw: str, credential: Pasted) -> str | None:
    """The header the bot's own probes send for the configured value, when cleaning changed it."""
    if raw == credential.secret:
        return None
    return f"{credential.right_scheme} {raw}"


def _scrubbed(reply: Reply, secrets: set[str]) -> Reply:
    """Last line of defence: mask any secret that found its way into the reply (e.g. in a Deepgram message)."""
    secrets = {s for s in secrets if len(s) >= 8}

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            for secret in secrets:
                value = value.replace(secret, mask(secret))
            return value
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    return replace(reply, text=clean(reply.text), blocks=clean(reply.blocks), in_channel=False)
