"""`/deepgram speak` end to end: check the request, settle where the clip goes, synthesise, share.

The order protects the team's credits: everything that can refuse the request without spending
anything (bad input, unknown voice, the ceiling, the user's quota, a channel the clip cannot be
shared in) runs before the first `POST /v1/speak`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass

import httpx
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.errors import BotError, UsageError
from bot.runtime.deps import Deps
from bot.slack import messages
from bot.slack.files import Destination, choose_destination, share_file
from bot.slack.kit import MAX_BLOCKS, Block, Reply, clip, context, escape, header, section, unescape
from bot.speak.tts import (
    DEFAULT_VOICE,
    FAMILY_NAMES,
    LANGUAGE_NAMES,
    MAX_CONCURRENT_REQUESTS,
    PRICING_URL,
    QuotaPolicy,
    SpeakText,
    TtsConfig,
    UnknownVoice,
    VoiceCatalog,
    clean_text,
    estimate_cost,
    format_cost,
    prepare_text,
    resolve_voice,
    speak_to_mp3,
)

log = logging.getLogger(__name__)

EXCERPT_CHARS = 150

_VOICES = re.compile(r"\s*--voices(?=\s|$)")
_VOICE = re.compile(r"\s*--voice(?:=|\s+)(\S+)")
_VOICE_MISSING = re.compile(r"\s*--voice=?\s*$")
_OPTION = re.compile(r"\s*(--[A-Za-z][\w-]*)(?=\s|=|$)")
_TRAILING_VOICE = re.compile(r"\s--voice(?:=|\s+)(\S+)\s*$")


@dataclass(frozen=True)
class SpeakArgs:
    """`speak` arguments: the text, an optional voice, or a request for the voice list."""

    text: str
    voice: str | None = None
    list_voices: bool = False


def parse_speak_args(args: str) -> SpeakArgs:
    """Read `[--voice <model>] <text>` or `--voices`; the text keeps its inner spacing.

    `--voice` may also come last (`hello there --voice aura-2-luna-en`), as people type it.
    """
    rest = args
    voice: str | None = None
    list_voices = False
    while True:
        if m := _VOICES.match(rest):
            list_voices = True
        elif m := _VOICE.match(rest):
            voice = m.group(1)
        elif _VOICE_MISSING.match(rest):
            raise UsageError("`--voice` needs a voice name. " + messages.SPEAK_USAGE)
        elif m := _OPTION.match(rest):
            raise UsageError(f"I don't know the option `{escape(clip(m.group(1), 30))}`. " + messages.SPEAK_USAGE)
        else:
            break
        rest = rest[m.end() :]
    if voice is None and (m := _TRAILING_VOICE.search(rest)):
        voice, rest = m.group(1), rest[: m.start()]
    return SpeakArgs(text="" if list_voices else rest.strip(), voice=voice, list_voices=list_voices)


def tts_config_for(settings: Settings) -> TtsConfig | None:
    """The TTS client settings, or None without a DEEPGRAM_API_KEY."""
    if not settings.deepgram_api_key:
        return None
    # Each request gets the probes' timeout: one piece is at most 1000-2000 characters.
    return TtsConfig(
        api_url=settings.deepgram_api_url, api_key=settings.deepgram_api_key, timeout=settings.probe_timeout_seconds
    )


def tts_config(deps: Deps) -> TtsConfig | None:
    """`tts_config_for` the running bot's settings."""
    return tts_config_for(deps.settings)


@dataclass(frozen=True)
class Spoken:
    """A clip that was synthesised and shared."""

    speak: SpeakText
    destination: Destination
    size: int
    cost: str
    elapsed_ms: float


def share_comment(user_id: str, speak: SpeakText, cost: str) -> str:
    """The mrkdwn comment on the file; the text excerpt is escaped, so `<!channel>` stays inert."""
    excerpt = escape(clip(" ".join(speak.text.split()), EXCERPT_CHARS))
    return messages.share_comment(user_id, speak.voice, speak.chars, cost, PRICING_URL, excerpt)


