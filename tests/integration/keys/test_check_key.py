"""`check_key_reply` against the fake Deepgram with the real httpx client: every case the checklist must read."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest

from bot.runtime.deps import Deps
from bot.slack.commands import Invocation
from bot.slack.kit import Reply, unescape
from bot.slack.replies import check_key_reply
from handlers import SUBCOMMANDS, check_key
from simworld.botproc import free_port
from simworld.deepgram import FakeDeepgram
from simworld.deepgram.state import now_utc


def text_of(reply: Reply) -> str:
    """The reply's text as Slack shows it (`&lt;` read as `<`), markup left in."""
    parts = [reply.text]
    for block in reply.blocks or []:
        if block.get("text"):
            parts.append(block["text"]["text"])
        parts.extend(e["text"] for e in block.get("elements") or [])
    return unescape("\n".join(parts))


def lines(reply: Reply) -> dict[str, str]:
    """Checklist lines by label: `{label: whole line}`, as Slack shows them (`&lt;` read as `<`)."""
    found: dict[str, str] = {}
    for block in reply.blocks or []:
        text = unescape(block.get("text", {}).get("text", ""))
        if block["type"] == "section" and text.startswith(":") and "*: " in text:
            label = text.split("*", 2)[1]
            found[label] = text
    return found


def assert_no_secret(reply: Reply, *secrets: str) -> None:
    """No 8 consecutive characters of any secret appear; the last 4 alone may."""
    dumped = json.dumps([reply.text, reply.blocks], ensure_ascii=False)
    for secret in secrets:
        for i in range(len(secret) - 7):
            assert secret[i : i + 8] not in dumped, "a piece of a secret leaked into the reply"


async def mint(dg: FakeDeepgram, key: str, ttl: int = 60) -> str:
    async with httpx.AsyncClient() as http:
        resp = await http.post(
            dg.base_url + "/v1/auth/grant", headers={"Authorization": f"Token {key}"}, json={"ttl_seconds": ttl}
        )
    token: str = resp.json()["access_token"]
    return token


async def check(deps: Deps, pasted: str | None) -> Reply:
    return await check_key_reply(deps, pasted, user_id="U123")


async def test_configured_key_all_good(dg: FakeDeepgram, deps: Deps) -> None:
    """No argument: the bot's own key passes every line; Deepgram saw only `Token` requests."""
    reply = await check(deps, None)
    found = lines(reply)
    assert set(found) == {
        "What it is",
        "Accepted",
        "Projects",
        "Scopes",
        "Expiry",
        "Balance of Acme Voice",
        "Key management",
        "Temporary tokens",
    }
    assert all(line.startswith(":white_check_mark:") for line in found.values())
    assert "Reaches 1 project: *Acme Voice*." in found["Projects"]
    assert "`member` (comment “Deepgram Doctor bot”)" in found["Scopes"]
    assert "$187.42" in found["Balance of Acme Voice"]
    assert "bot's configured `DEEPGRAM_API_KEY`" in text_of(reply)
    assert {r.auth_scheme for r in dg.requests} == {"token"}
    grant = next(r for r in dg.requests if r.path == "/v1/auth/grant")
    assert grant.status == 200
    assert dg.tokens.issued and all(t.expires_at - now_utc().timestamp() <= 1 for t in dg.tokens.issued.values())
    assert_no_secret(reply, dg.api_key)


async def test_no_configured_key_says_how_to_set_it(dg: FakeDeepgram, deps: Deps) -> None:
    """Without DEEPGRAM_API_KEY the reply explains how to set it, or to paste a key; Deepgram is not called."""
    deps.settings = replace(deps.settings, deepgram_api_key=None)
    reply = await check(deps, "   ")
    shown = unescape(reply.text)
    assert "No `DEEPGRAM_API_KEY` is configured" in shown and "/deepgram check-key <key>" in shown
    assert dg.requests == []


async def test_invalid_key(dg: FakeDeepgram, deps: Deps) -> None:
    """An unknown key: rejected with 401, the 401 playbook, and nothing else asked."""
    bad = "f" * 40
    reply = await check(deps, bad)
    accepted = lines(reply)["Accepted"]
    assert accepted.startswith(":x:") and "Deepgram answered 401" in accepted
    assert "`/deepgram why 401`" in accepted
    assert [r.path for r in dg.requests] == ["/v1/projects"]
    assert_no_secret(reply, bad)


