"""The fake's user groups (`usergroups.list`) and its `should_escape` command text, against the reference."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from simworld.slack import FakeSlack, SlackDriver
from simworld.slack.escaping import escape_command_text
from simworld.slack.testing import serve_bolt_http
from tests.fakes import fake_slack, web_client


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with fake_slack(seed=23) as fake:
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return web_client(slack)


async def test_usergroups_list_needs_its_scope(slack: FakeSlack, client: AsyncWebClient) -> None:
    """Without `usergroups:read`: `missing_scope`, naming the scope, as Slack does."""
    slack.workspace.add_usergroup("oncall")
    with pytest.raises(SlackApiError) as info:
        await client.usergroups_list()
    assert info.value.response["error"] == "missing_scope" and info.value.response["needed"] == "usergroups:read"


async def test_usergroups_list_hides_disabled_groups_unless_asked(slack: FakeSlack, client: AsyncWebClient) -> None:
    """Enabled groups only by default; `include_disabled` adds the disabled ones, marked by `date_delete`."""
    ws = slack.workspace
    ws.bot_scopes.add("usergroups:read")
    oncall = ws.add_usergroup("oncall", name="On-call", users=[ws.default_user])
    old = ws.add_usergroup("old-team", disabled=True)
    listed = (await client.usergroups_list())["usergroups"]
    assert [(g["id"], g["handle"], g["date_delete"]) for g in listed] == [(oncall.id, "oncall", 0)]
    assert "user_count" not in listed[0] and "users" not in listed[0]
    every = (await client.usergroups_list(include_disabled=True, include_count=True, include_users=True))["usergroups"]
    assert [g["id"] for g in every] == [oncall.id, old.id] and every[1]["date_delete"] > 0
    assert every[0]["user_count"] == 1 and every[0]["users"] == [ws.default_user.id]
    assert ws.usergroup_by_handle("@oncall") is oncall


async def test_usergroups_list_validates_against_slack_api_specs(
    slack: FakeSlack, client: AsyncWebClient, reference_data: Path
) -> None:
    """The response validates against Slack's (2020) OpenAPI schema for usergroups.list (`objs_subteam`)."""
    spec = json.loads(
        (
            reference_data / "slack" / "slack-api-specs" / "web-api" / "slack_web_openapi_v2_without_examples.json"
        ).read_text()
    )
    ws = slack.workspace
    ws.bot_scopes.add("usergroups:read")
    ws.add_usergroup("oncall", users=[ws.default_user])
    ws.add_usergroup("old-team", disabled=True)
    body = (await client.usergroups_list(include_disabled=True, include_count=True, include_users=True)).data
    schema = spec["paths"]["/usergroups.list"]["get"]["responses"]["200"]["schema"]
    validator = jsonschema.Draft4Validator({**schema, "definitions": spec["definitions"]})
    assert [e.message for e in validator.iter_errors(body)] == []


# -- should_escape ---------------------------------------------------------------------------------------


def test_typed_text_is_escaped_like_slack(slack: FakeSlack) -> None:
    """Known people, groups and channels become markup with their IDs; URLs links; `&<>` entities; the rest stays."""
    ws = slack.workspace
    ana = ws.add_user("ana")
    oncall = ws.add_usergroup("oncall")
    typed = "@ana, @oncall & @nobody in #general: see https://x.io/a?b=1&c=2. <b> @here #nowhere a@b.c"
    assert escape_command_text(typed, ws) == (
        f"<@{ana.id}|ana>, <!subteam^{oncall.id}|@oncall> &amp; @nobody in "
        f"<#{ws.default_channel.id}|general>: see <https://x.io/a?b=1&amp;c=2>. &lt;b&gt; <!here> #nowhere a@b.c"
    )


async def test_the_driver_escapes_unless_told_not_to(slack: FakeSlack) -> None:
    """`slash_command` sends typed text as Slack would with `should_escape` (the manifest's setting);
    `escape=False`, or a driver for a command without it, sends the text exactly as given."""
    app = AsyncApp(signing_secret=slack.signing_secret, client=web_client(slack))
    seen: list[str] = []

    @app.command("/deepgram")
    async def command(ack: Any, command: dict[str, Any]) -> None:
        seen.append(command["text"])
        await ack()

    async with serve_bolt_http(app) as url:
        driver = SlackDriver(slack, app_url=url)
        await driver.slash_command("why a & b @alice")
        await driver.slash_command("why &lt;raw&gt;", escape=False)
        await SlackDriver(slack, app_url=url, should_escape=False).slash_command("why a & b @alice")
    alice = slack.workspace.default_user
    assert seen == [f"why a &amp; b <@{alice.id}|alice>", "why &lt;raw&gt;", "why a & b @alice"]