async def speak_in_slack(
    deps: Deps,
    client: AsyncWebClient,
    *,
    user_id: str,
    channel_id: str,
    team_id: str,
    args: SpeakArgs,
) -> Spoken:
    """Synthesise `args.text` and share the MP3 where the command was typed (or in the user's DM)."""
    started = time.perf_counter()
    settings = deps.settings
    text = clean_text(args.text, max_chars=settings.speak_max_chars)
    cfg = tts_config(deps)
    if cfg is None:
        raise BotError(messages.SPEAK_NO_KEY)
    voice = await resolve_voice(args.voice, deps.http, cfg)
    speak = prepare_text(text, voice)

    policy = QuotaPolicy.for_max_chars(settings.speak_max_chars)
    quota_key = f"{team_id}:{user_id}"
    retry_after = deps.speak.quota.take(quota_key, speak.chars, policy)
    if retry_after is not None:
        raise UsageError(
            messages.speak_rate_limited(policy.requests, policy.chars, round(policy.window_seconds / 60), retry_after)
        )
    try:
        destination = await choose_destination(client, channel_id, user_id)
    except BotError:
        deps.speak.quota.refund(quota_key, speak.chars)  # nothing was spent
        raise

    audio = await speak_to_mp3(deps.http, cfg, speak, deps.speak.gate)
    cost = format_cost(estimate_cost(speak.chars, voice))
    shared = await share_file(
        client,
        destination,
        audio,
        user_id=user_id,
        filename=f"deepgram-{voice}.mp3",
        title=f"Text to speech ({voice})",
        comment=share_comment(user_id, speak, cost),
    )
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    log.info(
        "speech shared",
        extra={
            "voice": voice,
            "chars": speak.chars,
            "pieces": len(speak.pieces),
            "bytes": len(audio),
            "how": shared.how,
            "elapsed_ms": elapsed,
        },
    )
    return Spoken(speak=speak, destination=shared, size=len(audio), cost=cost, elapsed_ms=elapsed)


# -- replies ---------------------------------------------------------------------------------------


def voices_blocks(catalog: VoiceCatalog) -> list[Block]:
    """The voice list, one section per family and language, default voice first."""
    groups: dict[tuple[str, str], list[str]] = {}
    for voice in sorted(catalog.voices, key=lambda v: (v.family != "aura-2", v.model != DEFAULT_VOICE)):
        groups.setdefault((voice.family, voice.language), []).append(voice.model)
    blocks: list[Block] = [header(messages.VOICES_TITLE)]
    for (family, language), models in groups.items():
        title = f"*{FAMILY_NAMES.get(family, family)} · {LANGUAGE_NAMES.get(language, language or '?')}*"
        blocks.append(section(f"{title} ({len(models)}): " + " ".join(f"`{escape(m)}`" for m in models)))
    source = messages.VOICES_LIVE if catalog.live else messages.voices_builtin(escape(catalog.note or "no key"))
    blocks.append(context(source, messages.voices_footer(DEFAULT_VOICE)))
    return blocks[:MAX_BLOCKS]


def voices_reply(catalog: VoiceCatalog) -> Reply:
    """`/deepgram speak --voices`."""
    return Reply(text=f"{messages.VOICES_TITLE}: {len(catalog.voices)} voices", blocks=voices_blocks(catalog))


def unknown_voice_reply(exc: UnknownVoice) -> Reply:
    """ "Did you mean" plus the whole list, like an unknown subcommand."""
    blocks = [section(f":warning: {exc.user_message}"), *voices_blocks(exc.catalog)]
    return Reply(text=exc.user_message, blocks=blocks[:MAX_BLOCKS])


def spoken_reply(spoken: Spoken) -> Reply:
    """The private confirmation once the clip is shared."""
    s = spoken.speak
    say = {
        "here": messages.speak_shared_here,
        "joined": messages.speak_joined_and_shared,
        "dm": messages.speak_sent_to_dm,
    }[spoken.destination.how]
    return Reply(text=say(s.voice, s.chars, len(s.pieces), spoken.cost))


# -- the terminal: `deepgram-doctor speak` -----------------------------------------------------------


@dataclass(frozen=True)
class SpokenFile:
    """A clip synthesised for the terminal."""

    speak: SpeakText
    audio: bytes
    cost: str


async def speak_to_bytes(settings: Settings, http: httpx.AsyncClient, text: str, voice: str | None) -> SpokenFile:
    """The same checks, splitting and joining as in Slack, without Slack (no quota: one local user)."""
    clean = clean_text(text, max_chars=settings.speak_max_chars)
    cfg = tts_config_for(settings)
    if cfg is None:
        raise BotError(messages.SPEAK_NO_KEY)
    speak = prepare_text(clean, await resolve_voice(voice, http, cfg))
    audio = await speak_to_mp3(http, cfg, speak, asyncio.Semaphore(MAX_CONCURRENT_REQUESTS))
    return SpokenFile(speak=speak, audio=audio, cost=format_cost(estimate_cost(speak.chars, speak.voice)))


def voices_text(catalog: VoiceCatalog) -> str:
    """The voice list for a terminal: one line per family and language."""
    lines = []
    for block in voices_blocks(catalog)[1:]:
        texts = [block["text"]["text"]] if "text" in block else [e["text"] for e in block.get("elements", [])]
        lines += [unescape(t.replace("`", "").replace("*", "")) for t in texts]
    return "\n".join(lines)
