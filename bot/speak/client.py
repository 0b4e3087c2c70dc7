"""Deepgram Aura over HTTP: synthesis (`POST /v1/speak`), the voice catalogue (`GET /v1/models`), errors.

The pieces of a text are synthesised concurrently under a process-wide bound and their MP3s are
joined in order (`bot.speak.mp3.join_mp3`). The calls take their `httpx.AsyncClient` and never leak
httpx exceptions: every failure becomes a `TtsError` naming the `/deepgram why` topic that explains it.
Each piece's audio is read streamed, capped at what its text can become (`bot.limits.tts_audio_cap`);
more than that is an error, not read. The model list is capped like any Deepgram JSON.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

import httpx

from bot.deepgram import DeepgramError, auth_header, parse_error, transport_failure
from bot.errors import UpstreamError
from bot.limits import DEEPGRAM_JSON_MAX, Answer, TooLarge, fetch, tts_audio_cap

# `bot.probes.result`, not `bot.probes`: the probes package imports `bot.speak.mp3` while it loads.
from bot.probes.result import classify_status
from bot.prose import Prose, code
from bot.speak.mp3 import join_mp3, looks_like_mp3
from bot.speak.text import SpeakText
from bot.speak.voices import (
    BUILTIN_VOICES,
    DEFAULT_VOICE,
    UnknownVoice,
    VoiceCatalog,
    suggest_voices,
    voices_from_models,
)
from bot.topics import Topic

__all__ = [
    "TtsConfig",
    "TtsError",
    "fetch_catalog",
    "resolve_voice",
    "speak_to_mp3",
    "synthesize",
    "synthesize_piece",
]


@dataclass(frozen=True)
class TtsConfig:
    """Where to synthesise, with which key, and how long one request may take in total."""

    api_url: str
    api_key: str = field(repr=False)
    timeout: float = 10.0


class TtsError(UpstreamError):
    """Deepgram did not return usable audio; the message names the `why` topic.

    The topic is named by its Slack command (`/deepgram why credits`) in the terminal too: that is
    the wording `deepgram-doctor speak` has always printed.
    """

    def __init__(
        self, summary: Prose | str, topic: Topic, *, status: int | None = None, error: DeepgramError | None = None
    ) -> None:
        summary = summary if isinstance(summary, Prose) else Prose.plain(summary)
        message = Prose.of(
            "Text to speech failed: {summary}. See {why}.", summary=_without_period(summary), why=code(topic.command)
        )
        if error and error.message:
            message += Prose.of(" Deepgram said: “{detail}”", detail=error.message)
        if error and error.request_id:
            message += Prose.of(" (request id `{request_id}`)", request_id=error.request_id)
        super().__init__(message)
        self.summary = str(summary)
        self.topic = topic
        self.status = status
        self.error = error


def _without_period(prose: Prose) -> Prose:
    """`prose` without the full stop(s) that end it: the message adds its own."""
    if not prose.spans:
        return prose
    *rest, last = prose.spans
    return Prose((*rest, replace(last, text=last.text.rstrip("."))))


# Advice per status, after the shared status → topic mapping of the probes.
_ADVICE: Mapping[int, str] = {
    401: "Check DEEPGRAM_API_KEY: the key may be revoked, expired or mistyped.",
    402: "Add credits to the project, or use a key of a project that has some.",
    403: "This project may not use that voice; try another one.",
    413: "The text was too long for one request with this voice.",
    422: "The text was too long for one request with this voice.",
    429: "Too many text-to-speech requests are running on this project; try again in a minute.",
}
_ADVICE_5XX = Prose.of("Deepgram had a problem on its side; try again in a minute and check `/deepgram status`.")


def _status_error(response: Answer, voice: str) -> TtsError:
    error = parse_error(response.status_code, response.content, response.headers)
    result = classify_status("tts", response.status_code, error)
    summary = Prose.plain(result.summary)
    if result.topic == Topic.MODELS:
        summary = Prose.of("Deepgram does not know the voice `{voice}` (400)", voice=voice)
    advice: Prose | str | None = _ADVICE.get(response.status_code)
    if response.status_code >= 500:
        advice = _ADVICE_5XX
    topic = result.topic or Topic.SERVER_ERROR
    return TtsError(summary + ". " + advice if advice else summary, topic, status=response.status_code, error=error)


async def synthesize_piece(http: httpx.AsyncClient, cfg: TtsConfig, voice: str, text: str) -> bytes:
    """One `POST /v1/speak` as MP3; the audio bytes exactly as Deepgram sent them."""
    limit = tts_audio_cap(len(text))
    try:
        # httpx timeouts bound each phase; this bounds the whole request, slow trickles included.
        async with asyncio.timeout(cfg.timeout):
            response = await fetch(
                http,
                "POST",
                f"{cfg.api_url}/v1/speak",
                limit=limit,
                # `encoding=mp3` is the documented default, spelled out because one docs page claims
                # the REST default is linear16/wav (deepgram.md §3.3).
                params={"model": voice, "encoding": "mp3"},
                json={"text": text},
                headers=auth_header(cfg.api_key),
                timeout=cfg.timeout,
            )
    except (TimeoutError, httpx.HTTPError) as exc:
        failure = transport_failure(exc, cfg.timeout)
        raise TtsError(failure.summary, failure.topic) from None
    if isinstance(response, TooLarge):
        summary = Prose.plain(
            f"Deepgram's answer was larger than {response.size}, more audio than {len(text):,} characters "
            "can make; it was not read"
        )
        raise TtsError(
            summary + ". " + _ADVICE_5XX,
            Topic.SERVER_ERROR,
            status=response.status_code,
            error=DeepgramError(response.status_code, request_id=response.request_id),
        )
    if response.status_code != 200:
        raise _status_error(response, voice)
    content_type = response.headers.get("content-type", "")
    audio = response.content
    if not content_type.startswith("audio/"):
        # Errors are JSON even when audio was asked for; a "silent MP3" is often one (§3.3, §10).
        error = parse_error(200, audio, response.headers)
        what = content_type.split(";")[0] or "an untyped body"
        raise TtsError(
            f"Deepgram answered 200 but sent {what} instead of audio", Topic.TTS_AUDIO, status=200, error=error
        )
    if not looks_like_mp3(audio):
        raise TtsError(
            "Deepgram answered 200 but the body is not a playable MP3"
            if audio
            else "Deepgram answered 200 with an empty body",
            Topic.TTS_AUDIO,
            status=200,
        )
    return audio


async def synthesize(http: httpx.AsyncClient, cfg: TtsConfig, speak: SpeakText, gate: asyncio.Semaphore) -> list[bytes]:
    """Synthesise every piece concurrently (at most `gate` at once, across all users), in order.

    The first failure cancels the pieces still waiting or running: no credits are spent on a clip
    that cannot be completed. The error of the earliest failed piece is raised.
    """

    async def one(piece: str) -> bytes:
        async with gate:
            return await synthesize_piece(http, cfg, speak.voice, piece)

    tasks = [asyncio.ensure_future(one(piece)) for piece in speak.pieces]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        for task in tasks:
            task.cancel()
        # Wait for the cancelled ones too: nothing of this request may still run once it returns.
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not isinstance(outcome, asyncio.CancelledError):
            raise outcome
    audio = [o for o in outcomes if isinstance(o, bytes)]
    assert len(audio) == len(tasks), "every piece either succeeded or raised"
    return audio


async def speak_to_mp3(http: httpx.AsyncClient, cfg: TtsConfig, speak: SpeakText, gate: asyncio.Semaphore) -> bytes:
    """The whole text as one MP3 (pieces joined in order)."""
    return join_mp3(await synthesize(http, cfg, speak, gate))


async def fetch_catalog(http: httpx.AsyncClient, cfg: TtsConfig) -> VoiceCatalog:
    """The voices from `GET /v1/models` when the key may read it, else the built-in list (never raises)."""
    note: str
    try:
        response = await fetch(
            http,
            "GET",
            f"{cfg.api_url}/v1/models",
            limit=DEEPGRAM_JSON_MAX,
            headers=auth_header(cfg.api_key),
            timeout=cfg.timeout,
        )
    except httpx.HTTPError:
        note = "Deepgram's model list could not be reached"
    else:
        if isinstance(response, TooLarge):
            note = f"Deepgram's model list was larger than {response.size}, so it was not read"
        elif response.status_code == 200:
            try:
                voices = voices_from_models(response.json())
            except ValueError:
                voices = ()
            if voices:
                return VoiceCatalog(voices, live=True)
            note = "Deepgram's model list had no Aura voices"
        else:
            note = f"this key cannot read Deepgram's model list (HTTP {response.status_code})"
    return VoiceCatalog(BUILTIN_VOICES, live=False, note=note)


async def resolve_voice(requested: str | None, http: httpx.AsyncClient, cfg: TtsConfig | None) -> str:
    """The voice to use: the default, a built-in one, or one the key's model list has.

    Only an unfamiliar name costs a `GET /v1/models`; an unknown one raises `UnknownVoice`.
    """
    voice = (requested or DEFAULT_VOICE).strip().strip("`").lower()
    builtin = frozenset(v.model for v in BUILTIN_VOICES)
    if voice in builtin:
        return voice
    catalog = await fetch_catalog(http, cfg) if cfg else VoiceCatalog(BUILTIN_VOICES, live=False)
    if voice in catalog.models:
        return voice
    known: Collection[str] = catalog.models | builtin
    raise UnknownVoice(voice, suggest_voices(voice, known), catalog)
