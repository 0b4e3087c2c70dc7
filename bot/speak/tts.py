"""Deepgram Aura text to speech: voices, text preparation, splitting, cost, quotas and the REST client.

`POST /v1/speak` takes at most 1000 characters per request with an Aura-2 voice and 2000 with an
Aura-1 voice (deepgram.md §3.4), so longer text is cut into pieces at sentence boundaries (then
clause, then word boundaries), the pieces are synthesised concurrently under a process-wide
bound, and the MP3s are joined in order (`bot.speak.mp3.join_mp3`). Everything but the HTTP calls is
pure; the HTTP calls take their `httpx.AsyncClient` and never leak httpx exceptions: every failure
becomes a `TtsError` naming the `/deepgram why` topic that explains it.
"""

from __future__ import annotations

import asyncio
import difflib
import math
import re
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.deepgram import DeepgramError, auth_header, parse_error, transport_failure
from bot.errors import UpstreamError, UsageError
from bot.probes import classify_status
from bot.slack import messages
from bot.slack.kit import clip, escape
from bot.speak.mp3 import join_mp3, looks_like_mp3
from bot.topics import Topic

DEFAULT_VOICE = "aura-2-thalia-en"
# Per-request character limits of the REST endpoint (deepgram.md §3.4; docs text-to-speech.mdx).
AURA2_CHAR_LIMIT = 1000
AURA1_CHAR_LIMIT = 2000
# Deepgram's TTS REST concurrency limit is per project: 5 in the 2025-07 rate-limit docs, 15 on the
# newer page (deepgram.md §7). The bot shares one key across all its users, so it never runs more
# than the lower figure at once, whoever asks; a 5000-character Aura-2 text (5-6 pieces) still
# synthesises in about one round.
MAX_CONCURRENT_REQUESTS = 5

# Approximate pay-as-you-go list prices in USD per 1000 characters. The reference material does not
# state TTS prices (deepgram.md §8 covers speech-to-text only); these are public third-party
# snapshots and are UNVERIFIED, so every place that shows a cost says "about" and points to
# deepgram.com/pricing.
PRICE_PER_1000_CHARS: Mapping[str, float] = {"aura-2": 0.030, "aura": 0.015}
PRICING_URL = "https://deepgram.com/pricing"

# The real voice names (OpenAPI enum `V1SpeakPostParametersModel`, deepgram.md §6), as
# `{family: {language: "voice voice …"}}`. Used when the key cannot read `GET /v1/models`.
_BUILTIN: Mapping[str, Mapping[str, str]] = {
    "aura-2": {
        "en": (
            "thalia andromeda helena apollo arcas aries amalthea asteria athena atlas aurora callista cora "
            "cordelia delia draco electra harmonia hera hermes hyperion iris janus juno jupiter luna mars "
            "minerva neptune odysseus ophelia orion orpheus pandora phoebe pluto saturn selene theia vesta zeus"
        ),
        "es": (
            "agustina alvaro antonia aquila carina celeste diana estrella gloria javier luciano nestor olivia "
            "selena silvia sirio valerio"
        ),
        "de": "aurelia elara fabian julius kara lara viktoria",
        "nl": "beatrix cornelia daphne hestia lars leda rhea roman sander",
        "fr": "agathe hector",
        "it": "cesare cinzia demetra dionisio elio flavio livia maia melia perseo",
        "ja": "ama ebisu fujin izanami uzume",
    },
    "aura": {"en": "asteria luna stella athena hera orion arcas perseus angus orpheus helios zeus"},
}
LANGUAGE_NAMES: Mapping[str, str] = {
    "en": "English",
    "es": "Spanish",
    "de": "German",
    "nl": "Dutch",
    "fr": "French",
    "it": "Italian",
    "ja": "Japanese",
}
FAMILY_NAMES: Mapping[str, str] = {"aura-2": "Aura-2", "aura": "Aura-1"}

