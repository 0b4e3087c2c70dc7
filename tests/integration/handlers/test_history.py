"""`/deepgram history` with its chart, through the real router and Bolt's respond(), against the fake Slack.

The chart is shared into the asker's DM with the bot and shown in the private reply as an `image`
block naming the file; the fake checks that the bot may show that file and says who can see it.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

import handlers.history
from bot.charts import Chart, ChartData
from bot.config import Settings
from bot.runtime.deps import Deps
from bot.slack.views.history import CHART_COMING, CHART_NOT_DRAWN, CHART_SENT, NO_CHART, history_reply
from bot.status.history import read_history
from bot.store import Store
from handlers import SUBCOMMANDS
from handlers.router import make_command_listener
from simworld.slack import FakeSlack, ResponseUrlPost, User
from simworld.slack.file_refs import image_file_ids
from tests.fakes import fake_slack, web_client
from tests.history_fixture import NOW, record_history

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with fake_slack(seed=41, manifest_scopes=True) as fake:
        yield fake


@pytest.fixture
async def deps() -> AsyncIterator[Deps]:
    store = Store.open(":memory:")
    async with httpx.AsyncClient() as http:
        built = Deps.build(Settings.from_env({}, slack=False), store, http)
        built.clock = lambda: NOW
        yield built


async def history_command(slack: FakeSlack, deps: Deps, user: User) -> list[ResponseUrlPost]:
    """Type `/deepgram history` in #general as `user`; the posts to the command's response_url."""
    ws = slack.workspace
    url = slack.new_response_url(channel_id=ws.default_channel.id, user_id=user.id)
    command = {"text": "history", "user_id": user.id, "channel_id": ws.default_channel.id, "team_id": ws.team_id}
    client = web_client(slack)
    listener = make_command_listener(SUBCOMMANDS, deps)
    await listener(ack=AsyncAck(), command=command, respond=AsyncRespond(response_url=url), client=client)
    return [post for post in slack.responses if post.url == url]


def notes(post: ResponseUrlPost) -> list[str]:
    return [b["elements"][0]["text"] for b in post.blocks or [] if b["type"] == "context"]


def sections(post: ResponseUrlPost) -> list[object]:
    return [b for b in post.blocks or [] if b["type"] == "section"]


