"""Direct messages to the bot: answered in the thread of the question."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.say.async_say import AsyncSay

from bot import messages


async def is_user_dm(event: dict[str, Any]) -> bool:
    """A new message a person wrote in a DM: not the bot's own, not an edit or a join."""
    return event.get("channel_type") == "im" and "subtype" not in event and "bot_id" not in event


async def on_direct_message(event: dict[str, Any], say: AsyncSay) -> None:
    await say(text=messages.DM_INTRO, thread_ts=event.get("thread_ts") or event.get("ts"))