_MODEL = re.compile(r"^aura-(?:(2)-)?([a-z]+)-([a-z]{2})$")


# -- voices ----------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Voice:
    """One TTS voice: the model name a request uses, its family and its language."""

    model: str
    family: str  # "aura-2" or "aura" (Aura-1)
    language: str

    @property
    def name(self) -> str:
        """The bare voice name: `thalia` for `aura-2-thalia-en`."""
        match = _MODEL.match(self.model)
        return match.group(2) if match else self.model


def family_of(model: str) -> str:
    """`aura-2` for Aura-2 model names, `aura` otherwise (Aura-1 and anything unrecognised)."""
    return "aura-2" if model.startswith("aura-2-") else "aura"


def char_limit(model: str) -> int:
    """Characters one `POST /v1/speak` accepts with this voice (deepgram.md §3.4)."""
    return AURA2_CHAR_LIMIT if family_of(model) == "aura-2" else AURA1_CHAR_LIMIT


def builtin_voices() -> tuple[Voice, ...]:
    """The built-in catalogue: Aura-2 (default voice first), then Aura-1."""
    voices = []
    for family, languages in _BUILTIN.items():
        for language, names in languages.items():
            for name in names.split():
                prefix = "aura-2-" if family == "aura-2" else "aura-"
                voices.append(Voice(f"{prefix}{name}-{language}", family, language))
    return tuple(voices)


BUILTIN_VOICES = builtin_voices()


def voices_from_models(body: Any) -> tuple[Voice, ...]:
    """The Aura voices of a `GET /v1/models` answer (`tts[]`); anything malformed is skipped."""
    entries = body.get("tts") if isinstance(body, Mapping) else None
    voices: list[Voice] = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, Mapping):
            continue
        model = entry.get("canonical_name") or entry.get("name")
        if not isinstance(model, str) or not model.startswith("aura-"):
            continue  # other families (e.g. Flux TTS on /v2/speak) are not spoken through /v1/speak
        languages = entry.get("languages")
        language = languages[0] if isinstance(languages, list) and languages and isinstance(languages[0], str) else ""
        match = _MODEL.match(model)
        language = (language or (match.group(3) if match else "")).split("-")[0].lower()
        architecture = entry.get("architecture")
        family = architecture if architecture in ("aura", "aura-2") else family_of(model)
        voices.append(Voice(model, family, language))
    # Keep Deepgram's order but drop duplicates (`include_outdated` can list a model twice).
    unique: dict[str, Voice] = {}
    for voice in voices:
        unique.setdefault(voice.model, voice)
    return tuple(unique.values())


@dataclass(frozen=True)
class VoiceCatalog:
    """The voices to offer and where they came from."""

    voices: tuple[Voice, ...]
    live: bool  # from GET /v1/models with the team's key
    note: str | None = None  # why the built-in list is shown instead

    @property
    def models(self) -> frozenset[str]:
        return frozenset(v.model for v in self.voices)


