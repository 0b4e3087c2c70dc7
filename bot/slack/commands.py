"""The shape of a `/deepgram` subcommand, and the table the router looks names up in.

Each subcommand module in `handlers/` exports one `Subcommand`: its name, usage, one-line
summary and an `async run(invocation, deps) -> Reply` that does no Slack I/O of its own.
The same table renders `help`, feeds "did you mean", and is checked against the manifest's
usage hint and the README so the three cannot drift apart.
"""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.slack.kit import Reply
from bot.slack.messages import COMMAND

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.runtime.deps import Deps


@dataclass(frozen=True)
class Invocation:
    """One `/deepgram <name> <args>` as typed, with who typed it where."""

    name: str
    #: The arguments as Slack shows them: mentions, channels and links read as their labels
    #: (`@oncall`, `#dev`, `dpgr.am/net0001`) and `&amp;`/`&lt;`/`&gt;` undone once
    #: (`bot.slack.incoming.plain_text`). What a subcommand parses and echoes.
    args: str
    user_id: str
    channel_id: str
    team_id: str
    table: CommandTable = field(repr=False)
    #: The request's Slack Web API client, for subcommands that post or upload themselves.
    client: AsyncWebClient | None = field(default=None, repr=False)
    #: Shows an interim reply at once through the command's response_url; the reply `run` returns
    #: replaces it (`bot.slack.listeners.Responder`). For subcommands that take seconds (status).
    show: Callable[[Reply], Awaitable[None]] | None = field(default=None, repr=False, compare=False)
    #: The arguments exactly as Slack sent them (manifest `should_escape: true`): markup intact
    #: (`<@U…|name>`, `<!subteam^S…|@name>`), `&`, `<`, `>` still escaped. None outside Slack.
    raw_args: str | None = field(default=None, repr=False)

    @property
    def slack_args(self) -> str:
        """The arguments with Slack's markup, when there was any (else the plain `args`)."""
        return self.args if self.raw_args is None else self.raw_args


Handler = Callable[[Invocation, "Deps"], Awaitable[Reply]]


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    run: Handler = field(repr=False, compare=False)
    aliases: tuple[str, ...] = ()
    #: Shown at once as the acknowledgement when the work takes a few seconds.
    ack_text: str | None = None

    @property
    def full_usage(self) -> str:
        return f"{COMMAND} {self.usage}"


class CommandTable:
    """An ordered, name-unique collection of subcommands."""

    def __init__(self, subcommands: Sequence[Subcommand]) -> None:
        self._entries = tuple(subcommands)
        self._by_name: dict[str, Subcommand] = {}
        for sub in self._entries:
            for key in (sub.name, *sub.aliases):
                if key in self._by_name:
                    raise ValueError(f"subcommand name {key!r} is used twice")
                self._by_name[key] = sub

    def __iter__(self) -> Iterator[Subcommand]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, name: str) -> Subcommand | None:
        return self._by_name.get(name.lower())

    def suggest(self, name: str) -> str | None:
        """The subcommand name closest to a mistyped `name`, if any is close enough."""
        matches = difflib.get_close_matches(name.lower(), list(self._by_name), n=1, cutoff=0.6)
        if not matches:
            return None
        return self._by_name[matches[0]].name

    def usage_hint(self) -> str:
        """The one-line hint Slack shows under the command (manifest `usage_hint`)."""
        return " | ".join(sub.usage for sub in self._entries)
