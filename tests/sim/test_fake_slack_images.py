"""Image blocks naming an uploaded file (`slack_file`): the fake enforces Slack's access rule.

The Slack file object is `{"id"}` or `{"url"}`, exactly one; it must be an image; the poster must have
access to the file; readers see it only when they can access it (shared into a conversation they are
in). Everything else is `invalid_blocks`, wherever blocks are taken.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from simworld.slack import Channel, FakeSlack, File, FileShare, User
from simworld.slack.file_refs import image_file_ids
from simworld.slack.testing import ManualClock
from tests.fakes import fake_slack, web_client

PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def slack(clock: ManualClock) -> AsyncIterator[FakeSlack]:
    async with fake_slack(seed=31, clock=clock) as fake:
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return web_client(slack)


def image(ref: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": "image", "slack_file": ref, "alt_text": "p50 and p95 latency"}]


async def upload_to_dm(client: AsyncWebClient, user: User, *, name: str = "chart.png") -> tuple[str, str]:
    """The bot's upload into `user`'s DM with it: (file id, DM id)."""
    dm = (await client.conversations_open(users=user.id))["channel"]["id"]
    r = await client.files_upload_v2(channel=dm, content=PNG, filename=name, title="Chart", alt_txt="a chart")
    return r["file"]["id"], dm


def person_file(slack: FakeSlack, owner: User, shared_in: Channel | None) -> File:
    """A PNG a person uploaded, shared in `shared_in` (or nowhere)."""
    ws = slack.workspace
    f = ws.new_file("photo.png", len(PNG), alt_txt=None, snippet_type=None, user=owner.id)
    f.content, f.completed, f.completed_at = PNG, True, slack.clock()
    if shared_in is not None:
        f.shares.append(FileShare(channel=shared_in.id, ts=ws.ts_clock.next()))
    return f


async def refused(call: Any) -> list[str]:
    with pytest.raises(SlackApiError) as info:
        await call
    assert info.value.response["error"] == "invalid_blocks"
    return list(info.value.response["response_metadata"]["messages"])


async def test_the_asker_sees_the_chart_in_their_dm_and_no_one_else_does(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    """Shared into the asker's DM with the bot: the bot may show it, the asker can see it, others cannot."""
    ws = slack.workspace
    asker, other = ws.default_user, ws.add_user("bob")
    file_id, dm = await upload_to_dm(client, asker)
    stored = slack.files[file_id]
    assert (stored.filetype, stored.user, stored.alt_txt) == ("png", slack.bot_user_id, "a chart")
    assert [s.channel for s in stored.shares] == [dm]
    assert ws.can_view_file(asker.id, file_id) and ws.can_view_file(slack.bot_user_id, file_id)
    assert not ws.can_view_file(other.id, file_id)
    url = slack.new_response_url(channel_id=ws.default_channel.id, user_id=asker.id)
    r = await AsyncWebhookClient(url).send(text="history", blocks=image({"id": file_id}))
    assert r.status_code == 200
    assert image_file_ids(ws, slack.responses[-1].blocks) == [file_id]
    posted = await client.chat_postMessage(channel=dm, text="chart", blocks=image({"id": file_id}))
    assert posted["ok"]


async def test_a_file_named_by_its_url(slack: FakeSlack, client: AsyncWebClient) -> None:
    """`{"url": permalink}` or `url_private` name the same file; an unknown URL is refused."""
    ws = slack.workspace
    file_id, dm = await upload_to_dm(client, ws.default_user)
    f = slack.files[file_id]
    for url in (f.permalink(ws.team_domain), f.url_private(ws.team_id)):
        await client.chat_postMessage(channel=dm, text="chart", blocks=image({"url": url}))
    messages = await refused(
        client.chat_postMessage(channel=dm, text="x", blocks=image({"url": "https://files.slack.com/nope.png"}))
    )
    assert messages == ["[ERROR] invalid slack file [json-pointer:/blocks/0/slack_file]"]


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ({}, "must provide exactly one of id or url"),
        ({"id": "F0123456789", "url": "https://x.slack.com/files/U1/F0123456789/a.png"}, "exactly one of id or url"),
        ({"id": "U0123456789"}, "input must match regex pattern"),
        ("F0123456789", "must provide an object"),
    ],
)
async def test_malformed_file_objects(slack: FakeSlack, client: AsyncWebClient, ref: Any, message: str) -> None:
    ch = slack.workspace.default_channel.id
    [problem] = await refused(client.chat_postMessage(channel=ch, text="x", blocks=image(ref)))
    assert message in problem