async def test_bearer_with_an_api_key_is_demonstrated(dg: FakeDeepgram, deps: Deps) -> None:
    """`Bearer <api key>`: Deepgram is asked both ways; 401 as pasted, 200 with Token, and the fix."""
    reply = await check(deps, f"Bearer {dg.api_key}")
    scheme = lines(reply)["Scheme"]
    suffix = dg.api_key[-4:]
    assert scheme.startswith(":x:")
    assert f"(`Bearer …{suffix}`), Deepgram answered 401; sent as `Token …{suffix}` it answered 200" in scheme
    assert "Send `Authorization: Token <key>`" in scheme and "`/deepgram why 401`" in scheme
    assert sorted(r.auth_scheme or "" for r in dg.requests if r.path == "/v1/projects") == ["bearer", "token"]
    assert lines(reply)["Accepted"].startswith(":white_check_mark:")
    assert_no_secret(reply, dg.api_key)


@pytest.mark.parametrize(
    "wrap",
    [
        lambda k: f"`{k}`",
        lambda k: f'"{k}"',
        lambda k: f"Authorization: Token {k}",
        lambda k: f"```\nToken {k}\n```",
        lambda k: f"<{k}>",
    ],
)
async def test_wrapped_pastes_still_check_the_key(dg: FakeDeepgram, deps: Deps, wrap: Callable[[str], str]) -> None:
    """Quotes, backticks, code blocks, headers and Slack brackets are peeled off before asking Deepgram."""
    reply = await check(deps, wrap(dg.api_key))
    assert lines(reply)["Accepted"].startswith(":white_check_mark:")
    assert_no_secret(reply, dg.api_key)


async def test_jwt_from_grant(dg: FakeDeepgram, deps: Deps) -> None:
    """A token minted by the fake's /v1/auth/grant: valid, accepted on /v1/listen, management explained."""
    jwt = await mint(dg, dg.api_key)
    dg.clear_records()
    reply = await check(deps, jwt)
    found = lines(reply)
    assert reply.blocks and reply.blocks[0]["text"]["text"] == f"Temporary token check …{jwt[-4:]}"
    assert found["Expiry"].startswith(":white_check_mark: *Expiry*: Valid for another")
    assert found["Accepted"].startswith(":white_check_mark:") and "(400)" in found["Accepted"]
    assert found["Management API"].startswith(":information_source:")
    (listen,) = dg.requests
    assert (listen.path, listen.auth_scheme, listen.status, listen.body_length) == ("/v1/listen", "bearer", 400, 0)
    assert dg.usage_seconds == {}
    assert_no_secret(reply, jwt)


async def test_jwt_sent_as_token(dg: FakeDeepgram, deps: Deps) -> None:
    """`Token <jwt>`: the demonstration shows 401 with Token and acceptance with Bearer."""
    jwt = await mint(dg, dg.api_key)
    scheme = lines(await check(deps, f"Token {jwt}"))["Scheme"]
    assert "Deepgram answered 401" in scheme and "got past authentication" in scheme
    assert "`/deepgram why temporary-tokens`" in scheme


async def test_expired_jwt(dg: FakeDeepgram, deps: Deps) -> None:
    """An expired token: its own `exp` says so offline, and Deepgram's 401 confirms it."""
    jwt = await mint(dg, dg.api_key, ttl=30)
    dg.expire_tokens()
    deps.clock = lambda: now_utc() + timedelta(minutes=5)
    found = lines(await check(deps, f"Bearer {jwt}"))
    assert found["Expiry"].startswith(":x: *Expiry*: Expired")
    assert found["Accepted"].startswith(":x:") and "it has expired" in found["Accepted"]


async def test_expired_key(dg: FakeDeepgram, deps: Deps) -> None:
    """An expired API key is refused like an unknown one: 401, "wrong, deleted or expired"."""
    old = dg.add_key(expired=True)
    accepted = lines(await check(deps, old))["Accepted"]
    assert accepted.startswith(":x:") and "deleted or expired" in accepted


async def test_key_expiring_soon_is_a_warning(dg: FakeDeepgram, deps: Deps) -> None:
    """A key that expires in two days is accepted, with a warning and a date."""
    soon = dg.add_key(scopes=("member",), expiration=now_utc() + timedelta(days=2, hours=1))
    expiry = lines(await check(deps, soon))["Expiry"]
    assert expiry.startswith(":warning: *Expiry*: Expires in 2 days")


