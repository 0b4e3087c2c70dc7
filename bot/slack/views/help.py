"""Help, the App Home tab and the answer to an unknown subcommand: the command table as Block Kit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.credentials import contains_credential, mask_credentials
from bot.prose import Prose
from bot.slack import messages
from bot.slack.commands import CommandTable
from bot.slack.kit import Block, Reply, context, header, mrkdwn, section, user_text

__all__ = ["command_list", "error_reply", "help_reply", "home_view", "unknown_subcommand_reply"]


def command_list(table: CommandTable) -> str:
    return "\n".join(f"`{sub.full_usage}`  {sub.summary}" for sub in table)


def help_reply(table: CommandTable) -> Reply:
    """The command overview shown for `help`, an empty command, and unknown subcommands."""
    blocks = [
        header(messages.HELP_TITLE),
        section(messages.HELP_INTRO),
        section(command_list(table)),
        context(messages.HELP_FOOTER),
    ]
    return Reply(text=_fallback(messages.HELP_INTRO, (sub.full_usage for sub in table)), blocks=blocks)


def home_view(table: CommandTable, *, status_lines: Sequence[str] = (), subscribed: Sequence[str] = ()) -> Block:
    """The App Home tab: the latest verdict, the subscribed channels, and every command."""
    blocks = [header(messages.HELP_TITLE), section(messages.HOME_INTRO)]
    if status_lines:
        blocks.append(section("*Latest status*\n" + "\n".join(status_lines)))
    channels = ", ".join(f"<#{c}>" for c in subscribed[:50])
    more = f" and {len(subscribed) - 50} more" if len(subscribed) > 50 else ""
    blocks.append(
        section(
            f"*Alert subscriptions:* {channels}{more}"
            if subscribed
            else "*Alert subscriptions:* none yet. Type `/deepgram subscribe` in an incident channel."
        )
    )
    blocks += [section(command_list(table)), context(messages.HOME_FOOTER)]
    return {"type": "home", "blocks": blocks}


# No subcommand is this long: such a "name" is most likely a key pasted without `check-key`.
SECRET_LIKE_LENGTH = 20


def unknown_subcommand_reply(name: str, table: CommandTable) -> Reply:
    """Answer "I don't know `name`" with the closest subcommand and the list; `name` is shown inert and masked."""
    suggestion = table.suggest(name)
    shown = user_text(name, 50)
    if len(name) >= SECRET_LIKE_LENGTH or contains_credential(name):
        # Never echo what may be a credential: at most its last 4 characters.
        shown = user_text("…" + name[-4:])
        suggestion = "check-key" if table.lookup("check-key") else suggestion
    first = messages.unknown_subcommand(shown, suggestion)
    blocks = [section(first), section(messages.UNKNOWN_SUBCOMMAND_LIST), section(command_list(table))]
    return Reply(text=_fallback(first, (sub.full_usage for sub in table)), blocks=blocks)


def error_reply(message: str | Prose) -> Reply:
    """A refusal or failure: `message` is mrkdwn as is, or the core's `Prose` (rendered here).

    Either way nothing shaped like a credential is shown in full (a `str` message is mrkdwn, so it is
    masked but not escaped: whoever wrote it escaped what a user typed)."""
    text = mrkdwn(message) if isinstance(message, Prose) else mask_credentials(message)
    return Reply(text=text, blocks=[section(f":warning: {text}")])


def _fallback(first: str, lines: Iterable[str]) -> str:
    return first + " " + ", ".join(lines)
