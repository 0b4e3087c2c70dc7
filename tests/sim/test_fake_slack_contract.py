"""The fake against Slack's own artifacts: the method table vs slack-api-ref, argument contract checks,
and response/payload shapes vs the java-slack-sdk json-logs samples and the slack-api-specs schemas."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import jsonschema
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from simworld.slack import FakeSlack, SlackDriver
from simworld.slack.contract import COMMON_ERRORS, METHODS, OBSERVED_ERRORS, ApiRef


@pytest.fixture
def ref_dir(reference_data: Path) -> Path:
    return reference_data / "slack" / "slack-api-ref"


@pytest.fixture
async def slack(ref_dir: Path) -> AsyncIterator[FakeSlack]:
    async with FakeSlack(api_ref_dir=ref_dir, seed=9) as fake:
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)


# -- the fake's method table vs the reference --------------------------------------------------------------


def test_method_table_matches_the_reference(ref_dir: Path) -> None:
    """Every error the fake can return is documented for the method (or a common/observed one), and
    every scope the fake requires is one of the method's `scope.bot` scopes."""
    ref = ApiRef(ref_dir)
    problems = []
    for name, spec in METHODS.items():
        doc = ref.method(name)
        assert doc is not None, f"{name} is not in slack-api-ref"
        documented = ref.errors(name)
        for error in sorted(spec.errors):
            if error not in documented and error not in COMMON_ERRORS and (name, error) not in OBSERVED_ERRORS:
                problems.append(f"{name}: {error} is not documented")
        bot_scopes = ref.bot_scopes(name)
        for scope in sorted(spec.all_scopes()):
            if scope not in bot_scopes:
                problems.append(f"{name}: scope {scope} not in scope.bot {sorted(bot_scopes)}")
        if not spec.all_scopes() and spec.token_types == frozenset({"bot"}):
            assert doc.get("no_scope_required") or not bot_scopes, f"{name} needs a scope the fake does not check"
        if not spec.json_body:
            assert not ref.json_input_supported(name), f"{name} does accept JSON"
    assert problems == []


def test_observed_errors_are_really_undocumented(ref_dir: Path) -> None:
    """The list of undocumented-but-observed errors holds only entries the reference lacks."""
    ref = ApiRef(ref_dir)
    for name, error in OBSERVED_ERRORS:
        assert error not in ref.errors(name) and error not in COMMON_ERRORS


# -- contract checking of calls ---------------------------------------------------------------------


async def test_undocumented_argument_is_a_violation(slack: FakeSlack, client: AsyncWebClient) -> None:
    """An argument the method does not document is recorded as a violation; Slack still answers."""
    r = await client.chat_postMessage(channel=slack.workspace.default_channel.id, text="hi", colour="red")
    assert r["ok"]
    assert slack.contract_violations == ["chat.postMessage: undocumented argument 'colour'"]


async def test_missing_required_argument_is_a_violation(slack: FakeSlack, client: AsyncWebClient) -> None:
    """A missing required argument is a violation and gets the method's documented error."""
    with pytest.raises(SlackApiError) as info:
        await client.api_call("chat.postMessage", json={"text": "nowhere"})
    assert info.value.response["error"] == "channel_not_found"
    assert slack.contract_violations == ["chat.postMessage: missing required argument 'channel'"]


async def test_json_body_to_a_form_only_method_is_a_violation(slack: FakeSlack, client: AsyncWebClient) -> None:
    """users.info does not read JSON bodies: the call is flagged, and Slack sees no `user`."""
    slack.workspace.bot_scopes.add("users:read")
    with pytest.raises(SlackApiError) as info:
        await client.api_call("users.info", json={"user": slack.workspace.default_user.id})
    assert info.value.response["error"] == "user_not_found"
    assert any("JSON body" in v for v in slack.contract_violations)


