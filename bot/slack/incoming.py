"""Text that comes from Slack (a command's arguments, a message), read as plain words for the core.

Slack sends markup in it (slack.md §7): `<@U…|name>`, `<#C…|name>`, `<!here>`, `<!subteam^…|@team>`,
`<https://…|label>`, and escapes `&`, `<` and `>` as entities. The core works on what a reader sees.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Literal

from bot.slack.kit import unescape

__all__ = ["plain_text"]

_MARKUP = re.compile(r"<([@#!])?([^<>|]*)(?:\|([^<>]*))?>")


def _readable(match: re.Match[str], *, mentions: bool, links: Literal["label", "url"]) -> str:
    sigil, target, label = match.group(1) or "", match.group(2), match.group(3)
    if sigil in ("@", "!") and not mentions:
        return " "
    if not sigil and links == "url":
        return target
    if label:
        return label if sigil not in "@#" or label.startswith(sigil) else f"{sigil}{label}"
    if sigil == "!":
        return "@" + target.split("^")[0]
    return f"{sigil}{target}" if sigil else target


def plain_text(text: str, *, mentions: bool = True, links: Literal["label", "url"] = "label") -> str:
    """What Slack shows for `text`: `<@U1|ana>` → `@ana`, `<!here>` → `@here`, `<#C1|dev>` → `#dev`,
    `<https://x|docs>` → `docs`, `<https://x>` → `https://x`, then `&lt;` → `<` (entities last, so an
    escaped `&lt;b&gt;` typed by the user is never read as markup). Whitespace is kept as it is.

    `mentions=False` drops user, group and `<!here>` mentions; `links="url"` keeps a link's address
    rather than its label (a pasted error's `dpgr.am/net0001` matters more than "see here").
    """
    readable = partial(_readable, mentions=mentions, links=links)
    return unescape(_MARKUP.sub(readable, text))