async def test_low_balance(dg: FakeDeepgram, deps: Deps) -> None:
    """A project with $4.20 left: a warning that names 402 and links the credits playbook."""
    project = dg.add_project("Side project", balance_usd=4.2)
    balance = lines(await check(deps, dg.add_key(project)))["Balance of Side project"]
    assert balance.startswith(":warning:") and "$4.20: low" in balance and "`/deepgram why credits`" in balance


async def test_zero_balance(dg: FakeDeepgram, deps: Deps) -> None:
    """An exhausted project: a failure that says 402 errors are coming."""
    dg.exhaust_credits()
    balance = lines(await check(deps, None))["Balance of Acme Voice"]
    assert balance.startswith(":x:") and "$0.00: out of credit" in balance and "402 Payment Required" in balance
    assert "usually expires (about a year)" in balance


async def test_invoiced_project(dg: FakeDeepgram, deps: Deps) -> None:
    """An empty balance list: invoiced billing, said as information."""
    project = dg.add_project("Enterprise", balance_usd=None)
    balance = lines(await check(deps, dg.add_key(project, scopes=("owner",))))["Balance of Enterprise"]
    assert balance.startswith(":information_source:") and "invoiced" in balance


async def test_member_key_cannot_see_its_scopes(dg: FakeDeepgram, deps: Deps) -> None:
    """Keys listed only to admins and no token details: "can't see its own scopes (needs admin)", not a failure."""
    dg.keys_need_admin = True
    dg.token_details_enabled = False
    reply = await check(deps, None)
    scopes = lines(reply)["Scopes"]
    assert scopes.startswith(":information_source: *Scopes*: Can't see its own scopes (needs admin)")
    assert "Expiry" not in lines(reply)
    assert reply.blocks is not None and "problem" not in reply.blocks[1]["text"]["text"]


async def test_scopes_from_the_key_list_when_details_are_gone(dg: FakeDeepgram, deps: Deps) -> None:
    """Without /v1/auth/token the key cannot be matched in the list: its scopes are unknown, said as information."""
    dg.token_details_enabled = False
    scopes = lines(await check(deps, None))["Scopes"]
    assert scopes.startswith(":information_source:") and "Deepgram never returns a key's secret" in scopes


async def test_key_in_two_projects(dg: FakeDeepgram, deps: Deps) -> None:
    """A key reaching two projects: both named, each balance checked."""
    staging = dg.add_project("Acme Staging", balance_usd=0.0)
    dg.share_key(dg.api_key, staging)
    found = lines(await check(deps, None))
    assert "Reaches 2 projects: *Acme Voice*, *Acme Staging*." in found["Projects"]
    assert found["Balance of Acme Voice"].startswith(":white_check_mark:")
    assert found["Balance of Acme Staging"].startswith(":x:")


@pytest.mark.parametrize("status", [401, 403])
async def test_management_401_and_403_forms(dg: FakeDeepgram, deps: Deps, status: int) -> None:
    """Docs disagree on 401 vs 403 for a bad key on management routes: both read as rejected."""
    dg.management_auth_status = status
    accepted = lines(await check(deps, "0" * 40))["Accepted"]
    assert accepted.startswith(":x:") and f"Deepgram answered {status}: “Authentication failed." in accepted
    assert f"`/deepgram why {status}`" in accepted


@pytest.mark.parametrize("form", ["forbidden", "bad_request"])
async def test_key_below_member_cannot_mint_tokens(dg: FakeDeepgram, deps: Deps, form: str) -> None:
    """Both documented grant refusals (403 FORBIDDEN, 400 BAD_REQUEST) read "needs Member role or higher"."""
    dg.grant_denied_form = form  # type: ignore[assignment]
    reader = dg.add_key(scopes=("project:read", "usage:write"))
    grant = lines(await check(deps, reader))["Temporary tokens"]
    assert grant.startswith(":warning:") and "Cannot mint temporary tokens (needs Member role or higher" in grant
    assert "`/deepgram why temporary-tokens`" in grant


async def test_key_without_management_access(dg: FakeDeepgram, deps: Deps) -> None:
    """A `usage:write`-only key: known to Deepgram, may not read projects; its scopes still come from its details."""
    found = lines(await check(deps, dg.add_key(scopes=("usage:write",))))
    assert found["Accepted"].startswith(":warning:") and "will not let it read projects" in found["Accepted"]
    assert "`usage:write`" in found["Scopes"]