def suggest_voices(wanted: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Close voice names for a mistyped or bare one (`thalia` → `aura-2-thalia-en` first)."""
    models = sorted(set(known), key=lambda m: (family_of(m) != "aura-2", not m.endswith("-en"), m))
    wanted = wanted.lower().strip()
    bare = [m for m in models if f"-{wanted}-" in m or m.removeprefix("aura-").removeprefix("2-") == wanted]
    close = difflib.get_close_matches(wanted, models, n=n, cutoff=0.6)
    # Compare bare names too: `thalya` is far from `aura-2-thalia-en` but close to `thalia`.
    names = {Voice(m, family_of(m), "").name: m for m in reversed(models)}
    close += [names[x] for x in difflib.get_close_matches(wanted, list(names), n=n, cutoff=0.7)]
    out: list[str] = []
    for m in bare + close:
        if m not in out:
            out.append(m)
    return out[:n]


class UnknownVoice(UsageError):
    """The voice is in neither the built-in list nor the key's model list."""

    def __init__(self, voice: str, suggestions: Sequence[str], catalog: VoiceCatalog) -> None:
        super().__init__(messages.speak_unknown_voice(escape(clip(voice, 60)), list(suggestions)))
        self.voice = voice
        self.suggestions = list(suggestions)
        self.catalog = catalog


# -- text ------------------------------------------------------------------------------------------

# Slack markup in command text (slack.md §7): `<@U…|name>`, `<#C…|name>`, `<!here>`, `<!subteam^…|@team>`,
# `<https://…|label>`. A voice should say the readable part, not the angle brackets.
_MARKUP = re.compile(r"<([@#!])?([^<>|]*)(?:\|([^<>]*))?>")
# Emoji as Slack sends them in command text (`:tada:`, `:+1::skin-tone-2:`), and keycaps (1️⃣).
_SHORTCODE = re.compile(r":[a-z0-9_+'\-]+:")
_KEYCAP = re.compile("[0-9#*]\ufe0f?\u20e3")


def slack_to_plain(text: str) -> str:
    """Replace Slack markup by what it shows: `<@U1|ana>` → `@ana`, `<https://x|docs>` → `docs`."""

    def readable(match: re.Match[str]) -> str:
        sigil, target, label = match.group(1) or "", match.group(2), match.group(3)
        if label:
            return label if sigil not in "@#" or label.startswith(sigil) else f"{sigil}{label}"
        if sigil == "!":
            return "@" + target.split("^")[0]
        return f"{sigil}{target}" if sigil else target

    return _MARKUP.sub(readable, text)


def is_speakable(text: str) -> bool:
    """Whether there is anything a voice can say: a letter or a digit outside emoji."""
    stripped = _KEYCAP.sub(" ", _SHORTCODE.sub(" ", text))
    return any(unicodedata.category(ch)[0] in "LN" for ch in stripped)


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


def clean_text(raw: str, *, max_chars: int) -> str:
    """What a voice will say; raise `UsageError` for empty, unspeakable or over-long text."""
    text = slack_to_plain(raw).strip()
    if not text:
        raise UsageError(messages.SPEAK_EMPTY)
    if not is_speakable(text):
        raise UsageError(messages.SPEAK_UNSPEAKABLE)
    if len(text) > max_chars:
        raise UsageError(messages.speak_too_long(len(text), max_chars))
    return text


def prepare_text(text: str, voice: str) -> SpeakText:
    """Cut checked text into pieces that fit one request with `voice`."""
    return SpeakText(text=text, voice=voice, pieces=tuple(split_text(text, char_limit(voice))))


def estimate_cost(chars: int, voice: str) -> float:
    """Approximate list price in USD (see `PRICE_PER_1000_CHARS`: unverified, pay-as-you-go)."""
    return chars / 1000 * PRICE_PER_1000_CHARS[family_of(voice)]


def format_cost(usd: float) -> str:
    """`about $0.12`, or `under $0.01` for tiny amounts."""
    return "under $0.01" if usd < 0.01 else f"about ${usd:.2f}"


# -- per-user quota --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaPolicy:
    """How much one user may ask for in a sliding window."""

    requests: int
    chars: int
    window_seconds: float

    @classmethod
    def for_max_chars(cls, max_chars: int) -> QuotaPolicy:
        """6 requests and three maximum-length texts per user per 10 minutes."""
        return cls(requests=6, chars=3 * max_chars, window_seconds=600.0)


class SpeakQuota:
    """Sliding-window request and character counts per user, in memory.

    Kept in the process on purpose: a restart forgets the counts, which at worst lets one user
    spend one more window's allowance; the ceiling per request (`SPEAK_MAX_CHARS`) still holds.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._used: dict[str, deque[tuple[float, int]]] = {}

    def _recent(self, key: str, window: float) -> deque[tuple[float, int]]:
        used = self._used.setdefault(key, deque())
        horizon = self._clock() - window
        while used and used[0][0] <= horizon:
            used.popleft()
        return used

    def take(self, key: str, chars: int, policy: QuotaPolicy) -> float | None:
        """Record a request of `chars` for `key`; None if allowed, else seconds until it would be."""
        used = self._recent(key, policy.window_seconds)
        now = self._clock()
        if len(used) + 1 > policy.requests or sum(c for _, c in used) + chars > policy.chars:
            # The earliest time enough old entries leave the window for this request to fit.
            total = sum(c for _, c in used) + chars
            count = len(used) + 1
            wait_until = now
            for at, spent in used:
                if count <= policy.requests and total <= policy.chars:
                    break
                wait_until = at + policy.window_seconds
                count -= 1
                total -= spent
            return max(1.0, wait_until - now) if chars <= policy.chars else policy.window_seconds
        used.append((now, chars))
        return None

    def refund(self, key: str, chars: int) -> None:
        """Give back the latest request of `chars` (it never reached Deepgram)."""
        used = self._used.get(key)
        if not used:
            return
        for i in range(len(used) - 1, -1, -1):
            if used[i][1] == chars:
                del used[i]
                return


@dataclass
class SpeakState:
    """Process-wide TTS state: the concurrency bound and the per-user quota."""

    gate: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(MAX_CONCURRENT_REQUESTS))
    quota: SpeakQuota = field(default_factory=SpeakQuota)


# -- the REST client -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TtsConfig:
    """Where to synthesise, with which key, and how long one request may take in total."""

    api_url: str
    api_key: str = field(repr=False)
    timeout: float = 10.0


class TtsError(UpstreamError):
    """Deepgram did not return usable audio; the message names the `why` topic."""

    def __init__(
        self, summary: str, topic: Topic, *, status: int | None = None, error: DeepgramError | None = None
    ) -> None:
        detail = escape(error.message) if error and error.message else None
        request_id = escape(error.request_id) if error and error.request_id else None
        super().__init__(messages.speak_deepgram_failed(summary, topic.command, detail, request_id))
        self.summary = summary
        self.topic = topic
        self.status = status
        self.error = error


# Advice per status, after the shared status → topic mapping of the probes.
_ADVICE: Mapping[int, str] = {
    401: "Check DEEPGRAM_API_KEY: the key may be revoked, expired or mistyped.",
    402: "Add credits to the project, or use a key of a project that has some.",
    403: "This project may not use that voice; try another one.",
    413: "The text was too long for one request with this voice.",
    422: "The text was too long for one request with this voice.",
    429: "Too many text-to-speech requests are running on this project; try again in a minute.",
}


def _status_error(response: httpx.Response, voice: str) -> TtsError:
    error = parse_error(response.status_code, response.content, response.headers)
    result = classify_status("tts", response.status_code, error)
    summary = result.summary
    if result.topic == Topic.MODELS:
        summary = f"Deepgram does not know the voice `{voice}` (400)"
    advice = _ADVICE.get(response.status_code)
    if response.status_code >= 500:
        advice = "Deepgram had a problem on its side; try again in a minute and check `/deepgram status`."
    topic = result.topic or Topic.SERVER_ERROR
    return TtsError(f"{summary}. {advice}" if advice else summary, topic, status=response.status_code, error=error)


async def synthesize_piece(http: httpx.AsyncClient, cfg: TtsConfig, voice: str, text: str) -> bytes:
    """One `POST /v1/speak` as MP3; the audio bytes exactly as Deepgram sent them."""
    try:
        # httpx timeouts bound each phase; this bounds the whole request, slow trickles included.
        async with asyncio.timeout(cfg.timeout):
            response = await http.post(
                f"{cfg.api_url}/v1/speak",
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
        response = await http.get(f"{cfg.api_url}/v1/models", headers=auth_header(cfg.api_key), timeout=cfg.timeout)
    except httpx.HTTPError:
        note = "Deepgram's model list could not be reached"
    else:
        if response.status_code == 200:
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
