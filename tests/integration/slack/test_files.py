"""Settling where a clip goes and sharing it, against the fake Slack: the fallbacks that only show when
a scope is missing, membership changes between the check and the share, or Slack itself fails."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UpstreamError, UsageError
from bot.slack.files import Destination, choose_destination, share_file
from simworld.slack import Channel, FakeSlack
from tests.fakes import fake_slack, web_client

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xf3" + bytes(200)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with fake_slack(seed=23, manifest_scopes=True) as fake:
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return web_client(slack)


def outsider_channel(slack: FakeSlack) -> Channel:
    ws = slack.workspace
    return ws.add_channel("outside", members=[ws.default_user], bot_member=False)


async def share(client: AsyncWebClient, slack: FakeSlack, destination: Destination) -> Destination:
    return await share_file(
        client,
        destination,
        MP3,
        user_id=slack.workspace.default_user.id,
        filename="a.mp3",
        title="A",
        comment="here",
    )


async def test_unreadable_public_channel_is_joined_when_the_share_is_refused(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    """Without channels:read the channel cannot be checked; the refused share leads to a join and a retry."""
    slack.workspace.bot_scopes.discard("channels:read")
    room = outsider_channel(slack)
    user = slack.workspace.default_user.id
    destination = await choose_destination(client, room.id, user)
    assert destination == Destination(room.id, "here")
    shared = await share(client, slack, destination)
    assert shared == Destination(room.id, "joined")
    assert [m.subtype for m in slack.messages(room.id)] == ["channel_join", "file_share"]


async def test_refused_share_that_cannot_join_goes_to_the_dm(slack: FakeSlack, client: AsyncWebClient) -> None:
    """No channels:read and no channels:join: the paid clip still reaches the user, in their DM."""
    slack.workspace.bot_scopes -= {"channels:read", "channels:join"}
    room = outsider_channel(slack)
    shared = await share(client, slack, Destination(room.id, "here"))
    assert shared.how == "dm"
    assert slack.messages(shared.channel_id)[-1].subtype == "file_share"
    assert slack.messages(room.id) == []


async def test_bot_removed_after_the_check_is_rejoined(slack: FakeSlack, client: AsyncWebClient) -> None:
    """Membership changed between the check and the share: the bot joins again and shares."""
    room = outsider_channel(slack)
    user = slack.workspace.default_user.id
    destination = await choose_destination(client, room.id, user)
    assert destination.how == "joined"
    room.members.discard(slack.bot_user_id)
    shared = await share(client, slack, Destination(room.id, "here"))
    assert shared.how == "joined" and slack.messages(room.id)[-1].subtype == "file_share"


async def test_archived_between_check_and_share(slack: FakeSlack, client: AsyncWebClient) -> None:
    """A channel archived after the check refuses the share (invalid_channel): the archived message."""
    ws = slack.workspace
    destination = await choose_destination(client, ws.default_channel.id, ws.default_user.id)
    ws.default_channel.archived = True
    with pytest.raises(UsageError, match="archived"):
        await share(client, slack, destination)


async def test_slack_failures_are_upstream_errors(slack: FakeSlack, client: AsyncWebClient) -> None:
    """Slack failing the check, the DM or the byte upload: a clear message, never a crash."""
    ws = slack.workspace
    user = ws.default_user.id
    slack.fail_next("conversations.info", error="internal_error")
    with pytest.raises(UpstreamError, match="nothing was synthesised"):
        await choose_destination(client, ws.default_channel.id, user)
    secret = ws.add_channel("secret", kind="private", members=[ws.default_user], bot_member=False)
    slack.fail_next("conversations.open", error="internal_error")
    with pytest.raises(UpstreamError, match="would not open a direct message"):
        await choose_destination(client, secret.id, user)
    slack.fail_next("upload", status=500)
    with pytest.raises(UpstreamError, match="upload_failed"):
        await share(client, slack, Destination(ws.default_channel.id, "here"))
    slack.fail_next("files.getUploadURLExternal", error="storage_limit_reached")
    with pytest.raises(UpstreamError, match="storage_limit_reached"):
        await share(client, slack, Destination(ws.default_channel.id, "here"))
