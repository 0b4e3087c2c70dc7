"""/deepgram status through the real bot: verdicts, report rows, and both buttons, in both transports.

The answer is progressive: a partial report ("probing…" rows) at once, then the full report replacing
it; concurrent commands share one probe run. Nothing here asserts a time: the order of the posts at
the response_url and the requests the fake Deepgram saw tell the story.
"""

from __future__ import annotations

import asyncio
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


def is_report(post: ResponseUrlPost) -> bool:
    """The finished report carries the buttons; a partial one does not."""
    return any(b.get("type") == "actions" for b in post.blocks or [])


async def wait_report(bot: RunningBot, response_url: str, timeout: float = 15) -> list[ResponseUrlPost]:
    """Every post to `response_url` up to and including the finished report (the last one)."""
    slack = bot.driver.slack

    def posts() -> list[ResponseUrlPost]:
        return [r for r in slack.responses if r.url == response_url]

    await slack.wait_until(lambda: any(is_report(p) for p in posts()), timeout)
    found = posts()
    assert is_report(found[-1]), "nothing may follow the finished report"
    return found


async def run_status(bot: RunningBot) -> tuple[Any, ResponseUrlPost]:
    result = await bot.driver.slash_command("status", via=bot.transport)
    assert result.status == 200  # acknowledged inside Slack's window (the fake enforces it)
    posts = await wait_report(bot, result.response_url)
    return result, posts[-1]


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
    assert reply.body["blocks"][0]["text"]["text"].endswith("Deepgram reports a problem, confirmed by our probes")
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


async def test_dropped_connection_is_ours(bot: RunningBot, world: World) -> None:
    """TTS connections dropped before any answer while the page is green: a network problem on our side,
    naming the probe (was "Degraded from here")."""
    world.deepgram.drop_connection("speak", times=None)
    _, reply = await run_status(bot)
    header = reply.body["blocks"][0]["text"]["text"]
    assert "Fix on our side" in header
    assert "Text-to-speech probe failed" in section_texts(reply.body)


async def test_our_network_error_is_ours_even_during_an_incident(bot: RunningBot, world: World) -> None:
    """Issue 13: an incident open on Streaming, and our streaming probe cannot even connect (the fake drops
    the connection before the handshake): the headline tells the user to fix their side, never that there
    is nothing to fix on it; the incident is still named."""
    world.statuspage.open_incident(
        "Elevated streaming errors",
        impact="major",
        components=("Streaming API",),
        component_status="partial_outage",
        body="We are investigating failed streaming connections.",
    )
    world.deepgram.drop_connection("listen_ws", times=None)
    _, reply = await run_status(bot)
    header = reply.body["blocks"][0]["text"]["text"]
    text = section_texts(reply.body)
    assert header.endswith("Fix on our side: a network problem on the way to Deepgram"), header
    assert "Streaming (WebSocket) probe failed" in text
    assert "Deepgram also reports *Elevated streaming errors*, but that is not why this fails" in text
    assert "nothing to fix" not in text.lower() and "nothing to fix" not in header.lower()
    assert "Official: :large_orange_circle: Partial outage" in text
    assert ":x: Fix on our side: the bot cannot reach Deepgram" in text


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
    posts = await wait_report(bot, click.response_url)
    fresh = posts[-1]
    assert all(p.body.get("replace_original") is True for p in posts)  # each one replaces the report
    assert "out of credits (402)" in fresh.body["blocks"][0]["text"]["text"]


# -- progressive, shared ---------------------------------------------------------------------------


async def test_first_reply_comes_before_the_probes_finish(bot: RunningBot, world: World) -> None:
    """A slow streaming handshake: the first post already has the official status and "probing…"
    rows; the finished report replaces it; no more than 3 of the response_url's 5 uses."""
    world.deepgram.set_latency("listen_ws", 0.8)
    result = await bot.driver.slash_command("status", via=bot.transport)
    assert result.status == 200
    posts = await wait_report(bot, result.response_url)
    first, final = posts[0], posts[-1]
    assert 2 <= len(posts) <= 3
    assert not is_report(first)
    first_text = section_texts(first.body)
    assert "probing…" in first_text
    assert "Streaming (WebSocket)*\n:hourglass_flowing_sand: probing…" in first_text
    assert "Deepgram status page" in first_text
    assert first.body.get("replace_original") is None  # a new ephemeral message…
    assert all(p.body.get("replace_original") is True for p in posts[1:])  # …replaced in place
    assert all(p.body.get("response_type", "ephemeral") == "ephemeral" for p in posts)
    assert first.at <= final.at
    assert "probing…" not in section_texts(final.body)
    assert final.body["blocks"][0]["text"]["text"].endswith("All good")


