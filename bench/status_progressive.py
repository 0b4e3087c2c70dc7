"""Time to the first reply and to the finished report of /deepgram status, in both transports.

The injected latencies of `bench/status_latency.py` (Deepgram REST 300 ms, streaming handshake
400 ms, TTS 250 ms, key check 200 ms, status page 150 ms), the probe clip streamed at real time.
First each surface's probe is timed alone, in this process. Then the real bot (`deepgram-doctor
serve`) answers `--runs` commands in each transport, one after the other, with STATUS_FRESH_SECONDS=0
so that every command is a fresh run: from sending the command to the first post at its
response_url (the partial report: the official status as last polled, "probing…" rows) and to the
finished report that replaces it. Also counts the posts each command made (response_url allows 5).

Targets (issue 13): first reply <= 0.5 s; finished report <= the slowest probe alone + 0.15 s.

    .venv/bin/python bench/status_progressive.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.probes import Clip  # noqa: E402
from bot.runtime.deps import Deps  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.surfaces import SURFACES, ProbeContext  # noqa: E402
from simworld.slack import ResponseUrlPost  # noqa: E402
from simworld.world import World  # noqa: E402

LATENCY = {"listen": 0.300, "listen_ws": 0.400, "speak": 0.250, "projects": 0.200}
STATUS_PAGE_LATENCY = 0.150
#: Real-time streaming, probes as in production; fresh runs every time; no periodic probes in the way.
BOT_ENV = {
    "PROBE_STREAM_SPEED": "1",
    "PROBE_TIMEOUT_SECONDS": "10",
    "STATUS_FRESH_SECONDS": "0",
    "PROBE_INTERVAL_SECONDS": "0",
}


def is_report(post: ResponseUrlPost) -> bool:
    return any(b.get("type") == "actions" for b in post.blocks or [])


async def probes_alone(world: World, runs: int) -> dict[str, float]:
    """Median time of each surface's probe run by itself (a fresh HTTP client each time, as a check does)."""
    env = {
        "DEEPGRAM_API_URL": world.deepgram.base_url,
        "DEEPGRAM_API_KEY": world.deepgram.api_key,
        "DEEPGRAM_STATUS_URL": world.statuspage.base_url,
        "DEEPGRAM_AGENT_URL": world.deepgram.agent_url,
        **BOT_ENV,
    }
    settings = Settings.from_env(env, slack=False, database="unused")
    store = Store.open(":memory:")
    clip = Clip.load()
    times: dict[str, list[float]] = {spec.id: [] for spec in SURFACES}
    async with httpx.AsyncClient() as shared:
        deps = Deps.build(settings, store, shared)
        for _ in range(runs):
            for spec in SURFACES:
                async with httpx.AsyncClient() as http:
                    started = time.perf_counter()
                    result = await spec.probe(ProbeContext(http, deps.probe_config, clip), spec.slow_ms)
                    times[spec.id].append(time.perf_counter() - started)
                    assert result.state != "failed", result
    store.close()
    return {surface: statistics.median(values) for surface, values in times.items()}


async def commands(world: World, transport: str, runs: int) -> tuple[list[float], list[float], list[int]]:
    firsts: list[float] = []
    finals: list[float] = []
    posts: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**BOT_ENV, "DEEPGRAM_AGENT_URL": world.deepgram.agent_url}
        bot = await world.start_bot(Path(tmp) / "bench.db", transport, **env)  # type: ignore[arg-type]
        try:
            await asyncio.sleep(1.0)  # the monitor's first status poll at start-up
            slack = world.slack
            for _ in range(runs):
                started = time.perf_counter()
                result = await bot.driver.slash_command("status", via=transport)
                assert result.status == 200, result
                url = result.response_url
                await bot.driver.wait_responses(url, n=1, timeout=30)
                firsts.append(time.perf_counter() - started)
                await slack.wait_until(lambda u=url: any(is_report(p) for p in slack.responses if p.url == u), 30)
                finals.append(time.perf_counter() - started)
                posts.append(sum(1 for p in slack.responses if p.url == url))
                await asyncio.sleep(0.3)
        finally:
            await bot.process.stop()
    return firsts, finals, posts


async def main(runs: int) -> None:
    async with World() as world:
        for route, seconds in LATENCY.items():
            world.deepgram.set_latency(route, seconds)
        world.statuspage.latency = STATUS_PAGE_LATENCY
        alone = await probes_alone(world, runs)
        slowest = max(alone, key=lambda s: alone[s])
        results = {transport: await commands(world, transport, runs) for transport in ("http", "socket")}

    print(
        f"injected: REST {LATENCY['listen'] * 1000:.0f} ms, streaming handshake {LATENCY['listen_ws'] * 1000:.0f} ms, "
        f"TTS {LATENCY['speak'] * 1000:.0f} ms, key check {LATENCY['projects'] * 1000:.0f} ms, "
        f"status page {STATUS_PAGE_LATENCY * 1000:.0f} ms; clip streamed at real time"
    )
    print(f"each probe alone, median of {runs} (ms): " + ", ".join(f"{s} {v * 1000:.0f}" for s, v in alone.items()))
    print(f"slowest probe alone: {slowest} {alone[slowest] * 1000:.0f} ms")
    for transport, (firsts, finals, posts) in results.items():
        final = statistics.median(finals)
        print(
            f"{transport:>6}: first reply median {statistics.median(firsts) * 1000:.0f} ms "
            f"(max {max(firsts) * 1000:.0f}; target <= 500); finished report median {final * 1000:.0f} ms "
            f"(max {max(finals) * 1000:.0f}), {(final - alone[slowest]) * 1000:+.0f} ms vs the slowest probe "
            f"(target <= +150); response_url posts per command: {min(posts)}-{max(posts)} of 5"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
