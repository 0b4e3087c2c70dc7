"""The TTS client against the fake Deepgram: exact audio, pieces in order, bounded concurrency, and
the mapping of every failure to a clear message with its `/deepgram why` topic."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import mutagen.id3
import pytest

from bot.errors import BotError
from bot.slack.kit import mrkdwn
from bot.speak.client import (
    TtsConfig,
    TtsError,
    fetch_catalog,
    resolve_voice,
    speak_to_mp3,
    synthesize,
    synthesize_piece,
)
from bot.speak.mp3 import join_mp3
from bot.speak.text import prepare_text
from bot.speak.voices import UnknownVoice
from bot.topics import Topic
from simworld.botproc import free_port
from simworld.deepgram import FakeDeepgram


@pytest.fixture
async def dg() -> AsyncIterator[FakeDeepgram]:
    async with FakeDeepgram() as fake:
        yield fake


@pytest.fixture
def cfg(dg: FakeDeepgram) -> TtsConfig:
    return TtsConfig(api_url=dg.base_url, api_key=dg.api_key, timeout=2.0)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def shown(exc: BotError) -> str:
    """The error's message as Slack shows it."""
    return mrkdwn(exc.user_message)


def spoken_text(mp3: bytes) -> str:
    """The text the fake Deepgram spoke, from the ID3 title it writes into every MP3."""
    return str(mutagen.id3.ID3(io.BytesIO(mp3))["TIT2"].text[0])


LONG = " ".join(f"Sentence {i} tells the story of a Deepgram outage and its cause." for i in range(70))


async def test_one_piece_is_the_exact_audio_deepgram_sent(
    dg: FakeDeepgram, cfg: TtsConfig, http: httpx.AsyncClient
) -> None:
    """One request, MP3 asked for explicitly, `Token` auth; the bytes are Deepgram's, untouched."""
    audio = await synthesize_piece(http, cfg, "aura-2-thalia-en", "Hello from Deepgram Doctor.")
    assert dg.speak_outputs == [audio]
    (request,) = [r for r in dg.requests if r.route == "speak"]
    assert request.query == {"model": "aura-2-thalia-en", "encoding": "mp3"}
    assert (request.auth_scheme, request.content_type) == ("token", "application/json")


async def test_long_text_pieces_come_back_in_order(dg: FakeDeepgram, cfg: TtsConfig, http: httpx.AsyncClient) -> None:
    """Pieces are synthesised concurrently but returned (and joined) in text order."""
    dg.set_latency("speak", 0.05)
    speak = prepare_text(LONG, "aura-2-thalia-en")
    assert len(speak.pieces) == 5
    clips = await synthesize(http, cfg, speak, asyncio.Semaphore(5))
    assert [spoken_text(c) for c in clips] == list(speak.pieces)
    assert sorted(dg.speak_outputs) == sorted(clips)
    assert await speak_to_mp3(http, cfg, speak, asyncio.Semaphore(5)) == join_mp3(clips)


@pytest.mark.parametrize("bound", [1, 2, 5])
async def test_concurrency_never_exceeds_the_gate(bound: int) -> None:
    """At most `gate` requests are in flight at once, and as many as allowed are."""
    in_flight = peak = 0
    mp3 = _mp3()

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.02)
        in_flight -= 1
        return httpx.Response(200, content=mp3, headers={"content-type": "audio/mpeg"})

    speak = prepare_text(LONG, "aura-2-thalia-en")
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        await synthesize(client, TtsConfig("http://dg.test", "k" * 40), speak, asyncio.Semaphore(bound))
    assert peak == min(bound, len(speak.pieces))


async def test_a_failure_stops_the_pieces_not_yet_sent(
    dg: FakeDeepgram, cfg: TtsConfig, http: httpx.AsyncClient
) -> None:
    """Once a piece fails, the waiting pieces are never sent: no credits spent on a broken clip."""
    dg.exhaust_credits()
    speak = prepare_text(LONG, "aura-2-thalia-en")
    with pytest.raises(TtsError) as info:
        await synthesize(http, cfg, speak, asyncio.Semaphore(1))
    assert info.value.topic == Topic.CREDITS
    assert len([r for r in dg.requests if r.route == "speak"]) == 1


def _mp3() -> bytes:
    from simworld.deepgram import synth

    return synth.mp3("x", "aura-2-thalia-en")


def _fail(status: int, **kw: Any) -> Any:
    return lambda dg: dg.fail("speak", status=status, **kw)


