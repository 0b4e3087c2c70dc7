"""The fake Deepgram's JSON validated against the official OpenAPI 3.1 and AsyncAPI specs, and its model
names checked against the specs' enums."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from simworld.deepgram import STT_MODELS, TTS_MODELS, Clip, FakeDeepgram
from simworld.deepgram.models import DEFAULT_STT_MODEL, DEFAULT_TTS_MODEL, listed_stt, listed_tts

SPECS = "deepgram/specs"
OAS_URI = "urn:deepgram:openapi"
AAS_URI = "urn:deepgram:asyncapi"


@cache
def _spec(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        doc: dict[str, Any] = yaml.safe_load(fh)
    return doc


@pytest.fixture(scope="module")
def oas(reference_data: Path) -> dict[str, Any]:
    """The official OpenAPI 3.1 document."""
    return _spec(str(reference_data / SPECS / "openapi.yml"))


@pytest.fixture(scope="module")
def aas(reference_data: Path) -> dict[str, Any]:
    """The official AsyncAPI document."""
    return _spec(str(reference_data / SPECS / "asyncapi.yml"))


@pytest.fixture(scope="module")
def registry(oas: dict[str, Any], aas: dict[str, Any]) -> Registry[Any]:
    """Both whole documents as root resources, so `#/components/schemas/...` refs resolve."""
    return Registry().with_resources(
        [
            (OAS_URI, Resource(contents=oas, specification=DRAFT202012)),
            (AAS_URI, Resource(contents=aas, specification=DRAFT202012)),
        ]
    )


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = doc
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


# Keys real responses carry that the 2026 OAS word schema omits: `punctuated_word` is in every recorded
# smart_format response (rec listen/rest/c4e1…); `speaker`/`speaker_confidence` appear on utterance words
# in the OAS and on channel words when diarizing.
REAL_EXTRAS = {"punctuated_word", "speaker", "speaker_confidence"}


def undeclared(doc: dict[str, Any], schema: dict[str, Any], value: Any, path: str = "$") -> list[str]:
    """Object keys the schema does not declare (the specs allow extras; a faithful fake should not add any)."""
    schema = _resolve(doc, schema)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            candidates = [undeclared(doc, s, value, path) for s in schema[key]]
            return min(candidates, key=len)
    out: list[str] = []
    if isinstance(value, dict):
        props = schema.get("properties")
        if props:  # `properties: {}` marks a free-form map (e.g. model_info keyed by uuid)
            for k, v in value.items():
                if k not in props:
                    if k not in REAL_EXTRAS:
                        out.append(f"{path}.{k}")
                else:
                    out += undeclared(doc, props[k], v, f"{path}.{k}")
    elif isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            out += undeclared(doc, schema["items"], v, f"{path}[{i}]")
    return out


def check(registry: Registry[Any], doc: dict[str, Any], uri: str, name: str, instance: Any) -> None:
    """Validate `instance` against components.schemas[name] (Draft 2020-12), then look for undeclared keys."""
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"{uri}#/components/schemas/{name}"},
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    validator.validate(instance)
    assert undeclared(doc, doc["components"]["schemas"][name], instance) == []


@pytest.fixture
async def dg() -> AsyncIterator[FakeDeepgram]:
    """A running fake."""
    async with FakeDeepgram(idle_timeout=0.2) as fake:
        yield fake


@pytest.fixture
async def client(dg: FakeDeepgram) -> AsyncIterator[httpx.AsyncClient]:
    """httpx pointed at the fake."""
    async with httpx.AsyncClient(base_url=dg.base_url, headers={"Authorization": f"Token {dg.api_key}"}) as c:
        yield c


async def test_listen_responses_match_openapi(
    dg: FakeDeepgram, client: httpx.AsyncClient, registry: Registry[Any], oas: dict[str, Any], reference_data: Path
) -> None:
    """Listen results (with paragraphs, utterances, diarization) and the callback answer validate against OAS."""
    wav = (reference_data / "deepgram/recorded/python-sdk-v4/audio/preamble-rest.wav").read_bytes()
    dg.register_clip(Clip(audio=wav, transcript="We, the people of the United States, in order to form."))
    for query in (
        "model=nova-3&smart_format=true",
        "model=nova-2&punctuate=true&paragraphs=true&utterances=true&diarize=true&tag=doctor",
        "",
    ):
        body = (await client.post(f"/v1/listen?{query}", content=wav)).json()
        check(registry, oas, OAS_URI, "ListenV1Response", body)
        check(registry, oas, OAS_URI, "listen_v1_media_transcribe_Response_200", body)
    accepted = (await client.post("/v1/listen?callback=https://cb.example/x", content=wav)).json()
    check(registry, oas, OAS_URI, "ListenV1AcceptedResponse", accepted)
    check(registry, oas, OAS_URI, "listen_v1_media_transcribe_Response_200", accepted)


async def test_management_responses_match_openapi(
    dg: FakeDeepgram, client: httpx.AsyncClient, registry: Registry[Any], oas: dict[str, Any]
) -> None:
    """Projects, project, keys, key, balances, balance, purchases, models and grant validate against OAS."""
    from datetime import UTC, datetime

    dg.add_key(scopes=("admin",), expiration=datetime(2031, 5, 1, tzinfo=UTC), tags=("ci",))
    base = f"/v1/projects/{dg.project_id}"
    keys = (await client.get(f"{base}/keys")).json()
    balances = (await client.get(f"{base}/balances")).json()
    models = (await client.get("/v1/models")).json()
    cases = [
        ("ListProjectsV1Response", (await client.get("/v1/projects")).json()),
        ("GetProjectV1Response", (await client.get(base)).json()),
        ("ListProjectBalancesV1Response", balances),
        (
            "GetProjectBalanceV1Response",
            (await client.get(f"{base}/balances/{balances['balances'][0]['balance_id']}")).json(),
        ),
        ("ListProjectPurchasesV1Response", (await client.get(f"{base}/purchases")).json()),
        ("ListModelsV1Response", models),
        ("ListModelsV1Response", (await client.get(f"{base}/models")).json()),
        ("GrantV1Response", (await client.post("/v1/auth/grant")).json()),
        ("GrantV1Response", (await client.post("/v1/auth/grant", json={"ttl_seconds": 120})).json()),
    ]
    # ListProjectKeysV1ResponseApiKeysItemsApiKey has no expiration_date; GetProjectKeyV1… has it.
    keys_no_exp = {
        "api_keys": [
            {**k, "api_key": {f: v for f, v in k["api_key"].items() if f != "expiration_date"}}
            for k in keys["api_keys"]
        ]
    }
    cases.append(("ListProjectKeysV1Response", keys_no_exp))
    jsonschema.Draft202012Validator(
        {"$ref": f"{OAS_URI}#/components/schemas/ListProjectKeysV1Response"}, registry=registry
    ).validate(keys)
    for item in keys["api_keys"]:
        one = (await client.get(f"{base}/keys/{item['api_key']['api_key_id']}")).json()
        cases.append(("GetProjectKeyV1Response", one))
    for name, body in cases:
        check(registry, oas, OAS_URI, name, body)
    for model in models["stt"]:
        check(registry, oas, OAS_URI, "ListModelsV1ResponseSttModels", model)
    for model in models["tts"]:
        check(registry, oas, OAS_URI, "ListModelsV1ResponseTtsModels", model)


async def test_error_bodies_match_openapi(dg: FakeDeepgram, registry: Registry[Any], oas: dict[str, Any]) -> None:
    """Legacy, modern and text error bodies each validate against their ErrorResponse alternative."""
    bad = {"Authorization": "Token " + "0" * 40}
    async with httpx.AsyncClient(base_url=dg.base_url) as c:
        legacy_bodies = [
            (await c.post("/v1/listen", headers=bad, content=b"x")).json(),
            (await c.post("/v1/speak", headers={"Authorization": f"Token {dg.api_key}"}, json={"text": ""})).json(),
        ]
        modern_bodies = [
            (await c.get("/v1/projects", headers=bad)).json(),
            (
                await c.get(
                    f"/v1/projects/{'1' * 8}-1111-4111-8111-{'1' * 12}",
                    headers={"Authorization": f"Token {dg.api_key}"},
                )
            ).json(),
        ]
        texts = [
            (await c.post("/v1/auth/grant", headers=bad)).text,
            (await c.get("/v1/projects/nope", headers={"Authorization": f"Token {dg.api_key}"})).text,
        ]
    for body in legacy_bodies:
        check(registry, oas, OAS_URI, "ErrorResponseLegacyError", body)
    for body in modern_bodies:
        check(registry, oas, OAS_URI, "ErrorResponseModernError", body)
    for text in texts:
        check(registry, oas, OAS_URI, "ErrorResponseTextError", text)


async def test_stream_messages_match_asyncapi(
    dg: FakeDeepgram, registry: Registry[Any], aas: dict[str, Any], reference_data: Path
) -> None:
    """Results, Metadata, SpeechStarted and UtteranceEnd messages validate against the AsyncAPI payloads."""
    wav = (reference_data / "deepgram/recorded/python-sdk-v4/audio/testing-websocket.wav").read_bytes()
    dg.register_clip(Clip(audio=wav, transcript="Testing. 123. Testing. 123."))
    url = (
        f"{dg.ws_url}/v1/listen?model=nova-3&interim_results=true&vad_events=true&utterance_end_ms=1000"
        "&smart_format=true&diarize=true"
    )
    messages: list[dict[str, Any]] = []
    async with connect(url, additional_headers={"Authorization": f"Token {dg.api_key}"}) as ws:
        await ws.send(wav + bytes([0xFF]) * 16000)
        await ws.send(json.dumps({"type": "Finalize"}))
        await ws.send(json.dumps({"type": "CloseStream"}))
        try:
            async for raw in ws:
                messages.append(json.loads(raw))
        except ConnectionClosed:
            pass
    names = {
        "Results": "ListenV1_ListenV1Results",
        "Metadata": "ListenV1_ListenV1Metadata",
        "SpeechStarted": "ListenV1_ListenV1SpeechStarted",
        "UtteranceEnd": "ListenV1_ListenV1UtteranceEnd",
    }
    assert {m["type"] for m in messages} == set(names)
    for msg in messages:
        check(registry, aas, AAS_URI, names[msg["type"]], msg)


def test_tts_model_names_are_in_the_openapi_enum(oas: dict[str, Any]) -> None:
    """Every TTS voice the fake knows (and lists) is in the /v1/speak model enum, and vice versa."""
    enum = set(oas["components"]["schemas"]["V1SpeakPostParametersModel"]["enum"])
    assert set(TTS_MODELS) == enum
    assert {m.name for m in listed_tts()} <= enum
    assert {m.listing()["canonical_name"] for m in listed_tts()} <= enum
    assert oas["components"]["schemas"]["V1SpeakPostParametersModel"]["default"] == DEFAULT_TTS_MODEL


def test_stt_model_names_are_in_the_spec_enums(oas: dict[str, Any], aas: dict[str, Any]) -> None:
    """Listed STT names are in the OAS listen enum; every enum name (REST and streaming) is accepted."""
    rest_enum = set(oas["components"]["schemas"]["V1ListenPostParametersModel0"]["enum"])
    ws_enum = set(aas["components"]["schemas"]["ListenV1Model"]["enum"]) - {"custom"}
    for m in listed_stt():
        assert m.request_name in rest_enum
        assert m.canonical_name in rest_enum
    assert rest_enum <= set(STT_MODELS)
    assert ws_enum <= set(STT_MODELS)
    assert "nova-3-meeting" not in STT_MODELS
    assert DEFAULT_STT_MODEL == "base-general"


def test_encodings_follow_the_specs(aas: dict[str, Any], oas: dict[str, Any]) -> None:
    """The streaming encodings accepted are the AsyncAPI enum (a superset of the REST enum)."""
    from simworld.deepgram.common import LISTEN_ENCODINGS

    assert set(LISTEN_ENCODINGS) == set(aas["components"]["schemas"]["ListenV1Encoding"]["enum"])
    assert set(oas["components"]["schemas"]["V1ListenPostParametersEncoding"]["enum"]) <= set(LISTEN_ENCODINGS)
