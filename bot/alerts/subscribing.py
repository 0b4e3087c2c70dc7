"""Parsing `/deepgram subscribe` arguments and describing subscriptions. Pure."""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence

from bot.alerts.routing import SEVERITIES
from bot.errors import UsageError
from bot.probes import Clip
from bot.prose import Prose, clip, code
from bot.surfaces import SURFACES, SurfaceSpec, component_key, surface_for_word

__all__ = [
    "PRERECORDED_USD_PER_MIN",
    "STREAMING_USD_PER_MIN",
    "SUBSCRIBE_USAGE",
    "daily_probe_cost",
    "describe_filters",
    "parse_subscribe",
]

SUBSCRIBE_USAGE = "subscribe [<surface>|<component>…] [--min major]"

# Pay-as-you-go list prices quoted in the reference (deepgram.md §8); they change, so every
# figure shown says "about" and points at the pricing page.
PRERECORDED_USD_PER_MIN = 0.0043
STREAMING_USD_PER_MIN = 0.0048
#: Voice Agent GA price, $4.50 per hour of connection (deepgram-realtime.md §1.10). Whether a probe's
#: few seconds are rounded up to a whole minute is unverified: the estimate counts the seconds.
AGENT_USD_PER_MIN = 0.075


def parse_subscribe(args: str, component_names: Sequence[str]) -> tuple[list[str], str]:
    """`rest streaming --min major` → (["rest", "streaming"], "major"). Raises UsageError."""
    try:
        words = shlex.split(args)
    except ValueError:
        raise UsageError(
            Prose.of("I couldn't read that (an unclosed quote?). Usage: `/deepgram {usage}`", usage=SUBSCRIBE_USAGE)
        ) from None
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
        raise UsageError(Prose.of("`--min` takes `minor` (everything) or `major` (major and critical only)."))
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
        known = Prose.join((Prose((code(n),)) for n in component_names), ", ") or Prose.plain("none known yet")
        surfaces = Prose.join((Prose((code(s.id),)) for s in SURFACES), ", ")
        raise UsageError(
            Prose.of(
                "I don't know the surface or component `{word}`. Use {surfaces}, or a component name from "
                "Deepgram's status page ({known}).",
                word=clip(word, 60),
                surfaces=surfaces,
                known=known,
            )
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


def daily_probe_cost(
    interval_seconds: float,
    clip: Clip,
    surfaces: Iterable[SurfaceSpec] = SURFACES,
    *,
    agent_turn: bool = False,
) -> str:
    """What the periodic probes spend per day, in plain words: one line per enabled surface with its
    billing unit (audio minutes, agent minutes, TTS characters), then an approximate total where the
    reference quotes a list price (deepgram.md §8, deepgram-realtime.md §1.10)."""
    if interval_seconds <= 0:
        return "Periodic probes are off (PROBE_INTERVAL_SECONDS=0), so they cost nothing."
    runs = 86400 / interval_seconds
    clip_minutes = runs * clip.seconds / 60
    lines: list[str] = []
    usd = 0.0
    for spec in surfaces:
        cost = spec.cost
        parts: list[str] = []
        if cost.prerecorded_audio:
            parts.append(f"{clip_minutes:.0f} min of pre-recorded audio")
            usd += clip_minutes * PRERECORDED_USD_PER_MIN
        if cost.streaming_audio:
            parts.append(f"{clip_minutes:.0f} min of streaming audio")
            usd += clip_minutes * STREAMING_USD_PER_MIN
        if cost.flux_audio:
            parts.append(f"{clip_minutes:.0f} min of Flux audio (plus a little trailing silence)")
        agent_seconds = cost.agent_seconds + (cost.agent_turn_seconds if agent_turn else 0.0)
        if agent_seconds:
            agent_minutes = runs * agent_seconds / 60
            parts.append(f"about {agent_minutes:.0f} Voice Agent min" + (" (with a turn)" if agent_turn else ""))
            usd += agent_minutes * AGENT_USD_PER_MIN
        if cost.tts_characters:
            parts.append(f"{runs * cost.tts_characters:,.0f} TTS characters")
        lines.append(f"{spec.label}: " + (", ".join(parts) if parts else "no billable usage"))
    head = f"Probes run every {interval_seconds / 60:g} min ({runs:.0f} runs a day). Per day: " + "; ".join(lines) + "."
    return (
        f"{head} Roughly ${usd:.2f}/day for the audio and agent minutes at pay-as-you-go list prices (TTS "
        "characters and Flux not priced here). Check deepgram.com/pricing for your plan."
    )
