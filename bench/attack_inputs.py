"""Attack figures: hostile text through every subcommand and the DM path, and forged, replayed,
malformed, oversized and half-sent HTTP requests, against the real bot in the simulated world.

Part 1, per transport: the corpus of `tests/hostile.py` (mentions, links, keys, JWTs, Slack tokens,
the bot's own key and token, control characters, 10,000 characters) sent to every `/deepgram`
subcommand and as DMs; everything the bot then sends to the fake Slack is scanned for live markup
the user typed, credentials shown beyond their last 4 characters, and control characters.

Part 2, HTTP mode: 200 forged `{not json` requests (statuses, log lines and bytes, tracebacks),
unsigned and stale ones, one signed slash command sent 5 times, correctly signed malformed bodies,
a 10 MB body, an Events API retry carrying the same signature, and 200 half-sent POSTs while a
command is acked.

    .venv/bin/python bench/attack_inputs.py [--transport http|socket|both] [--bot-source DIR]

`--bot-source DIR` runs the bot from another copy of the code (put first on `PYTHONPATH`), e.g. the
last commit to measure "before":  mkdir /tmp/before && git archive HEAD bot handlers | tar -x -C /tmp/before
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from simworld.slack import sign  # noqa: E402
from simworld.world import RunningBot, Transport, World  # noqa: E402
from tests.hostile import corpus, credentials, internal_errors, scan, slack_refusals, sweep  # noqa: E402

FORM = "application/x-www-form-urlencoded"


async def start(world: World, tmp: str, transport: Transport, source: str | None) -> RunningBot:
    extra = {"PYTHONPATH": source} if source else {}
    return await world.start_bot(Path(tmp) / f"{transport}.db", transport, **extra)


def kinds(findings: list[tuple[str, str]]) -> str:
    """Where the findings were, by kind of output (one count per output): `: response_url post 3, …`."""
    outputs = {where for where, _ in findings}
    counts = collections.Counter(where.split(": ", 1)[1].split(" (", 1)[0] for where in outputs)
    return (": " + ", ".join(f"{kind} {n}" for kind, n in counts.most_common())) if counts else ""


def histogram(statuses: list[int]) -> str:
    return ", ".join(f"{status}×{n}" for status, n in sorted(collections.Counter(statuses).items()))


async def hostile_inputs(transport: Transport, source: str | None) -> None:
    async with World() as world:
        with tempfile.TemporaryDirectory() as tmp:
            bot = await start(world, tmp, transport, source)
            try:
                inputs = corpus(world)
                started = time.perf_counter()
                result = await sweep(bot, world, inputs)
                elapsed = time.perf_counter() - started
            finally:
                await bot.process.stop()
            found = scan(result.outputs, credentials(world))
            lines = bot.process.lines
    print(f"\n== hostile inputs, {transport} ({elapsed:.1f} s) ==")
    print(f"inputs: {len(inputs)}; tried: {len(result.commands)} commands + {len(result.dms)} DMs = {result.tried}")
    print(f"unanswered: {len(result.unanswered)}; 'went wrong' replies: {len(internal_errors(result.outputs))}")
    print(f"outputs to Slack scanned: {len(result.outputs)}")
    print(
        f"live markup the user typed: {len(found.live_markup)} tokens in {found.outputs_with_live_markup} outputs"
        f" ({len({snippet for _, snippet in found.live_markup})} distinct){kinds(found.live_markup)}"
    )
    print(
        f"credentials shown (beyond the last 4 characters): {len(found.credentials)} in "
        f"{found.outputs_with_credentials} outputs{kinds(found.credentials)}"
    )
    print(f"control characters echoed: {len(found.control)}")
    tracebacks = sum("Traceback" in line for line in lines)
    print(f"Slack refused: {len(slack_refusals(world.slack))}; tracebacks in the bot's log: {tracebacks}")


async def timed(what: str, work: Callable[[], Awaitable[Any]]) -> Any:
    try:
        return await asyncio.wait_for(work(), 60)
    except Exception as exc:  # a "before" bot may fail in ways this script did not plan for
        print(f"{what}: failed ({type(exc).__name__}: {exc})")
        return None


def command_body(world: World, url: str) -> bytes:
    slack, ws = world.slack, world.slack.workspace
    payload = {
        "token": slack.verification_token,
        "team_id": slack.team_id,
        "channel_id": ws.default_channel.id,
        "user_id": ws.default_user.id,
        "command": "/deepgram",
        "text": "help",
        "api_app_id": slack.app_id,
        "response_url": url,
        "trigger_id": "1.2.3",
    }
    return urlencode(payload).encode()


async def http_attacks(source: str | None) -> None:
    async with World() as world:
        with tempfile.TemporaryDirectory() as tmp:
            bot = await start(world, tmp, "http", source)
            try:
                await _http_attacks(bot, world)
            finally:
                await bot.process.stop()
            print(f"bot exit status: {bot.process.proc.returncode if bot.process.proc else '?'}")


async def _http_attacks(bot: RunningBot, world: World) -> None:
    driver, slack = bot.driver, world.slack
    print("\n== forged, replayed, malformed, oversized and slow HTTP requests ==")

    async def forged() -> None:
        before, started = len(bot.process.lines), time.perf_counter()
        results = await asyncio.gather(
            *(
                driver.post_signed(b"{not json" + str(n).encode(), "application/json", signature="v0=" + "0" * 64)
                for n in range(200)
            )
        )
        elapsed = time.perf_counter() - started
        await asyncio.sleep(0.5)
        new = bot.process.lines[before:]
        print(
            f"200 forged '{{not json': {histogram([s for s, _ in results])} in {elapsed:.2f} s; log: {len(new)} lines, "
            f"{sum(len(line) + 1 for line in new):,} bytes, {sum('Traceback' in line for line in new)} tracebacks"
        )

    async def unsigned_and_stale() -> None:
        body = command_body(world, slack.new_response_url())
        unsigned = [(await driver.post_signed(body, FORM, signature="", timestamp=""))[0] for _ in range(20)]
        stale = [(await driver.post_signed(body, FORM, timestamp=int(time.time()) - 600))[0] for _ in range(20)]
        print(f"20 unsigned: {histogram(unsigned)}; 20 stale (10 min old): {histogram(stale)}")

    async def replayed() -> None:
        url = slack.new_response_url()
        body, timestamp = command_body(world, url), int(time.time())
        statuses = [(await driver.post_signed(body, FORM, timestamp=timestamp))[0] for _ in range(5)]
        await asyncio.sleep(1.0)
        ran = len([r for r in slack.responses if r.url == url])
        print(f"one signed command sent 5 times: {statuses}; it ran {ran} time(s)")

    async def malformed() -> None:
        before = len(bot.process.lines)
        bodies = [
            (b"{not json", "application/json"),
            (b"\xff\xfe not utf-8", FORM),
            (b"[1, 2, 3]", "application/json"),
            (b'{"type": "event_callback", "event": "x", "event_id": "Ev1"}', "application/json"),
            (b"payload=%7B%22type%22%3A%22block_actions%22%2C%22actions%22%3A%22x%22%7D", FORM),
            (b"command=%2Fdeepgram&text=help&response_url=x&user_id=U1&channel_id=C1", FORM),
        ]
        statuses = [(await driver.post_signed(body, content_type))[0] for body, content_type in bodies]
        await asyncio.sleep(0.5)
        new = bot.process.lines[before:]
        print(
            f"{len(bodies)} correctly signed malformed bodies: {statuses}; log: {len(new)} lines, "
            f"{sum('Traceback' in line for line in new)} tracebacks"
        )

    async def oversized() -> None:
        body, timestamp = b"x" * (10 * 1024 * 1024), str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": sign(slack.signing_secret, timestamp, body),
        }
        async with httpx.AsyncClient() as client:
            response = await client.post(str(driver.app_url), content=body, headers=headers)
        print(f"10 MB signed body: {response.status_code}")

    async def retried() -> None:
        fixed = float(int(time.time()))
        driver.signing_clock = lambda: fixed
        try:
            first = await driver.message_im("my websocket closes after ten seconds")
            again = await driver.redeliver(first, retry_num=1)
            replay, _ = await driver.post_signed(json.dumps(first.payload).encode(), "application/json")
        finally:
            driver.signing_clock = time.time
        await asyncio.sleep(1.0)
        dm = slack.workspace.app_dm(slack.workspace.default_user.id)
        answers = [m for m in slack.messages(dm.id) if m.bot_id and m.thread_ts] if dm else []
        print(
            f"event, then Slack's retry with the same signature, then the same bytes without the retry header: "
            f"{[first.status, again.status, replay]}; answered {len(answers)} time(s)"
        )

    async def half_sent() -> None:
        port = int(bot.env["PORT"])
        stalled = []
        for _ in range(200):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(
                (
                    f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    f"Content-Length: 1000\r\nX-Slack-Request-Timestamp: {int(time.time())}\r\n"
                    f"X-Slack-Signature: v0={'0' * 64}\r\n\r\n" + "{" * 500
                ).encode()
            )
            stalled.append(writer)
        try:
            result = await driver.slash_command("help")
            ack = f"{result.ack_seconds * 1000:.0f} ms" if result.ack_seconds is not None else "no ack"
            print(f"a command while 200 POSTs are half-sent: {result.status}, acked in {ack}")
        finally:
            for writer in stalled:
                writer.close()
        await asyncio.sleep(0.5)

    for name, work in [
        ("forged", forged),
        ("unsigned/stale", unsigned_and_stale),
        ("replayed", replayed),
        ("malformed", malformed),
        ("oversized", oversized),
        ("retried", retried),
        ("half-sent", half_sent),
    ]:
        await timed(name, work)
    print(f"tracebacks in the bot's whole log: {sum('Traceback' in line for line in bot.process.lines)}")


async def main(transports: list[Transport], source: str | None) -> None:
    if source:
        print(f"bot code from {source}")
    for transport in transports:
        await hostile_inputs(transport, source)
    if "http" in transports:
        await http_attacks(source)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transport", choices=["http", "socket", "both"], default="both")
    parser.add_argument("--bot-source", help="run the bot from this copy of the code (PYTHONPATH)")
    args = parser.parse_args()
    chosen: list[Transport] = ["http", "socket"] if args.transport == "both" else [args.transport]
    asyncio.run(main(chosen, args.bot_source))
