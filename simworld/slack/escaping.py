"""What Slack does to a slash command's text when the command has `should_escape: true` in the manifest.

Documented (slack.md §1.1, §7): user and channel mentions and links arrive as markup (`<@U123|name>`,
`<#C123|name>`, `<https://…>`), and `&`, `<`, `>` typed by the user arrive as `&amp;`, `&lt;`, `&gt;`.
User groups arrive as `<!subteam^S123|@handle>` and the broadcasts as `<!here>`, `<!channel>`,
`<!everyone>` (the same markup Slack uses in messages, slack.md §7).

Undocumented, so kept minimal here: real Slack resolves what the person picked from its
autocomplete; this fake resolves a typed `@name` by exact user name (deactivated members too),
`@handle` by user group handle (disabled groups too, so the bot's refusal can be exercised), and
`#name` by channel name; anything unknown stays as typed. Only `http://` and `https://` URLs become
links; Slack also links bare domains (`dpgr.am/x` → `<http://dpgr.am/x|dpgr.am/x>`), which this fake
does not (a test that needs it writes the escaped text itself).
"""

from __future__ import annotations

import re

from simworld.slack.workspace import Workspace

__all__ = ["MANIFEST_SHOULD_ESCAPE", "escape_command_text", "escape_entities"]

#: `should_escape` of the `/deepgram` command in `manifest.yml`. The sandbox cannot read the manifest
#: (an installed package does not ship it); tests/packaging/test_manifest.py keeps the two equal.
MANIFEST_SHOULD_ESCAPE = True

_TYPED = re.compile(
    r"(?P<url>https?://[^\s<>]*[^\s<>.,;:!?)\]'\"])"
    r"|(?<![\w@&])@(?P<at>[A-Za-z0-9](?:[\w.\-]*\w)?)"
    r"|(?<![\w&#])#(?P<channel>[a-z0-9][\w\-]*)"
)
_BROADCASTS = frozenset({"here", "channel", "everyone"})


def escape_entities(text: str) -> str:
    """`&`, `<`, `>` as Slack sends them (`&` first)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_command_text(text: str, workspace: Workspace) -> str:
    """`text` as typed → the `text` field Slack sends for a command with `should_escape: true`."""
    out: list[str] = []
    position = 0
    for match in _TYPED.finditer(text):
        markup = _markup(match, workspace)
        if markup is None:
            continue
        out.append(escape_entities(text[position : match.start()]))
        out.append(markup)
        position = match.end()
    out.append(escape_entities(text[position:]))
    return "".join(out)


def _markup(match: re.Match[str], workspace: Workspace) -> str | None:
    """The markup for one typed mention, channel or link; None to leave it as typed."""
    if url := match.group("url"):
        return f"<{escape_entities(url)}>"
    if name := match.group("at"):
        if name.lower() in _BROADCASTS:
            return f"<!{name.lower()}>"
        if user := workspace.user_by_name(name):
            return f"<@{user.id}|{user.name}>"
        if group := workspace.usergroup_by_handle(name):
            return f"<!subteam^{group.id}|@{group.handle}>"
        return None
    channel = workspace.channel_by_name(match.group("channel"))
    return f"<#{channel.id}|{channel.name}>" if channel else None
