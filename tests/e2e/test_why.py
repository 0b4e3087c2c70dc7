"""/deepgram why and the DM FAQ through the real bot process, in both transports, buttons included."""

from __future__ import annotations

import json
from typing import Any

from simworld.slack import FakeSlack, ResponseUrlPost
from simworld.slack.workspace import Message
from tests.e2e.conftest import RunningBot, World


def shown(body: dict[str, Any] | None) -> str:
    """Everything a reader of a message sees: fallback text, block texts, context elements, buttons."""
    body = body or {}
    parts = [str(body.get("text", ""))]
    for block in body.get("blocks") or []:
        for key in ("text",):
            if isinstance(block.get(key), dict):
                parts.append(block[key]["text"])
        for element in block.get("elements") or []:
            text = element.get("text")
            parts.append(text["text"] if isinstance(text, dict) else str(text or ""))
    return "\n".join(parts)


def buttons(body: dict[str, Any] | None) -> dict[str, str]:
    blocks = (body or {}).get("blocks") or []
    return {e["action_id"]: e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}


async def why(bot: RunningBot, args: str) -> ResponseUrlPost:
    """Type `/deepgram why <args>`; it is acked fast and answered once through the response_url."""
    result = await bot.driver.slash_command(f"why {args}".strip(), via=bot.transport)
    assert result.status == 200  # acknowledged inside Slack's window (the fake enforces it)
    (reply,) = await bot.driver.wait_responses(result.response_url, n=1, timeout=10)
    assert reply.status == 200 and reply.body is not None
    assert reply.body.get("response_type", "ephemeral") == "ephemeral"
    return reply


async def click(bot: RunningBot, world: World, action_id: str, value: str, **where: Any) -> ResponseUrlPost:
    """Click a button; the click is acked and answered as a new message, leaving the playbook in place."""
    url = world.slack.new_response_url(kind="actions")
    result = await bot.driver.block_action(action_id, value=value, response_url=url, via=bot.transport, **where)
    assert result.status == 200
    (answer,) = await bot.driver.wait_responses(url, n=1, timeout=15)
    assert answer.body is not None and answer.body.get("replace_original") is False
    return answer


def bot_replies(slack: FakeSlack, channel: str) -> list[Message]:
    return [m for m in slack.messages(channel) if m.bot_id and m.thread_ts]


async def echoes_acked(slack: FakeSlack, channel: str) -> None:
    """Wait until Slack's echo of every bot message in the DM was acknowledged, so stopping the bot
    does not race an ack still on its way."""
    n = len([m for m in slack.messages(channel) if m.bot_id])
    await slack.wait_until(lambda: len(slack.deliveries) >= n and all(d.status for d in slack.deliveries))


async def test_why_401_is_the_playbook_with_a_key_check(bot: RunningBot, world: World) -> None:
    """`why 401` answers with the 401 playbook and its "Check our key" button, which runs the key check."""
    reply = await why(bot, "401")
    body = reply.body or {}
    assert body["blocks"][0]["type"] == "header" and body["blocks"][0]["text"]["text"].startswith("401 Unauthorized")
    text = shown(body)
    for title in ("Symptom", "Likely causes", "How to check", "Fix", "Docs"):
        assert f"*{title}*" in text
    assert "Authorization: Token" in text
    assert buttons(body) == {"why_check_key": "401"}
    answer = await click(bot, world, "why_check_key", "401")
    assert answer.body and answer.body.get("blocks")


async def test_why_alone_lists_the_topics(bot: RunningBot) -> None:
    """`why` with no topic lists every topic id."""
    text = shown((await why(bot, "")).body)
    assert "Troubleshooting topics" in text
    for topic in ("`401`", "`net-0001`", "`data-0000`", "`tts-audio`", "`credits`", "`outage`"):
        assert topic in text


