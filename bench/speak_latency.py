"""Wall time of a 4,000-character /deepgram speak against the fakes, 300 ms per TTS request.

The text is cut into Aura-2-sized pieces (at most 1,000 characters each) that are synthesised
concurrently, so the whole speak should cost about one TTS request plus the upload, not one
request per piece. Measured, as medians over `--runs`:

- one TTS request alone (a 1,000-character piece);
- the upload alone (`files_upload_v2` of the joined MP3 to the fake Slack);
- the whole speak in-process (`handlers.speak.speak_in_slack`: channel check, synthesis, join, share);
- end to end through the real bot in HTTP mode (slash command sent → file shared and reply posted).

Target: whole speak within 1.5x of (one request + upload).

    .venv/bin/python bench/speak_latency.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.runtime.deps import Deps  # noqa: E402
from bot.slack.commands import Invocation  # noqa: E402
from bot.speak import Speaker, prepare_text  # noqa: E402
from bot.speak.client import speak_to_mp3, synthesize_piece  # noqa: E402
from bot.store import Store  # noqa: E402
from handlers import SUBCOMMANDS  # noqa: E402
from handlers.speak import SpeakArgs, speak_in_slack  # noqa: E402
from simworld.botproc import BotProcess, free_port  # noqa: E402
from simworld.deepgram import FakeDeepgram  # noqa: E402
from simworld.slack import FakeSlack, SlackDriver  # noqa: E402

TTS_LATENCY = 0.300
SENTENCE = "When transcripts stop arriving, check the status page first, then the key, then the audio itself."
TEXT = " ".join([SENTENCE] * 41)[:3999].rstrip() + "."
TEXT += "x" * (4000 - len(TEXT))  # exactly 4,000 characters
assert len(TEXT) == 4000


async def timed(work: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await work()
    return (time.perf_counter() - started) * 1000


async def main(runs: int) -> None:
    async with FakeDeepgram() as dg, FakeSlack() as slack, httpx.AsyncClient() as http:
        dg.set_latency("speak", TTS_LATENCY)
        ws = slack.workspace
        ws.bot_scopes |= {"channels:read", "groups:read"}  # as manifest.yml grants
        settings = Settings.from_env({"DEEPGRAM_API_URL": dg.base_url, "DEEPGRAM_API_KEY": dg.api_key}, slack=False)
        store = Store.open(":memory:")
        deps = Deps.build(settings, store, http)
        speaker = Speaker(deps.settings, deps.http, deps.speak)
        cfg = speaker.config
        assert cfg is not None
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
        speak = prepare_text(TEXT, "aura-2-thalia-en")
        piece = max(speak.pieces, key=len)
        joined = await speak_to_mp3(http, cfg, speak, asyncio.Semaphore(5))
        channel = ws.default_channel.id

        one_request: list[float] = []
        upload: list[float] = []
        in_process: list[float] = []
        for run in range(runs):
            one_request.append(await timed(lambda: synthesize_piece(http, cfg, speak.voice, piece)))
            upload.append(
                await timed(lambda: client.files_upload_v2(channel=channel, content=joined, filename="bench.mp3"))
            )
            user = ws.add_user(f"bench-{run}")  # a fresh user each run: the per-user quota is not measured here
            in_process.append(
                await timed(
                    lambda user_id=user.id: speak_in_slack(
                        speaker,
                        client,
                        Invocation("speak", TEXT, user_id, channel, ws.team_id, SUBCOMMANDS, client),
                        SpeakArgs(TEXT),
                    )
                )
            )

        # End to end: the real bot process in HTTP mode.
        end_to_end: list[float] = []
        acks: list[float] = []
        with tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            bot = await BotProcess(
                {
                    "DEEPGRAM_API_URL": dg.base_url,
                    "DEEPGRAM_API_KEY": dg.api_key,
                    "SLACK_BOT_TOKEN": slack.bot_token,
                    "SLACK_SIGNING_SECRET": slack.signing_secret,
                    "SLACK_API_URL": slack.api_url,
                    "DEEPGRAM_DOCTOR_DB": str(Path(tmp) / "bench.db"),
                    "PROBE_INTERVAL_SECONDS": "0",
                    "PORT": str(port),
                }
            ).start()
            driver = SlackDriver(slack, app_url=f"http://127.0.0.1:{port}/slack/events")
            try:
                for run in range(runs):
                    user = ws.add_user(f"bench-e2e-{run}")
                    shared_before = len([m for m in slack.messages(channel) if m.subtype == "file_share"])
                    started = time.perf_counter()
                    result = await driver.slash_command(f"speak {TEXT}", user=user)
                    await driver.wait_responses(result.response_url, n=1, timeout=30)
                    end_to_end.append((time.perf_counter() - started) * 1000)
                    acks.append((result.ack_seconds or 0) * 1000)
                    shared_after = len([m for m in slack.messages(channel) if m.subtype == "file_share"])
                    assert shared_after == shared_before + 1, "the clip was not shared"
            finally:
                await bot.stop()
        store.close()

    one, up = statistics.median(one_request), statistics.median(upload)
    whole, e2e = statistics.median(in_process), statistics.median(end_to_end)
    baseline = one + up
    print(
        f"text: {len(TEXT):,} characters, voice {speak.voice}: {len(speak.pieces)} pieces "
        f"({', '.join(str(len(p)) for p in speak.pieces)} characters); joined MP3 {len(joined):,} bytes; "
        f"injected TTS latency {TTS_LATENCY * 1000:.0f} ms per request"
    )
    print(f"median of {runs} runs (ms): one TTS request {one:.0f}, upload {up:.0f}, together {baseline:.0f}")
    print(f"whole speak in-process (check channel, synthesise, join, share): {whole:.0f} ms")
    print(f"ratio whole / (one request + upload) = {whole / baseline:.2f} (target <= 1.5)")
    print(
        f"/deepgram speak end to end (HTTP mode, command -> clip shared + reply): median {e2e:.0f} ms "
        f"(ratio {e2e / baseline:.2f}); ack median {statistics.median(acks):.1f} ms"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
