"""Slack messages as terminal text: Block Kit and mrkdwn in, plain lines out. Pure, no I/O.

The sandbox shows what the bot would show in Slack, so a reader must never see Slack's wire
markup: `*bold*`, `` `code` ``, `<https://…|label>`, `<!date^…|fallback>`, `<@U…>`, `<#C…>`,
`&lt;` and `:emoji:` are all turned into what Slack would display. Buttons become numbered
choices (`[1] Run again`); the caller decides what pressing one does.

Styling goes through a `Style`: `PLAIN` for transcripts and pipes (no escape codes, inline code
keeps its backticks so it still reads as code), `ANSI` for a colour terminal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

# -- styles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """How emphasis is shown: each function wraps a piece of already plain text."""

    bold: Callable[[str], str]
    italic: Callable[[str], str]
    strike: Callable[[str], str]
    code: Callable[[str], str]
    dim: Callable[[str], str]
    header_rule: str
    divider: str


def _same(text: str) -> str:
    return text


def _ansi(code: str) -> Callable[[str], str]:
    def wrap(text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m"

    return wrap


PLAIN = Style(
    bold=_same,
    italic=_same,
    strike=lambda text: f"~{text}~",
    code=lambda text: f"`{text}`",
    dim=_same,
    header_rule="=",
    divider="-" * 40,
)
ANSI = Style(
    bold=_ansi("1"),
    italic=_ansi("3"),
    strike=_ansi("9"),
    code=_ansi("36"),
    dim=_ansi("2"),
    header_rule="═",
    divider="─" * 40,
)

# -- names --------------------------------------------------------------------------------------


class Names(Protocol):
    """Display names for the ids Slack markup refers to (None: unknown id)."""

    def user(self, user_id: str) -> str | None: ...

    def channel(self, channel_id: str) -> str | None: ...


@dataclass(frozen=True)
class NameTable:
    """`Names` from two dictionaries (tests, or a snapshot of a workspace)."""

    users: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)

    def user(self, user_id: str) -> str | None:
        return self.users.get(user_id)

    def channel(self, channel_id: str) -> str | None:
        return self.channels.get(channel_id)


NO_NAMES = NameTable()

# -- emoji ----------------------------------------------------------------------------------------

#: The shortcodes the bot and its playbooks use, as Slack displays them. Unknown ones stay as typed.
EMOJI: dict[str, str] = {
    "+1": "👍",
    "thumbsup": "👍",
    "white_check_mark": "✅",
    "heavy_check_mark": "✔️",
    "x": "❌",
    "warning": "⚠️",
    "no_entry": "⛔",
    "no_bell": "🔕",
    "bell": "🔔",
    "rotating_light": "🚨",
    "large_green_circle": "🟢",
    "large_yellow_circle": "🟡",
    "large_orange_circle": "🟠",
    "red_circle": "🔴",
    "white_circle": "⚪",
    "large_blue_circle": "🔵",
    "wrench": "🔧",
    "money_with_wings": "💸",
    "information_source": "ℹ️",
    "grey_question": "❔",
    "question": "❓",
    "tada": "🎉",
    "speaking_head_in_silhouette": "🗣️",
    "satellite_antenna": "📡",
    "hourglass_flowing_sand": "⏳",
    "closed_lock_with_key": "🔐",
    "key": "🔑",
    "mag": "🔍",
    "bulb": "💡",
    "wave": "👋",
    "books": "📚",
    "stethoscope": "🩺",
}

# -- mrkdwn ---------------------------------------------------------------------------------------

# Private-use characters delimit placeholders for text that formatting must not touch.
_OPEN, _CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_CODE_BLOCK = re.compile(r"```\n?(.*?)\n?```", re.S)
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_TOKEN = re.compile(r"<([^<>\n]+)>")
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")
# Slack's emphasis: the marker sits at a word boundary and hugs non-space text on both sides.
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])")


def unescape(text: str) -> str:
    """Slack's three entities back to characters (`&amp;` last, so `&amp;lt;` stays `&lt;`)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def emojize(text: str) -> str:
    """`:white_check_mark:` → ✅ for the shortcodes in `EMOJI`; others stay as typed."""
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def token_text(token: str, names: Names = NO_NAMES) -> str:
    """What Slack displays for the inside of one `<…>` token."""
    head, _, label = token.partition("|")
    if head.startswith("@"):
        user_id = head[1:]
        return "@" + (names.user(user_id) or unescape(label) or user_id)
    if head.startswith("#"):
        channel_id = head[1:]
        return "#" + (names.channel(channel_id) or unescape(label) or channel_id)
    if head.startswith("!date^"):
        # `<!date^epoch^format|fallback>`: the fallback is what clients that cannot localise show.
        return unescape(label) if label else head.split("^")[1]
    if head.startswith("!subteam^"):
        return unescape(label) or "@group"
    if head.startswith("!"):
        return "@" + head[1:]
    url = unescape(head)
    shown = url.removeprefix("mailto:")
    label = unescape(label)
    if not label or label in (url, shown):
        return shown
    return f"{label} ({shown})"


