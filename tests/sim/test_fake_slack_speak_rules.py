"""The fake Slack's membership rules that /deepgram speak relies on, driven by the real AsyncWebClient:
what conversations.info reveals, where conversations.join works, and where a file may be shared."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from simworld.slack import FakeSlack
from tests.fakes import fake_slack, web_client


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with fake_slack(seed=17, manifest_scopes=True) as fake:
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return web_client(slack)


async def error_of(coro: Any) -> str:
    with pytest.raises(SlackApiError) as info:
        await coro
    return str(info.value.response["error"])


async def test_info_tells_membership_and_archival_of_public_channels(slack: FakeSlack, client: AsyncWebClient) -> None:
    """A public channel is visible whether or not the bot is in it; `is_member` and `is_archived` say which."""
    ws = slack.workspace
    outside = ws.add_channel("outside", members=[ws.default_user], bot_member=False)
    old = ws.add_channel("old", members=[ws.default_user], bot_member=True, archived=True)
    general = (await client.conversations_info(channel=ws.default_channel.id))["channel"]
    assert (general["is_channel"], general["is_member"], general["is_archived"]) == (True, True, False)
    info = (await client.conversations_info(channel=outside.id))["channel"]
    assert (info["is_channel"], info["is_member"], info["is_private"]) == (True, False, False)
    assert (await client.conversations_info(channel=old.id))["channel"]["is_archived"] is True


async def test_private_channels_and_other_dms_do_not_exist_for_the_bot(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    """Without the bot, a private channel or a DM between people is channel_not_found; with it, visible."""
    ws = slack.workspace
    bob = ws.add_user("bob")
    secret = ws.add_channel("secret", kind="private", members=[ws.default_user], bot_member=False)
    people_dm = ws.add_channel("", kind="im", members=[ws.default_user, bob], bot_member=False)
    for channel in (secret, people_dm):
        assert await error_of(client.conversations_info(channel=channel.id)) == "channel_not_found"
        assert await error_of(client.conversations_join(channel=channel.id)) == "method_not_supported_for_channel_type"
    invited = ws.add_channel("ops", kind="private", members=[ws.default_user], bot_member=True)
    info = (await client.conversations_info(channel=invited.id))["channel"]
    assert (info["is_private"], info["is_member"]) == (True, True)


async def test_the_bots_own_dm_is_visible_as_an_im(slack: FakeSlack, client: AsyncWebClient) -> None:
    """The DM with the bot (App Home Messages) answers is_im, and files can be shared in it."""
    dm = (await client.conversations_open(users=slack.workspace.default_user.id))["channel"]["id"]
    assert (await client.conversations_info(channel=dm))["channel"]["is_im"] is True
    r = await client.files_upload_v2(channel=dm, content=b"ID3abc", filename="a.mp3", initial_comment="for you")
    assert slack.messages(dm)[-1].files == [r["file"]["id"]]


async def test_group_dms_need_a_scope_the_manifest_does_not_ask_for(slack: FakeSlack, client: AsyncWebClient) -> None:
    """conversations.info on a group DM needs mpim:read: missing_scope names it."""
    ws = slack.workspace
    bob = ws.add_user("bob")
    group = ws.add_channel("mpdm-alice--bob", kind="mpim", members=[ws.default_user, bob], bot_member=False)
    with pytest.raises(SlackApiError) as info:
        await client.conversations_info(channel=group.id)
    assert (info.value.response["error"], info.value.response["needed"]) == ("missing_scope", "mpim:read")


async def test_sharing_follows_membership_not_chat_write_public(slack: FakeSlack, client: AsyncWebClient) -> None:
    """Sharing into a public channel needs real membership; archived refuses; join then share works."""
    ws = slack.workspace
    outside = ws.add_channel("outside", members=[ws.default_user], bot_member=False)
    old = ws.add_channel("old", members=[ws.default_user], bot_member=True, archived=True)
    args = {"content": b"ID3abc", "filename": "a.mp3"}
    assert await error_of(client.files_upload_v2(channel=outside.id, **args)) == "not_in_channel"
    assert await error_of(client.files_upload_v2(channel=old.id, **args)) == "invalid_channel"
    assert await error_of(client.conversations_join(channel=old.id)) == "is_archived"
    await client.conversations_join(channel=outside.id)
    r = await client.files_upload_v2(channel=outside.id, **args)
    assert [m.subtype for m in slack.messages(outside.id)] == ["channel_join", "file_share"]
    assert slack.files[r["file"]["id"]].content == b"ID3abc"


async def test_join_without_the_scope_is_missing_scope(slack: FakeSlack, client: AsyncWebClient) -> None:
    """Without channels:join, conversations.join answers missing_scope naming it, and nothing changes."""
    ws = slack.workspace
    ws.bot_scopes.discard("channels:join")
    outside = ws.add_channel("outside", members=[ws.default_user], bot_member=False)
    with pytest.raises(SlackApiError) as info:
        await client.conversations_join(channel=outside.id)
    assert info.value.response["needed"] == "channels:join"
    assert not outside.is_member(slack.bot_user_id)
