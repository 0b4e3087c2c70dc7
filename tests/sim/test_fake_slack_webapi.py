"""The fake Slack's Web API, driven by the real AsyncWebClient: auth, scopes, membership, Block Kit,
rate limits, fault injection, threads and metadata."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from simworld.slack import FakeSlack
from simworld.slack.testing import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def slack(reference_data: Path, clock: ManualClock) -> AsyncIterator[FakeSlack]:
    async with FakeSlack(api_ref_dir=reference_data / "slack" / "slack-api-ref", clock=clock, seed=11) as fake:
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)


async def error_of(coro: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as info:
        await coro
    return info.value


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


# -- authentication ---------------------------------------------------------------------------------


async def test_auth_test_identifies_the_bot(slack: FakeSlack, client: AsyncWebClient) -> None:
    """auth.test answers the team and the bot's user_id/bot_id, which Bolt uses to ignore itself."""
    r = await client.auth_test()
    assert r["ok"] is True
    assert (r["team_id"], r["user_id"], r["bot_id"]) == (slack.team_id, slack.bot_user_id, slack.bot_id)
    assert r["url"].startswith("https://") and r["url"].endswith(".slack.com/")
    assert slack.bot_token.startswith("xoxb-") and slack.app_token.startswith("xapp-1-")
    assert len(slack.signing_secret) == 32 and int(slack.signing_secret, 16) >= 0


async def test_missing_token_is_not_authed(slack: FakeSlack) -> None:
    """A call without any token answers HTTP 200 not_authed."""
    e = await error_of(AsyncWebClient(base_url=slack.api_url).auth_test())
    assert e.response.status_code == 200
    assert e.response["error"] == "not_authed"


async def test_wrong_token_is_invalid_auth(slack: FakeSlack) -> None:
    """An unknown token answers invalid_auth."""
    e = await error_of(AsyncWebClient(token="xoxb-1-2-nope", base_url=slack.api_url).auth_test())
    assert e.response["error"] == "invalid_auth"


async def test_revoked_token_is_token_revoked(slack: FakeSlack, client: AsyncWebClient) -> None:
    """A revoked bot token answers token_revoked."""
    slack.revoke_token(slack.bot_token)
    assert (await error_of(client.auth_test())).response["error"] == "token_revoked"


async def test_restored_token_works_again(slack: FakeSlack, client: AsyncWebClient) -> None:
    """A revoked then restored bot token is accepted again, by every method."""
    channel = slack.workspace.default_channel.id
    slack.revoke_token(slack.bot_token)
    refused = await error_of(client.chat_postMessage(channel=channel, text="hello"))
    assert refused.response["error"] == "token_revoked" and slack.messages(channel) == []
    slack.restore_token(slack.bot_token)
    assert (await client.auth_test())["ok"] is True
    await client.chat_postMessage(channel=channel, text="hello")
    assert [m.text for m in slack.messages(channel)] == ["hello"]


async def test_token_may_be_a_form_argument(slack: FakeSlack) -> None:
    """Form and query calls may carry the token as a `token` argument instead of the header."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{slack.api_url}auth.test", data={"token": slack.bot_token}) as resp,
    ):
        body = await resp.json()
    assert body["ok"] is True
    assert slack.calls[-1].token_source == "arg"


async def test_token_in_a_json_body_is_ignored(slack: FakeSlack) -> None:
    """Slack reads the token of a JSON call only from the Authorization header."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{slack.api_url}auth.test", json={"token": slack.bot_token}) as resp,
    ):
        body = await resp.json()
    assert body == {"ok": False, "error": "not_authed"}


async def test_app_token_cannot_call_bot_methods(slack: FakeSlack) -> None:
    """The xapp- token is for apps.connections.open only: bot methods answer not_allowed_token_type."""
    app_client = AsyncWebClient(token=slack.app_token, base_url=slack.api_url)
    e = await error_of(app_client.chat_postMessage(channel=slack.workspace.default_channel.id, text="hi"))
    assert e.response["error"] == "not_allowed_token_type"


