"""Outage-alert fan-out and idle memory, against the fakes, with the real bot process.

1. Fan-out: 1,000 subscribed channels; one incident that opens, gets UPDATES updates and resolves.
   The fake Slack enforces one chat.postMessage per second per channel (burst 1) and answers 429
   with Retry-After beyond it. Every channel must end with exactly 1 + UPDATES + 1 alert messages
   (root, updates, resolution; the root edited in place). The floor is what Slack's rate allows:
   (messages per channel - 1) seconds. Printed: wall time from the first to the last delivery,
   the floor, their ratio (target within 1.2x), 429s seen and duplicates found.
2. Memory: the same 1,000 subscriptions, the bot polling the status page 3,600 times (an hour at
   1 s, compressed to 0.01 s intervals) while the page changes now and then; printed: the bot's
   resident memory (target under 100 MB).

    .venv/bin/python bench/alert_fanout.py [--channels 1000] [--updates 4] [--polls 3600]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.store import Store  # noqa: E402
from simworld.botproc import BotProcess, free_port  # noqa: E402
from simworld.slack import FakeSlack  # noqa: E402
from simworld.statuspage import FakeStatusPage  # noqa: E402


def alerts(slack: FakeSlack, channel: str) -> list[Any]:
    return [m for m in slack.messages(channel) if (m.metadata or {}).get("event_type") == "deepgram_doctor_alert"]


def bot_env(slack: FakeSlack, page: FakeStatusPage, db: Path, poll: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": slack.signing_secret,
        "SLACK_API_URL": slack.api_url,
        "DEEPGRAM_STATUS_URL": page.base_url,
        "DEEPGRAM_API_URL": "http://127.0.0.1:9",  # no probes in this benchmark
        "DEEPGRAM_DOCTOR_DB": str(db),
        "PORT": str(free_port()),
        "STATUS_POLL_SECONDS": poll,
        "PROBE_INTERVAL_SECONDS": "0",
        "ALERT_HOLD_POLLS": "0",
        "ALERT_PACE_SECONDS": "1.0",
    }


def subscribe_all(db: Path, slack: FakeSlack, channels: list[str]) -> None:
    store = Store.open(db)
    with store.db.atomic():
        for channel in channels:
            store.subscriptions.subscribe(
                channel, team_id=slack.team_id, filters=[], min_severity="minor", created_by="U0", now=0
            )
    store.close()


async def fan_out(n_channels: int, updates: int, storm: int) -> None:
    async with FakeSlack() as slack, FakeStatusPage() as page:
        slack.set_rate_limit(per_second=1.0, burst=1)
        if storm:
            # On top of the per-channel limit: a storm of 429s, then of 503s, on the first posts.
            slack.fail_next("chat.postMessage", status=429, retry_after=1, count=storm)
            slack.fail_next("chat.postMessage", status=503, count=storm)
        slack.workspace.bot_scopes |= {"channels:history", "groups:history"}
        channels = [slack.workspace.add_channel(f"alerts-{i:04d}").id for i in range(n_channels)]
        per_channel = updates + 2
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "fanout.db"
            subscribe_all(db, slack, channels)
            bot = await BotProcess(bot_env(slack, page, db, "0.1")).start()
            try:
                incident = page.open_incident("API errors", impact="major", components=("Batch API",))
                for n in range(updates):
                    await asyncio.sleep(0.25)  # let the monitor see each state (it polls every 0.1 s)
                    page.update_incident(incident, status="identified", body=f"Update {n + 1}.")
                await asyncio.sleep(0.25)
                page.resolve_incident(incident, body="Resolved.")
                started = time.perf_counter()
                expected = per_channel * n_channels
                # Poll cheaply: re-scanning every channel on each of Slack's ~7,000 calls would make
                # this benchmark, not the bot, the bottleneck.
                while sum(1 for call in slack.calls if call.method == "chat.postMessage" and call.ok) < expected:
                    if time.perf_counter() - started > 600:
                        raise TimeoutError("alerts not delivered")
                    await asyncio.sleep(0.1)
                waited = time.perf_counter() - started
            finally:
                await bot.stop()
        posts = [m for c in channels for m in alerts(slack, c)]
        stamps = sorted(float(m.ts) for m in posts)
        span = stamps[-1] - stamps[0]
        floor = (per_channel - 1) * 1.0
        duplicates = sum(len(alerts(slack, c)) - per_channel for c in channels)
        limited = len(slack.rate_limited)
        label = f"with a storm of {storm} 429s and {storm} 503s" if storm else "no injected faults"
        print(f"fan-out: {n_channels} channels x {per_channel} messages (root, {updates} updates, resolution), {label}")
        print(
            f"first to last delivery {span:.2f} s; rate-limit floor {floor:.2f} s; ratio {span / floor:.2f} "
            f"(target <= 1.2); 429s answered by the fake: {limited}; duplicates: {duplicates}; "
            f"waited {waited:.1f} s after the resolution"
        )


async def idle_memory(n_channels: int, polls: int) -> None:
    async with FakeSlack() as slack, FakeStatusPage() as page:
        channels = [slack.workspace.add_channel(f"idle-{i:04d}").id for i in range(n_channels)]
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "idle.db"
            subscribe_all(db, slack, channels)
            bot = await BotProcess(bot_env(slack, page, db, "0.01")).start()
            try:
                assert bot.proc is not None
                status = Path(f"/proc/{bot.proc.pid}/status")
                started = time.perf_counter()
                seen = 0
                while seen < polls:
                    if seen and seen % 600 == 0:  # the page changes now and then
                        page.set_component("TTS API", "degraded_performance" if seen % 1200 else "operational")
                    await asyncio.sleep(0.05)
                    seen = sum(1 for r in page.requests if r.path.endswith("summary.json"))
                rss_kb = next(
                    int(line.split()[1]) for line in status.read_text().splitlines() if line.startswith("VmRSS:")
                )
                hwm_kb = next(
                    int(line.split()[1]) for line in status.read_text().splitlines() if line.startswith("VmHWM:")
                )
                elapsed = time.perf_counter() - started
            finally:
                await bot.stop()
        print(
            f"idle: {n_channels} subscriptions, {seen} status polls in {elapsed:.0f} s: "
            f"bot RSS {rss_kb / 1024:.1f} MB (peak {hwm_kb / 1024:.1f} MB; target < 100 MB)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--updates", type=int, default=4)
    parser.add_argument("--polls", type=int, default=3600)
    parser.add_argument("--storm", type=int, default=50, help="injected 429s and 503s in the second run")
    args = parser.parse_args()
    asyncio.run(fan_out(args.channels, args.updates, 0))
    asyncio.run(fan_out(args.channels, args.updates, args.storm))
    asyncio.run(idle_memory(args.channels, args.polls))