async def test_concurrent_commands_share_one_run(bot: RunningBot, world: World) -> None:
    """Five commands at once cost one run's requests at Deepgram (a forced "Run again" measures one
    run); all five reports are the same stored run."""
    world.deepgram.set_latency("listen_ws", 0.5)  # keep the run in flight while the commands arrive
    world.deepgram.clear_records()
    commands = await asyncio.gather(*(bot.driver.slash_command("status", via=bot.transport) for _ in range(5)))
    reports = [(await wait_report(bot, c.response_url))[-1] for c in commands]
    shared_requests = len(world.deepgram.requests)
    run_ids = {buttons(r.body)["status_share"] for r in reports}
    assert len(run_ids) == 1

    world.deepgram.clear_records()
    click = await bot.driver.block_action(
        "status_rerun",
        value=run_ids.pop(),
        response_url=world.slack.new_response_url(kind="actions"),
        via=bot.transport,
    )
    again = (await wait_report(bot, click.response_url))[-1]
    assert buttons(again.body)["status_share"] not in {buttons(r.body)["status_share"] for r in reports}
    assert shared_requests == len(world.deepgram.requests) > 0


async def test_a_fresh_run_is_shown_again_with_its_age(bot: RunningBot, world: World) -> None:
    """A command right after another gets the same run at once (one post), saying how old it is."""
    _, first = await run_status(bot)
    world.deepgram.clear_records()
    result = await bot.driver.slash_command("status", via=bot.transport)
    posts = await wait_report(bot, result.response_url)
    assert len(posts) == 1
    assert world.deepgram.requests == []
    assert "From a check that finished" in section_texts(posts[0].body)
    assert buttons(posts[0].body)["status_share"] == buttons(first.body)["status_share"]


async def test_voice_agent_flux_and_tts_streaming_rows(bot: RunningBot, world: World) -> None:
    """The newer surfaces have their rows: working, then the agent host refusing while the others work."""
    _, reply = await run_status(bot)
    text = section_texts(reply.body)
    for label in ("Voice Agent", "Flux (v2 streaming)", "TTS streaming (WebSocket)"):
        assert f"*{label}*" in text
    assert text.count(":large_green_circle:") >= 7
    world.deepgram.fail("agent", status=503, times=None)
    click = await bot.driver.block_action(  # "Run again": the report above is fresh and would be reused
        "status_rerun",
        value=buttons(reply.body)["status_rerun"],
        response_url=world.slack.new_response_url(kind="actions"),
        via=bot.transport,
    )
    posts = await wait_report(bot, click.response_url)
    body = posts[-1].body
    agent_row = next(
        b["text"]["text"] for b in body["blocks"] if "*Voice Agent*" in (b.get("text") or {}).get("text", "")
    )
    assert ":red_circle:" in agent_row and "503" in agent_row
    assert "Flux (v2 streaming)" in section_texts(body)


async def test_downstream_provider_is_not_deepgram(bot: RunningBot, world: World) -> None:
    """The LLM behind the Voice Agent fails and Deepgram's page blames Downstream Providers: the report
    names a provider behind the Voice Agent, never a Deepgram outage, and nothing of ours to fix."""
    world.statuspage.open_incident(
        "Elevated errors from an LLM provider",
        impact="minor",
        components=("Voice Agent API: Downstream Providers",),
        component_status="degraded_performance",
    )
    world.deepgram.agent.fail_at("think", "FAILED_TO_THINK", times=None)
    _, reply = await run_status(bot)
    header = reply.body["blocks"][0]["text"]["text"]
    text = section_texts(reply.body)
    assert "provider behind the Voice Agent" in header
    assert "Deepgram reports a problem" not in header and "Fix on our side" not in text
    assert "FAILED_TO_THINK" in text
