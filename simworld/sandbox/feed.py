"""Everything the bot shows a person, collected from the fake Slack as it happens.

A reply can reach the user in four ways, and the sandbox must show all of them once, in order:
a message stored in a conversation (channel posts, thread replies, DMs, file shares), an edit of
one (alert roots are edited as incidents evolve), a `chat.postEphemeral`, and a response_url post
that Slack shows without storing (ephemeral replies, `replace_original` on an ephemeral). A
response_url post that *did* create or change a stored message is shown as that message, not
twice. The person's own messages are never echoed back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from simworld.render import NO_NAMES, Names, mrkdwn
from simworld.slack import FakeSlack, File
from simworld.slack.workspace import SLACKBOT_ID, Channel, Message


@dataclass
class FeedItem:
    """One thing that appeared, with where it appeared (for the label and for pressing its buttons)."""

    at: float
    label: str
    text: str | None
    blocks: list[Any] | None
    channel: str | None
    #: The message's ts: a stored message's own, or one made up for an ephemeral (Slack gives those
    #: one too). A button pressed on a stored message names it; on an ephemeral it names nothing.
    ts: str
    stored: bool
    files: list[File] = field(default_factory=list)
    #: The ts of the ephemeral message this one replaces (`replace_original` on an ephemeral).
    replaces: str | None = None


class Feed:
    """New bot output in the fake Slack since the last `collect()`."""

    def __init__(self, slack: FakeSlack, user_id: str, names: Names = NO_NAMES) -> None:
        self.slack = slack
        self.user_id = user_id
        self.names = names
        self._responses = len(slack.responses)
        self._ephemerals = len(slack.ephemerals)
        # (channel, ts) → how many edits of that message were already shown.
        self._seen: dict[tuple[str, str], int] = {}
        for channel in slack.workspace.channels.values():
            for message in channel.messages:
                self._seen[(channel.id, message.ts)] = len(message.history)

    def pending(self) -> bool:
        """Is there anything `collect()` would return? (Cheap enough to run on every change.)"""
        if len(self.slack.responses) > self._responses or len(self.slack.ephemerals) > self._ephemerals:
            return True
        for channel in self.slack.workspace.channels.values():
            for message in channel.messages:
                if self._seen.get((channel.id, message.ts)) != len(message.history) and self._shows(message):
                    return True
        return False

    def collect(self) -> list[FeedItem]:
        """Everything new, oldest first."""
        items = self._response_items() + self._ephemeral_items() + self._message_items()
        items.sort(key=lambda item: item.at)
        return items

    # -- sources ----------------------------------------------------------------------------------

    def _response_items(self) -> list[FeedItem]:
        items = []
        new = self.slack.responses[self._responses :]
        self._responses += len(new)
        for post in new:
            if post.status != 200 or post.body is None or post.message_ts is not None:
                # Refused, or shown as the stored message it created or changed.
                continue
            if post.delete_original:
                continue
            label = "only you"
            state = self.slack.response_url_states.get(urlsplit(post.url).path)
            replaces = state.message_ts if state is not None and post.replace_original else None
            if replaces is not None:
                label += " · replaces the message it was pressed on"
            items.append(
                FeedItem(
                    at=post.at,
                    label=label,
                    text=post.text,
                    blocks=post.blocks,
                    channel=post.channel,
                    # The replacement takes the place (and the ts) of the message it replaces.
                    ts=replaces or self.slack.workspace.ts_clock.next(),
                    stored=False,
                    replaces=replaces,
                )
            )
        return items

    def _ephemeral_items(self) -> list[FeedItem]:
        new = self.slack.ephemerals[self._ephemerals :]
        self._ephemerals += len(new)
        return [
            FeedItem(
                at=float(e.ts),
                label="only you",
                text=e.text,
                blocks=e.blocks,
                channel=e.channel,
                ts=e.ts,
                stored=False,
            )
            for e in new
            if e.user == self.user_id
        ]

    def _shows(self, message: Message) -> bool:
        """Bot output and Slack's own notices; never what the person typed."""
        return message.bot_id is not None or message.subtype is not None

    def _message_items(self) -> list[FeedItem]:
        items = []
        ws = self.slack.workspace
        for channel in ws.channels.values():
            for message in channel.messages:
                key = (channel.id, message.ts)
                edits = len(message.history)
                shown = self._seen.get(key)
                self._seen[key] = edits
                if shown == edits or message.deleted or not self._shows(message):
                    continue
                label = self.where(channel, message)
                at = float(message.ts)
                if shown is not None:
                    label += " · edited"
                    at = float((message.edited or {}).get("ts", message.ts))
                files = [ws.files[f] for f in message.files if f in ws.files]
                items.append(
                    FeedItem(
                        at=at,
                        label=label,
                        text=message.text,
                        blocks=message.blocks,
                        channel=channel.id,
                        ts=message.ts,
                        stored=True,
                        files=files if shown is None else [],
                    )
                )
        return items

    def where(self, channel: Channel, message: Message) -> str:
        """`#general`, `DM`, `#incidents › thread "…"`: where a person would see the message."""
        if channel.kind == "im":
            place = "DM from Slackbot" if SLACKBOT_ID in channel.members else "DM"
        else:
            place = f"#{channel.name}"
        if not message.is_reply:
            return place
        root = channel.find(message.thread_ts or "")
        # Named after the root as first posted: alert roots are edited, the thread's name should not move.
        first = str(root.history[0].get("text") or "") if root is not None and root.history else None
        about = self._snippet(first or root.text) if root is not None else ""
        return f'{place} › thread "{about}"' if about else f"{place} › thread"

    def _snippet(self, text: str, limit: int = 40) -> str:
        """The start of a thread root's fallback text, to say which thread a reply is in."""
        first = " ".join(mrkdwn(text, self.names))
        return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"
