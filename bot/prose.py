"""Prose: the core's sentences as data, so that Slack and the terminal each render them their own way.

The core never writes Slack mrkdwn or terminal escapes. A sentence that needs more than plain
words (a command to type, a header value, a name worth noticing, a playbook to read) is a `Prose`:
a tuple of `Span`s with a style. `bot.slack` turns it into escaped mrkdwn, `bot.text` into terminal
text, and `str(prose)` gives the bare words for logs and JSON.

`Prose.of()` reads a small markup from the *template only* (`` `code` `` and `*strong*`), then fills
`{name}` fields with values as plain text inside the surrounding span. A value that came from a
user or a remote service is therefore never read as markup, whatever characters it contains:

    Prose.of("Deepgram rejected `{scheme}` for *{name}*.", scheme="Bearer", name=project_name)

A value may also be a `Span` or a `Prose` (for example `see(Topic.CREDITS)`), inserted as it is.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from bot.topics import Topic

__all__ = ["Prose", "Span", "Style", "clip", "code", "drop_invisible", "link", "see", "strong"]

# Control characters (tab and line feed aside) and invisible formatting ones that can disguise text
# (zero-width space, bidi overrides and isolates, word joiner, BOM) have no place in what we show.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def drop_invisible(text: str, replacement: str = "") -> str:
    """`text` without control characters (tab and line feed kept) and invisible formatting characters:
    what a Slack message or a terminal shows of text from elsewhere (escape sequences included)."""
    return _INVISIBLE.sub(replacement, text)


Style = Literal["plain", "code", "strong", "link", "topic"]

_MARKUP = re.compile(r"`([^`]*)`|\*([^*\n]+)\*")
_FORMATTER = string.Formatter()


@dataclass(frozen=True)
class Span:
    """A run of words in one style. `url` is the target of a link; `topic` spans name a playbook."""

    text: str
    style: Style = "plain"
    url: str | None = None


def code(text: str) -> Span:
    return Span(text, "code")


def strong(text: str) -> Span:
    return Span(text, "strong")


def link(text: str, url: str) -> Span:
    """A link; renderers show only the text when `url` is not an http(s) URL."""
    return Span(text, "link", url)


def see(topic: Topic) -> Span:
    """A pointer to the playbook of `topic`: `/deepgram why X` in Slack, the CLI's `why X` in a terminal."""
    return Span(topic.value, "topic")


@dataclass(frozen=True)
class Prose:
    spans: tuple[Span, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "spans", _merged(self.spans))

    @classmethod
    def of(cls, template: str, /, **values: object) -> Prose:
        """Parse `template`'s markup, then fill its `{fields}` with `values` (never parsed)."""
        spans: list[Span] = []
        position = 0
        for match in _MARKUP.finditer(template):
            spans += _filled(template[position : match.start()], "plain", values)
            if match.group(1) is not None:
                spans += _filled(match.group(1), "code", values)
            else:
                spans += _filled(match.group(2), "strong", values)
            position = match.end()
        spans += _filled(template[position:], "plain", values)
        return cls(tuple(s for s in spans if s.text or s.style == "topic"))

    @classmethod
    def plain(cls, text: str) -> Prose:
        """Words with no markup at all (remote text, for instance)."""
        return cls((Span(text),) if text else ())

    @classmethod
    def join(cls, parts: Iterable[Prose | str], separator: str = " ") -> Prose:
        spans: list[Span] = []
        for i, part in enumerate(p for p in parts if p):
            if i and separator:
                spans.append(Span(separator))
            spans += part.spans if isinstance(part, Prose) else (Span(part),)
        return cls(tuple(spans))

    def __add__(self, other: Prose | str) -> Prose:
        return Prose(self.spans + (other.spans if isinstance(other, Prose) else (Span(other),)))

    def __bool__(self) -> bool:
        return bool(self.spans)

    def __iter__(self) -> Iterator[Span]:
        return iter(self.spans)

    def __str__(self) -> str:
        return "".join(s.text for s in self.spans)

    @property
    def topics(self) -> tuple[Topic, ...]:
        return tuple(Topic(s.text) for s in self.spans if s.style == "topic")


def _merged(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Neighbouring spans of one style (and link) become one, so a value filled into code stays code."""
    out: list[Span] = []
    for span in spans:
        last = out[-1] if out else None
        if last and last.style == span.style and last.url == span.url and span.style != "topic":
            out[-1] = Span(last.text + span.text, span.style, span.url)
        else:
            out.append(span)
    return tuple(out)


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending in `…` when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _filled(piece: str, style: Style, values: dict[str, object]) -> list[Span]:
    """`piece` with its `{fields}` replaced; values keep their own style when they are spans."""
    spans: list[Span] = []
    for literal, field, spec, _conversion in _FORMATTER.parse(piece):
        if literal:
            spans.append(Span(literal, style))
        if field is None:
            continue
        value = values[field]
        if isinstance(value, Span):
            spans.append(value)
        elif isinstance(value, Prose):
            spans += value.spans
        else:
            spans.append(Span(format(value, spec or ""), style))
    return spans