async def test_both_image_url_and_slack_file(slack: FakeSlack, client: AsyncWebClient) -> None:
    file_id, dm = await upload_to_dm(client, slack.workspace.default_user)
    block = {**image({"id": file_id})[0], "image_url": "https://example.com/a.png"}
    [problem] = await refused(client.chat_postMessage(channel=dm, text="x", blocks=[block]))
    assert "exactly one of image_url or slack_file" in problem


async def test_unknown_unfinished_and_non_image_files(slack: FakeSlack, client: AsyncWebClient) -> None:
    """A file that does not exist, was never completed, or is not an image cannot be shown."""
    ws = slack.workspace
    ch = ws.default_channel.id
    pending = await client.files_getUploadURLExternal(filename="late.png", length=len(PNG))
    mp3_id, _ = await upload_to_dm(client, ws.default_user, name="speech.mp3")
    for file_id in ("F0NOSUCHFILE", pending["file_id"], mp3_id):
        messages = await refused(client.chat_postMessage(channel=ch, text="x", blocks=image({"id": file_id})))
        assert messages == ["[ERROR] invalid slack file [json-pointer:/blocks/0/slack_file]"]
    assert not ws.can_view_file(ws.default_user.id, pending["file_id"])


async def test_the_poster_must_have_access(slack: FakeSlack, client: AsyncWebClient) -> None:
    """A person's image shared only where the bot is not: the bot may not show it, until it is shared
    somewhere the bot is a member."""
    ws = slack.workspace
    alice, bob = ws.default_user, ws.add_user("bob")
    secret = ws.add_channel("secret", kind="private", members=[alice], bot_member=False)
    f = person_file(slack, alice, secret)
    assert ws.can_view_file(alice.id, f.id) and not ws.can_view_file(bob.id, f.id)
    assert not ws.can_view_file(slack.bot_user_id, f.id)
    ch = ws.default_channel.id
    await refused(client.chat_postMessage(channel=ch, text="x", blocks=image({"id": f.id})))
    f.shares.append(FileShare(channel=ch, ts=ws.ts_clock.next()))
    assert ws.can_view_file(bob.id, f.id)  # bob is in #general, like everyone
    await client.chat_postMessage(channel=ch, text="x", blocks=image({"id": f.id}))
    unshared = person_file(slack, alice, None)
    assert ws.can_view_file(alice.id, unshared.id) and not ws.can_view_file(bob.id, unshared.id)


async def test_every_place_that_takes_blocks_checks_files(slack: FakeSlack, client: AsyncWebClient) -> None:
    """chat.postEphemeral, chat.update, views.publish, a response_url and an upload's blocks refuse it too."""
    ws = slack.workspace
    ch, user = ws.default_channel.id, ws.default_user.id
    bad = image({"id": "F0NOSUCHFILE"})
    await refused(client.chat_postEphemeral(channel=ch, user=user, text="x", blocks=bad))
    posted = await client.chat_postMessage(channel=ch, text="x")
    await refused(client.chat_update(channel=ch, ts=posted["ts"], text="x", blocks=bad))
    with pytest.raises(SlackApiError) as info:
        await client.views_publish(user_id=user, view={"type": "home", "blocks": bad})
    assert info.value.response["error"] == "invalid_arguments"
    assert "invalid slack file" in str(info.value.response["response_metadata"]["messages"])
    r = await AsyncWebhookClient(slack.new_response_url(channel_id=ch, user_id=user)).send(text="x", blocks=bad)
    assert r.status_code == 400 and "invalid_blocks" in r.body
    upload = await client.files_getUploadURLExternal(filename="a.png", length=len(PNG))
    async with aiohttp.ClientSession() as session, session.post(upload["upload_url"], data=PNG) as resp:
        assert resp.status == 200
    entries = [{"id": upload["file_id"]}]
    await refused(client.files_completeUploadExternal(files=entries, channel_id=ch, blocks=json.dumps(bad)))


async def test_a_file_still_processing_is_refused(slack: FakeSlack, client: AsyncWebClient, clock: ManualClock) -> None:
    """Slack shares uploads asynchronously: right after the upload an image block may be refused."""
    slack.workspace.file_processing_seconds = 2.0
    file_id, dm = await upload_to_dm(client, slack.workspace.default_user)
    await refused(client.chat_postMessage(channel=dm, text="x", blocks=image({"id": file_id})))
    clock.advance(2.0)
    await client.chat_postMessage(channel=dm, text="x", blocks=image({"id": file_id}))
