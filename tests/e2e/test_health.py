"""Health of the real bot process, in both transports: what `deepgram-doctor healthcheck` prints and exits
with, what HTTP mode's `/healthz` answers, and what users see when the database goes away."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.slack import messages
from bot.slack.kit import mrkdwn
from bot.store import STORE_UNAVAILABLE
from simworld.botproc import run_to_exit
from tests.e2e.conftest import RunningBot, World, start_bot, stop_bot
from tests.readonly import read_only

#: Short bounds, so that every state below is reached in a fraction of a second.
KNOBS = {
    "STATUS_POLL_SECONDS": "0.1",
    "HEALTH_INTERVAL_SECONDS": "0.05",
    "HEALTH_POLL_STALE_SECONDS": "1",
    "HEALTH_RECONNECT_SECONDS": "0.3",
}


@pytest.fixture(params=["socket", "http"])
async def bot(request: pytest.FixtureRequest, world: World, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running = await start_bot(world, tmp_path, request.param, **KNOBS)
    try:
        yield running
    finally:
        await stop_bot(running, world)


def db_path(bot: RunningBot) -> Path:
    return Path(bot.env["DEEPGRAM_DOCTOR_DB"])


async def wait_health(bot: RunningBot, check: Callable[[dict[str, Any]], bool], timeout: float = 10.0) -> None:
    """Wait until the bot's heartbeat file shows what `check` wants (the file is rewritten every 50 ms)."""
    path = Path(str(db_path(bot)) + "-health.json")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: Any = None
    while loop.time() < deadline:
        try:
            last = json.loads(path.read_text())
        except (OSError, ValueError):
            last = None
        if isinstance(last, dict) and check(last):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"health never matched; last heartbeat: {last}\n{bot.process.output}")


def part_ok(name: str, ok: bool) -> Callable[[dict[str, Any]], bool]:
    return lambda data: data["parts"][name]["ok"] is ok


def all_ok(data: dict[str, Any]) -> bool:
    return data["ok"] is True


async def healthcheck(bot: RunningBot) -> tuple[int, list[str]]:
    """`deepgram-doctor healthcheck`, run with the bot's environment as Docker's HEALTHCHECK would."""
    status, output = await run_to_exit(bot.env, "healthcheck")
    return status, output.rstrip("\n").splitlines()


async def healthz(bot: RunningBot) -> httpx.Response:
    assert bot.driver.app_url
    async with httpx.AsyncClient() as client:
        return await client.get(bot.driver.app_url.replace("/slack/events", "/healthz"))


MODE = {"socket": "Socket Mode", "http": "HTTP mode"}


async def test_healthy_then_poll_stale_then_healthy_again(bot: RunningBot, world: World) -> None:
    """Healthy in both transports; a status page failing past the bound makes `status_poll` unhealthy and says
    why; it heals by itself. Start-up logged in order and without noise."""
    await wait_health(bot, all_ok)
    status, lines = await healthcheck(bot)
    assert status == 0, lines
    assert lines[0] == f"healthy ({MODE[bot.transport]})"
    assert [line.split()[:2] for line in lines[1:]] == [
        ["ok", "slack"],
        ["ok", "status_poll"],
        ["ok", "courier"],
        ["ok", "database"],
        ["ok", "lease"],
    ]
    if bot.transport == "http":
        response = await healthz(bot)
        assert response.status_code == 200
        data = response.json()
        assert data["ok"] is True and data["unhealthy"] == [] and data["transport"] == "http"
        assert list(data["parts"]) == ["slack", "status_poll", "courier", "database", "lease"]
        assert data["parts"]["slack"]["detail"].startswith("listening for Slack's requests on port")
    else:
        assert "Socket Mode connected" in lines[1]

    world.statuspage.set_response("summary.json", status=503, body="<html>down</html>", times=None)
    await wait_health(bot, part_ok("status_poll", False))
    status, lines = await healthcheck(bot)
    assert status == 1
    assert lines[0] == f"unhealthy ({MODE[bot.transport]}): status_poll"
    (stale,) = [line for line in lines if "status_poll" in line and line.startswith("  FAIL")]
    assert "no successful poll for" in stale and stale.endswith(
        "the latest attempt failed: status page: answered HTTP 503"
    )
    if bot.transport == "http":
        response = await healthz(bot)
        assert response.status_code == 503 and response.json()["unhealthy"] == ["status_poll"]

    world.statuspage.clear_responses()
    await wait_health(bot, all_ok)
    assert (await healthcheck(bot))[0] == 0

    await bot.process.wait_for_log("healthy again")
    transitions = [
        (e["event"], e.get("parts")) for e in bot.process.logs if e["event"] in {"unhealthy", "healthy again"}
    ]
    assert ("unhealthy", "status_poll") in transitions and transitions[-1][0] == "healthy again"
    # The bot's own start-up lines (under load APScheduler may add that a too-early poll was skipped).
    events = [(e["level"], e["event"]) for e in bot.process.logs if e["logger"].startswith("bot.")]
    assert events[:3] == [
        ("info", "authenticated"),
        ("info", "this process now polls, probes and delivers alerts"),
        ("info", "ready"),
    ]
    assert not [e for e in bot.process.logs if e["logger"].startswith("slack")]  # no Bolt `token` warning