@pytest.mark.parametrize(
    ("setup", "topic", "words"),
    [
        (_fail(400), Topic.MODELS, "does not know the voice `aura-2-thalia-en` (400)"),
        (
            _fail(400, body={"err_code": "INVALID_QUERY_PARAMETER", "err_msg": "Failed to deserialize."}),
            Topic.BAD_REQUEST,
            "refused the request as malformed (400)",
        ),
        (_fail(401), Topic.UNAUTHORIZED, "rejected the key (401)"),
        (lambda dg: dg.exhaust_credits(), Topic.CREDITS, "out of credits (402)"),
        (lambda dg: dg.deny_model("aura-2-thalia-en"), Topic.FORBIDDEN, "not allowed to do this (403)"),
        (lambda dg: dg.rate_limit("speak"), Topic.RATE_LIMITED, "rate limiting this project (429)"),
        (_fail(500), Topic.SERVER_ERROR, "server error (500)"),
        (_fail(503), Topic.SERVER_ERROR, "server error (503)"),
        (_fail(504), Topic.TIMEOUT, "timed out waiting for Deepgram (504)"),
        (lambda dg: dg.drop_connection("speak"), Topic.NETWORK, "connection to Deepgram was dropped"),
        (
            _fail(200, body={"err_code": "Bad Request", "err_msg": "Input text contains no characters."}),
            Topic.TTS_AUDIO,
            "sent application/json instead of audio",
        ),
        (
            _fail(200, body=b'{"err_msg": "oops"}', headers={"content-type": "audio/mpeg"}),
            Topic.TTS_AUDIO,
            "not a playable MP3",
        ),
        (_fail(200, body=b"", headers={"content-type": "audio/mpeg"}), Topic.TTS_AUDIO, "empty body"),
    ],
)
async def test_each_failure_names_its_topic(
    dg: FakeDeepgram, cfg: TtsConfig, http: httpx.AsyncClient, setup: Any, topic: Topic, words: str
) -> None:
    """Every Deepgram failure becomes a TtsError whose message says what happened and which `why` to read."""
    setup(dg)
    with pytest.raises(TtsError) as info:
        await synthesize_piece(http, cfg, "aura-2-thalia-en", "Hello there.")
    assert info.value.topic == topic
    message = shown(info.value)
    assert words in message
    assert f"`/deepgram why {topic.value}`" in message
    assert dg.api_key not in message


@pytest.mark.parametrize("status", [413, 422])
async def test_over_the_limit_either_status_is_too_long(
    dg: FakeDeepgram, cfg: TtsConfig, http: httpx.AsyncClient, status: int
) -> None:
    """Deepgram answering 413 or 422 for too much text (docs disagree, §3.4) maps to the 413 topic."""
    dg.tts_over_limit_status = status
    dg.tts_char_limits["aura-2"] = 10  # as if Deepgram lowered its limit under our split
    with pytest.raises(TtsError) as info:
        await synthesize_piece(http, cfg, "aura-2-thalia-en", "Hello there, this is long.")
    assert (info.value.topic, info.value.status) == (Topic.PAYLOAD_TOO_LARGE, status)
    assert "exceeds maximum character limit of 10" in shown(info.value)
    assert "too long for one request" in shown(info.value)


async def test_json_error_detail_and_request_id_are_shown_escaped(
    dg: FakeDeepgram, cfg: TtsConfig, http: httpx.AsyncClient
) -> None:
    """Deepgram's own words are quoted, escaped for Slack, with the request id for support."""
    dg.fail("speak", status=200, body={"err_code": "X", "err_msg": "Bad <!channel> & co", "request_id": "r-1"})
    with pytest.raises(TtsError) as info:
        await synthesize_piece(http, cfg, "aura-2-thalia-en", "Hello.")
    assert "Bad &lt;!channel&gt; &amp; co" in shown(info.value) and "`r-1`" in shown(info.value)


async def test_timeout_and_refused_connection(dg: FakeDeepgram, http: httpx.AsyncClient) -> None:
    """A slow Deepgram is a timeout (408 topic); nobody listening is a network problem."""
    dg.set_latency("speak", 0.5)
    slow = TtsConfig(api_url=dg.base_url, api_key=dg.api_key, timeout=0.1)
    with pytest.raises(TtsError) as info:
        await synthesize_piece(http, slow, "aura-2-thalia-en", "Hello.")
    assert info.value.topic == Topic.TIMEOUT and "within 0.1 s" in shown(info.value)
    nobody = TtsConfig(api_url=f"http://127.0.0.1:{free_port()}", api_key=dg.api_key, timeout=1.0)
    with pytest.raises(TtsError) as info:
        await synthesize_piece(http, nobody, "aura-2-thalia-en", "Hello.")
    assert info.value.topic == Topic.NETWORK


async def test_catalog_from_models_or_builtin(dg: FakeDeepgram, cfg: TtsConfig, http: httpx.AsyncClient) -> None:
    """A key that reads GET /v1/models gives the live list; a usage-only key gets the built-in one, saying why."""
    live = await fetch_catalog(http, cfg)
    assert live.live and "aura-2-thalia-en" in live.models and "aura-asteria-en" in live.models
    usage_only = dg.add_key(scopes=("usage:write",))
    builtin = await fetch_catalog(http, TtsConfig(dg.base_url, usage_only, 2.0))
    assert not builtin.live and builtin.note == "this key cannot read Deepgram's model list (HTTP 401)"
    assert len(builtin.voices) > len(live.voices)
    dg.fail("models", status=503)
    assert not (await fetch_catalog(http, cfg)).live


async def test_resolve_voice_checks_the_live_list_only_for_unfamiliar_names() -> None:
    """Built-in voices need no request; a new voice the key's list has is accepted; others are unknown."""
    asked: list[str] = []
    body = {"tts": [{"canonical_name": "aura-2-novella-en", "architecture": "aura-2", "languages": ["en"]}]}

    async def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return httpx.Response(200, content=json.dumps(body), headers={"content-type": "application/json"})

    cfg = TtsConfig("http://dg.test", "k" * 40)
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        assert await resolve_voice(None, client, cfg) == "aura-2-thalia-en"
        assert await resolve_voice(" AURA-zeus-en ", client, cfg) == "aura-zeus-en"
        assert asked == []
        assert await resolve_voice("aura-2-novella-en", client, cfg) == "aura-2-novella-en"
        with pytest.raises(UnknownVoice) as info:
            await resolve_voice("aura-2-novela-en", client, cfg)
    assert asked == ["/v1/models", "/v1/models"]
    assert info.value.suggestions[0] == "aura-2-novella-en"
    assert "Did you mean `aura-2-novella-en`" in shown(info.value)
