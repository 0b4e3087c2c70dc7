"""The `/deepgram check-key` checklist as Block Kit: a header, a verdict, a line per check, a footer.

The words come from `bot.keys` as `Prose`; everything that reaches mrkdwn here is escaped, so a
project name or a Deepgram error message can never become a mention or a link. Nothing rendered
holds more of the credential than the `…abcd` the core already masked.
"""

from __future__ import annotations

from bot.keys import Check, CheckState, KeyCheck, Notice
from bot.prose import Prose, see
from bot.slack.kit import MAX_BLOCKS, Block, Reply, context, escape, header, mrkdwn, section

__all__ = [
    "ACK_TEXT",
    "STATE_EMOJI",
    "check_line",
    "footer",
    "notice_reply",
    "render_key_check",
    "verdict_line",
]

#: The slash command's acknowledgement: a fixed sentence, so the pasted text is never echoed.
ACK_TEXT = "Checking the key with Deepgram, a few seconds…"

STATE_EMOJI: dict[CheckState, str] = {
    "pass": ":white_check_mark:",
    "warn": ":warning:",
    "fail": ":x:",
    "info": ":information_source:",
}


def check_line(check: Check) -> str:
    """One checklist line in mrkdwn, with its next step and playbook when it has them."""
    line = f"{STATE_EMOJI[check.state]} *{escape(check.label)}*: {mrkdwn(check.text)}"
    follow = [mrkdwn(check.next_step)] if check.next_step else []
    if check.topic and check.state != "pass":
        follow.append(mrkdwn(Prose((see(check.topic),))))
    if follow:
        line += "\n→ " + " ".join(follow)
    return line


def verdict_line(result: KeyCheck) -> str:
    fails, warns = result.count("fail"), result.count("warn")
    if fails:
        extra = f", {warns} warning{_s(warns)}" if warns else ""
        return f":x: *{fails} problem{_s(fails)} found{extra}.*"
    if warns:
        return f":warning: *Works, with {warns} warning{_s(warns)}.*"
    return ":white_check_mark: *All checks pass.*"


def footer(result: KeyCheck) -> str:
    where = f"`{escape(result.api_url)}`"
    if result.source == "configured":
        return (
            f"Checked the bot's configured `DEEPGRAM_API_KEY` against {where}. The key is never shown, logged or "
            "stored."
        )
    return (
        f"Checked what you pasted against {where}; it is never shown, logged or stored. Slash commands are private, "
        "so it was not posted in the channel; but if this key was ever pasted anywhere public (a channel, a ticket, "
        "a repository), rotate it: create a new key, switch your apps over, delete the old one."
    )


def render_key_check(result: KeyCheck) -> Reply:
    """The checklist as an ephemeral Block Kit reply; the fallback text names only the masked key."""
    what = "Temporary token" if result.kind == "jwt" else "Key"
    title = f"{what} check {result.masked}"
    blocks: list[Block] = [header(title), section(verdict_line(result))]
    lines = [section(check_line(c)) for c in result.checks]
    room = MAX_BLOCKS - len(blocks) - 1
    blocks.extend(lines[:room])
    blocks.append(context(footer(result)))
    fails, warns = result.count("fail"), result.count("warn")
    text = f"{title}: {fails} problem{_s(fails)}, {warns} warning{_s(warns)}"
    return Reply(text=text, blocks=blocks)


def notice_reply(notice: Notice) -> Reply:
    """A one-paragraph answer (no key configured, nothing pasted)."""
    text = mrkdwn(notice.text)
    return Reply(text=text, blocks=[section(f":information_source: {text}")])


def _s(count: int) -> str:
    return "s" if count != 1 else ""
