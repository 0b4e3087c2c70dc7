"""Many /deepgram status at once: Deepgram requests made, and the bot's memory.

Before issue 13, 200 commands at concurrency 20 made 800 billable Deepgram requests (a run each) and
grew the bot's RSS by about 180 MB. Now concurrent commands share one run, and a run that finished
less than STATUS_FRESH_SECONDS (15) ago answers again. For each scenario a fresh bot (HTTP mode) with
the injected latencies of `bench/status_latency.py` and real-time streaming gets the commands, each
waiting for its finished report; then one "Run again" click measures a single run's requests.
Reported: the requests the fake Deepgram saw, the probe runs the bot logged, the posts per
response_url, and the bot's RSS after start-up, at the end and at its peak (VmHWM).

Targets: at most 2 runs' worth of requests; RSS growth < 30 MB.

    .venv/bin/python bench/status_concurrency.py [--scenario 20:20 --scenario 200:20 ...]

A scenario is COMMANDS:CONCURRENCY (default: 20 at once, 200 at 20 at a time, 200 at once).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simworld.slack import ResponseUrlPost  # noqa: E402
from simworld.world import World  # noqa: E402

LATENCY = {"listen": 0.300, "listen_ws": 0.400, "speak": 0.250, "projects": 0.200}
STATUS_PAGE_LATENCY = 0.150
BOT_ENV = {"PROBE_STREAM_SPEED": "1", "PROBE_TIMEOUT_SECONDS": "10", "PROBE_INTERVAL_SECONDS": "0"}
DEFAULT_SCENARIOS = ("20:20", "200:20", "200:200")


def is_report(post: ResponseUrlPost) -> bool:
    return any(b.get("type") == "actions" for b in post.blocks or [])


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process, in kB (Linux)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


async def scenario(commands: int, concurrency: int) -> dict[str, float]:
    async with World() as world:
        for route, seconds in LATENCY.items():
            world.deepgram.set_latency(route, seconds)
        world.statuspage.latency = STATUS_PAGE_LATENCY
        slack, dg = world.slack, world.deepgram
        with tempfile.TemporaryDirectory() as tmp:
            env = {**BOT_ENV, "DEEPGRAM_AGENT_URL": dg.agent_url}
            bot = await world.start_bot(Path(tmp) / "bench.db", "http", **env)
            proc = bot.process.proc
            assert proc is not None
            try:
                await asyncio.sleep(1.0)  # the monitor's first status poll
                rss_start, _ = memory_kb(proc.pid)
                dg.clear_records()
                gate = asyncio.Semaphore(concurrency)
                urls: list[str] = []

                async def one() -> None:
                    async with gate:
                        result = await bot.driver.slash_command("status")
                        assert result.status == 200, result
                        url = result.response_url
                        urls.append(url)
                        await slack.wait_until(lambda: any(is_report(p) for p in slack.responses if p.url == url), 60)

                started = time.perf_counter()
                await asyncio.gather(*(one() for _ in range(commands)))
                wall = time.perf_counter() - started
                await asyncio.sleep(0.5)
                shared_requests = len(dg.requests)
                rss_end, rss_peak = memory_kb(proc.pid)
                runs = sum(1 for e in bot.process.logs if e.get("event") == "status checked")
                posts = [sum(1 for p in slack.responses if p.url == u) for u in urls]

                dg.clear_records()
                click = await bot.driver.block_action(
                    "status_rerun", value="", response_url=slack.new_response_url(kind="actions")
                )
                url = click.response_url
                await slack.wait_until(lambda: any(is_report(p) for p in slack.responses if p.url == url), 60)
                await asyncio.sleep(0.5)
                one_run = len(dg.requests)
            finally:
                await bot.process.stop()
    return {
        "commands": commands,
        "concurrency": concurrency,
        "wall": wall,
        "requests": shared_requests,
        "one_run": one_run,
        "runs": runs,
        "posts_min": min(posts),
        "posts_max": max(posts),
        "rss_start": rss_start / 1024,
        "rss_end": rss_end / 1024,
        "rss_peak": rss_peak / 1024,
    }


async def main(scenarios: list[str]) -> None:
    print(
        f"injected: REST {LATENCY['listen'] * 1000:.0f} ms, streaming handshake {LATENCY['listen_ws'] * 1000:.0f} ms, "
        f"TTS {LATENCY['speak'] * 1000:.0f} ms, key check {LATENCY['projects'] * 1000:.0f} ms, "
        f"status page {STATUS_PAGE_LATENCY * 1000:.0f} ms; clip streamed at real time; HTTP mode"
    )
    for spec in scenarios:
        commands, concurrency = (int(x) for x in spec.split(":"))
        r = await scenario(commands, concurrency)
        print(
            f"{commands} commands, {concurrency} at a time: all reports in {r['wall']:.2f} s; "
            f"Deepgram requests {r['requests']:.0f} (one run = {r['one_run']:.0f}: "
            f"{r['requests'] / r['one_run']:.2f} runs' worth; target <= 2); probe runs logged {r['runs']:.0f}; "
            f"response_url posts per command {r['posts_min']:.0f}-{r['posts_max']:.0f}; "
            f"RSS {r['rss_start']:.1f} -> {r['rss_end']:.1f} MB (growth {r['rss_end'] - r['rss_start']:+.1f} MB, "
            f"peak {r['rss_peak']:.1f} MB, {r['rss_peak'] - r['rss_start']:+.1f} MB; target < 30 MB)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", action="append", metavar="COMMANDS:CONCURRENCY")
    asyncio.run(main(parser.parse_args().scenario or list(DEFAULT_SCENARIOS)))
