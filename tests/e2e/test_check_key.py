"""/deepgram check-key through the real bot process, in both transports; nothing it outputs holds a key."""

from __future__ import annotations

import json
import secrets
from typing import Any

import httpx

from simworld.slack import ResponseUrlPost
from tests.e2e.conftest import RunningBot, World

ACK = "Checking the key with Deepgram, a few seconds…"


def section_texts(body: dict[str, Any]) -> str:
    parts = [str(body.get("text", ""))]
    for block in body.get("blocks") or []:
        if block.get("text"):
            parts.append(block["text"]["text"])
        parts.extend(e["text"] for e in block.get("elements") or [] if e.get("type") == "mrkdwn")
    return "\n".join(parts)


def assert_no_secret(text: str, *secrets: str) -> None:
    """No run of 8 characters of any secret appears: only `…` and its last 4 characters may."""
    for secret in secrets:
        for i in range(len(secret) - 7):
            assert secret[i : i + 8] not in text, "a piece of a secret leaked"


async def run_check_key(bot: RunningBot, text: str) -> tuple[Any, ResponseUrlPost]:
    result = await bot.driver.slash_command(text, via=bot.transport)
    assert result.status == 200  # acknowledged inside Slack's window (the fake enforces it)
    (reply,) = await bot.driver.wait_responses(result.response_url, n=1, timeout=15)
    return result, reply


async def mint(world: World) -> str:
    async with httpx.AsyncClient() as http:
        resp = await http.post(
            world.deepgram.base_url + "/v1/auth/grant",
            headers={"Authorization": f"Token {world.deepgram.api_key}"},
            json={"ttl_seconds": 600},
        )
    token: str = resp.json()["access_token"]
    return token


async def test_configured_key(bot: RunningBot, world: World) -> None:
    """`/deepgram check-key`: a fixed ack, then the ephemeral checklist of the bot's own key, all passing."""
    result, reply = await run_check_key(bot, "check-key")
    assert ACK in json.dumps(result.body, ensure_ascii=False)
    body = reply.body
    assert body is not None
    assert body.get("response_type", "ephemeral") == "ephemeral"
    assert body["blocks"][0]["text"]["text"] == f"Key check …{world.deepgram.api_key[-4:]}"
    text = section_texts(body)
    assert ":white_check_mark: *All checks pass.*" in text
    for label in ("What it is", "Accepted", "Projects", "Scopes", "Balance of Acme Voice", "Temporary tokens"):
        assert f":white_check_mark: *{label}*:" in text
    assert "bot's configured `DEEPGRAM_API_KEY`" in text


async def test_bearer_with_the_key(bot: RunningBot, world: World) -> None:
    """`/deepgram check-key Bearer <key>`: the scheme fails with Deepgram's 401 shown next to Token's 200."""
    key = world.deepgram.api_key
    result, reply = await run_check_key(bot, f"check-key Bearer {key}")
    assert ACK in json.dumps(result.body, ensure_ascii=False)
    body = reply.body
    assert body is not None and body.get("response_type", "ephemeral") == "ephemeral"
    text = section_texts(body)
    assert ":x: *Scheme*: An API key sent as `Bearer` is answered with 401" in text
    assert f"Deepgram answered 401; sent as `Token …{key[-4:]}` it answered 200" in text
    assert "`/deepgram why 401`" in text
    assert "rotate it" in text


async def test_no_key_or_token_in_anything_the_bot_outputs(bot: RunningBot, world: World) -> None:
    """Acks, response_url bodies and the bot's whole log hold no key or token, only last-4 suffixes."""
    dg = world.deepgram
    other = dg.add_key(scopes=("usage:write",))
    jwt = await mint(world)
    unknown = secrets.token_hex(20)
    pastes = [
        "",
        f"Bearer {dg.api_key}",
        f"`Token Token {other}`",
        f'Authorization: "{other}\n"',
        f"Token {jwt}",
        unknown,
    ]
    acks: list[Any] = []
    for paste in pastes:
        result, _ = await run_check_key(bot, f"check-key {paste}".strip())
        acks.append(result.body)
    # A key pasted without the subcommand is not echoed by the "unknown subcommand" answer either.
    forgot = await bot.driver.slash_command(other, via=bot.transport)
    acks.append(forgot.body)
    (not_found,) = await bot.driver.wait_responses(forgot.response_url, n=1)
    assert not_found.body is not None and "Did you mean `/deepgram check-key`?" in not_found.body["text"]
    await bot.process.wait_for_log("key checked")
    # Every check has been answered and logged before the last reply arrived.
    assert sum(1 for e in bot.process.logs if e.get("event") == "key checked") == len(pastes)
    replies = json.dumps([r.body for r in world.slack.responses], ensure_ascii=False)
    everything = "\n".join([json.dumps(acks, ensure_ascii=False), replies, bot.process.output])
    assert_no_secret(everything, dg.api_key, other, jwt, unknown)
    assert f"…{other[-4:]}" in replies and f"…{jwt[-4:]}" in replies