async def test_apps_connections_open_takes_only_the_app_token_in_the_header(slack: FakeSlack) -> None:
    """apps.connections.open: xapp- in the header gives a ws:// URL; xoxb- is refused; no token is missing_args."""
    app_client = AsyncWebClient(token=slack.app_token, base_url=slack.api_url)
    r = await app_client.apps_connections_open(app_token=slack.app_token)
    assert r["url"].startswith(f"ws://127.0.0.1:{slack.port}/link/?ticket=")
    assert f"app_id={slack.app_id}" in r["url"]
    bot_client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    e = await error_of(bot_client.apps_connections_open(app_token=slack.bot_token))
    assert e.response["error"] == "not_allowed_token_type"
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{slack.api_url}apps.connections.open", data={"token": slack.app_token}) as resp:
            assert (await resp.json())["error"] == "missing_args"
        headers = {"Authorization": f"Bearer {slack.app_token}"}
        async with session.get(f"{slack.api_url}apps.connections.open", headers=headers) as resp:
            assert (await resp.json())["error"] == "insecure_request"


async def test_unknown_method(slack: FakeSlack, client: AsyncWebClient) -> None:
    """An unknown method answers unknown_method and is a contract violation."""
    e = await error_of(client.api_call("chat.postMessages", json={"channel": "C1", "text": "x"}))
    assert e.response["error"] == "unknown_method"
    assert any("chat.postMessages" in v for v in slack.contract_violations)


# -- scopes ---------------------------------------------------------------------------------------------


async def test_missing_scope_names_needed_and_provided(slack: FakeSlack, client: AsyncWebClient) -> None:
    """Without chat:write, chat.postMessage answers missing_scope with `needed` and `provided`."""
    slack.workspace.bot_scopes.discard("chat:write")
    e = await error_of(client.chat_postMessage(channel=slack.workspace.default_channel.id, text="hi"))
    assert e.response["error"] == "missing_scope"
    assert e.response["needed"] == "chat:write"
    assert set(e.response["provided"].split(",")) == slack.workspace.bot_scopes


async def test_conversation_scopes_depend_on_the_conversation_kind(slack: FakeSlack, client: AsyncWebClient) -> None:
    """conversations.info needs channels:read for a public channel but im:read for a DM (default scopes)."""
    e = await error_of(client.conversations_info(channel=slack.workspace.default_channel.id))
    assert (e.response["error"], e.response["needed"]) == ("missing_scope", "channels:read")
    dm = (await client.conversations_open(users=slack.workspace.default_user.id))["channel"]["id"]
    info = await client.conversations_info(channel=dm)
    assert info["channel"]["is_im"] is True
    assert info["channel"]["user"] == slack.workspace.default_user.id
    slack.workspace.bot_scopes.add("channels:read")
    info = await client.conversations_info(channel=slack.workspace.default_channel.id)
    assert info["channel"]["is_member"] is True and info["channel"]["is_channel"] is True


async def test_users_info_needs_users_read(slack: FakeSlack, client: AsyncWebClient) -> None:
    """users.info needs users:read (not in the default scopes); then it shows tz and admin flags."""
    bob = slack.workspace.add_user("bob", is_admin=True, tz="America/New_York")
    e = await error_of(client.users_info(user=bob.id))
    assert (e.response["error"], e.response["needed"]) == ("missing_scope", "users:read")
    slack.workspace.bot_scopes.add("users:read")
    user = (await client.users_info(user=bob.id))["user"]
    assert (user["id"], user["name"], user["is_admin"], user["tz"]) == (bob.id, "bob", True, "America/New_York")
    assert user["tz_offset"] in (-4 * 3600, -5 * 3600)
    e = await error_of(client.users_info(user="U0NOBODY00"))
    assert e.response["error"] == "user_not_found"


# -- where the bot may post -----------------------------------------------------------------------------


