"""Socket Mode against the real Bolt AsyncApp + slack_bolt's websockets AsyncSocketModeHandler:
hello, acks, redelivery, disconnect/refresh, and the echo of the bot's own IM messages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.websockets import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from simworld.slack import FakeSlack, SlackDriver


@pytest.fixture
async def slack(reference_data: Path) -> AsyncIterator[FakeSlack]:
    async with FakeSlack(api_ref_dir=reference_data / "slack" / "slack-api-ref", seed=21) as fake:
        yield fake


def make_app(slack: FakeSlack) -> AsyncApp:
    return AsyncApp(
        signing_secret=slack.signing_secret,
        client=AsyncWebClient(token=slack.bot_token, base_url=slack.api_url),
    )


@asynccontextmanager
async def connected(app: AsyncApp, slack: FakeSlack) -> AsyncIterator[AsyncSocketModeHandler]:
    handler = AsyncSocketModeHandler(app, slack.app_token)
    await handler.connect_async()
    await slack.socket.wait_connected(timeout=5)
    try:
        yield handler
    finally:
        await handler.close_async()


async def test_hello_comes_first(slack: FakeSlack) -> None:
    """The handler opens the connection with apps.connections.open (xapp- header) and gets `hello` first."""
    async with connected(make_app(slack), slack):
        [conn] = slack.socket.connections
        hello = conn.sent[0]
        assert hello["type"] == "hello"
        assert hello["connection_info"] == {"app_id": slack.app_id}
        assert hello["num_connections"] == 1
        [call] = [c for c in slack.calls if c.method == "apps.connections.open"]
        assert (call.token, call.token_source, call.args) == (slack.app_token, "header", {})
    assert slack.contract_violations == []


async def test_slash_command_ack_payload_and_respond(slack: FakeSlack) -> None:
    """A slash_commands envelope is acked with Bolt's ack text as payload; respond() reaches the response_url."""
    app = make_app(slack)
    seen: list[dict[str, Any]] = []

    @app.command("/deepgram")
    async def command(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        seen.append(command)
        await ack("Checking…")
        await respond(text=f"echo {command['text']}")

    async with connected(app, slack):
        driver = SlackDriver(slack)
        r = await driver.slash_command("status")
        assert (r.via, r.status, r.body) == ("socket", 200, {"text": "Checking…"})
        assert r.ack_seconds is not None and not r.timed_out  # the driver recorded when the ack came
        [post] = await driver.wait_responses(r.response_url)
        assert post.text == "echo status"
    frame = slack.socket.connections[0].sent[1]
    assert (frame["type"], frame["accepts_response_payload"]) == ("slash_commands", True)
    assert "retry_attempt" not in frame
    assert seen[0] == r.payload
    assert slack.socket.acks[0].latency is not None


async def test_events_are_acked_and_the_bots_own_message_comes_back(slack: FakeSlack) -> None:
    """message.im is acked; the bot's reply is echoed back with bot_id, acked, and ignored by Bolt."""
    app = make_app(slack)
    heard: list[dict[str, Any]] = []

    @app.event("message")
    async def on_message(event: dict[str, Any], say: Any) -> None:
        heard.append(event)
        await say("FAQ answer")

    async with connected(app, slack):
        driver = SlackDriver(slack)
        r = await driver.message_im("why 401?")
        assert (r.status, r.body) == (200, None)
        await slack.wait_until(lambda: bool(slack.deliveries) and slack.deliveries[0].ack is not None)
    first = slack.socket.connections[0].sent[1]
    assert (first["type"], first["accepts_response_payload"]) == ("events_api", False)
    assert (first["retry_attempt"], first["retry_reason"]) == (0, "")
    assert [e["text"] for e in heard] == ["why 401?"]
    assert heard[0]["channel_type"] == "im"
    echo = slack.deliveries[0].body["event"]
    assert (echo["bot_id"], echo["user"], echo["text"]) == (slack.bot_id, slack.bot_user_id, "FAQ answer")
    post = next(c for c in slack.calls if c.method == "chat.postMessage")
    assert post.args["team_id"] == slack.team_id
    dm = r.payload["event"]["channel"]
    assert [m.text for m in slack.messages(dm)] == ["why 401?", "FAQ answer"]
    assert slack.contract_violations == []


async def test_unacked_events_are_redelivered_three_times(slack: FakeSlack) -> None:
    """Bolt does not ack an event nobody listens to; the fake redelivers it with retry_attempt 1..3."""
    slack.ack_timeout = 0.1
    async with connected(make_app(slack), slack):
        driver = SlackDriver(slack)
        event = {"type": "reaction_added", "user": slack.workspace.default_user.id, "reaction": "eyes"}
        r = await driver.send_event(event)
        assert r.status is None
        envelope = r.envelope
        assert envelope is not None
        await slack.wait_until(lambda: envelope.timed_out, timeout=5)
    assert [(a.retry_attempt, a.retry_reason) for a in envelope.attempts] == [
        (0, ""),
        (1, "timeout"),
        (2, "timeout"),
        (3, "timeout"),
    ]
    assert len({a.envelope_id for a in envelope.attempts}) == 4
    assert envelope.acks == []


async def test_retry_fields_reach_bolt_as_retry_headers(slack: FakeSlack) -> None:
    """A redelivered envelope's retry_attempt/retry_reason show up in Bolt as x-slack-retry-* headers."""
    app = make_app(slack)
    headers: list[dict[str, Any]] = []

    @app.event("message")
    async def on_message(request: Any) -> None:
        headers.append(dict(request.headers))

    async with connected(app, slack):
        r = await SlackDriver(slack).message_im("again?", retry_num=2, retry_reason="timeout")
        assert r.status == 200
        await slack.wait_until(lambda: bool(headers))
    assert headers[0]["x-slack-retry-num"] == ["2"]
    assert headers[0]["x-slack-retry-reason"] == ["timeout"]


async def test_late_slash_command_ack_times_out_without_retry(slack: FakeSlack) -> None:
    """A slash command acked after the window is a timeout for the user; it is not redelivered."""
    slack.ack_timeout = 0.1
    app = make_app(slack)

    @app.command("/deepgram")
    async def slow(ack: Any) -> None:
        await asyncio.sleep(0.3)
        await ack()

    async with connected(app, slack):
        r = await SlackDriver(slack).slash_command("status")
        assert r.status is None and r.timed_out
        envelope = r.envelope
        assert envelope is not None
        await slack.wait_until(lambda: bool(envelope.acks), timeout=5)
    assert len(envelope.attempts) == 1
    assert envelope.timed_out is True


@pytest.mark.parametrize("reason", ["refresh_requested", "warning", "link_disabled"])
async def test_disconnect_makes_the_client_reconnect(slack: FakeSlack, reason: str) -> None:
    """After a `disconnect` frame the client calls apps.connections.open again and new envelopes use the new socket."""
    app = make_app(slack)

    @app.command("/deepgram")
    async def command(ack: Any) -> None:
        await ack("ok")

    async with connected(app, slack):
        await slack.socket.disconnect(reason)
        first = slack.socket.connections[0]
        assert first.sent[-1] == {
            "type": "disconnect",
            "reason": reason,
            "debug_info": {"host": f"applink-sim-{first.id}"},
        }
        await slack.socket.wait_connections_opened(2)
        r = await SlackDriver(slack).slash_command("status")
        assert r.status == 200
        assert r.envelope is not None and r.envelope.attempts[0].connection_id == 2
        assert [c.method for c in slack.calls].count("apps.connections.open") == 2
        await slack.wait_until(lambda: not first.open)


async def test_block_action_over_socket_mode(slack: FakeSlack) -> None:
    """A button click arrives as an `interactive` envelope; Bolt acks it and respond() replaces the message."""
    app = make_app(slack)

    @app.action("ack_incident")
    async def on_click(ack: Any, respond: Any) -> None:
        await ack()
        await respond(text="Acknowledged", replace_original=True)

    channel = slack.workspace.default_channel.id
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    button = {"type": "button", "action_id": "ack_incident", "text": {"type": "plain_text", "text": "Ack"}}
    await client.chat_postMessage(channel=channel, text="Incident", blocks=[{"type": "actions", "elements": [button]}])
    async with connected(app, slack):
        driver = SlackDriver(slack)
        r = await driver.block_action("ack_incident")
        assert (r.via, r.status) == ("socket", 200)
        await driver.wait_responses(r.response_url)
    frame = slack.socket.connections[0].sent[1]
    assert (frame["type"], frame["accepts_response_payload"]) == ("interactive", False)
    assert frame["payload"]["type"] == "block_actions"
    assert [m.text for m in slack.messages(channel)] == ["Acknowledged"]


async def test_tickets_are_single_use_and_connections_capped(slack: FakeSlack) -> None:
    """Each apps.connections.open URL connects once; at most 10 connections are open at a time."""
    client = AsyncWebClient(token=slack.app_token, base_url=slack.api_url)
    async with aiohttp.ClientSession() as session:
        sockets = []
        for _ in range(10):
            url = (await client.apps_connections_open(app_token=slack.app_token))["url"]
            ws = await session.ws_connect(url)
            assert (await ws.receive_json())["type"] == "hello"
            sockets.append(ws)
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await session.ws_connect(url)  # reused ticket
        url = (await client.apps_connections_open(app_token=slack.app_token))["url"]
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await session.ws_connect(url)  # eleventh connection
        for ws in sockets:
            await ws.close()
    assert len(slack.socket.connections) == 10


async def test_raw_envelope_and_ack(slack: FakeSlack) -> None:
    """send_envelope delivers an envelope and returns the client's ack frame, payload included."""
    client = AsyncWebClient(token=slack.app_token, base_url=slack.api_url)
    url = (await client.apps_connections_open(app_token=slack.app_token))["url"]
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await ws.receive_json()  # hello

        async def answer() -> None:
            frame = await ws.receive_json()
            await ws.send_json({"envelope_id": frame["envelope_id"], "payload": {"text": "ack!"}})

        responder = asyncio.create_task(answer())
        ack = await slack.socket.send_envelope("slash_commands", {"command": "/deepgram"}, timeout=5)
        await responder
    assert ack["payload"] == {"text": "ack!"}
    assert slack.socket.envelopes[0].ack_seconds is not None