async def test_deepgram_5xx(dg: FakeDeepgram, deps: Deps) -> None:
    """A 503 from Deepgram: could not check, try again, the 5xx playbook."""
    dg.fail("projects", status=503, times=None)
    accepted = lines(await check(deps, None))["Accepted"]
    assert "server error (503" in accepted and "`/deepgram why 5xx`" in accepted


async def test_deepgram_timeout(dg: FakeDeepgram, deps: Deps) -> None:
    """Deepgram slower than the timeout: a timeout line, not an exception."""
    dg.set_latency("projects", 2.0)
    deps.settings = replace(deps.settings, probe_timeout_seconds=0.2)
    accepted = lines(await check(deps, None))["Accepted"]
    assert "no answer from Deepgram within 0.2 s" in accepted and "`/deepgram why 408`" in accepted


async def test_deepgram_refused(deps: Deps) -> None:
    """Nothing listening at DEEPGRAM_API_URL: connection refused, the network playbook."""
    deps.settings = replace(deps.settings, deepgram_api_url=f"http://127.0.0.1:{free_port()}")
    accepted = lines(await check(deps, None))["Accepted"]
    assert "could not connect to Deepgram" in accepted and "`/deepgram why network`" in accepted


async def test_configured_key_with_quotes(dg: FakeDeepgram, deps: Deps) -> None:
    """A configured value with literal quotes: fails, and shows Deepgram's 401 for it against 200 without them."""
    deps.settings = replace(deps.settings, deepgram_api_key=f'"{dg.api_key}"')
    cleanup = lines(await check(deps, None))["Copy & paste"]
    assert (
        cleanup.startswith(":x:") and "Sent exactly as configured, Deepgram answered 401; without them, 200." in cleanup
    )


async def test_key_id_is_not_sent(dg: FakeDeepgram, deps: Deps) -> None:
    """A pasted key id (UUID) is explained offline; Deepgram is not asked."""
    reply = await check(deps, dg.key_info(dg.api_key).api_key_id)
    assert "key *ID*" in lines(reply)["What it is"] and dg.requests == []


async def test_nothing_logged_but_the_outcome(dg: FakeDeepgram, deps: Deps, caplog: pytest.LogCaptureFixture) -> None:
    """The one log line names the user and outcome; no part of the key is in any record."""
    caplog.set_level(logging.DEBUG)
    await check(deps, f"Bearer {dg.api_key}")
    (record,) = [r for r in caplog.records if r.getMessage() == "key checked"]
    assert (record.user, record.source, record.overall) == ("U123", "pasted", "fail")  # type: ignore[attr-defined]
    everything = "\n".join(f"{r.getMessage()} {vars(r)}" for r in caplog.records)
    assert dg.api_key[:8] not in everything and dg.api_key not in everything


async def test_registered_with_a_fixed_ack() -> None:
    """`check-key` (and its aliases) is in the command table; its ack is a fixed sentence."""
    sub = SUBCOMMANDS.lookup("check-key")
    assert sub is not None and SUBCOMMANDS.lookup("key") is sub and SUBCOMMANDS.lookup("checkkey") is sub
    assert sub.usage == "check-key [key]" and sub.ack_text == "Checking the key with Deepgram, a few seconds…"


async def test_non_ascii_paste_is_not_sent(dg: FakeDeepgram, deps: Deps) -> None:
    """A paste with characters no header can carry is explained without a request to Deepgram."""
    reply = await check(deps, f"Token {dg.api_key[:-1]}é")
    assert lines(reply)["Accepted"].startswith(":x: *Accepted*: Not sent to Deepgram")
    assert dg.requests == []


async def test_the_handler_undoes_slack_escaping_once_more(dg: FakeDeepgram, deps: Deps) -> None:
    """`/deepgram check-key Token &lt;key&gt;` (already escaped where it was copied from) checks the key itself."""
    invocation = Invocation(
        name="check-key",
        args=f"Token &lt;{dg.api_key}&gt;",
        user_id="U1",
        channel_id="C1",
        team_id="T1",
        table=SUBCOMMANDS,
    )
    reply = await check_key.run(invocation, deps)
    assert lines(reply)["Accepted"].startswith(":white_check_mark:")
    assert lines(reply)["Scheme"].startswith(":white_check_mark:")
    assert_no_secret(reply, dg.api_key)