async def test_public_channel_without_membership_needs_chat_write_public(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    """Public channel without the bot: posts with chat:write.public, else not_in_channel."""
    ch = slack.workspace.add_channel("alerts", kind="public", bot_member=False)
    r = await client.chat_postMessage(channel=ch.id, text="outage")
    assert r["channel"] == ch.id
    assert [m.text for m in slack.messages(ch.id)] == ["outage"]
    slack.workspace.bot_scopes.discard("chat:write.public")
    e = await error_of(client.chat_postMessage(channel=ch.id, text="outage"))
    assert e.response["error"] == "not_in_channel"


async def test_private_channel_and_user_dm_without_the_bot_are_channel_not_found(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    """Private channels and user-to-user DMs the bot is not in answer channel_not_found."""
    ws = slack.workspace
    bob = ws.add_user("bob")
    private = ws.add_channel("secret", kind="private", members=[ws.default_user], bot_member=False)
    dm = ws.add_channel("", kind="im", members=[ws.default_user, bob], bot_member=False)
    for channel_id in (private.id, dm.id, "C0DOESNOTEX"):
        e = await error_of(client.chat_postMessage(channel=channel_id, text="hi"))
        assert e.response["error"] == "channel_not_found"
    member_private = ws.add_channel("ops", kind="private", members=[ws.default_user], bot_member=True)
    assert (await client.chat_postMessage(channel=member_private.id, text="hi"))["ok"]


async def test_archived_channel_is_archived(slack: FakeSlack, client: AsyncWebClient) -> None:
    """Posting to or joining an archived channel answers is_archived."""
    ch = slack.workspace.add_channel("old", archived=True)
    assert (await error_of(client.chat_postMessage(channel=ch.id, text="x"))).response["error"] == "is_archived"
    assert (await error_of(client.conversations_join(channel=ch.id))).response["error"] == "is_archived"


async def test_user_id_as_channel_posts_into_the_slackbot_dm(slack: FakeSlack, client: AsyncWebClient) -> None:
    """chat.postMessage(channel=U…) lands in the user's DM with Slackbot, answered with a D… id."""
    user = slack.workspace.default_user
    r = await client.chat_postMessage(channel=user.id, text="psst")
    assert r["channel"].startswith("D")
    assert [m.text for m in slack.messages(r["channel"])] == ["psst"]
    app_dm = slack.workspace.app_dm(user.id, create=False)
    assert app_dm is None or app_dm.id != r["channel"]


async def test_channel_name_is_accepted(slack: FakeSlack, client: AsyncWebClient) -> None:
    """A channel may be named (`#general`) instead of given by id."""
    r = await client.chat_postMessage(channel="#general", text="hi")
    assert r["channel"] == slack.workspace.default_channel.id


async def test_join_public_only(slack: FakeSlack, client: AsyncWebClient) -> None:
    """conversations.join joins public channels (with a channel_join notice), refuses private ones."""
    ws = slack.workspace
    public = ws.add_channel("random", members=[ws.default_user], bot_member=False)
    r = await client.conversations_join(channel=public.id)
    assert r["channel"]["id"] == public.id and r["channel"]["is_member"] is True
    assert public.is_member(slack.bot_user_id)
    assert [m.subtype for m in slack.messages(public.id)] == ["channel_join"]
    again = await client.conversations_join(channel=public.id)
    assert again["warning"] == "already_in_channel"
    private = ws.add_channel("hidden", kind="private", members=[ws.default_user], bot_member=False)
    e = await error_of(client.conversations_join(channel=private.id))
    assert e.response["error"] == "method_not_supported_for_channel_type"
    ws.bot_scopes.discard("channels:join")
    e = await error_of(client.conversations_join(channel=public.id))
    assert (e.response["error"], e.response["needed"]) == ("missing_scope", "channels:join")


async def test_post_ephemeral_requires_the_user_in_the_channel(slack: FakeSlack, client: AsyncWebClient) -> None:
    """chat.postEphemeral records the message for one user and refuses users outside the channel."""
    ws = slack.workspace
    r = await client.chat_postEphemeral(channel=ws.default_channel.id, user=ws.default_user.id, text="only you")
    assert r["message_ts"]
    assert [(e.user, e.text) for e in slack.ephemerals] == [(ws.default_user.id, "only you")]
    assert slack.messages(ws.default_channel.id) == []
    outsider = ws.add_user("carol")
    room = ws.add_channel("room", members=[], bot_member=True)
    e = await error_of(client.chat_postEphemeral(channel=room.id, user=outsider.id, text="x"))
    assert e.response["error"] == "user_not_in_channel"


async def test_conversations_open_gives_the_app_dm(slack: FakeSlack, client: AsyncWebClient) -> None:
    """conversations.open(users=U…) opens (then reuses) the bot's DM with that user."""
    user = slack.workspace.default_user
    first = await client.conversations_open(users=user.id)
    second = await client.conversations_open(users=user.id, return_im=True)
    assert first["channel"]["id"] == second["channel"]["id"]
    assert second["already_open"] is True and second["channel"]["is_im"] is True
    e = await error_of(client.conversations_open(users="U0NOBODY00"))
    assert e.response["error"] == "user_not_found"


# -- message validation ---------------------------------------------------------------------------------


async def test_message_without_content_is_no_text(slack: FakeSlack, client: AsyncWebClient) -> None:
    """A message with neither text, blocks nor attachments answers no_text."""
    # Raw call: slack_sdk's chat_postMessage would warn about the missing text first.
    ch = slack.workspace.default_channel.id
    e = await error_of(client.api_call("chat.postMessage", json={"channel": ch}))
    assert e.response["error"] == "no_text"
    e = await error_of(client.api_call("chat.postMessage", json={"channel": ch, "text": "", "blocks": []}))
    assert e.response["error"] == "no_text"


async def test_text_over_40000_characters_is_msg_too_long(slack: FakeSlack, client: AsyncWebClient) -> None:
    """Text longer than 40,000 characters answers msg_too_long; exactly 40,000 is fine."""
    ch = slack.workspace.default_channel.id
    assert (await client.chat_postMessage(channel=ch, text="a" * 40_000))["ok"]
    e = await error_of(client.chat_postMessage(channel=ch, text="a" * 40_001))
    assert e.response["error"] == "msg_too_long"


BAD_BLOCKS: dict[str, list[Any]] = {
    "51 blocks": [section("x") for _ in range(51)],
    "section text 3001": [section("a" * 3001)],
    "empty section text": [section("")],
    "11 fields": [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
    "field 2001": [{"type": "section", "fields": [{"type": "mrkdwn", "text": "a" * 2001}]}],
    "header 151": [{"type": "header", "text": {"type": "plain_text", "text": "a" * 151}}],
    "header mrkdwn": [{"type": "header", "text": {"type": "mrkdwn", "text": "*h*"}}],
    "context 11": [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}],
    "actions 26": [
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "b"}, "action_id": f"a{i}"} for i in range(26)
            ],
        }
    ],
    "block_id 256": [section("x", block_id="b" * 256)],
    "unknown type": [{"type": "sectionn", "text": {"type": "mrkdwn", "text": "x"}}],
    "text is a string": [{"type": "section", "text": "plain string"}],
    "text object without type": [{"type": "section", "text": {"text": "x"}}],
    "duplicate block_id": [section("x", block_id="same"), section("y", block_id="same")],
    "duplicate action_id": [
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "1"}, "action_id": "go"},
                {"type": "button", "text": {"type": "plain_text", "text": "2"}, "action_id": "go"},
            ],
        }
    ],
    "button text 76": [
        {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "a" * 76}}]}
    ],
    "image without alt_text": [{"type": "image", "image_url": "https://example.com/a.png"}],
}


