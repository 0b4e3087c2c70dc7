"""Shared by the realtime-socket fidelity tests: AsyncAPI/OpenAPI schema checks and socket helpers.

Schemas come from the copies in `tests/data/deepgram/specs/` (fixture `reference_data`). A message
passes when it validates against its channel's schema (Draft 2020-12) and carries no key the schema
does not declare (the specs allow extras; a faithful fake should not invent any).
"""

from __future__ import annotations

import asyncio
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

AAS_URI = "urn:deepgram:asyncapi"
OAS_URI = "urn:deepgram:openapi"

#: server message `type` → AsyncAPI schema, per channel
AGENT_SCHEMAS = {
    t: f"AgentV1_AgentV1{t}"
    for t in (
        "Welcome",
        "SettingsApplied",
        "ConversationText",
        "UserStartedSpeaking",
        "AgentThinking",
        "LatencyReport",
        "FunctionCallRequest",
        "AgentStartedSpeaking",
        "AgentAudioDone",
        "Error",
        "Warning",
        "History",
        "PromptUpdated",
        "SpeakUpdated",
        "ThinkUpdated",
        "ListenUpdated",
        "InjectionRefused",
    )
} | {"FunctionCallResponse": "AgentV1_AgentV1ReceiveFunctionCallResponse"}
FLUX_SCHEMAS = {
    "Connected": "ListenV2_ListenV2Connected",
    "TurnInfo": "ListenV2_ListenV2TurnInfo",
    "ConfigureSuccess": "ListenV2_ListenV2ConfigureSuccess",
    "ConfigureFailure": "ListenV2_ListenV2ConfigureFailure",
    "Error": "ListenV2_ListenV2FatalError",
}
SPEAK_SCHEMAS = {t: f"SpeakV1_SpeakV1{t}" for t in ("Metadata", "Flushed", "Cleared", "Warning")}


@cache
def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        doc: dict[str, Any] = yaml.safe_load(fh)
    return doc


class Specs:
    """The AsyncAPI and OpenAPI documents with a registry resolving `#/components/...` refs."""

    def __init__(self, reference_data: Path) -> None:
        self.aas = _load(str(reference_data / "deepgram/specs/asyncapi.yml"))
        self.oas = _load(str(reference_data / "deepgram/specs/openapi.yml"))
        self.registry: Registry[Any] = Registry().with_resources(
            [
                (AAS_URI, Resource(contents=self.aas, specification=DRAFT202012)),
                (OAS_URI, Resource(contents=self.oas, specification=DRAFT202012)),
            ]
        )

    def schema(self, name: str, *, oas: bool = False) -> dict[str, Any]:
        """components.schemas[name] of either document."""
        doc = self.oas if oas else self.aas
        found: dict[str, Any] = doc["components"]["schemas"][name]
        return found

    def check(self, name: str, instance: Any, *, oas: bool = False, extras: frozenset[str] = frozenset()) -> None:
        """Validate against components.schemas[name]; no undeclared keys (except `extras`)."""
        uri = OAS_URI if oas else AAS_URI
        validator = jsonschema.Draft202012Validator(
            {"$ref": f"{uri}#/components/schemas/{name}"},
            registry=self.registry,
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )
        validator.validate(instance)
        doc = self.oas if oas else self.aas
        assert [k for k in self._undeclared(doc, self.schema(name, oas=oas), instance, "$") if k not in extras] == []

    def check_all(self, names: dict[str, str], messages: list[dict[str, Any]]) -> None:
        """Every message validates against the schema of its `type`."""
        for msg in messages:
            assert msg["type"] in names, f"{msg['type']} is not a server message of this channel"
            self.check(names[msg["type"]], msg)

    def _resolve(self, doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            node: Any = doc
            for part in schema["$ref"].removeprefix("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def _undeclared(self, doc: dict[str, Any], schema: dict[str, Any], value: Any, path: str) -> list[str]:
        schema = self._resolve(doc, schema)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return min((self._undeclared(doc, s, value, path) for s in schema[key]), key=len)
        out: list[str] = []
        if isinstance(value, dict) and schema.get("properties"):
            props = schema["properties"]
            for k, v in value.items():
                out += [f"{path}.{k}"] if k not in props else self._undeclared(doc, props[k], v, f"{path}.{k}")
        elif isinstance(value, list) and "items" in schema:
            for i, v in enumerate(value):
                out += self._undeclared(doc, schema["items"], v, f"{path}[{i}]")
        return out


class Frames:
    """What a client received: JSON messages and binary frames, in order, and how the socket ended."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any] | bytes] = []
        self.close_code: int | None = None
        self.close_reason: str = ""

    @property
    def json(self) -> list[dict[str, Any]]:
        """The JSON messages."""
        return [m for m in self.items if isinstance(m, dict)]

    @property
    def types(self) -> list[str]:
        """`type` of each JSON message, and "<audio>" for each binary frame."""
        return [m["type"] if isinstance(m, dict) else "<audio>" for m in self.items]

    @property
    def audio(self) -> bytes:
        """All binary frames joined."""
        return b"".join(m for m in self.items if isinstance(m, bytes))

    def of(self, kind: str) -> list[dict[str, Any]]:
        """The JSON messages of one `type`."""
        return [m for m in self.json if m["type"] == kind]


async def collect(ws: ClientConnection, frames: Frames, *, until: str | None = None, quiet: float = 0.3) -> Frames:
    """Receive into `frames` until a message of type `until`, `quiet` seconds of silence, or the close."""
    try:
        while True:
            raw = await asyncio.wait_for(ws.recv(), quiet)
            item: dict[str, Any] | bytes = raw if isinstance(raw, bytes) else json.loads(raw)
            frames.items.append(item)
            if until is not None and isinstance(item, dict) and item.get("type") == until:
                return frames
    except TimeoutError:
        return frames
    except ConnectionClosed:
        frames.close_code = ws.close_code
        frames.close_reason = ws.close_reason or ""
        return frames


async def refused(url: str, **kw: Any) -> InvalidStatus:
    """Connect and return the InvalidStatus the handshake raises."""
    with pytest.raises(InvalidStatus) as info:
        async with connect(url, **kw):
            pass
    return info.value


def refusal(exc: InvalidStatus, status: int) -> str:
    """A refused upgrade: `status`, `dg-request-id`, and `dg-error` equal to the plain-text body."""
    resp = exc.response
    assert resp.status_code == status
    assert resp.headers["dg-request-id"]
    body = bytes(resp.body or b"").decode()
    assert resp.headers["dg-error"] == body
    return body