async def test_database_deleted_under_the_running_bot(bot: RunningBot, slack: Any) -> None:
    """The bot notices, logs it at error level, turns unhealthy, and users get a clear message; a status
    report is still delivered, marked as not saved."""
    await wait_health(bot, all_ok)
    db_path(bot).unlink()
    await wait_health(bot, part_ok("database", False))
    status, lines = await healthcheck(bot)
    assert status == 1
    assert lines[0] in (
        f"unhealthy ({MODE[bot.transport]}): database",
        f"unhealthy ({MODE[bot.transport]}): status_poll, database",
    )
    (line,) = [line for line in lines if line.startswith("  FAIL  database")]
    assert line.endswith(
        f"{db_path(bot)}: the file was deleted while the bot was running (restart the bot to start a new one)"
    )
    errors = {e["event"]: e for e in bot.process.logs if e["level"] == "error"}
    assert errors["database unavailable"]["problem"].startswith("the file was deleted")
    assert "database" in errors["unhealthy"]["parts"]

    result = await bot.driver.slash_command("status", via=bot.transport)
    # The partial report comes first; the finished one (with its buttons) replaces it.
    await slack.wait_until(
        lambda: any(
            any(b.get("type") == "actions" for b in r.blocks or [])
            for r in slack.responses
            if r.url == result.response_url
        ),
        15,
    )
    reply = [r for r in slack.responses if r.url == result.response_url][-1]
    body = json.dumps(reply.body)
    assert "All good" in body and messages.STATUS_NOT_SAVED.replace('"', '\\"') in body
    actions = next(b for b in reply.body["blocks"] if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == ["status_rerun"]

    channel = slack.workspace.add_channel("incidents").id
    result = await bot.driver.slash_command("subscribe", channel=channel, via=bot.transport)
    (reply,) = await bot.driver.wait_responses(result.response_url, n=1, timeout=15)
    assert reply.body["text"] == mrkdwn(STORE_UNAVAILABLE)
    assert not [m for m in slack.messages(channel) if m.bot_id]  # nothing announced that was not saved


async def test_database_read_only_under_the_running_bot(world: World, tmp_path: Path) -> None:
    """A database file made read-only while the bot runs is reported; it heals when writable again."""
    running = await start_bot(world, tmp_path, "socket", **KNOBS)
    try:
        await wait_health(running, all_ok)
        with read_only(db_path(running)):
            await wait_health(running, part_ok("database", False))
            status, lines = await healthcheck(running)
            assert status == 1
            assert any(line.endswith("the file is no longer writable (read-only)") for line in lines)
        await wait_health(running, all_ok)
    finally:
        await stop_bot(running, world)


async def test_socket_mode_disconnected(world: World, tmp_path: Path) -> None:
    """Socket Mode's WebSocket closed and not coming back: unhealthy once the reconnect bound has passed."""
    running = await start_bot(world, tmp_path, "socket", **KNOBS)
    try:
        await wait_health(running, all_ok)
        world.slack.fail_next("apps.connections.open", status=503, count=1000)
        for connection in world.slack.socket.live_connections:
            await connection.ws.close()
        await wait_health(running, part_ok("slack", False))
        status, lines = await healthcheck(running)
        assert status == 1 and lines[0] == "unhealthy (Socket Mode): slack"
        assert "Socket Mode disconnected for" in lines[1] and "Slack cannot deliver commands or events" in lines[1]
    finally:
        await stop_bot(running, world)


@pytest.mark.parametrize("transport", ["socket", "http"])
async def test_stopped_or_killed_bot_is_unhealthy(world: World, tmp_path: Path, transport: str) -> None:
    """A bot killed with SIGKILL is unhealthy at once (in HTTP mode Slack cannot reach it either); a bot
    stopped cleanly leaves no heartbeat behind."""
    running = await start_bot(world, tmp_path, transport, **KNOBS)  # type: ignore[arg-type]
    await wait_health(running, all_ok)
    await running.process.kill()
    status, lines = await healthcheck(running)
    assert status == 1
    assert any("heartbeat" in line and "is not running any more" in line for line in lines)
    if transport == "http":
        assert any(line.startswith("  FAIL  slack") and "does not answer" in line for line in lines)

    await running.restart(world)
    await wait_health(running, all_ok)
    await stop_bot(running, world)
    status, lines = await healthcheck(running)
    assert status == 1 and lines[0] == "unhealthy: heartbeat"
    assert "no heartbeat file at" in lines[1] and "the bot is not running" in lines[1]