@pytest.mark.parametrize("case", sorted(BAD_BLOCKS))
async def test_block_kit_limits_are_invalid_blocks(slack: FakeSlack, client: AsyncWebClient, case: str) -> None:
    """Each broken Block Kit limit answers invalid_blocks with a json-pointer message."""
    e = await error_of(
        client.chat_postMessage(channel=slack.workspace.default_channel.id, text="fallback", blocks=BAD_BLOCKS[case])
    )
    assert e.response["error"] == "invalid_blocks"
    messages = e.response["response_metadata"]["messages"]
    assert messages and all("[json-pointer:/blocks" in m for m in messages)


async def test_blocks_at_the_limits_are_accepted(slack: FakeSlack, client: AsyncWebClient) -> None:
    """50 blocks, 3000-character sections, 10 fields, a 150-character header and 25 buttons pass."""
    ch = slack.workspace.default_channel.id
    slack.max_blocks_chars = 10**6
    limits: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "h" * 150}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2000}] * 10, "block_id": "b" * 255},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 10},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "b"}, "action_id": f"a{i}"} for i in range(25)
            ],
        },
        {"type": "divider"},
    ]
    blocks = limits + [section("s" * 3000) for _ in range(45)]
    assert len(blocks) == 50
    assert (await client.chat_postMessage(channel=ch, text="fallback", blocks=blocks))["ok"]


