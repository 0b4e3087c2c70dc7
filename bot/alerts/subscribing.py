"""Parsing `/deepgram subscribe` arguments and describing subscriptions. Pure."""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.alerts.routing import SEVERITIES
from bot.errors import UsageError
from bot.probes import Clip
from bot.prose import Prose, clip, code
from bot.surfaces import SURFACES, SurfaceSpec, component_key, surface_for_word

__all__ = [
    "DIGEST_DAYS",
    "MENTION_USAGE",
    "PRERECORDED_USD_PER_MIN",
    "STREAMING_USD_PER_MIN",
    "SUBSCRIBE_USAGE",
    "SubscribeRequest",
    "daily_probe_cost",
    "describe_digest",
    "describe_filters",
    "describe_mention",
    "parse_subscribe",
    "parse_subscribe_request",
]

SUBSCRIBE_USAGE = (
    "subscribe [<surface>|<component>…] [--min major] [--mention @group|@user|off] [--mention-min major] "
    "[--digest weekly|off]"
)
#: How `--mention` is typed; the Slack side reads its value (it needs Slack's IDs, `bot.slack.mentions`).
MENTION_USAGE = "--mention @oncall"
#: `DIGEST_DAY` values and how they read.
DIGEST_DAYS: Mapping[str, str] = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
#: Options that take a value (`--min major` or `--min=major`).
_VALUED = ("--min", "--mention-min", "--digest")

# Pay-as-you-go list prices quoted in the reference (deepgram.md §8); they change, so every
# figure shown says "about" and points at the pricing page.
PRERECORDED_USD_PER_MIN = 0.0043
STREAMING_USD_PER_MIN = 0.0048
#: Voice Agent GA price, $4.50 per hour of connection (deepgram-realtime.md §1.10). Whether a probe's
#: few seconds are rounded up to a whole minute is unverified: the estimate counts the seconds.
AGENT_USD_PER_MIN = 0.075


@dataclass(frozen=True)
class SubscribeRequest:
    """What `/deepgram subscribe` asked for, besides whom to mention (read on the Slack side).

    `mention_min` and `digest` are None when not given: the channel keeps what it had.
    """

    filters: tuple[str, ...] = ()
    min_severity: str = "minor"
    mention_min: str | None = None
    digest: Literal["weekly", "off"] | None = None


def parse_subscribe(args: str, component_names: Sequence[str]) -> tuple[list[str], str]:
    """`rest streaming --min major` → (["rest", "streaming"], "major"). Raises UsageError."""
    request = parse_subscribe_request(args, component_names)
    return list(request.filters), request.min_severity


def parse_subscribe_request(args: str, component_names: Sequence[str]) -> SubscribeRequest:
    """`rest --min major --mention-min major --digest weekly` → a `SubscribeRequest`. Raises UsageError.

    `args` are the words as the user sees them, without `--mention <whom>` (which needs Slack's
    IDs): a `--mention` left here had nothing usable after it.
    """
    try:
        words = shlex.split(args)
    except ValueError:
        raise UsageError(
            Prose.of("I couldn't read that (an unclosed quote?). Usage: `/deepgram {usage}`", usage=SUBSCRIBE_USAGE)
        ) from None
    filters: list[str] = []
    values: dict[str, str] = {}
    index = 0
    while index < len(words):
        word = words[index]
        if word.startswith("--"):
            name, value, index = _option(words, index)
            values[name] = value
            continue
        index += 1
        filters.append(_filter(word, component_names))
    mention_min = values.get("--mention-min")
    digest = values.get("--digest")
    return SubscribeRequest(
        filters=tuple(dict.fromkeys(filters)),
        min_severity=_severity("--min", values.get("--min", "minor")),
        mention_min=None if mention_min is None else _severity("--mention-min", mention_min),
        digest=None if digest is None else _digest(digest),
    )


def _option(words: Sequence[str], index: int) -> tuple[str, str, int]:
    """`--min major` or `--min=major` at `index` → ("--min", "major", the index of the next word)."""
    name, equals, value = words[index].partition("=")
    name = name.lower()
    if name in ("--mention", "--no-mention"):
        raise UsageError(
            Prose.of(
                "`--mention` takes one person or user group, picked from Slack's autocomplete (`{usage}`), or `off`.",
                usage=MENTION_USAGE,
            )
        )
    if name not in _VALUED:
        raise UsageError(
            Prose.of(
                "I don't know the option `{option}`. Usage: `/deepgram {usage}`",
                option=clip(name, 40),
                usage=SUBSCRIBE_USAGE,
            )
        )
    if equals:
        return name, value, index + 1
    return name, (words[index + 1] if index + 1 < len(words) else ""), index + 2


def _severity(option: str, value: str) -> str:
    if value.lower() not in SEVERITIES:
        raise UsageError(
            Prose.of("`{option}` takes `minor` (everything) or `major` (major and critical only).", option=option)
        )
    return value.lower()


def _digest(value: str) -> Literal["weekly", "off"]:
    word = value.lower()
    if word == "weekly":
        return "weekly"
    if word in ("off", "none", "no"):
        return "off"
    raise UsageError(Prose.of("`--digest` takes `weekly` (a summary every week) or `off`."))


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


def describe_mention(label: str, mention_min: str | None) -> str:
    """`new major and critical alerts mention @oncall` (plain words; the label is never markup)."""
    which = "new major and critical alerts" if mention_min == "major" else "new alerts"
    return f"{which} mention {label}"


def describe_digest(day: str, hour: int, tz: str) -> str:
    """`a weekly digest on Monday at 09:00 UTC`."""
    return f"a weekly digest on {DIGEST_DAYS.get(day, day)} at {hour:02d}:00 {tz}"


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
