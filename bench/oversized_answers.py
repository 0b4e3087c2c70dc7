"""RSS of the real bot when Deepgram and the status page answer 10 MB to everything (issue 11, section 3).

The simulated world runs in this process, the bot (`deepgram-doctor serve`, HTTP mode) in its own,
so the memory measured is the bot's alone. Once the bot is up (its start-up poll read a healthy
page), every Deepgram route answers `--size-mb` MB (REST bodies padded to that size and streamed by
the fake; each socket's first JSON message padded to it) and so does every status-page path. The bot
then answers two `/deepgram status` (fresh probe runs: key, REST, TTS, streaming, Flux, TTS socket,
Voice Agent, and the status page) and two `/deepgram check-key`. Its RSS (VmRSS) is read from
/proc/<pid>/status before the answers turn oversized, and RSS and peak RSS (VmHWM) after the four
commands. Two modes, each with a fresh bot: bodies with `Content-Length`, then chunked bodies (whose
size only shows by reading). The lines the user saw about the size are printed under each mode.

    .venv/bin/python bench/oversized_answers.py [--size-mb 10] [--bot-source DIR]

`--bot-source DIR` starts the bot from another source tree (its `bot/` and `handlers/` put first on
PYTHONPATH), to measure the code before the caps the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simworld.deepgram import ROUTES  # noqa: E402
from simworld.world import RunningBot, World  # noqa: E402

#: Fresh probe runs for every command; no periodic probes in the way; the clip streamed fast.
BOT_ENV = {"STATUS_FRESH_SECONDS": "0", "PROBE_INTERVAL_SECONDS": "0", "PROBE_TIMEOUT_SECONDS": "5"}
MB = 1024 * 1024


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of `pid` in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def texts(body: dict[str, Any] | None) -> list[str]:
    """The section texts of a reply, as the user reads them."""
    found = [str((body or {}).get("text", ""))]
    for block in (body or {}).get("blocks") or []:
        if block.get("text"):
            found.append(block["text"]["text"])
        found.extend(e["text"] for e in block.get("elements") or [] if e.get("type") == "mrkdwn")
    return found


async def status(bot: RunningBot) -> list[str]:
    """`/deepgram status`, waited for until the finished report (the one with buttons)."""
    result = await bot.driver.slash_command("status")
    slack = bot.driver.slack

    def report() -> Any:
        posts = [p for p in slack.responses if p.url == result.response_url]
        return next((p for p in posts if any(b.get("type") == "actions" for b in p.blocks or [])), None)

    await slack.wait_until(lambda: report() is not None, 60)
    return texts(report().body)


async def check_key(bot: RunningBot) -> list[str]:
    result = await bot.driver.slash_command("check-key")
    (reply,) = await bot.driver.wait_responses(result.response_url, n=1, timeout=60)
    return texts(reply.body)


def oversize_everything(world: World, size: int, declare_length: bool) -> None:
    for route in ROUTES:
        if route != "*":
            world.deepgram.oversize(route, size, declare_length=declare_length, times=None)
    world.statuspage.oversize("*", size, declare_length=declare_length, times=None)


async def one_mode(world: World, size: int, declare_length: bool, source: Path | None) -> None:
    world.deepgram.reset()
    world.statuspage.reset()
    extra = dict(BOT_ENV)
    if source is not None:
        extra["PYTHONPATH"] = str(source)
    with tempfile.TemporaryDirectory() as tmp:
        bot = await world.start_bot(Path(tmp) / "bench.db", "http", **extra)
        try:
            proc = bot.process.proc
            assert proc is not None
            await asyncio.sleep(2.0)  # start-up, and the monitor's first status-page poll (a healthy page)
            idle_rss, _ = memory_mb(proc.pid)
            oversize_everything(world, size, declare_length)
            seen: list[str] = []
            for _ in range(2):
                seen += await status(bot)
                seen += await check_key(bot)
            await asyncio.sleep(1.0)
            rss, peak = memory_mb(proc.pid)
        finally:
            await bot.process.stop()
    mode = "Content-Length" if declare_length else "chunked"
    print(
        f"{size / MB:g} MB answers ({mode}): bot RSS {idle_rss:.0f} MB once up -> {rss:.0f} MB after 2 status "
        f"+ 2 check-key (peak {peak:.0f} MB)"
    )
    lines = (re.sub(r" · [\d,.]+ m?s$", "", line.strip()) for text in seen for line in text.splitlines())
    for line in sorted({line for line in lines if "larger than" in line or "more than" in line}):
        print(f"    user sees: {line[:200]}")


async def main(size_mb: float, source: Path | None) -> None:
    where = f"bot from {source}" if source else "bot from this tree"
    print(f"{where}; Python {sys.version.split()[0]}")
    async with World() as world:
        for declare_length in (True, False):
            await one_mode(world, int(size_mb * MB), declare_length, source)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=10.0)
    parser.add_argument("--bot-source", type=Path, default=None)
    args = parser.parse_args()
    asyncio.run(main(args.size_mb, args.bot_source))