async def test_blocks_not_an_array_is_invalid_blocks_format(slack: FakeSlack, client: AsyncWebClient) -> None:
    """`blocks` that is not a JSON array answers invalid_blocks_format."""
    ch = slack.workspace.default_channel.id
    e = await error_of(client.api_call("chat.postMessage", json={"channel": ch, "text": "x", "blocks": {"a": 1}}))
    assert e.response["error"] == "invalid_blocks_format"
    e = await error_of(client.api_call("chat.postMessage", params={"channel": ch, "text": "x", "blocks": "[{"}))
    assert e.response["error"] == "invalid_blocks_format"


async def test_oversized_blocks_are_msg_blocks_too_long(slack: FakeSlack, client: AsyncWebClient) -> None:
    """Valid blocks whose JSON exceeds the ~13k-character cap answer msg_blocks_too_long."""
    blocks = [section("s" * 2900) for _ in range(5)]
    e = await error_of(
        client.chat_postMessage(channel=slack.workspace.default_channel.id, text="fallback", blocks=blocks)
    )
    assert e.response["error"] == "msg_blocks_too_long"


# -- rate limits and faults ------------------------------------------------------------------------------


async def test_post_message_rate_limit_per_channel(
    slack: FakeSlack, client: AsyncWebClient, clock: ManualClock
) -> None:
    """After a burst of 3, chat.postMessage answers 429 + Retry-After per channel until the clock moves."""
    ch = slack.workspace.default_channel.id
    other = slack.workspace.add_channel("other").id
    for i in range(3):
        await client.chat_postMessage(channel=ch, text=f"m{i}")
    e = await error_of(client.chat_postMessage(channel=ch, text="m3"))
    assert e.response.status_code == 429
    assert e.response["error"] == "ratelimited"
    assert e.response.headers["Retry-After"] == "1"
    assert (await client.chat_postMessage(channel=other, text="elsewhere"))["ok"]
    clock.advance(1.0)
    assert (await client.chat_postMessage(channel=ch, text="m4"))["ok"]
    limited = slack.rate_limited
    assert len(limited) == 1 and limited[0].retry_after == 1
    assert [m.text for m in slack.messages(ch)] == ["m0", "m1", "m2", "m4"]


async def test_rate_limit_knobs(slack: FakeSlack, client: AsyncWebClient, clock: ManualClock) -> None:
    """The bucket's rate and burst are knobs: burst 1 at 0.5/s asks for a 2 s wait."""
    slack.set_rate_limit(per_second=0.5, burst=1)
    ch = slack.workspace.default_channel.id
    await client.chat_postMessage(channel=ch, text="a")
    e = await error_of(client.chat_postMessage(channel=ch, text="b"))
    assert e.response.headers["Retry-After"] == "2"
    clock.advance(2.0)
    assert (await client.chat_postMessage(channel=ch, text="b"))["ok"]


async def test_sdk_rate_limit_handler_retries_after_429(slack: FakeSlack) -> None:
    """slack_sdk's AsyncRateLimitErrorRetryHandler waits Retry-After and then succeeds."""
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    r = await client.chat_postMessage(channel=slack.workspace.default_channel.id, text="eventually")
    assert r["ok"]
    assert [c.status for c in slack.calls if c.method == "chat.postMessage"] == [429, 200]