async def test_the_chart_reaches_the_asker_and_only_the_asker(
    slack: FakeSlack, deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text at once, then the same text with the chart: a PNG shared into the asker's DM with the
    bot (with its alt text), shown in the private reply through a `slack_file` the asker can see."""
    record_history(deps.store)
    drawn_in: list[threading.Thread] = []
    draw = handlers.history.draw_chart

    def draw_and_note(data: ChartData) -> Chart:
        drawn_in.append(threading.current_thread())
        return draw(data)

    monkeypatch.setattr(handlers.history, "draw_chart", draw_and_note)
    ws = slack.workspace
    asker, other = ws.default_user, ws.add_user("bob")
    first, final = await history_command(slack, deps, asker)
    assert drawn_in and drawn_in[0] is not threading.main_thread()  # drawn off the event loop

    text = history_reply(read_history(deps.store, NOW))
    assert (first.status, first.response_type, notes(first)[0]) == (200, "ephemeral", CHART_COMING)
    assert sections(first) == sections(final) == [b for b in text.blocks or [] if b["type"] == "section"]
    assert (final.status, final.response_type, final.replace_original) == (200, "ephemeral", True)

    [image] = [b for b in final.blocks or [] if b["type"] == "image"]
    [file_id] = image_file_ids(ws, final.blocks)
    assert image["slack_file"] == {"id": file_id}
    assert "Pre-recorded (REST) 99.7% up, p50 820 ms, p95 840 ms" in image["alt_text"]
    assert notes(final)[0] == CHART_SENT

    stored = slack.files[file_id]
    dm = ws.app_dm(asker.id, create=False)
    assert dm is not None and [s.channel for s in stored.shares] == [dm.id]
    assert stored.content is not None and stored.content.startswith(PNG_SIGNATURE)
    assert (stored.filetype, stored.name) == ("png", "deepgram-latency-20261207-1200.png")
    assert stored.alt_txt is not None and len(stored.alt_txt) <= 1000 and "p50 820 ms" in stored.alt_txt
    assert stored.alt_txt.endswith(
        "1 in the last 24 h: Degraded Voice Agent performance (ongoing), Elevated errors on the Streaming API."
    )
    [shared] = slack.messages(dm.id)
    assert shared.subtype == "file_share" and f"<@{asker.id}>" in shared.text
    assert ws.can_view_file(asker.id, file_id)
    assert not ws.can_view_file(other.id, file_id)
    assert slack.messages(ws.default_channel.id) == []  # nothing in the channel


async def test_a_store_on_a_file_is_read_off_the_event_loop(slack: FakeSlack, tmp_path: Path) -> None:
    """The bot's own store is a file: its history is read on a connection of its own, in a worker
    thread, and the reply says the same as from the event loop's connection."""
    store = Store.open(tmp_path / "doctor.db")
    record_history(store)
    async with httpx.AsyncClient() as http:
        on_file = Deps.build(Settings.from_env({}, slack=False), store, http)
        on_file.clock = lambda: NOW
        first, final = await history_command(slack, on_file, slack.workspace.default_user)
    text = history_reply(read_history(store, NOW))
    assert sections(first) == sections(final) == [b for b in text.blocks or [] if b["type"] == "section"]
    assert notes(final)[0] == CHART_SENT and [b for b in final.blocks or [] if b["type"] == "image"]
    store.close()


async def test_no_history_no_chart(slack: FakeSlack, deps: Deps) -> None:
    [post] = await history_command(slack, deps, slack.workspace.default_user)
    assert NO_CHART in notes(post) and not [b for b in post.blocks or [] if b["type"] == "image"]
    assert slack.calls == [] and slack.files == {}


@pytest.mark.parametrize(
    ("method", "fault", "said"),
    [
        (
            "files.getUploadURLExternal",
            {"error": "file_uploads_disabled"},
            "Slack refused the upload (`file_uploads_disabled`).",
        ),
        (
            "conversations.open",
            {"status": 429, "retry_after": 30},
            "Slack is rate limiting this app; try again in 30 s.",
        ),
        ("upload", {"status": 500}, "Slack did not take the image's bytes (`upload_failed`)."),
    ],
)
async def test_a_chart_slack_refuses_leaves_the_text_and_says_why(
    slack: FakeSlack, deps: Deps, method: str, fault: dict[str, int | str], said: str
) -> None:
    record_history(deps.store, days=1)
    slack.fail_next(method, **fault)
    *_, final = await history_command(slack, deps, slack.workspace.default_user)
    [note, _] = notes(final)
    assert note.startswith(":warning: I drew the latency chart but could not send it to you: " + said)
    assert "try `/deepgram history` again in a minute" in note
    assert "The request to the Slack API failed" not in str(final.blocks)  # never the exception's text
    assert len(sections(final)) == 3 and not [b for b in final.blocks or [] if b["type"] == "image"]


async def test_a_chart_that_cannot_be_drawn(
    slack: FakeSlack, deps: Deps, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    record_history(deps.store, days=1)

    def broken(data: ChartData) -> Chart:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(handlers.history, "draw_chart", broken)
    *_, final = await history_command(slack, deps, slack.workspace.default_user)
    assert notes(final)[0] == CHART_NOT_DRAWN and "secret internals" not in str(final.blocks)
    assert "latency chart not drawn" in caplog.text
    assert slack.files == {}


async def test_slack_still_processing_the_upload(slack: FakeSlack, deps: Deps) -> None:
    """Slack processes uploads asynchronously and may refuse the image block at first: the first reply
    stays up (the text, and "it will appear … in your direct messages"), and the chart is in the DM."""
    record_history(deps.store, days=1)
    slack.workspace.file_processing_seconds = 3600.0
    first, final = await history_command(slack, deps, slack.workspace.default_user)
    assert (first.status, final.status) == (200, 400) and "invalid slack file" in final.response_body
    assert CHART_COMING in notes(first)
    [f] = slack.files.values()
    assert slack.workspace.can_view_file(slack.workspace.default_user.id, f.id)