def _code_block(body: str, style: Style) -> list[str]:
    return ["    " + style.dim(unescape(line)) if line else "" for line in body.split("\n")]


def _inline(text: str, names: Names, style: Style) -> str:
    """One run of mrkdwn without code blocks, as styled plain text."""
    kept: list[str] = []

    def keep(rendered: str) -> str:
        kept.append(rendered)
        return f"{_OPEN}{len(kept) - 1}{_CLOSE}"

    text = _INLINE_CODE.sub(lambda m: keep(style.code(unescape(m.group(1)))), text)
    text = _TOKEN.sub(lambda m: keep(token_text(m.group(1), names)), text)
    text = _BOLD.sub(lambda m: style.bold(m.group(1)), text)
    text = _ITALIC.sub(lambda m: style.italic(m.group(1)), text)
    text = _STRIKE.sub(lambda m: style.strike(m.group(1)), text)
    text = emojize(unescape(text))
    # Placeholders may nest (a link inside bold): substitute until none is left.
    while _PLACEHOLDER.search(text):
        text = _PLACEHOLDER.sub(lambda m: kept[int(m.group(1))], text)
    return text


def mrkdwn(text: str, names: Names = NO_NAMES, style: Style = PLAIN) -> list[str]:
    """Slack mrkdwn as display lines: emphasis, code, links, mentions, dates, quotes and emoji."""
    lines: list[str] = []
    pos = 0
    for block in _CODE_BLOCK.finditer(text):
        between = _prose(text[pos : block.start()], names, style)
        if pos and not between:
            lines.append("")  # two code blocks in a row stay two blocks
        lines += between
        lines += _code_block(block.group(1), style)
        pos = block.end()
    lines += _prose(text[pos:], names, style)
    return lines


def _prose(text: str, names: Names, style: Style) -> list[str]:
    if not text.strip("\n"):
        return []
    out = []
    for line in text.strip("\n").split("\n"):
        # A raw `>` (Slack escapes a typed one as `&gt;`) starts a quote.
        if line.startswith(">"):
            out.append("│ " + _inline(line[1:].lstrip(), names, style))
        else:
            out.append(_inline(line, names, style))
    return out


def plain_text(obj: Any) -> str:
    """A `plain_text` (or `mrkdwn`) text object's text, emoji shortcodes shown as emoji."""
    if isinstance(obj, dict):
        text = str(obj.get("text", ""))
        if obj.get("type") == "mrkdwn":
            return " ".join(mrkdwn(text))
        return emojize(text) if obj.get("emoji", True) else text
    return str(obj or "")


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: wide (emoji, CJK) characters count 2, marks 0."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or ch in "\ufe0f\u200d":
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


# -- blocks ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    """A button a reader can press: its number in the sandbox, label, and what Slack would send."""

    number: int
    label: str
    action_id: str
    value: str
    url: str | None = None


