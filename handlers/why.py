"""`/deepgram why <topic>`: a troubleshooting playbook, plus the live-check buttons playbooks carry.

The argument can be a topic id (`401`), an alias (`bearer`, `NET-0001`, `ws`), a pasted error
(`{"err_code":"INVALID_AUTH",…}`, a close reason, `dg-error: …`) or a question in plain words;
`bot.playbooks.match` decides. No argument lists the topics; a weak match gets "did you mean".

The buttons run a playbook's live check and answer with a new ephemeral message, leaving the
playbook in place: "Check our key" (the check-key report for the bot's key), "Run the streaming
probe" (one streaming probe from here) and "Run /deepgram status" (the full status report).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt.async_app import AsyncApp

from bot.digest import record_ask
from bot.playbooks.library import load_library
from bot.playbooks.match import match
from bot.probes import probe_streaming
from bot.runtime.deps import Deps
from bot.slack import messages
from bot.slack.commands import Invocation, Subcommand
from bot.slack.kit import Reply
from bot.slack.listeners import Click, on_button
from bot.slack.replies import check_key_reply, status_reply
from bot.slack.views.playbooks import (
    CHECK_KEY_ACTION,
    PROBE_STREAMING_ACTION,
    STATUS_ACTION,
    no_match_reply,
    playbook_reply,
    probe_reply,
    topic_list_reply,
)
from bot.topics import Topic

log = logging.getLogger(__name__)


def why_reply(query: str, *, answered: Callable[[Topic], None] | None = None) -> Reply:
    """The answer to `/deepgram why <query>`: a playbook, the topic list, or did-you-mean. `answered` is told
    the topic of a playbook answer (for the weekly digest's topic counts)."""
    library = load_library()
    found = match(query, library)
    if found.empty:
        return topic_list_reply(library)
    if found.best is None:
        return no_match_reply(found, library)
    log.info("playbook matched", extra={"topic": found.best.value, "kind": found.kind, "score": found.score})
    if answered is not None:
        answered(found.best)
    return playbook_reply(library[found.best], found)


async def run(invocation: Invocation, deps: Deps) -> Reply:
    # Counted for the digest: the topic and the day, not who asked or what they typed.
    return why_reply(invocation.args, answered=lambda topic: record_ask(deps.store, topic.value, now=deps.clock()))


SUBCOMMAND = Subcommand(name="why", usage="why <topic>", summary=messages.WHY_SUMMARY, run=run)


def _topic(click: Click) -> Topic | None:
    """The topic whose playbook carried the button."""
    return Topic(click.value) if click.value in {t.value for t in Topic} else None


async def check_key(deps: Deps, user: str) -> Reply:
    """The check-key report for the bot's own key."""
    return await check_key_reply(deps, None, user_id=user)


async def streaming_probe(deps: Deps, topic: Topic | None) -> Reply:
    """One streaming probe from where the bot runs, named after the playbook it was run from."""
    result = await probe_streaming(deps.probe_config, deps.clip)
    log.info("streaming probe from a playbook", extra={"state": result.state, "topic": topic and topic.value})
    return probe_reply(result, topic or Topic.WEBSOCKET)


def register_actions(app: AsyncApp, deps: Deps) -> None:
    """Wire the three live-check buttons: ack at once, run the check, answer as a new message."""
    on_button(app, CHECK_KEY_ACTION, lambda click: check_key(deps, click.user_id), replace_original=False)
    on_button(app, PROBE_STREAMING_ACTION, lambda click: streaming_probe(deps, _topic(click)), replace_original=False)
    on_button(app, STATUS_ACTION, lambda click: status_reply(deps), replace_original=False)
