"""Parsing `/deepgram subscribe` arguments and describing subscriptions. Pure."""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence

from bot.alerts.routing import SEVERITIES
from bot.errors import UsageError
from bot.probes import Clip
from bot.surfaces import SURFACES, RunCost, component_key, surface_for_word

__all__ = [
    "PRERECORDED_USD_PER_MIN",
    "STREAMING_USD_PER_MIN",
    "SUBSCRIBE_USAGE",
    "daily_probe_cost",
    "describe_filters",
    "parse_subscribe",
]

SUBSCRIBE_USAGE = "subscribe [rest streaming tts <component>…] [--min major]"

# Pay-as-you-go list prices quoted in the reference (deepgram.md §8); they change, so every
# figure shown says "about" and points at the pricing page.
PRERECORDED_USD_PER_MIN = 0.0043
STREAMING_USD_PER_MIN = 0.0048


def parse_subscribe(args: str, component_names: Sequence[str]) -> tuple[list[str], str]:
    """`rest streaming --min major` → (["rest", "streaming"], "major"). Raises UsageError."""
    try:
        words = shlex.split(args)
    except ValueError:
        raise UsageError(f"I couldn't read that (an unclosed quote?). Usage: `/deepgram {SUBSCRIBE_USAGE}`") from None
    filters: list[str] = []
    severity = "minor"
    index = 0
    while index < len(words):
        word = words[index]
        if word.startswith("--min"):
            severity, index = _min_severity(words, index)
            continue
        index += 1
        filters.append(_filter(word, component_names))
    return list(dict.fromkeys(filters)), severity


def _min_severity(words: Sequence[str], index: int) -> tuple[str, int]:
    """`--min major` or `--min=major` at `index` → ("major", the index of the next word)."""
    word = words[index]
    if "=" in word:
        value, index = word.split("=", 1)[1], index + 1
    else:
        value, index = (words[index + 1] if index + 1 < len(words) else ""), index + 2
    if value.lower() not in SEVERITIES:
        raise UsageError("`--min` takes `minor` (everything) or `major` (major and critical only).")
    return value.lower(), index


def _filter(word: str, component_names: Sequence[str]) -> str:
    """A surface id (`batch` → `rest`), else the status-page component the word names.

    The word may be part of a component's name (`"voice agent"`); what is stored is the component's
    exact name, which routing then compares exactly.
    """
    spec = surface_for_word(word)
    if spec is not None:
        return spec.id
    match = next((n for n in component_names if component_key(n) == component_key(word)), None)
    match = match or next((n for n in component_names if word.lower() in n.lower()), None)
    if match is None:
        known = ", ".join(f"`{n}`" for n in component_names) or "none known yet"
        raise UsageError(
            f"I don't know the surface or component `{word}`. Use `rest`, `streaming` or `tts`, or a "
            f"component name from Deepgram's status page ({known})."
        )
    return match


def describe_filters(filters: Sequence[str], severity: str) -> str:
    what = (
        "everything on Deepgram's status page and the bot's own probes"
        if not filters
        else ", ".join(f"`{f}`" for f in filters)
    )
    level = "all severities" if severity == "minor" else "major and critical only"
    return f"{what}; {level}"


_TABLE_COSTS = tuple(s.cost for s in SURFACES)


def daily_probe_cost(interval_seconds: float, clip: Clip, costs: Iterable[RunCost] = _TABLE_COSTS) -> str:
    """What the periodic probes spend per day, approximately, in words: one run of every surface in
    the table (`costs`, one `RunCost` per surface) per interval."""
    if interval_seconds <= 0:
        return "Periodic probes are off (PROBE_INTERVAL_SECONDS=0), so they cost nothing."
    costs = tuple(costs)
    runs = 86400 / interval_seconds
    clip_minutes = runs * clip.seconds / 60
    prerecorded = clip_minutes * sum(c.prerecorded_audio for c in costs)
    streaming = clip_minutes * sum(c.streaming_audio for c in costs)
    characters = runs * sum(c.tts_characters for c in costs)
    usd = prerecorded * PRERECORDED_USD_PER_MIN + streaming * STREAMING_USD_PER_MIN
    return (
        f"Probes run every {interval_seconds / 60:g} min ({runs:.0f} runs a day): about {prerecorded:.0f} min of "
        f"pre-recorded plus {streaming:.0f} min of streaming audio, roughly ${usd:.2f}/day at pay-as-you-go list "
        f"prices, plus {characters:,.0f} TTS characters. Check deepgram.com/pricing for your plan."
    )
