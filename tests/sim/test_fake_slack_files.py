"""File upload v2 against the fake: real files_upload_v2, byte-exact storage, length checks, sharing rules."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from simworld.slack import FakeSlack

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes([0xFF, 0xF3]) + os.urandom(48_000)


@pytest.fixture
async def slack(reference_data: Path) -> AsyncIterator[FakeSlack]:
    async with FakeSlack(api_ref_dir=reference_data / "slack" / "slack-api-ref", seed=5) as fake:
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)


async def test_files_upload_v2_keeps_the_exact_bytes(slack: FakeSlack, client: AsyncWebClient) -> None:
    """files_upload_v2 uploads through the fake's upload URL; the bytes kept equal the bytes sent."""
    ch = slack.workspace.default_channel
    r = await client.files_upload_v2(
        channel=ch.id, content=MP3, filename="speech.mp3", title="TTS", initial_comment="here you go"
    )
    file_id = r["file"]["id"]
    stored = slack.files[file_id]
    assert stored.content == MP3 and stored.length == len(MP3)
    assert (stored.name, stored.title, stored.mimetype) == ("speech.mp3", "TTS", "audio/mpeg")
    upload = slack.uploads[-1]
    assert (upload.status, upload.body, upload.had_authorization) == (200, f"OK - {len(MP3)}", False)
    assert upload.content_type == "application/octet-stream"
    [message] = slack.messages(ch.id)
    assert (message.text, message.files, message.subtype) == ("here you go", [file_id], "file_share")
    assert [s.channel for s in stored.shares] == [ch.id]
    assert slack.contract_violations == []
    methods = [c.method for c in slack.calls]
    assert methods == ["files.getUploadURLExternal", "files.completeUploadExternal"]


async def test_wrong_length_is_rejected_and_cannot_be_completed(slack: FakeSlack, client: AsyncWebClient) -> None:
    """Bytes that do not match `length` are refused (non-200) and the file stays incomplete."""
    r = await client.files_getUploadURLExternal(filename="a.mp3", length=10)
    async with aiohttp.ClientSession() as session, session.post(r["upload_url"], data=b"123456789") as resp:
        assert resp.status == 400
        assert "length" in await resp.text()
    assert slack.files[r["file_id"]].content is None
    with pytest.raises(SlackApiError) as info:
        await client.files_completeUploadExternal(
            files=[{"id": r["file_id"]}], channel_id=slack.workspace.default_channel.id
        )
    assert info.value.response["error"] == "file_not_found"


async def test_upload_tickets_are_single_use(slack: FakeSlack, client: AsyncWebClient) -> None:
    """An upload URL works once; reusing it or inventing one gives a non-200."""
    r = await client.files_getUploadURLExternal(filename="a.bin", length=3)
    async with aiohttp.ClientSession() as session:
        async with session.post(r["upload_url"], data=b"abc") as resp:
            assert (resp.status, await resp.text()) == (200, "OK - 3")
            assert resp.content_type == "text/plain"
        async with session.post(r["upload_url"], data=b"abc") as resp:
            assert resp.status == 410
        async with session.post(f"{slack.base_url}/upload/v1/nope", data=b"abc") as resp:
            assert resp.status == 404


async def test_multipart_upload_is_accepted(slack: FakeSlack, client: AsyncWebClient) -> None:
    """The upload URL also takes a multipart form with the file part."""
    r = await client.files_getUploadURLExternal(filename="a.mp3", length=len(MP3))
    form = aiohttp.FormData()
    form.add_field("file", MP3, filename="a.mp3", content_type="audio/mpeg")
    async with aiohttp.ClientSession() as session, session.post(r["upload_url"], data=form) as resp:
        assert resp.status == 200
    assert slack.files[r["file_id"]].content == MP3
    assert slack.uploads[-1].multipart is True


async def test_failed_upload_makes_files_upload_v2_raise(slack: FakeSlack, client: AsyncWebClient) -> None:
    """A non-200 from the upload URL makes slack_sdk raise SlackRequestError before completing."""
    slack.fail_next("upload", status=500)
    with pytest.raises(SlackRequestError, match="status: 500"):
        await client.files_upload_v2(channel=slack.workspace.default_channel.id, content=b"abc", filename="x.mp3")
    assert all(c.method != "files.completeUploadExternal" for c in slack.calls)
    assert slack.uploads[-1].status == 500


async def test_zero_length_is_missing_argument(client: AsyncWebClient) -> None:
    """files.getUploadURLExternal with length 0 answers missing_argument."""
    with pytest.raises(SlackApiError) as info:
        await client.files_getUploadURLExternal(filename="a.mp3", length=0)
    assert info.value.response["error"] == "missing_argument"


async def test_sharing_needs_real_membership(slack: FakeSlack, client: AsyncWebClient) -> None:
    """completeUploadExternal into a public channel the bot is not in is not_in_channel, even with
    chat:write.public; after conversations.join it works."""
    ws = slack.workspace
    public = ws.add_channel("public-talk", members=[ws.default_user], bot_member=False)
    assert "chat:write.public" in ws.bot_scopes
    with pytest.raises(SlackApiError) as info:
        await client.files_upload_v2(channel=public.id, content=b"abc", filename="a.mp3")
    assert info.value.response["error"] == "not_in_channel"
    await client.conversations_join(channel=public.id)
    r = await client.files_upload_v2(channel=public.id, content=b"abc", filename="a.mp3")
    assert slack.messages(public.id)[-1].files == [r["file"]["id"]]


async def test_private_channel_and_bad_channel_ids(slack: FakeSlack, client: AsyncWebClient) -> None:
    """A private channel without the bot is channel_not_found; a U… channel_id is invalid_arguments."""
    ws = slack.workspace
    private = ws.add_channel("private-talk", kind="private", members=[ws.default_user], bot_member=False)
    for channel_id, error in ((private.id, "channel_not_found"), (ws.default_user.id, "invalid_arguments")):
        with pytest.raises(SlackApiError) as info:
            await client.files_upload_v2(channel=channel_id, content=b"abc", filename="a.mp3")
        assert info.value.response["error"] == error


async def test_share_into_a_thread(slack: FakeSlack, client: AsyncWebClient) -> None:
    """thread_ts shares the file as a reply in the thread."""
    ch = slack.workspace.default_channel.id
    parent = (await client.chat_postMessage(channel=ch, text="asking for audio"))["ts"]
    r = await client.files_upload_v2(channel=ch, content=b"abc", filename="a.mp3", thread_ts=parent)
    share = slack.messages(ch)[-1]
    assert (share.thread_ts, share.files) == (parent, [r["file"]["id"]])
    assert slack.messages(ch)[0].reply_count == 1


async def test_unknown_file_id_is_file_not_found(slack: FakeSlack, client: AsyncWebClient) -> None:
    """Completing an id that was never issued answers file_not_found."""
    with pytest.raises(SlackApiError) as info:
        await client.files_completeUploadExternal(files=[{"id": "F0NOPE00000"}])
    assert info.value.response["error"] == "file_not_found"


async def test_files_upload_v1_is_retired(slack: FakeSlack, client: AsyncWebClient) -> None:
    """The retired files.upload answers method_deprecated: only the v2 flow works."""
    with pytest.raises(SlackApiError) as info:
        await client.api_call("files.upload", params={"channels": slack.workspace.default_channel.id, "content": "x"})
    assert info.value.response["error"] == "method_deprecated"
