"""The text a voice will say: checking it, and cutting it into pieces that fit one request each.

The text arrives as plain words: Slack's markup (`<@U…|ana>`, links, escaping) has already been
read by `bot.slack.incoming.plain_text`, and a terminal has none. Longer text than one request
takes is cut at sentence boundaries (then clause, then word boundaries) and the pieces' sizes are
evened out, since they are synthesised in parallel. Everything here is pure.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from bot.errors import UsageError
from bot.prose import Prose
from bot.speak.voices import char_limit

__all__ = ["NothingToSay", "SpeakText", "clean_text", "is_speakable", "prepare_text", "split_text"]

# Emoji as Slack sends them in command text (`:tada:`, `:+1::skin-tone-2:`), and keycaps (1️⃣).
_SHORTCODE = re.compile(r":[a-z0-9_+'\-]+:")
_KEYCAP = re.compile("[0-9#*]\ufe0f?\u20e3")


class NothingToSay(UsageError):
    """The text is empty; each surface adds how to give some (the Slack usage, the CLI's argument)."""

    def __init__(self) -> None:
        super().__init__(Prose.plain("There is nothing to speak."))


def is_speakable(text: str) -> bool:
    """Whether there is anything a voice can say: a letter or a digit outside emoji."""
    stripped = _KEYCAP.sub(" ", _SHORTCODE.sub(" ", text))
    return any(unicodedata.category(ch)[0] in "LN" for ch in stripped)


def clean_text(raw: str, *, max_chars: int) -> str:
    """What a voice will say; raise `UsageError` for empty, unspeakable or over-long text."""
    text = raw.strip()
    if not text:
        raise NothingToSay()
    if not is_speakable(text):
        raise UsageError(
            Prose.plain(
                "That text is only emoji, symbols or spaces: there are no words for a voice to say. "
                "Add some words and try again."
            )
        )
    if len(text) > max_chars:
        raise UsageError(
            Prose.plain(
                f"That text has {len(text):,} characters; I speak at most {max_chars:,} at a time (SPEAK_MAX_CHARS). "
                "Shorten it, or split it into several requests."
            )
        )
    return text


# Where a piece may end, from the best place to the worst. Each pattern matches the separator;
# the cut is made after it. CJK punctuation needs no following space.
_BOUNDARIES: tuple[re.Pattern[str], ...] = (
    re.compile(r"\n\s*|[.!?…]+[\"'”’»)\]]*\s+|[。！？]+[」』）]*\s*"),
    re.compile(r"[,;:]\s+|\s[—–-]+\s|[，、；：]\s*"),
    re.compile(r"\s+"),
)


def _segments(text: str, boundary: re.Pattern[str]) -> list[str]:
    """Cut `text` after every separator; the segments concatenate back to `text`."""
    out, start = [], 0
    for match in boundary.finditer(text):
        if match.end() > start:
            out.append(text[start : match.end()])
            start = match.end()
    if start < len(text):
        out.append(text[start:])
    return out


def _pack(text: str, limit: int, level: int = 0) -> list[str]:
    """Greedily fill pieces of at most `limit` characters, preferring the coarsest boundary."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    if level == len(_BOUNDARIES):
        # One "word" longer than the limit (a URL, a hash): cut it, nothing better exists.
        return [p for p in (text[i : i + limit].strip() for i in range(0, len(text), limit)) if p]
    pieces: list[str] = []
    current = ""
    for segment in _segments(text, _BOUNDARIES[level]):
        if len((current + segment).strip()) <= limit:
            current += segment
            continue
        if current.strip():
            pieces.append(current.strip())
        if len(segment.strip()) <= limit:
            current = segment
        else:
            parts = _pack(segment, limit, level + 1)
            pieces.extend(parts[:-1])
            # The tail may still share a piece with what follows; keep its separator.
            current = parts[-1] + segment[len(segment.rstrip()) :] if parts else ""
    if current.strip():
        pieces.append(current.strip())
    return pieces


def _largest_unit(text: str, limit: int, level: int = 0) -> int:
    """The longest stretch `_pack` keeps whole at `limit`: any lower limit would cut finer."""
    text = text.strip()
    if len(text) <= limit or level == len(_BOUNDARIES):
        return min(len(text), limit)
    return max(_largest_unit(segment, limit, level + 1) for segment in _segments(text, _BOUNDARIES[level]))


def split_text(text: str, limit: int) -> list[str]:
    """Cut `text` into as few pieces of at most `limit` characters as sentence boundaries allow,
    then even their sizes out (pieces run in parallel: the longest one sets the wall time).

    Evening out never cuts finer than needed: a sentence that fits one request is not split to
    make the pieces more equal. Pieces keep the text's order and its words; only whitespace at
    the cuts is dropped.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    greedy = _pack(text, limit)
    if len(greedy) <= 1:
        return greedy
    # The smallest limit that gives no more pieces than the greedy cut and keeps its units whole.
    low = max(math.ceil(sum(map(len, greedy)) / len(greedy)), _largest_unit(text, limit))
    high = limit
    best = greedy
    while low <= high:
        middle = (low + high) // 2
        candidate = _pack(text, middle)
        if len(candidate) <= len(greedy):
            best, high = candidate, middle - 1
        else:
            low = middle + 1
    return best


@dataclass(frozen=True)
class SpeakText:
    """Text ready to synthesise: what will be said, with which voice, cut into pieces."""

    text: str
    voice: str
    pieces: tuple[str, ...]

    @property
    def chars(self) -> int:
        """Characters Deepgram bills: the pieces' lengths."""
        return sum(len(p) for p in self.pieces)


def prepare_text(text: str, voice: str) -> SpeakText:
    """Cut checked text into pieces that fit one request with `voice`."""
    return SpeakText(text=text, voice=voice, pieces=tuple(split_text(text, char_limit(voice))))