async def test_fault_injection(slack: FakeSlack, client: AsyncWebClient) -> None:
    """fail_next forces HTTP 500s, ok:false errors or delays on the next N calls of a method, then stops."""
    slack.fail_next("auth.test", status=500, count=2)
    slack.fail_next("chat.postMessage", error="internal_error")
    for _ in range(2):
        e = await error_of(client.auth_test())
        assert (e.response.status_code, e.response["error"]) == (500, "internal_error")
    assert (await client.auth_test())["ok"]
    e = await error_of(client.chat_postMessage(channel=slack.workspace.default_channel.id, text="x"))
    assert (e.response.status_code, e.response["error"]) == (200, "internal_error")
    assert slack.messages(slack.workspace.default_channel.id) == []
    assert (await client.chat_postMessage(channel=slack.workspace.default_channel.id, text="x"))["ok"]
    slack.fail_next("auth.test", delay=0.05)  # a slow but successful Slack
    assert (await client.auth_test())["ok"]
    assert slack.calls[-1].injected is False


# -- messages, threads, metadata ------------------------------------------------------------------------


async def test_ts_strictly_increases_on_a_frozen_clock(slack: FakeSlack, client: AsyncWebClient) -> None:
    """Message ts values look like "1732400000.000100" and strictly increase even when time stands still."""
    slack.set_rate_limit(per_second=100, burst=100)
    ch = slack.workspace.default_channel.id
    stamps = [(await client.chat_postMessage(channel=ch, text=str(i)))["ts"] for i in range(5)]
    assert all(len(ts.split(".")[1]) == 6 for ts in stamps)
    assert stamps == sorted(stamps, key=float) and len(set(stamps)) == 5
    assert stamps[0].startswith("1732400000.")


async def test_threads_and_replies(slack: FakeSlack, client: AsyncWebClient) -> None:
    """thread_ts replies count on the parent; conversations.replies returns parent then replies."""
    dm = (await client.conversations_open(users=slack.workspace.default_user.id))["channel"]["id"]
    parent = (await client.chat_postMessage(channel=dm, text="parent"))["ts"]
    r1 = await client.chat_postMessage(channel=dm, text="r1", thread_ts=parent)
    await client.chat_postMessage(channel=dm, text="r2", thread_ts=r1["ts"])  # a reply's ts: same thread
    assert r1["message"]["thread_ts"] == parent
    replies = await client.conversations_replies(channel=dm, ts=parent)
    assert [m["text"] for m in replies["messages"]] == ["parent", "r1", "r2"]
    assert replies["messages"][0]["reply_count"] == 2
    history = await client.conversations_history(channel=dm)
    assert [m["text"] for m in history["messages"]] == ["parent"]
    e = await error_of(client.conversations_replies(channel=dm, ts="1.000000"))
    assert e.response["error"] == "thread_not_found"


async def test_metadata_is_stored_and_returned_on_request(slack: FakeSlack, client: AsyncWebClient) -> None:
    """chat.postMessage metadata comes back from conversations.history only with include_all_metadata."""
    dm = (await client.conversations_open(users=slack.workspace.default_user.id))["channel"]["id"]
    meta = {"event_type": "deepgram_incident", "event_payload": {"id": "abc"}}
    await client.chat_postMessage(channel=dm, text="incident", metadata=meta)
    plain = await client.conversations_history(channel=dm)
    assert "metadata" not in plain["messages"][0]
    full = await client.conversations_history(channel=dm, include_all_metadata=True)
    assert full["messages"][0]["metadata"] == meta
    e = await error_of(client.chat_postMessage(channel=dm, text="x", metadata={"event_payload": {}}))
    assert e.response["error"] == "invalid_metadata_schema"