async def test_typical_bot_calls_are_clean(slack: FakeSlack, client: AsyncWebClient) -> None:
    """The calls Deepgram Doctor makes, through the real SDK, raise no contract violation."""
    ws = slack.workspace
    ws.bot_scopes |= {"users:read", "channels:read"}
    await client.auth_test()
    dm = (await client.conversations_open(users=ws.default_user.id))["channel"]["id"]
    await client.conversations_info(channel=dm)
    await client.users_info(user=ws.default_user.id)
    posted = await client.chat_postMessage(
        channel=ws.default_channel.id,
        text="Deepgram is degraded",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "*degraded*"}}],
        metadata={"event_type": "incident", "event_payload": {"id": "x"}},
        unfurl_links=False,
    )
    await client.chat_update(channel=ws.default_channel.id, ts=posted["ts"], text="Deepgram recovered")
    await client.chat_postEphemeral(channel=ws.default_channel.id, user=ws.default_user.id, text="only you")
    await client.conversations_join(channel=ws.default_channel.id)
    await client.views_publish(user_id=ws.default_user.id, view={"type": "home", "blocks": []})
    await client.files_upload_v2(channel=ws.default_channel.id, content=b"ID3", filename="s.mp3", title="TTS")
    await client.conversations_history(channel=dm, limit=10)
    assert slack.contract_violations == []
    assert all(c.ok for c in slack.calls)


async def test_without_a_reference_nothing_is_checked() -> None:
    """Contract checking is optional: without api_ref_dir the fake needs no reference data."""
    async with FakeSlack() as fake:
        client = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)
        await client.chat_postMessage(channel=fake.workspace.default_channel.id, text="x", colour="red")
        assert fake.contract_violations == []


# -- shapes vs real samples ------------------------------------------------------------------------------


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def shape_problems(ours: Any, sample: Any, path: str = "$") -> list[str]:
    """Keys we produce that the sample never shows, or whose JSON type differs (null matches anything)."""
    if ours is None or sample is None or sample == {}:
        return []  # null matches any type; an empty sample object tells nothing about its keys
    if _kind(ours) != _kind(sample):
        return [f"{path}: {_kind(ours)} where the sample has {_kind(sample)}"]
    problems: list[str] = []
    if isinstance(ours, dict):
        for key, value in ours.items():
            if key not in sample:
                problems.append(f"{path}.{key}: not in the sample")
            else:
                problems += shape_problems(value, sample[key], f"{path}.{key}")
    elif isinstance(ours, list) and ours and sample and not isinstance(ours[0], dict | list):
        problems += shape_problems(ours[0], sample[0], f"{path}[0]")
    elif isinstance(ours, list) and ours and sample and isinstance(sample[0], dict):
        for i, item in enumerate(ours):
            problems += shape_problems(item, sample[0], f"{path}[{i}]")
    return problems


def sample(reference_data: Path, name: str) -> dict[str, Any]:
    return json.loads((reference_data / "slack" / "java-slack-sdk-json-logs" / name).read_text())  # type: ignore[no-any-return]


async def collect_responses(slack: FakeSlack, client: AsyncWebClient) -> dict[str, dict[str, Any]]:
    ws = slack.workspace
    ws.bot_scopes |= {"users:read", "channels:read"}
    out: dict[str, dict[str, Any]] = {}
    out["auth.test"] = (await client.auth_test()).data  # type: ignore[assignment]
    out["chat.postMessage"] = (
        await client.chat_postMessage(
            channel=ws.default_channel.id,
            text="hello",
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}],
        )
    ).data  # type: ignore[assignment]
    parent = out["chat.postMessage"]["ts"]
    out["chat.update"] = (await client.chat_update(channel=ws.default_channel.id, ts=parent, text="hi")).data  # type: ignore[assignment]
    out["chat.postEphemeral"] = (
        await client.chat_postEphemeral(channel=ws.default_channel.id, user=ws.default_user.id, text="psst")
    ).data  # type: ignore[assignment]
    out["conversations.info"] = (await client.conversations_info(channel=ws.default_channel.id)).data  # type: ignore[assignment]
    joinable = ws.add_channel("joinable", bot_member=False)
    out["conversations.join"] = (await client.conversations_join(channel=joinable.id)).data  # type: ignore[assignment]
    out["conversations.open"] = (await client.conversations_open(users=ws.default_user.id, return_im=True)).data  # type: ignore[assignment]
    out["users.info"] = (await client.users_info(user=ws.default_user.id)).data  # type: ignore[assignment]
    out["views.publish"] = (
        await client.views_publish(user_id=ws.default_user.id, view={"type": "home", "blocks": [{"type": "divider"}]})
    ).data  # type: ignore[assignment]
    upload = await client.files_getUploadURLExternal(filename="a.mp3", length=3)
    out["files.getUploadURLExternal"] = upload.data  # type: ignore[assignment]
    await client.files_upload_v2(channel=ws.default_channel.id, content=b"abc", filename="b.mp3")
    out["files.completeUploadExternal"] = slack.calls[-1].response
    app_client = AsyncWebClient(token=slack.app_token, base_url=slack.api_url)
    out["apps.connections.open"] = (await app_client.apps_connections_open(app_token=slack.app_token)).data  # type: ignore[assignment]
    return out


