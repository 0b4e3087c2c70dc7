"""Every user-facing sentence the bot says, in one place.

Handlers and builders import these instead of writing wording inline, so tone stays
consistent and tests can assert on the exact text a user sees.
"""

from __future__ import annotations

COMMAND = "/deepgram"

HELP_TITLE = "Deepgram Doctor"
HELP_INTRO = "Find out why Deepgram is not working, without leaving Slack. Commands:"
HELP_FOOTER = "Replies are only visible to you unless a command says otherwise."


def unknown_subcommand(name: str, suggestion: str | None) -> str:
    """`name` must already be escaped for Slack."""
    if suggestion:
        return f"I don't know `{name}`. Did you mean `{COMMAND} {suggestion}`?"
    return f"I don't know `{name}`."


UNKNOWN_SUBCOMMAND_LIST = "Here is what I can do:"


def internal_error(correlation_id: str) -> str:
    return (
        f"Something went wrong on my side while handling that command. Please try again in a minute; "
        f"if it keeps happening, give your admin this reference: `{correlation_id}`."
    )


DM_INTRO = "Hi! I help with Deepgram problems. Type `/deepgram help` in any channel to see what I can do."

HOME_INTRO = (
    'When Deepgram "is not working", I tell you why: their outage, or your key, network, audio or credits. '
    "Type a command in any channel:"
)
HOME_FOOTER = "You can also write to me here, in the Messages tab."

STATUS_CHECKING = "Checking Deepgram: status page and live probes, a few seconds…"
STATUS_REPORT_GONE = "That report is no longer stored. Run `/deepgram status` again and share the new one."


def shared_by(user_id: str) -> str:
    return f"Shared by <@{user_id}> from `/deepgram status`"