async def test_history_pagination_and_membership(slack: FakeSlack, client: AsyncWebClient) -> None:
    """conversations.history pages newest first with cursors; a public channel the bot is not in is refused."""
    ws = slack.workspace
    ws.bot_scopes.add("channels:history")
    slack.set_rate_limit(per_second=100, burst=100)
    ch = ws.default_channel.id
    for i in range(5):
        await client.chat_postMessage(channel=ch, text=f"m{i}")
    page1 = await client.conversations_history(channel=ch, limit=2)
    assert [m["text"] for m in page1["messages"]] == ["m4", "m3"] and page1["has_more"] is True
    page2 = await client.conversations_history(channel=ch, limit=2, cursor=page1["response_metadata"]["next_cursor"])
    assert [m["text"] for m in page2["messages"]] == ["m2", "m1"]
    outside = ws.add_channel("outside", bot_member=False)
    e = await error_of(client.conversations_history(channel=outside.id))
    assert e.response["error"] == "not_in_channel"


async def test_chat_update_only_the_bots_own_messages(slack: FakeSlack, client: AsyncWebClient) -> None:
    """chat.update edits the bot's message (keeping history), refuses others' and unknown ones."""
    ws = slack.workspace
    ch = ws.default_channel
    posted = await client.chat_postMessage(channel=ch.id, text="v1")
    updated = await client.chat_update(channel=ch.id, ts=posted["ts"], text="v2")
    assert updated["text"] == "v2" and updated["ts"] == posted["ts"]
    message = slack.messages(ch.id)[0]
    assert message.text == "v2" and message.edited is not None
    assert [h["text"] for h in message.history] == ["v1"]
    human = ws.add_message(ch, text="mine", user=ws.default_user.id)
    e = await error_of(client.chat_update(channel=ch.id, ts=human.ts, text="hacked"))
    assert e.response["error"] == "cant_update_message"
    e = await error_of(client.chat_update(channel=ch.id, ts="1.000001", text="x"))
    assert e.response["error"] == "message_not_found"


async def test_views_publish_home_tab(slack: FakeSlack, client: AsyncWebClient) -> None:
    """views.publish accepts a home view of ≤100 valid blocks; other types and bad blocks are invalid_arguments."""
    user = slack.workspace.default_user.id
    view = {"type": "home", "blocks": [section("Welcome")]}
    r = await client.views_publish(user_id=user, view=view)
    assert r["view"]["type"] == "home" and r["view"]["id"].startswith("V")
    assert slack.workspace.home_views[user]["blocks"] == view["blocks"]
    for bad in (
        {"type": "modal", "blocks": []},
        {"type": "home", "blocks": [section("x") for _ in range(101)]},
        {"type": "home", "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "a" * 151}}]},
    ):
        e = await error_of(client.views_publish(user_id=user, view=bad))
        assert e.response["error"] == "invalid_arguments"
    e = await error_of(client.views_publish(user_id=user, view=view, hash="stale.hash"))
    assert e.response["error"] == "hash_conflict"


async def test_bolt_team_id_argument_is_accepted(slack: FakeSlack, client: AsyncWebClient) -> None:
    """The team_id Bolt adds to its per-request client calls is accepted without a violation."""
    await client.auth_test(team_id=slack.team_id)
    await client.chat_postMessage(channel=slack.workspace.default_channel.id, text="x", team_id=slack.team_id)
    assert slack.contract_violations == []


async def test_calls_record_transport_details(slack: FakeSlack, client: AsyncWebClient) -> None:
    """Each call records method, HTTP verb, merged args, their source and the content type."""
    await client.chat_postMessage(channel=slack.workspace.default_channel.id, text="hi")
    await client.conversations_open(users=slack.workspace.default_user.id)
    dm = slack.calls[-1].response["channel"]["id"]
    await client.conversations_info(channel=dm)
    post, opened, info = slack.calls
    assert (post.http_method, post.content_type, post.arg_sources) == (
        "POST",
        "application/json;charset=utf-8",
        {"channel": "json", "text": "json"},
    )
    assert (opened.http_method, opened.arg_sources) == ("POST", {"users": "query"})
    assert (info.http_method, info.args) == ("GET", {"channel": dm})
    assert post.token == slack.bot_token and post.token_source == "header"
    assert json.loads(json.dumps(post.response))["ok"] is True