async def test_why_in_own_words_and_the_streaming_probe(bot: RunningBot, world: World) -> None:
    """A description finds NET-0001; its button streams the probe clip and reports that streaming works."""
    reply = await why(bot, "websocket closes after 10 seconds")
    body = reply.body or {}
    assert body["blocks"][0]["text"]["text"].startswith("NET-0001")
    assert "Best match for “websocket closes after 10 seconds”" in shown(body)
    assert buttons(body) == {"why_probe_streaming": "net-0001"}
    answer = await click(bot, world, "why_probe_streaming", "net-0001")
    text = shown(answer.body)
    assert ":large_green_circle: *Streaming probe*" in text
    assert "`/deepgram why net-0001`" in text and "streaming works from where I run" in text


async def test_why_with_a_pasted_error_body(bot: RunningBot) -> None:
    """A pasted Deepgram error body is recognised by its err_code."""
    pasted = (
        '{"err_code":"ASR_PAYMENT_REQUIRED","err_msg":"Project does not have enough credits for an ASR request '
        'and does not have an overage agreement.","request_id":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"}'
    )
    body = (await why(bot, pasted)).body or {}
    assert body["blocks"][0]["text"]["text"].startswith("402 Payment Required")
    assert "err_code ASR_PAYMENT_REQUIRED" in shown(body)
    assert buttons(body) == {"why_check_key": "402"}


async def test_why_unknown_gets_did_you_mean(bot: RunningBot) -> None:
    """Something no playbook covers gets "did you mean" with the closest topics, and the topic list."""
    text = shown((await why(bot, "my timeouts are weird since the deploy")).body)
    assert "I don't have a playbook for “my timeouts are weird since the deploy”." in text
    assert "Did you mean `/deepgram why 408`" in text
    assert "`net-0001`" in text


async def test_dm_question_is_answered_in_thread_with_the_playbook(bot: RunningBot, world: World) -> None:
    """A DM gets the best section of the right playbook in its thread; the button there probes streaming."""
    slack = world.slack
    sent = await bot.driver.message_im("my websocket closes after ten seconds", via=bot.transport)
    assert sent.status == 200
    dm = slack.workspace.app_dm(slack.workspace.default_user.id)
    assert dm is not None
    await slack.wait_until(lambda: len(bot_replies(slack, dm.id)) == 1)
    (answer,) = bot_replies(slack, dm.id)
    assert answer.thread_ts == sent.payload["event"]["ts"]
    text = shown({"text": answer.text, "blocks": answer.blocks})
    assert "NET-0001 (close 1011)" in text and "*Likely causes*" in text
    assert "Full playbook: `/deepgram why net-0001`" in text
    # Streaming now fails: the probe run from the DM says so and names the playbook that explains it.
    world.deepgram.fail("listen_ws", status=401, times=None)
    result = await click(bot, world, "why_probe_streaming", "net-0001", channel=dm.id, message_ts=answer.ts)
    probe = shown(result.body)
    assert ":red_circle: *Streaming probe*" in probe and "`/deepgram why 401`" in probe
    await echoes_acked(slack, dm.id)


async def test_why_an_agent_error_code_is_its_playbook(bot: RunningBot) -> None:
    """`why CLIENT_MESSAGE_TIMEOUT` opens the Voice Agent timeout playbook; until the agent probe exists,
    its button runs the status report."""
    body = (await why(bot, "CLIENT_MESSAGE_TIMEOUT")).body or {}
    title = "Voice Agent closes with CLIENT_MESSAGE_TIMEOUT (or at the 2-hour session cap)"
    assert body["blocks"][0]["text"]["text"] == title
    text = shown(body)
    for section in ("Symptom", "Likely causes", "How to check", "Fix", "Docs"):
        assert f"*{section}*" in text
    assert buttons(body) == {"why_status": "agent-client-timeout"}


async def test_why_flux_is_the_flux_playbook(bot: RunningBot) -> None:
    """`why flux` is the Flux topic id."""
    body = (await why(bot, "flux")).body or {}
    assert body["blocks"][0]["text"]["text"].startswith("Flux (/v2/listen): wrong endpoint, model or parameters")
    assert "/v2/listen" in shown(body)


