"""Attack figures for alert delivery: kill -9 in the middle of fan-outs, and two processes on one database.

Part 1, kill -9: `--rounds` rounds; each opens an incident, updates it and resolves it (three fan-outs
to `--channels` channels) and SIGKILLs the bot at a random moment of every fan-out, then restarts it.
The fake Slack holds every post 0.1–2.1 s and commits one whose poster died a random 0–2 s after the
hang-up. Counted per round: alerts lost (an update a channel never got) and doubled (one it got
twice or more).

Part 2, two processes: two bots on one database, an incident opened, updated and resolved; the
process holding the lease is SIGKILLed before the resolution. Counted: lost and doubled.

    .venv/bin/python bench/attack_alerts.py [--rounds 3] [--channels 50] [--seed 1] [--bot-source DIR]

`--bot-source DIR` runs the bot from another copy of the code (put first on `PYTHONPATH`), e.g. the
commit before the delivery lease, to measure "before".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simworld.slack import FakeSlack  # noqa: E402
from simworld.world import World  # noqa: E402
from tests.alerting import alerts, subscribe_directly  # noqa: E402

ENV = {
    "STATUS_POLL_SECONDS": "0.2",
    "ALERT_HOLD_POLLS": "0",
    "ALERT_PACE_SECONDS": "0.1",
    "ALERT_RECOVERY_GRACE_SECONDS": "3",
    "SLACK_HISTORY_INTERVAL_SECONDS": "0",
    "LEASE_SECONDS": "2",
    "HEALTH_INTERVAL_SECONDS": "0.5",
}
PHASES = 3  # opened, updated, resolved


def alert_keys(slack: FakeSlack, channel: str) -> Counter[str]:
    return Counter(m.metadata["event_payload"]["key"] for m in alerts(slack, channel))


def tally(slack: FakeSlack, channels: list[str], expected: int) -> tuple[int, int]:
    """(lost, doubled) over every channel: updates missing, and extra copies of updates."""
    lost = doubled = 0
    for channel in channels:
        keys = alert_keys(slack, channel)
        lost += max(0, expected - len(keys))
        doubled += sum(n - 1 for n in keys.values())
    return lost, doubled


def posted(slack: FakeSlack, channels: list[str]) -> int:
    return sum(sum(alert_keys(slack, c).values()) for c in channels)


async def settle(slack: FakeSlack, channels: list[str], target: int, timeout: float = 30.0) -> None:
    """Until `target` alerts arrived, then a few quiet seconds (late commits, possible doubles)."""
    try:
        await slack.wait_until(lambda: posted(slack, channels) >= target, timeout=timeout)
    except TimeoutError:
        return  # counted as lost
    await asyncio.sleep(4.0)


async def kill_rounds(rounds: int, n: int, seed: int, env: dict[str, str]) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    return [await kill_round(f"Round {i}", n, rng, env) for i in range(rounds)]


@contextlib.asynccontextmanager
async def subscribed_world(n: int) -> AsyncIterator[tuple[World, list[str], Path]]:
    """A fresh simulated world with `n` channels subscribed in a fresh database: (world, channels, db)."""
    with tempfile.TemporaryDirectory() as tmp:
        async with World() as world:
            channels = [world.slack.workspace.add_channel(f"oncall-{i}").id for i in range(n)]
            db = Path(tmp) / "doctor.db"
            subscribe_directly(db, world.slack, channels)
            yield world, channels, db


async def kill_round(name: str, n: int, rng: random.Random, env: dict[str, str]) -> tuple[int, int]:
    """One incident opened, updated and resolved, with a kill -9 in each of the three fan-outs."""
    async with subscribed_world(n) as (world, channels, db):
        slack, page = world.slack, world.statuspage
        slack.fail_next("chat.postMessage", hold_answer=0.1, hold_jitter=2.0, commit_late=2.0, count=100_000)
        bot = await world.start_bot(db, "http", **env)
        incident = page.open_incident(name, impact="major", components=("Batch API",))
        for phase in range(PHASES):
            if phase == 1:
                page.update_incident(incident, status="identified", body="Found it.")
            elif phase == 2:
                page.resolve_incident(incident, body="Fixed.")
            target = phase * n + rng.randint(1, n - 1)
            with contextlib.suppress(TimeoutError):
                await slack.wait_until(lambda: posted(slack, channels) >= target, timeout=20)  # noqa: B023
            await bot.process.kill()
            await bot.restart(world)
            await settle(slack, channels, (phase + 1) * n)
        await bot.process.stop()
        return tally(slack, channels, PHASES)


async def two_processes(n: int, env: dict[str, str]) -> tuple[int, int]:
    async with subscribed_world(n) as (world, channels, db):
        slack, page = world.slack, world.statuspage
        first = await world.start_bot(db, "http", **env)
        second = await world.start_bot(db, "http", **env, HEALTH_FILE=str(db.with_name("second.json")))
        incident = page.open_incident("Two processes", impact="major", components=("Batch API",))
        await settle(slack, channels, n)
        page.update_incident(incident, status="identified", body="Found it.")
        await settle(slack, channels, 2 * n)
        await first.process.kill()
        page.resolve_incident(incident, body="Fixed.")
        await settle(slack, channels, 3 * n)
        await second.process.stop()
        return tally(slack, channels, PHASES)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bot-source", help="run the bot from this copy of the code (PYTHONPATH)")
    args = parser.parse_args()
    env: dict[str, Any] = dict(ENV)
    if args.bot_source:
        env["PYTHONPATH"] = args.bot_source
    started = time.monotonic()
    rounds = await kill_rounds(args.rounds, args.channels, args.seed, env)
    expected = args.channels * PHASES
    print(f"kill -9 at a random moment of every fan-out, {args.channels} channels, {expected} alerts per round:")
    for i, (lost, doubled) in enumerate(rounds, 1):
        print(f"  round {i}: lost {lost}, doubled {doubled}")
    lost, doubled = await two_processes(args.channels, env)
    print(f"two processes on one database, {expected} alerts expected: lost {lost}, doubled {doubled}")
    print(f"({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    asyncio.run(main())
