"""HTTP mode specifics: every request's signature is verified on the raw body before anything is parsed
or run (forged, unsigned, stale and replayed requests: 401; malformed: 400; too large: 413), Slack's
retries are handled once, slow clients hold nothing up, url_verification (`/healthz`: test_health.py)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from bot.runtime.http import EVENTS_PATH
from simworld.slack import FakeSlack, sign
from tests.e2e.conftest import RunningBot, World, start_bot, stop_bot


@pytest.fixture
async def http_bot(world: World, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running = await start_bot(world, tmp_path, "http")
    try:
        yield running
    finally:
        await stop_bot(running, world)


def command_body(slack: FakeSlack, response_url: str, text: str = "help") -> bytes:
    ws = slack.workspace
    return urlencode(
        {
            "token": slack.verification_token,
            "team_id": slack.team_id,
            "team_domain": "doctor",
            "channel_id": ws.default_channel.id,
            "channel_name": ws.default_channel.name,
            "user_id": ws.default_user.id,
            "user_name": ws.default_user.name,
            "command": "/deepgram",
            "text": text,
            "api_app_id": slack.app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    ).encode()


@pytest.mark.parametrize(
    "forgery",
    [
        {"signature": "v0=" + "0" * 64},
        {"timestamp": int(time.time()) - 600},
        {"signature": "", "timestamp": ""},
    ],
    ids=["forged", "stale", "unsigned"],
)
async def test_bad_signatures_get_401_and_nothing_runs(
    http_bot: RunningBot, slack: FakeSlack, forgery: dict[str, object]
) -> None:
    """Forged, stale (10 min old) or unsigned commands are refused with 401 and never answered."""
    forged_url = slack.new_response_url()
    status, body = await http_bot.driver.post_signed(
        command_body(slack, forged_url),
        "application/x-www-form-urlencoded",
        **forgery,  # type: ignore[arg-type]
    )
    assert status == 401
    # A genuine command afterwards is answered; the forged one never was.
    genuine = await http_bot.driver.slash_command("help")
    await http_bot.driver.wait_responses(genuine.response_url, n=1)
    assert [r for r in slack.responses if r.url == forged_url] == []


async def test_unsigned_request_without_headers(http_bot: RunningBot, slack: FakeSlack) -> None:
    """A request with no signature headers at all is refused with 401."""
    url = http_bot.driver.app_url
    assert url
    async with httpx.AsyncClient() as client:
        response = await client.post(
            url,
            content=command_body(slack, slack.new_response_url()),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 401


async def test_url_verification(http_bot: RunningBot) -> None:
    """Slack's URL check is answered with the challenge."""
    status, body = await http_bot.driver.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    assert status == 200
    assert json.loads(body) == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


# -- nothing runs, and nothing is parsed, before the signature is verified ----------------------------


FORM = "application/x-www-form-urlencoded"


def refusal_lines(bot: RunningBot, event: str) -> list[dict[str, Any]]:
    return [entry for entry in bot.process.logs if entry.get("event") == event]


async def test_forged_garbage_is_refused_without_a_traceback(http_bot: RunningBot, slack: FakeSlack) -> None:
    """200 forged `{not json` bodies: 401 each, unparsed; one short warning line in the log, no traceback."""
    lines_before = len(http_bot.process.lines)
    statuses = await asyncio.gather(
        *(
            http_bot.driver.post_signed(b"{not json" + str(n).encode(), "application/json", signature="v0=" + "0" * 64)
            for n in range(200)
        )
    )
    assert {status for status, _ in statuses} == {401}
    genuine = await http_bot.driver.slash_command("help")  # still answered, promptly
    assert genuine.status == 200
    await http_bot.driver.wait_responses(genuine.response_url, n=1)
    new_lines = http_bot.process.lines[lines_before:]
    assert "Traceback" not in "\n".join(new_lines) and sum(len(line) for line in new_lines) < 2000
    (warning,) = refusal_lines(http_bot, "request refused: not signed by Slack")
    assert warning["level"] == "warning" and warning["reason"] == "forged" and "exc" not in warning


MALFORMED = [
    (b"{not json", "application/json"),
    (b"\xff\xfe not utf-8", FORM),
    (b"[1, 2, 3]", "application/json"),
    (b'{"type": "event_callback", "event": "not an object", "event_id": "Ev1"}', "application/json"),
    (b"payload=%7B%22type%22%3A%22block_actions%22%2C%22actions%22%3A%22x%22%7D", FORM),
    (b"command=%2Fdeepgram&text=help&response_url=not-a-url&user_id=U1&channel_id=C1", FORM),
]


