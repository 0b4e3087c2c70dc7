"""manifest.yml is a valid Slack app manifest and agrees with the command table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

from handlers import SUBCOMMANDS
from simworld.slack.escaping import MANIFEST_SHOULD_ESCAPE
from simworld.world import MANIFEST_BOT_SCOPES
from tests.conftest import ROOT

SCHEMA_BASE = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"


@pytest.fixture(scope="module")
def validator(reference_data: Path) -> jsonschema.Draft7Validator:
    """The root manifest schema with its remote `$ref`s served from the local copies (no network)."""
    folder = reference_data / "slack" / "manifest-schema"
    root = json.loads((folder / "manifest.schema.json").read_text())
    resources = []
    for path in sorted((folder / "schemas").glob("*.json")):
        contents = json.loads(path.read_text())
        resources.append((SCHEMA_BASE + path.name, Resource.from_contents(contents, default_specification=_draft7())))
    registry: Registry[Any] = Registry().with_resources(resources)
    return jsonschema.Draft7Validator(root, registry=registry)


def _draft7() -> Any:
    from referencing.jsonschema import DRAFT7

    return DRAFT7


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_schema_accepts_the_official_examples_and_rejects_the_invalid(
    validator: jsonschema.Draft7Validator, reference_data: Path
) -> None:
    """The validator is wired right: Slack's own valid examples pass and its invalid ones fail."""
    examples = reference_data / "slack" / "manifest-schema" / "examples"
    for version in ("v1", "v2"):
        assert not list(validator.iter_errors(json.loads((examples / version / "manifest.valid.json").read_text())))
        assert list(validator.iter_errors(json.loads((examples / version / "manifest.invalid.json").read_text())))


def test_manifest_validates(validator: jsonschema.Draft7Validator, manifest: dict[str, Any]) -> None:
    """Our manifest.yml passes Slack's manifest JSON Schema."""
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(manifest)]
    assert errors == []


def test_manifest_declares_what_the_bot_uses(manifest: dict[str, Any]) -> None:
    """Socket Mode, the messages tab, interactivity, the two bot events and the scopes in use are all on."""
    features, settings = manifest["features"], manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert set(settings["event_subscriptions"]["bot_events"]) == {"message.im", "app_home_opened"}
    assert features["app_home"]["messages_tab_enabled"] is True
    assert features["app_home"]["messages_tab_read_only_enabled"] is False
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "chat:write.public", "channels:join", "files:write", "im:history"} <= scopes
    (command,) = features["slash_commands"]
    assert command["command"] == "/deepgram" and command["should_escape"] is True
    # `subscribe --mention` checks people with users.info and groups with usergroups.list.
    assert {"users:read", "usergroups:read"} <= scopes


def test_usage_hint_matches_the_command_table(manifest: dict[str, Any]) -> None:
    """The hint Slack shows under /deepgram is generated from the same table the router uses."""
    (command,) = manifest["features"]["slash_commands"]
    assert command["usage_hint"] == SUBCOMMANDS.usage_hint()


def test_simulated_slack_escapes_commands_like_the_manifest_says(manifest: dict[str, Any]) -> None:
    """The fake Slack's driver sends command text the way `should_escape` makes Slack send it (the sandbox
    cannot read the manifest either)."""
    (command,) = manifest["features"]["slash_commands"]
    assert command["should_escape"] is MANIFEST_SHOULD_ESCAPE


def test_simulated_workspace_grants_the_manifest_scopes(manifest: dict[str, Any]) -> None:
    """The sandbox's workspace grants exactly the bot scopes manifest.yml asks for (it cannot read the manifest)."""
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == MANIFEST_BOT_SCOPES