async def test_why_with_a_pasted_agent_error(bot: RunningBot) -> None:
    """A pasted Voice Agent `Error` message is recognised by its code and description."""
    pasted = (
        '{"type":"Error","description":"Text message received from client did not match any of the formats we '
        'expect.","code":"UNPARSABLE_CLIENT_MESSAGE"}'
    )
    body = (await why(bot, pasted)).body or {}
    assert body["blocks"][0]["text"]["text"].startswith("Voice Agent rejects Settings: UNPARSABLE_CLIENT_MESSAGE")
    assert "Voice Agent code UNPARSABLE_CLIENT_MESSAGE" in shown(body)


async def test_dm_sdk_traceback_finds_the_upgrade_playbook(bot: RunningBot, world: World) -> None:
    """An SDK traceback pasted in a DM is answered in its thread with the SDK upgrade playbook."""
    slack = world.slack
    traceback = (
        "Traceback (most recent call last):\n"
        '  File "app.py", line 3, in <module>\n'
        "    from deepgram import DeepgramClient, LiveOptions, LiveTranscriptionEvents\n"
        "ImportError: cannot import name 'LiveOptions' from 'deepgram' (/app/.venv/lib/python3.12/site-packages)"
    )
    sent = await bot.driver.message_im(f"```{traceback}```", via=bot.transport)
    assert sent.status == 200
    dm = slack.workspace.app_dm(slack.workspace.default_user.id)
    assert dm is not None
    await slack.wait_until(lambda: len(bot_replies(slack, dm.id)) == 1)
    (answer,) = bot_replies(slack, dm.id)
    assert answer.thread_ts == sent.payload["event"]["ts"]
    text = shown({"text": answer.text, "blocks": answer.blocks})
    assert "Code broke after upgrading the Deepgram SDK (Python v5+, JavaScript v5)" in text
    assert "Full playbook: `/deepgram why sdk-upgrade`" in text
    await echoes_acked(slack, dm.id)


async def test_status_button_runs_the_status_report(bot: RunningBot, world: World) -> None:
    """An outage playbook's button runs the full status report."""
    body = (await why(bot, "is deepgram down?")).body or {}
    assert buttons(body) == {"why_status": "outage"}
    answer = await click(bot, world, "why_status", "outage")
    assert "All good" in (answer.body or {})["blocks"][0]["text"]["text"]


async def test_nothing_the_bot_says_holds_a_key_or_token(bot: RunningBot, world: World) -> None:
    """Playbooks, echoes of pasted keys, DM answers and button results never contain a secret."""
    key = world.deepgram.api_key
    slack = world.slack
    await why(bot, f"curl -H 'Authorization: Bearer {key}' fails")
    await why(bot, f"something odd with {key} and {slack.bot_token}")
    reply = await why(bot, "401")
    await click(bot, world, "why_check_key", "401")
    await click(bot, world, "why_probe_streaming", "net-0001")
    await bot.driver.message_im(f"my key {key} gets 401", via=bot.transport)
    await bot.driver.message_im(f"what is {slack.app_token}", via=bot.transport)
    dm = slack.workspace.app_dm(slack.workspace.default_user.id)
    assert dm is not None and reply.body
    await slack.wait_until(lambda: len(bot_replies(slack, dm.id)) == 2)
    await echoes_acked(slack, dm.id)
    said = [json.dumps(r.body) for r in slack.responses]
    said += [
        json.dumps({"text": m.text, "blocks": m.blocks})
        for c in slack.workspace.channels.values()
        for m in c.visible()
        if m.bot_id
    ]
    everything = "\n".join(said)
    for secret in (key, slack.bot_token, slack.app_token, slack.signing_secret):
        for i in range(len(secret) - 7):
            assert secret[i : i + 8] not in everything, "a piece of a secret reached Slack"
