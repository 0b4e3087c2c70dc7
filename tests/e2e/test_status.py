"""/deepgram status through the real bot: verdicts, report rows, and both buttons, in both transports."""

from __future__ import annotations

import json
from typing import Any

from simworld.slack import ResponseUrlPost
from tests.e2e.conftest import RunningBot, World


def section_texts(body: dict[str, Any]) -> str:
    parts = []
    for block in body.get("blocks") or []:
        if block.get("text"):
            parts.append(block["text"]["text"])
        for element in block.get("elements") or []:
            if element.get("type") == "mrkdwn":
                parts.append(element["text"])
    return "\n".join(parts)


def buttons(body: dict[str, Any]) -> dict[str, str]:
    actions = next(b for b in body["blocks"] if b["type"] == "actions")
    return {e["action_id"]: e["value"] for e in actions["elements"]}


async def run_status(bot: RunningBot) -> tuple[Any, ResponseUrlPost]:
    result = await bot.driver.slash_command("status", via=bot.transport)
    assert result.status == 200  # acknowledged inside Slack's window (the fake enforces it)
    (reply,) = await bot.driver.wait_responses(result.response_url, n=1, timeout=15)
    return result, reply


async def test_all_good(bot: RunningBot, world: World) -> None:
    """A healthy world: the ack says it's checking, the report says all good, rows for every surface."""
    result, reply = await run_status(bot)
    assert "Checking Deepgram" in json.dumps(result.body)
    body = reply.body
    assert body.get("response_type", "ephemeral") == "ephemeral"
    assert body["blocks"][0]["text"]["text"].endswith("All good")
    text = section_texts(body)
    for label in ("Pre-recorded (REST)", "Streaming (WebSocket)", "Text-to-speech", "Key & management API"):
            assert label.replace("&", "&amp;") in text  # as Slack shows it: mrkdwn escapes &
    assert "Official: :large_green_circle: Operational" in text
    assert "<!date^" in text
    assert set(buttons(body)) == {"status_share", "status_rerun"}
    assert world.deepgram.api_key not in json.dumps(body)


async def test_deepgram_incident_named_and_linked(bot: RunningBot, world: World) -> None:
    """An open incident on the status page becomes the verdict, with its link and latest update."""
    page = world.statuspage
    incident = page.open_incident(
        "Elevated streaming errors",
        impact="major",
        components=("Streaming API",),
        component_status="partial_outage",
        body="We are investigating failed streaming connections.",
    )
    world.deepgram.fail("listen_ws", status=503, times=None)
    _, reply = await run_status(bot)
    text = section_texts(reply.body)
    assert reply.body["blocks"][0]["text"]["text"].endswith("Deepgram reports a problem")
    assert f"<https://stspg.io/{incident}|Elevated streaming errors>" in text
    assert "We are investigating failed streaming connections." in text
    assert "confirm it on Streaming (WebSocket)" in text
    assert "Official: :large_orange_circle: Partial outage" in text


async def test_key_rejected(bot: RunningBot, world: World) -> None:
    """A revoked key is ours, not Deepgram's: the verdict says so and links the 401 playbook."""
    world.deepgram.fail("*", status=401, times=None)
    _, reply = await run_status(bot)
    text = section_texts(reply.body)
    assert "rejected our key (401)" in reply.body["blocks"][0]["text"]["text"]
    assert "`/deepgram why 401`" in text


async def test_degraded_from_here(bot: RunningBot, world: World) -> None:
    """TTS failing while the page is green: degraded from here, naming the probe."""
    world.deepgram.drop_connection("speak", times=None)
    _, reply = await run_status(bot)
    header = reply.body["blocks"][0]["text"]["text"]
    assert "Degraded from here" in header
    assert "Text-to-speech probe failed" in section_texts(reply.body)


async def test_status_page_down(bot: RunningBot, world: World) -> None:
    """The status page serving HTML errors does not stop the probes from answering."""
    world.statuspage.set_response("summary.json", status=503, body=b"<html>down</html>", times=None)
    _, reply = await run_status(bot)
    text = section_texts(reply.body)
    assert "could not be read (answered HTTP 503)" in text
    assert "All our probes pass" in reply.body["blocks"][0]["text"]["text"]


async def test_share_button_posts_the_same_report_in_channel(bot: RunningBot, world: World) -> None:
    """ "Post to channel" re-posts the report visibly to everyone, without the buttons, credited."""
    command, reply = await run_status(bot)
    run_id = buttons(reply.body)["status_share"]
    click = await bot.driver.block_action(
        "status_share", value=run_id, response_url=world.slack.new_response_url(kind="actions"), via=bot.transport
    )
    assert click.status == 200
    (shared,) = await bot.driver.wait_responses(click.response_url, n=1)
    assert shared.body["response_type"] == "in_channel"
    assert shared.body["blocks"][0] == reply.body["blocks"][0]
    assert not any(b["type"] == "actions" for b in shared.body["blocks"])
    user = world.slack.workspace.default_user.id
    assert f"Shared by <@{user}>" in section_texts(shared.body)


async def test_rerun_button_replaces_the_report(bot: RunningBot, world: World) -> None:
    """ "Run again" probes again and replaces the ephemeral report with the new verdict."""
    _, reply = await run_status(bot)
    world.deepgram.exhaust_credits()
    click = await bot.driver.block_action(
        "status_rerun",
        value=buttons(reply.body)["status_rerun"],
        response_url=world.slack.new_response_url(kind="actions"),
        via=bot.transport,
    )
    assert click.status == 200
    (fresh,) = await bot.driver.wait_responses(click.response_url, n=1, timeout=15)
    assert fresh.body.get("replace_original") is True
    assert "out of credits (402)" in fresh.body["blocks"][0]["text"]["text"]