async def test_signed_malformed_bodies_get_400_and_one_line(http_bot: RunningBot) -> None:
    """Correctly signed but not a Slack payload (not JSON, not UTF-8, a list, an event that is a string,
    actions that are a string, a response_url that is no URL): 400 each, nothing runs; one warning line
    without a traceback (the rest are counted in the next one, a minute later)."""
    statuses = [(await http_bot.driver.post_signed(body, content_type))[0] for body, content_type in MALFORMED]
    assert statuses == [400] * len(MALFORMED)
    genuine = await http_bot.driver.slash_command("help")
    await http_bot.driver.wait_responses(genuine.response_url, n=1)
    (line,) = refusal_lines(http_bot, "request refused: malformed body")
    assert line["level"] == "warning" and "exc" not in line and line["reason"] == "unreadable body (JSONDecodeError)"
    assert "Traceback" not in http_bot.process.output


async def test_a_replayed_command_runs_once(http_bot: RunningBot, slack: FakeSlack) -> None:
    """The same signed slash command sent 5 times: 200, then 401 four times; it is answered once."""
    url = slack.new_response_url()
    body, timestamp = command_body(slack, url, "help"), int(time.time())
    statuses = [
        (await http_bot.driver.post_signed(body, "application/x-www-form-urlencoded", timestamp=timestamp))[0]
        for _ in range(5)
    ]
    assert statuses == [200, 401, 401, 401, 401]
    await http_bot.driver.wait_responses(url, n=1)
    later = await http_bot.driver.slash_command("help")  # by the time this is answered, nothing else is coming
    await http_bot.driver.wait_responses(later.response_url, n=1)
    assert len([r for r in slack.responses if r.url == url]) == 1
    (line,) = refusal_lines(http_bot, "request refused: not signed by Slack")
    assert line["reason"] == "replayed" and line["times"] == 1


async def test_slack_retries_are_handled_once(http_bot: RunningBot, slack: FakeSlack) -> None:
    """An event retried with the same signature (`X-Slack-Retry-Num`): 200, not handled again; resent
    without the header it is a replay (401); retried with a new signature, the event_id drops it."""
    fixed = float(int(time.time()))
    http_bot.driver.signing_clock = lambda: fixed
    first = await http_bot.driver.message_im("my websocket closes after ten seconds")
    assert first.status == 200
    same = await http_bot.driver.redeliver(first, retry_num=1)
    assert same.status == 200
    raw = json.dumps(first.payload).encode()
    status, _ = await http_bot.driver.post_signed(raw, "application/json", timestamp=int(fixed))
    assert status == 401
    http_bot.driver.signing_clock = lambda: fixed + 2
    resigned = await http_bot.driver.redeliver(first, retry_num=2)
    assert resigned.status == 200
    dm = slack.workspace.app_dm(slack.workspace.default_user.id)
    assert dm is not None
    http_bot.driver.signing_clock = time.time
    second = await http_bot.driver.message_im("hello again")
    assert second.status == 200

    def answers() -> list[object]:
        return [m for m in slack.messages(dm.id) if m.bot_id and m.thread_ts]

    await slack.wait_until(lambda: len(answers()) == 2)
    await slack.wait_until(lambda: len(slack.deliveries) >= 2 and all(d.status for d in slack.deliveries))
    assert len(answers()) == 2


async def test_a_body_over_the_limit_gets_413(http_bot: RunningBot, slack: FakeSlack) -> None:
    """A correctly signed 10 MB body is refused with 413 before it is read (or, sent in chunks, once
    the first megabyte is); no traceback."""
    body, timestamp = b"x" * (10 * 1024 * 1024), str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": sign(slack.signing_secret, timestamp, body),
    }
    assert http_bot.driver.app_url
    async with httpx.AsyncClient() as client:
        response = await client.post(http_bot.driver.app_url, content=body, headers=headers)
    assert response.status_code == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: aiohttp counts as it reads
        for _ in range(10):
            yield body[: 1024 * 1024]

    async with httpx.AsyncClient() as client:
        response = await client.post(http_bot.driver.app_url, content=chunks(), headers=headers)
    assert response.status_code == 413
    genuine = await http_bot.driver.slash_command("help")
    await http_bot.driver.wait_responses(genuine.response_url, n=1)
    assert "Traceback" not in http_bot.process.output


async def test_half_sent_requests_do_not_delay_a_command(http_bot: RunningBot) -> None:
    """200 clients that send plausible headers and half a body, then stall: a command is still acked at once."""
    port = int(http_bot.env["PORT"])
    stalled = []
    for _ in range(200):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            (
                f"POST {EVENTS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: 1000\r\nX-Slack-Request-Timestamp: {int(time.time())}\r\n"
                f"X-Slack-Signature: v0={'0' * 64}\r\n\r\n" + "{" * 500
            ).encode()
        )
        await writer.drain()
        stalled.append(writer)
    try:
        result = await http_bot.driver.slash_command("help")
        assert result.status == 200 and result.ack_seconds is not None and result.ack_seconds < 1.0
        await http_bot.driver.wait_responses(result.response_url, n=1)
    finally:
        for writer in stalled:
            writer.close()