async def test_web_api_responses_match_java_sdk_samples(
    slack: FakeSlack, client: AsyncWebClient, reference_data: Path
) -> None:
    """Each response uses only keys, with the same JSON types, that real responses show (java json-logs)."""
    responses = await collect_responses(slack, client)
    problems = []
    for method, body in responses.items():
        problems += [f"{method} {p}" for p in shape_problems(body, sample(reference_data, f"api/{method}.json"))]
    assert problems == []
    assert {"ok", "url", "team", "user", "team_id", "user_id", "bot_id"} <= set(responses["auth.test"])
    assert {"ok", "channel", "ts", "message"} <= set(responses["chat.postMessage"])
    assert {"id", "title", "name", "size", "mimetype"} <= set(responses["files.completeUploadExternal"]["files"][0])


async def test_old_methods_validate_against_slack_api_specs(
    slack: FakeSlack, client: AsyncWebClient, reference_data: Path
) -> None:
    """Responses of old, stable methods validate against Slack's (2020) OpenAPI response schemas.

    chat.postMessage / chat.update are left out: that schema predates `app_id` on messages and types
    chat.update's `blocks` as an object, both contradicted by current samples."""
    spec = json.loads(
        (
            reference_data / "slack" / "slack-api-specs" / "web-api" / "slack_web_openapi_v2_without_examples.json"
        ).read_text()
    )
    responses = await collect_responses(slack, client)
    old_methods = (
        "auth.test",
        "chat.postEphemeral",
        "users.info",
        "conversations.info",
        "conversations.join",
        "conversations.open",
    )
    for method in old_methods:
        verbs = spec["paths"][f"/{method}"]
        schema = next(iter(verbs.values()))["responses"]["200"]["schema"]
        validator = jsonschema.Draft4Validator({**schema, "definitions": spec["definitions"]})
        errors = [f"{method}: {e.message}" for e in validator.iter_errors(responses[method])]
        assert errors == []


# -- payloads the driver sends vs samples ------------------------------------------------------------------


async def test_driver_payload_shapes_match_samples(slack: FakeSlack, reference_data: Path) -> None:
    """Slash command fields equal the sample's 15 keys; event envelopes and block actions use sample keys."""
    driver = SlackDriver(slack)
    ws = slack.workspace
    ws.enterprise_id, ws.enterprise_name = "E0SIMWORLD1", "Simworld Grid"
    url = slack.new_response_url()
    payload = driver.command_payload(
        "status", command="/deepgram", user=ws.default_user, channel=ws.default_channel, response_url=url
    )
    assert set(payload) == set(sample(reference_data, "app-backend/SlashCommandPayload.json"))
    assert payload["is_enterprise_install"] == "false"
    assert dict(parse_qsl(urlencode(payload))) == payload

    message_sample = sample(reference_data, "events/MessagePayload.json")
    dm = ws.app_dm(ws.default_user.id)
    assert dm is not None
    event = {
        "user": ws.default_user.id,
        "type": "message",
        "ts": "1.000001",
        "client_msg_id": "x",
        "text": "hi",
        "team": ws.team_id,
        "channel": dm.id,
        "event_ts": "1.000001",
        "channel_type": "im",
    }
    body = slack.event_callback(event)
    # reference §3.1 shows context_team_id / context_enterprise_id, which the java sample predates.
    documented_extras = {"context_team_id", "context_enterprise_id"}
    assert shape_problems({k: v for k, v in body.items() if k not in documented_extras}, message_sample) == []
    home = slack.event_callback(
        {"type": "app_home_opened", "user": "U1", "channel": dm.id, "tab": "home", "event_ts": "1.0"}
    )
    home = {k: v for k, v in home.items() if k not in documented_extras}
    assert shape_problems(home, sample(reference_data, "events/AppHomeOpenedPayload.json")) == []
