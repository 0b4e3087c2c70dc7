"""Direct messages to the bot: a question in the user's own words, answered in its thread.

"my websocket closes after ten seconds", "getting 401 but my key works in curl", a pasted error
body: the text goes through the same matcher as `/deepgram why`, and the answer is the most
useful section of the best playbook (its causes, or its fix for a "how do I…" question) with the
playbook's live-check button. Small talk gets a greeting; anything else unmatched gets "I couldn't
find a playbook" with the closest topics and the full list.

Slack redelivers events it thinks we missed; the event_id middleware in `bot.app` drops the
repeats, so each question is answered once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.say.async_say import AsyncSay

from bot.digest import record_ask
from bot.playbooks.library import load_library
from bot.playbooks.match import match
from bot.runtime.deps import Deps
from bot.slack import messages
from bot.slack.incoming import plain_text
from bot.slack.kit import Reply, section
from bot.slack.listeners import guarded
from bot.slack.views.playbooks import compact_reply, no_match_reply, topic_list_blocks
from bot.topics import Topic

log = logging.getLogger(__name__)

_SMALL_TALK = re.compile(
    r"^\W*(hi|hello|hey|yo|howdy|hiya|thanks?|thank you|thx|cheers|good (morning|afternoon|evening)|help)\b", re.I
)


async def is_user_dm(event: dict[str, Any]) -> bool:
    """A new message a person wrote in a DM: not the bot's own, not an edit or a join."""
    return event.get("channel_type") == "im" and "subtype" not in event and "bot_id" not in event


def message_text(text: str) -> str:
    """A Slack message's text as the user typed it: mentions dropped, links as their address, escaping undone."""
    return plain_text(text, mentions=False, links="url").replace("```", " ").strip()


def faq_reply(text: str, *, answered: Callable[[Topic], None] | None = None) -> Reply:
    """The answer to a DM: a playbook section, a greeting, or "couldn't find" with the topics. `answered` is
    told the topic of a playbook answer (for the weekly digest's topic counts)."""
    library = load_library()
    found = match(message_text(text), library)
    if found.best is not None:
        log.info("faq answered", extra={"topic": found.best.value, "kind": found.kind, "score": found.score})
        if answered is not None:
            answered(found.best)
        return compact_reply(library[found.best], found)
    log.info("faq unmatched", extra={"suggestions": [c.topic.value for c in found.runner_ups]})
    if found.empty or (not found.runner_ups and _SMALL_TALK.match(found.query)):
        blocks = [section(messages.DM_GREETING), *topic_list_blocks(library)[1:]]
        return Reply(text=messages.DM_GREETING, blocks=blocks)
    return no_match_reply(found, library, dm=True)


async def _answer(text: str, deps: Deps) -> Reply:
    # Counted for the digest: the topic and the day, not who asked or what they wrote.
    return faq_reply(text, answered=lambda topic: record_ask(deps.store, topic.value, now=deps.clock()))


def make_dm_listener(deps: Deps) -> Callable[[dict[str, Any], AsyncSay], Awaitable[None]]:
    """The `message.im` listener: answer in the thread of the question (or of the thread it was asked in)."""

    async def on_direct_message(event: dict[str, Any], say: AsyncSay) -> None:
        user, channel = str(event.get("user") or ""), str(event.get("channel") or "")
        reply = await guarded(_answer(str(event.get("text") or ""), deps), what="dm", user=user, channel=channel)
        await say(text=reply.text, blocks=reply.blocks, thread_ts=event.get("thread_ts") or event.get("ts"))

    return on_direct_message
