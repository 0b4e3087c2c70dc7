"""Ack latency of /deepgram over HTTP mode: 200 slash commands, 50 in flight at a time.

Starts the fake Slack and the real bot (`deepgram-doctor serve`, HTTP mode) as a subprocess,
sends signed slash commands as Slack would, and measures the time from sending each request to
receiving the bot's HTTP acknowledgement (Slack's limit is 3000 ms). Also checks that every
command was answered through its response_url.

    .venv/bin/python bench/ack_latency.py [--commands 200] [--concurrency 50]
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

from simworld.botproc import BotProcess, free_port  # noqa: E402
from simworld.slack import FakeSlack, SlackDriver  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


async def main(commands: int, concurrency: int, subcommand: str) -> None:
    async with FakeSlack() as slack:
        with tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            env = {
                "SLACK_BOT_TOKEN": slack.bot_token,
                "SLACK_SIGNING_SECRET": slack.signing_secret,
                "SLACK_API_URL": slack.api_url,
                "DEEPGRAM_DOCTOR_DB": str(Path(tmp) / "bench.db"),
                "PORT": str(port),
            }
            bot = await BotProcess(env).start()
            try:
                driver = SlackDriver(slack, app_url=f"http://127.0.0.1:{port}/slack/events")
                await driver.slash_command(subcommand)  # warm-up: auth.test, first connections
                semaphore = asyncio.Semaphore(concurrency)
                acks: list[float] = []
                urls: list[str] = []

                async def one() -> None:
                    async with semaphore:
                        result = await driver.slash_command(subcommand)
                        assert result.status == 200, result
                        acks.append(result.ack_seconds * 1000)
                        urls.append(result.response_url)

                started = time.perf_counter()
                await asyncio.gather(*(one() for _ in range(commands)))
                wall = time.perf_counter() - started
                for url in urls:
                    await driver.wait_responses(url, n=1, timeout=30)
                answered = time.perf_counter() - started
            finally:
                await bot.stop()

    print(f"/deepgram {subcommand}: {commands} commands, {concurrency} concurrent, HTTP mode")
    print(f"ack latency ms: p50 {percentile(acks, 50):.1f}  p99 {percentile(acks, 99):.1f}  max {max(acks):.1f}")
    print(f"mean {statistics.fmean(acks):.1f} ms; all acked in {wall:.2f} s; all answered in {answered:.2f} s")
    print("target: p99 < 100 ms (Slack's limit is 3000 ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--subcommand", default="help")
    args = parser.parse_args()
    asyncio.run(main(args.commands, args.concurrency, args.subcommand))