@dataclass
class Rendered:
    """A message as terminal lines, and its buttons in the order their numbers were given."""

    lines: list[str]
    buttons: list[Button] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class _Renderer:
    def __init__(self, names: Names, style: Style, first_number: int) -> None:
        self.names = names
        self.style = style
        self.next_number = first_number
        self.buttons: list[Button] = []

    def text_object(self, obj: Any) -> list[str]:
        if not isinstance(obj, dict):
            return []
        if obj.get("type") == "mrkdwn":
            return mrkdwn(str(obj.get("text", "")), self.names, self.style)
        return plain_text(obj).split("\n")

    def element(self, el: Any) -> str | None:
        """An interactive or context element on one line (None: nothing to show)."""
        if not isinstance(el, dict):
            return None
        kind = el.get("type")
        if kind == "button":
            label = plain_text(el.get("text"))
            url = el.get("url")
            if isinstance(url, str) and url:
                # A link button opens a page: nothing to send to the bot, so no number.
                return f"[{label} → {url}]"
            button = Button(self.next_number, label, str(el.get("action_id", "")), str(el.get("value", "")))
            self.next_number += 1
            self.buttons.append(button)
            return self.style.bold(f"[{button.number}] {label}")
        if kind in ("mrkdwn", "plain_text"):
            return " ".join(self.text_object(el))
        if kind == "image":
            return f"[image: {el.get('alt_text', '')}]"
        placeholder = plain_text(el.get("placeholder")) if el.get("placeholder") else str(kind)
        # Menus, date pickers…: shown, but the sandbox cannot operate them.
        return f"[{placeholder} (not available in the sandbox)]"

    def block(self, block: Any) -> list[str]:
        if not isinstance(block, dict):
            return []
        kind = block.get("type")
        style = self.style
        if kind == "header":
            title = plain_text(block.get("text"))
            return [style.bold(title), style.header_rule * max(3, display_width(title))]
        if kind == "divider":
            return [style.divider]
        if kind == "section":
            lines = self.text_object(block.get("text"))
            for field_obj in block.get("fields") or []:
                lines += self.text_object(field_obj)
            accessory = self.element(block.get("accessory"))
            if accessory:
                lines.append(accessory)
            return lines
        if kind == "context":
            parts = [self.element(el) for el in block.get("elements") or []]
            return [style.dim(" · ".join(p for p in parts if p))]
        if kind == "actions":
            parts = [self.element(el) for el in block.get("elements") or []]
            return ["  ".join(p for p in parts if p)]
        if kind == "image":
            return [f"[image: {block.get('alt_text', '')}]"]
        if kind == "markdown":
            return str(block.get("text", "")).split("\n")
        if kind == "rich_text":
            return _rich_text(block).split("\n")
        return [f"[{kind} block]"]

    def blocks(self, blocks: Sequence[Any]) -> list[str]:
        lines: list[str] = []
        for block in blocks:
            rendered = self.block(block)
            # Slack leaves a little air between sections; one blank line keeps long replies readable
            # without doubling the height of short ones.
            is_section = isinstance(block, dict) and block.get("type") == "section"
            if is_section and rendered and lines and lines[-1] != "":
                lines.append("")
            lines += rendered
        return lines


def _rich_text(block: Mapping[str, Any]) -> str:
    """The words of a `rich_text` block (what a person typed), without its styling."""
    parts: list[str] = []

    def walk(elements: Iterable[Any]) -> None:
        for el in elements:
            if not isinstance(el, dict):
                continue
            if "elements" in el:
                walk(el["elements"])
            elif el.get("type") == "text":
                parts.append(str(el.get("text", "")))
            elif el.get("type") == "link":
                parts.append(str(el.get("text") or el.get("url", "")))
            elif el.get("type") == "emoji":
                parts.append(EMOJI.get(str(el.get("name")), f":{el.get('name')}:"))

    walk(block.get("elements") or [])
    return "".join(parts)


def render_message(
    text: str | None,
    blocks: Sequence[Any] | None,
    *,
    names: Names = NO_NAMES,
    style: Style = PLAIN,
    first_number: int = 1,
) -> Rendered:
    """A message as Slack shows it: its blocks, or its mrkdwn `text` when it has none.

    Buttons are numbered from `first_number` in the order they appear.
    """
    renderer = _Renderer(names, style, first_number)
    lines = renderer.blocks(blocks) if blocks else mrkdwn(text or "", names, style)
    while lines and not lines[-1].strip():
        lines.pop()
    return Rendered(lines=lines, buttons=renderer.buttons)
