"""Wall time of /deepgram status against the fakes with injected latencies.

Deepgram REST 300 ms, streaming handshake 400 ms, TTS 250 ms, key check 200 ms, status page
150 ms. Each probe is first timed alone, then all together through the same code the command
uses (`bot.status.check_status`), then end to end through the real bot in HTTP mode (slash
command sent → finished report posted to response_url; the partial report comes first, see
`bench/status_progressive.py`). The probes run concurrently, so the total should
stay within 150 ms of the slowest single probe; the streaming probe is the slowest because it
sends the 3-second clip at real-time pace, as a microphone would.

    .venv/bin/python bench/status_latency.py [--runs 3]
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

from bot.config import Settings  # noqa: E402
from bot.probes import Clip, probe_auth, probe_rest, probe_streaming, probe_tts  # noqa: E402
from bot.runtime.deps import Deps  # noqa: E402
from bot.status.check import check_status  # noqa: E402
from bot.store import Store  # noqa: E402
from simworld.botproc import BotProcess, free_port  # noqa: E402
from simworld.deepgram import FakeDeepgram  # noqa: E402
from simworld.slack import FakeSlack, SlackDriver  # noqa: E402
from simworld.statuspage import FakeStatusPage  # noqa: E402
from simworld.world import probe_clip  # noqa: E402

LATENCY = {"listen": 0.300, "listen_ws": 0.400, "speak": 0.250, "projects": 0.200}
STATUS_PAGE_LATENCY = 0.150


async def timed(work: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await work()
    return (time.perf_counter() - started) * 1000


async def main(runs: int) -> None:
    clip = Clip.load()
    async with FakeDeepgram() as dg, FakeStatusPage() as page, FakeSlack() as slack, httpx.AsyncClient() as http:
        dg.register_clip(probe_clip())
        for route, seconds in LATENCY.items():
            dg.set_latency(route, seconds)
        page.latency = STATUS_PAGE_LATENCY
        env = {
            "DEEPGRAM_API_URL": dg.base_url,
            "DEEPGRAM_API_KEY": dg.api_key,
            "DEEPGRAM_STATUS_URL": page.base_url,
        }
        settings = Settings.from_env(env, slack=False)
        store = Store.open(":memory:")
        deps = Deps.build(settings, store, http)
        cfg = deps.probe_config

        singles: dict[str, list[float]] = {k: [] for k in ("status page", "auth", "rest", "streaming", "tts")}
        totals: list[float] = []
        for _ in range(runs):
            singles["status page"].append(
                await timed(lambda: Deps.build(settings, store, http).statuspage.fetch_summary())
            )
            singles["auth"].append(await timed(lambda: probe_auth(http, cfg)))
            singles["rest"].append(await timed(lambda: probe_rest(http, cfg, clip)))
            singles["streaming"].append(await timed(lambda: probe_streaming(cfg, clip)))
            singles["tts"].append(await timed(lambda: probe_tts(http, cfg)))
            fresh = Deps.build(settings, store, http)  # no cached ETag: a full status-page fetch
            report = None

            async def check(deps: Deps = fresh) -> None:
                nonlocal report
                report = await check_status(deps)

            totals.append(await timed(check))
            assert report is not None and report.verdict.kind == "all_good", report

        # End to end: the real bot in HTTP mode, from the slash command to the report in Slack.
        with tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            bot = await BotProcess(
                {
                    **env,
                    "SLACK_BOT_TOKEN": slack.bot_token,
                    "SLACK_SIGNING_SECRET": slack.signing_secret,
                    "SLACK_API_URL": slack.api_url,
                    "DEEPGRAM_DOCTOR_DB": str(Path(tmp) / "bench.db"),
                    "PORT": str(port),
                    "STATUS_FRESH_SECONDS": "0",  # every command a fresh run, not the last one again
                    "PROBE_INTERVAL_SECONDS": "0",
                }
            ).start()
            driver = SlackDriver(slack, app_url=f"http://127.0.0.1:{port}/slack/events")
            end_to_end: list[float] = []
            acks: list[float] = []
            try:
                for _ in range(runs):
                    started = time.perf_counter()
                    result = await driver.slash_command("status")
                    url = result.response_url
                    await slack.wait_until(
                        lambda u=url: any(
                            any(b.get("type") == "actions" for b in p.blocks or [])
                            for p in slack.responses
                            if p.url == u
                        ),
                        30,
                    )
                    end_to_end.append((time.perf_counter() - started) * 1000)
                    acks.append((result.ack_seconds or 0) * 1000)
            finally:
                await bot.stop()
        store.close()

    medians = {name: statistics.median(values) for name, values in singles.items()}
    slowest_name = max(medians, key=lambda n: medians[n])
    slowest = medians[slowest_name]
    total = statistics.median(totals)
    print(
        f"injected: REST {LATENCY['listen'] * 1000:.0f} ms, streaming handshake {LATENCY['listen_ws'] * 1000:.0f} ms, "
        f"TTS {LATENCY['speak'] * 1000:.0f} ms, key check {LATENCY['projects'] * 1000:.0f} ms, "
        f"status page {STATUS_PAGE_LATENCY * 1000:.0f} ms; clip {clip.seconds:.1f} s streamed at real time"
    )
    print(f"median of {runs} runs, each alone (ms): " + ", ".join(f"{n} {v:.0f}" for n, v in medians.items()))
    print(f"all together (check_status): {total:.0f} ms; slowest single: {slowest_name} {slowest:.0f} ms")
    print(
        f"total - slowest = {total - slowest:+.0f} ms (target within 150 ms); "
        f"ratio total/slowest = {total / slowest:.3f}"
    )
    print(
        f"/deepgram status end to end (HTTP mode, command → report): median {statistics.median(end_to_end):.0f} ms; "
        f"ack median {statistics.median(acks):.1f} ms"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    asyncio.run(main(parser.parse_args().runs))
