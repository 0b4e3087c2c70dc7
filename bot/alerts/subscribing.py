"""Parsing `/deepgram subscribe` arguments and describing subscriptions. Pure."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from bot.alerts.routing import SEVERITIES
from bot.errors import UsageError
from bot.probes import Clip
from bot.surfaces import surface_for_word

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
            value = word.split("=", 1)[1] if "=" in word else (words[index + 1] if index + 1 < len(words) else "")
            index += 1 if "=" in word else 2
            if value.lower() not in SEVERITIES:
                raise UsageError("`--min` takes `minor` (everything) or `major` (major and critical only).")
            severity = value.lower()
            continue
        index += 1
        spec = surface_for_word(word)
        if spec is not None:
            filters.append(spec.id)
            continue
        match = next((n for n in component_names if n.lower() == word.lower()), None)
        match = match or next((n for n in component_names if word.lower() in n.lower()), None)
        if match is None:
            known = ", ".join(f"`{n}`" for n in component_names) or "none known yet"
            raise UsageError(
                f"I don't know the surface or component `{word}`. Use `rest`, `streaming` or `tts`, or a "
                f"component name from Deepgram's status page ({known})."
            )
        filters.append(match)
    return list(dict.fromkeys(filters)), severity


def describe_filters(filters: Sequence[str], severity: str) -> str:
    what = (
        "everything on Deepgram's status page and the bot's own probes"
        if not filters
        else ", ".join(f"`{f}`" for f in filters)
    )
    level = "all severities" if severity == "minor" else "major and critical only"
    return f"{what}; {level}"


def daily_probe_cost(interval_seconds: float, clip: Clip, tts_characters: int) -> str:
    """What the periodic probes spend per day, approximately, in words."""
    if interval_seconds <= 0:
        return "Periodic probes are off (PROBE_INTERVAL_SECONDS=0), so they cost nothing."
    runs = 86400 / interval_seconds
    minutes = runs * clip.seconds / 60
    usd = minutes * (PRERECORDED_USD_PER_MIN + STREAMING_USD_PER_MIN)
    return (
        f"Probes run every {interval_seconds / 60:g} min ({runs:.0f} runs a day): about {minutes:.0f} min of "
        f"pre-recorded plus {minutes:.0f} min of streaming audio, roughly ${usd:.2f}/day at pay-as-you-go list "
        f"prices, plus {runs * tts_characters:,.0f} TTS characters. Check deepgram.com/pricing for your plan."
    )
