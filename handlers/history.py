"""`/deepgram history`: recent Deepgram incidents and the own probes' uptime and latency."""

from __future__ import annotations

from bot.runtime.deps import Deps
from bot.slack.commands import Invocation, Subcommand
from bot.slack.kit import Reply
from bot.slack.views.history import history_reply
from bot.status.history import read_history


async def run(invocation: Invocation, deps: Deps) -> Reply:
    return history_reply(read_history(deps.store, deps.clock()))


SUBCOMMAND = Subcommand(
    name="history",
    usage="history",
    summary="Recent Deepgram incidents with durations, and the probes' uptime and latency (24 h, 7 days).",
    run=run,
)
