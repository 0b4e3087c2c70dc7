"""The fake Deepgram answers the bot's probe clip with the real nova-3 transcript recorded for its speech."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from bot.probes import Clip
from simworld.deepgram import FakeDeepgram
from simworld.world import PROBE_SENTENCE, PROBE_WORDS, probe_clip

RECORDED = "deepgram/recorded/python-sdk-v4/response_data/listen/rest"


async def test_probe_clip_gets_the_recorded_words(reference_data: Path) -> None:
    """Words, timings, confidences and punctuation are the recording's first seven, as the clip is cut there."""
    (response,) = (reference_data / RECORDED).glob("c4e1*-a17f*-response.json")
    recorded = json.loads(response.read_text())["results"]["channels"][0]["alternatives"][0]["words"][:7]
    assert [dict(w) for w in PROBE_WORDS] == recorded
    assert abs(Clip.load().seconds - recorded[-1]["end"]) < 1e-9
    async with FakeDeepgram() as dg, httpx.AsyncClient() as http:
        dg.register_clip(probe_clip())
        answer = await http.post(
            f"{dg.base_url}/v1/listen?model=nova-3&smart_format=true",
            content=Clip.load().wav,
            headers={"Authorization": f"Token {dg.api_key}", "Content-Type": "audio/wav"},
        )
    alternative = answer.json()["results"]["channels"][0]["alternatives"][0]
    assert alternative["transcript"] == PROBE_SENTENCE == "We, the people of The United States,"
    assert [(w["word"], w["start"], w["end"], w["punctuated_word"]) for w in alternative["words"]] == [
        (w["word"], w["start"], w["end"], w["punctuated_word"]) for w in recorded
    ]
