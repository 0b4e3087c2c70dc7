"""The fake Deepgram over real sockets with the real httpx client: auth, error forms, REST listen, speak,
management routes and the failure knobs."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import struct
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from simworld.deepgram import Clip, FakeDeepgram

AUDIO = "deepgram/recorded/python-sdk-v4/audio"
REST_REC = "deepgram/recorded/python-sdk-v4/response_data/listen/rest"
PREAMBLE_RESPONSE = (
    "c4e1c0031174878d8f0e3dbd87916ee16d56f1c610ac525af5712ea37226a455-"
    "a17f4880c5b4cf124ac54d06d77c9f0ab7f3fe1052ff1c7b090f7eaf8ede5b76-response.json"
)
SPEAK_WAV = (
    "deepgram/recorded/python-sdk-v4/response_data/speak/rest/"
    "1fe0ad339338a9d6cffbab2c7ace41ba5387b5fe7906854795702dce91034fd3-"
    "f8c3bf62a9aa3e6fc1619c250e48abe7519373d3edf41be62eb5dc45199af2ef.wav"
)
CREATED_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
BAD_AUDIO = "Bad Request: failed to process audio: corrupt or unsupported data"


@pytest.fixture
async def dg() -> AsyncIterator[FakeDeepgram]:
    """A running, healthy fake."""
    async with FakeDeepgram(idle_timeout=0.5) as fake:
        yield fake


@pytest.fixture
async def client(dg: FakeDeepgram) -> AsyncIterator[httpx.AsyncClient]:
    """The real httpx client pointed at the fake."""
    async with httpx.AsyncClient(base_url=dg.base_url, timeout=5.0) as c:
        yield c


def tok(secret: str, scheme: str = "Token") -> dict[str, str]:
    """An Authorization header."""
    return {"Authorization": f"{scheme} {secret}"}


def silent_wav(seconds: float, rate: int = 16000) -> bytes:
    """A PCM16 mono WAV of silence."""
    data = bytes(int(seconds * rate) * 2)
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + len(data))
        + b"WAVEfmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + (struct.pack("<I", len(data)) + data)
    )


def legacy(resp: httpx.Response, status: int, code: str, msg: str) -> None:
    """Assert a legacy error body {err_code, err_msg, request_id} whose id is the dg-request-id."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    assert resp.json() == {"err_code": code, "err_msg": msg, "request_id": resp.headers["dg-request-id"]}


async def grant_jwt(client: httpx.AsyncClient, key: str, **body: Any) -> str:
    """A JWT from /v1/auth/grant."""
    resp = await client.post("/v1/auth/grant", headers=tok(key), json=body or None)
    assert resp.status_code == 200, resp.text
    return str(resp.json()["access_token"])


# -- authentication (§1) ------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["Token", "token", "TOKEN"])
async def test_token_scheme_accepted_case_insensitively(
    dg: FakeDeepgram, client: httpx.AsyncClient, scheme: str
) -> None:
    """`Authorization: Token <key>` works whatever the case of the scheme word."""
    resp = await client.get("/v1/projects", headers=tok(dg.api_key, scheme))
    assert resp.status_code == 200
    assert resp.json() == {"projects": [{"project_id": dg.project_id, "name": "Acme Voice"}]}
    assert resp.headers["dg-request-id"]
    assert dg.requests[-1].auth_scheme == "token"


async def test_api_key_as_bearer_is_invalid_auth(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """An API key sent as Bearer → 401 with the real INVALID_AUTH legacy body."""
    resp = await client.post("/v1/listen", headers=tok(dg.api_key, "Bearer"), content=silent_wav(1))
    legacy(resp, 401, "INVALID_AUTH", "Invalid credentials.")


@pytest.mark.parametrize("header", [None, "RAW", "Basic abc", "Token 0123456789abcdef0123456789abcdef01234567"])
async def test_missing_raw_or_unknown_credentials_401(
    dg: FakeDeepgram, client: httpx.AsyncClient, header: str | None
) -> None:
    """No header, a raw key without scheme, another scheme or an unknown key → 401 INVALID_AUTH."""
    headers = {} if header is None else {"Authorization": dg.api_key if header == "RAW" else header}
    resp = await client.post("/v1/listen", headers=headers, content=silent_wav(1))
    legacy(resp, 401, "INVALID_AUTH", "Invalid credentials.")
    if header == "RAW":
        assert dg.requests[-1].auth_scheme == "raw"


async def test_issued_jwt_works_on_listen_and_speak_not_on_projects(
    dg: FakeDeepgram, client: httpx.AsyncClient
) -> None:
    """A JWT from /v1/auth/grant works as Bearer on /v1/listen and /v1/speak and is refused on /v1/projects."""
    jwt = await grant_jwt(client, dg.api_key)
    bearer = tok(jwt, "Bearer")
    assert (await client.post("/v1/listen", headers=bearer, content=silent_wav(1))).status_code == 200
    assert (await client.post("/v1/speak", headers=bearer, json={"text": "Hi."})).status_code == 200
    resp = await client.get("/v1/projects", headers=bearer)
    assert resp.status_code == 401
    assert resp.json() == {
        "category": "UNAUTHORIZED",
        "message": "Authentication failed.",
        "details": "Check that you are using the correct credentials.",
        "request_id": resp.headers["dg-request-id"],
    }
    # A JWT sent with the Token scheme is the classic SDK bug: 401 (deepgram-js-sdk#392).
    legacy(
        await client.post("/v1/listen", headers=tok(jwt), content=silent_wav(1)),
        401,
        "INVALID_AUTH",
        "Invalid credentials.",
    )
    dg.expire_tokens()
    legacy(
        await client.post("/v1/listen", headers=bearer, content=silent_wav(1)),
        401,
        "INVALID_AUTH",
        "Invalid credentials.",
    )


async def test_grant_issues_a_real_looking_jwt(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """POST /v1/auth/grant returns a base64url header.payload.signature JWT and expires_in 30 (or ttl_seconds)."""
    resp = await client.post("/v1/auth/grant", headers=tok(dg.api_key))
    body = resp.json()
    assert resp.status_code == 200 and body["expires_in"] == 30
    head, payload, sig = body["access_token"].split(".")
    assert re.fullmatch(r"[A-Za-z0-9_-]+", head + payload + sig)
    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert header == {"alg": "HS256", "typ": "JWT"}
    assert claims["exp"] - claims["iat"] == 30
    resp = await client.post("/v1/auth/grant", headers=tok(dg.api_key), json={"ttl_seconds": 600})
    assert resp.json()["expires_in"] == 600
    resp = await client.post("/v1/auth/grant", headers=tok(dg.api_key), json={"ttl_seconds": 0})
    assert resp.status_code == 400


async def test_grant_needs_member_or_higher(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """A key below Member gets 403 FORBIDDEN from /v1/auth/grant (or 400 BAD_REQUEST with the knob)."""
    low = dg.add_key(scopes=("usage:write",), comment="ci")
    resp = await client.post("/v1/auth/grant", headers=tok(low))
    assert resp.status_code == 403
    assert resp.json() == {"err_code": "FORBIDDEN", "err_msg": "Insufficient permissions."}
    dg.grant_denied_form = "bad_request"
    resp = await client.post("/v1/auth/grant", headers=tok(low))
    assert resp.status_code == 400
    assert resp.json() == {"err_code": "BAD_REQUEST", "err_msg": "Invalid credentials."}
    # usage:write is enough to transcribe, though.
    assert (await client.post("/v1/listen", headers=tok(low), content=silent_wav(1))).status_code == 200


async def test_auth_routes_answer_plain_text_for_bad_keys(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """/v1/auth/* with a bad key → 401 text/plain `Invalid credentials.`."""
    for resp in (
        await client.post("/v1/auth/grant", headers=tok("f" * 40)),
        await client.get("/v1/auth/token", headers=tok(dg.api_key, "Bearer")),
    ):
        assert resp.status_code == 401
        assert resp.headers["content-type"].startswith("text/plain")
        assert resp.text == "Invalid credentials."


async def test_auth_token_details(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """GET /v1/auth/token answers JSON details about the key (shape undocumented, never the secret)."""
    resp = await client.get("/v1/auth/token", headers=tok(dg.api_key))
    body = resp.json()
    assert resp.status_code == 200
    assert body["project"]["project_id"] == dg.project_id
    assert body["api_key"]["api_key_id"] == dg.key_info(dg.api_key).api_key_id
    assert body["api_key"]["scopes"] == ["member"]
    assert dg.api_key not in resp.text


async def test_expired_key_behaves_as_invalid(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """An expired key is refused everywhere, in each route's own error form."""
    old = dg.add_key(expired=True, comment="old")
    legacy(
        await client.post("/v1/listen", headers=tok(old), content=silent_wav(1)),
        401,
        "INVALID_AUTH",
        "Invalid credentials.",
    )
    resp = await client.get("/v1/projects", headers=tok(old))
    assert resp.status_code == 401 and resp.json()["category"] == "UNAUTHORIZED"
    resp = await client.get("/v1/auth/token", headers=tok(old))
    assert (resp.status_code, resp.text) == (401, "Invalid credentials.")


async def test_management_auth_status_knob(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """Docs disagree on 401 vs 403 for management auth failures: the knob selects 403 with the same body."""
    dg.management_auth_status = 403
    resp = await client.get("/v1/projects", headers=tok("0" * 40))
    assert resp.status_code == 403 and resp.json()["message"] == "Authentication failed."


async def test_key_without_usage_scope_cannot_transcribe(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """A read-only key → 401 INSUFFICIENT_PERMISSIONS on /v1/listen."""
    ro = dg.add_key(scopes=("project:read",))
    resp = await client.post("/v1/listen", headers=tok(ro), content=silent_wav(1))
    legacy(resp, 401, "INSUFFICIENT_PERMISSIONS", "User does not have sufficient permissions.")


# -- the three error body forms (§2) --------------------------------------------------------------------


async def test_three_error_body_forms(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """Listen answers legacy JSON, management modern JSON, /v1/auth plain text — for the same bad key."""
    bad = tok("a" * 40)
    listen = await client.post("/v1/listen", headers=bad, content=silent_wav(1))
    projects = await client.get("/v1/projects", headers=bad)
    grant = await client.post("/v1/auth/grant", headers=bad)
    assert set(listen.json()) == {"err_code", "err_msg", "request_id"}
    assert set(projects.json()) == {"category", "message", "details", "request_id"}
    assert grant.text == "Invalid credentials."


async def test_malformed_project_id_is_plain_text_404(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """A malformed project id → 404 plain text from the UUID parser."""
    resp = await client.get("/v1/projects/proj_123/balances", headers=tok(dg.api_key))
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("text/plain")
    assert resp.text == (
        "UUID parsing failed: invalid character: expected an optional prefix of `urn:uuid:` "
        "followed by [0-9a-zA-Z], found `p` at 1"
    )


async def test_unknown_project_is_modern_404(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """An unknown (or another key's) project → 404 modern project_not_found; legacy form by knob."""
    other = dg.add_project("Other")
    for pid in (str(uuid.uuid4()), other.project_id):
        resp = await client.get(f"/v1/projects/{pid}", headers=tok(dg.api_key))
        assert resp.status_code == 404
        assert resp.json() == {
            "category": "NOT_FOUND",
            "message": "A project with the submitted ID cannot be found.",
            "details": (
                "Check that you have submitted the intended project ID and that the project has not been deleted."
            ),
            "request_id": resp.headers["dg-request-id"],
        }
    dg.project_not_found_form = "legacy"
    resp = await client.get(f"/v1/projects/{uuid.uuid4()}", headers=tok(dg.api_key))
    assert resp.json() == {"err_code": "PROJECT_NOT_FOUND", "err_msg": "Project not found."}


# -- POST /v1/listen (§3.1) -----------------------------------------------------------------------------


async def test_listen_preamble_returns_recorded_transcript(
    dg: FakeDeepgram, client: httpx.AsyncClient, reference_data: Path
) -> None:
    """preamble-rest.wav registered with its recorded transcript comes back with the file's sha256."""
    wav = (reference_data / AUDIO / "preamble-rest.wav").read_bytes()
    recorded = json.loads((reference_data / REST_REC / PREAMBLE_RESPONSE).read_text())
    alt = recorded["results"]["channels"][0]["alternatives"][0]
    dg.register_clip(Clip(audio=wav, transcript=alt["transcript"], words=alt["words"]))
    resp = await client.post(
        "/v1/listen?model=nova-3&smart_format=true",
        headers={**tok(dg.api_key), "Content-Type": "audio/wav"},
        content=wav,
    )
    assert resp.status_code == 200
    body = resp.json()
    meta = body["metadata"]
    assert meta["sha256"] == hashlib.sha256(wav).hexdigest() == recorded["metadata"]["sha256"]
    assert meta["transaction_key"] == "deprecated"
    assert meta["request_id"] == resp.headers["dg-request-id"]
    assert uuid.UUID(meta["request_id"]).version == 4
    assert CREATED_RE.match(meta["created"])
    assert meta["duration"] == pytest.approx(recorded["metadata"]["duration"], abs=1e-3)
    assert meta["channels"] == 1
    assert meta["models"] == recorded["metadata"]["models"]
    assert meta["model_info"] == recorded["metadata"]["model_info"]
    got = body["results"]["channels"][0]["alternatives"][0]
    assert got["transcript"] == alt["transcript"]
    assert got["words"] == alt["words"]
    assert got["paragraphs"]["transcript"] == alt["paragraphs"]["transcript"]
    assert got["paragraphs"]["paragraphs"][0]["num_words"] == 52
    assert dg.requests[-1].body_length == len(wav)


async def test_listen_model_names_differ_from_request(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """Request names map to response names: nova-2 → 2-general-nova, default → base `general`."""
    for query, name, arch in (("?model=nova-2", "2-general-nova", "nova-2"), ("", "general", "base")):
        resp = await client.post(f"/v1/listen{query}", headers=tok(dg.api_key), content=silent_wav(1))
        info = list(resp.json()["metadata"]["model_info"].values())[0]
        assert (info["name"], info["arch"]) == (name, arch)


async def test_unknown_audio_is_an_empty_transcript(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """Decodable audio matching no clip is transcribed like silence: empty transcript, real duration."""
    resp = await client.post("/v1/listen?model=nova-3", headers=tok(dg.api_key), content=silent_wav(2.5))
    body = resp.json()
    assert body["metadata"]["duration"] == pytest.approx(2.5)
    assert body["results"]["channels"][0]["alternatives"][0] == {"transcript": "", "confidence": 0.0, "words": []}


async def test_clip_without_words_spreads_them_evenly(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """A clip without timings gets its words spread evenly over its duration; no punctuation unless asked."""
    wav = silent_wav(2.0) + b""
    wav = wav[:-2] + b"\x01\x00"  # make it unique
    dg.register_clip(Clip(audio=wav, transcript="Hello there, world!"))
    resp = await client.post("/v1/listen?model=nova-3", headers=tok(dg.api_key), content=wav)
    alt = resp.json()["results"]["channels"][0]["alternatives"][0]
    assert alt["transcript"] == "hello there world"
    assert [(w["word"], w["start"], w["end"]) for w in alt["words"]] == [
        ("hello", 0.0, 0.667),
        ("there", 0.667, 1.333),
        ("world", 1.333, 2.0),
    ]
    resp = await client.post("/v1/listen?model=nova-3&punctuate=true", headers=tok(dg.api_key), content=wav)
    alt = resp.json()["results"]["channels"][0]["alternatives"][0]
    assert alt["transcript"] == "Hello there, world!"
    assert [w["punctuated_word"] for w in alt["words"]] == ["Hello", "there,", "world!"]


@pytest.mark.parametrize(
    ("content", "ctype"),
    [
        (b"Hello, this is a text file and not audio at all. Please transcribe it anyway.", "audio/wav"),
        (b"<html><body><h1>502 Bad Gateway</h1></body></html>", "audio/mpeg"),
        (b'{"url": "https://static.deepgram.com/examples/Bueller-Life-moves-pretty-fast.wav"}', "audio/wav"),
        (b'{"url": "https://static.deepgram.com/examples/Bueller-Life-moves-pretty-fast.wav"}', "text/plain"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt \x04\x00\x00\x00\x01\x00\x01\x00" + bytes(64), "audio/wav"),
        (bytes(range(256)) * 8, "application/octet-stream"),
        (b"", "audio/wav"),
    ],
    ids=["text", "html", "json-as-audio", "url-without-json-type", "corrupt-wav", "headerless", "empty"],
)
async def test_undecodable_body_is_400(dg: FakeDeepgram, client: httpx.AsyncClient, content: bytes, ctype: str) -> None:
    """Text, HTML, JSON sent as audio, a corrupt container or headerless bytes → 400 corrupt or unsupported."""
    resp = await client.post(
        "/v1/listen?model=nova-3", headers={**tok(dg.api_key), "Content-Type": ctype}, content=content
    )
    legacy(resp, 400, "Bad Request", BAD_AUDIO)


async def test_raw_audio_with_encoding_is_decodable(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """Headerless audio is accepted when encoding and sample_rate are given; the duration follows from them."""
    raw = bytes([0xFF]) * 16000  # 2 s of µ-law silence
    resp = await client.post("/v1/listen?encoding=mulaw&sample_rate=8000", headers=tok(dg.api_key), content=raw)
    assert resp.status_code == 200 and resp.json()["metadata"]["duration"] == pytest.approx(2.0)


async def test_listen_by_url(dg: FakeDeepgram, client: httpx.AsyncClient, reference_data: Path) -> None:
    """A JSON URL body is served from clips registered by URL; others give REMOTE_CONTENT_ERROR."""
    url = "https://static.deepgram.com/examples/testing.wav"
    audio = (reference_data / AUDIO / "testing-websocket.wav").read_bytes()
    dg.register_clip(Clip(audio=audio, transcript="Testing. 123. Testing. 123.", url=url))
    resp = await client.post("/v1/listen?smart_format=true", headers=tok(dg.api_key), json={"url": url})
    body = resp.json()
    assert body["results"]["channels"][0]["alternatives"][0]["transcript"] == "Testing. 123. Testing. 123."
    assert body["metadata"]["sha256"] == hashlib.sha256(audio).hexdigest()
    resp = await client.post("/v1/listen", headers=tok(dg.api_key), json={"url": "https://example.com/missing.wav"})
    legacy(
        resp, 400, "REMOTE_CONTENT_ERROR", "The remote server hosting the media returned a client error: 404 Not Found"
    )
    dg.register_remote_error("https://private.example.com/a.wav", 401, "Unauthorized")
    resp = await client.post("/v1/listen", headers=tok(dg.api_key), json={"url": "https://private.example.com/a.wav"})
    assert resp.json()["err_msg"].endswith("client error: 401 Unauthorized")


async def test_listen_invalid_json_forms(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """Bad JSON with the JSON content type → the legacy body, or the modern INVALID_JSON form by knob."""
    headers = {**tok(dg.api_key), "Content-Type": "application/json"}
    resp = await client.post("/v1/listen", headers=headers, content=b'{"uri": 1}')
    legacy(resp, 400, "Bad Request", "Content-type was application/json, but we could not process the JSON payload.")
    dg.invalid_json_form = "modern"
    resp = await client.post("/v1/listen", headers=headers, content=b"{nope")
    assert resp.json()["category"] == "INVALID_JSON" and "missing field `url`" in resp.json()["details"]


async def test_listen_unknown_model_and_callback(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """The non-existent nova-3-meeting → 400; with callback= the answer is only a request id."""
    resp = await client.post("/v1/listen?model=nova-3-meeting", headers=tok(dg.api_key), content=silent_wav(1))
    legacy(resp, 400, "Bad Request", "Bad Request: No such model/version combination found.")
    resp = await client.post(
        "/v1/listen?model=nova-3&callback=https://bot.example/cb", headers=tok(dg.api_key), content=silent_wav(1)
    )
    assert resp.json() == {"request_id": resp.headers["dg-request-id"]}


async def test_listen_denied_model_403(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """A model the project may not use → 403 INSUFFICIENT_PERMISSIONS."""
    dg.deny_model("nova-3-medical")
    resp = await client.post("/v1/listen?model=nova-3-medical", headers=tok(dg.api_key), content=silent_wav(1))
    legacy(resp, 403, "INSUFFICIENT_PERMISSIONS", "Project does not have access to the requested model.")


async def test_listen_accepts_the_fakes_own_mp3(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """MP3 is recognised by its ID3 tag and frame sync; its duration comes from the frames."""
    speech = await client.post("/v1/speak", headers=tok(dg.api_key), json={"text": "x" * 45})
    resp = await client.post("/v1/listen", headers=tok(dg.api_key), content=speech.content)
    assert resp.status_code == 200
    assert resp.json()["metadata"]["duration"] == pytest.approx(3.0, abs=0.05)


async def test_exhausted_credits_402_everywhere(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """exhaust_credits → 402 ASR_PAYMENT_REQUIRED on listen and speak, balance 0; reset() restores."""
    dg.exhaust_credits()
    msg = "Project does not have enough credits for an ASR request and does not have an overage agreement."
    legacy(
        await client.post("/v1/listen", headers=tok(dg.api_key), content=silent_wav(1)),
        402,
        "ASR_PAYMENT_REQUIRED",
        msg,
    )
    legacy(
        await client.post("/v1/speak", headers=tok(dg.api_key), json={"text": "Hi"}), 402, "ASR_PAYMENT_REQUIRED", msg
    )
    balances = (await client.get(f"/v1/projects/{dg.project_id}/balances", headers=tok(dg.api_key))).json()
    assert [b["amount"] for b in balances["balances"]] == [0.0]
    dg.reset()
    balances = (await client.get(f"/v1/projects/{dg.project_id}/balances", headers=tok(dg.api_key))).json()
    assert [b["amount"] for b in balances["balances"]] == [187.42]
    assert (await client.post("/v1/listen", headers=tok(dg.api_key), content=silent_wav(1))).status_code == 200


# -- POST /v1/speak (§3.3, §3.4) ------------------------------------------------------------------------

_MPEG2_L3_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)


def walk_mp3(data: bytes) -> tuple[int, float]:
    """Check every frame of an MPEG-2 Layer III stream (after an ID3v2 tag) up to EOF: (frames, seconds)."""
    pos = 0
    if data[:3] == b"ID3":
        size = 0
        for b in data[6:10]:
            assert b < 0x80
            size = (size << 7) | b
        pos = 10 + size
    frames = 0
    while pos < len(data):
        b0, b1, b2, b3 = data[pos : pos + 4]
        assert b0 == 0xFF and (b1 & 0xE0) == 0xE0, f"lost sync at {pos}"
        assert (b1 >> 3) & 3 == 2 and (b1 >> 1) & 3 == 1, "not MPEG-2 Layer III"
        rate = (22050, 24000, 16000)[(b2 >> 2) & 3]
        bitrate = _MPEG2_L3_KBPS[b2 >> 4] * 1000
        assert b3 >> 6 == 3, "not mono"
        pos += 72 * bitrate // rate + ((b2 >> 1) & 1)
        frames += 1
    assert pos == len(data)
    return frames, frames * 576 / 22050


async def test_speak_mp3_is_valid_with_real_headers(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """Default speak: a valid MPEG-2 Layer III MP3 streamed chunked with the documented dg-* headers."""
    text = "Deepgram Doctor says hello to the on-call engineer."
    resp = await client.post("/v1/speak", headers=tok(dg.api_key), json={"text": text})
    assert resp.status_code == 200
    h = resp.headers
    assert h["content-type"] == "audio/mpeg"
    assert h["dg-model-name"] == "aura-asteria-en"
    assert uuid.UUID(h["dg-model-uuid"])
    assert h["dg-char-count"] == str(len(text))
    assert h["dg-request-id"]
    assert h["transfer-encoding"] == "chunked"
    frames, seconds = walk_mp3(resp.content)
    assert frames > 0 and seconds == pytest.approx(len(text) / 15, abs=0.05)
    assert dg.speak_outputs == [resp.content]
    again = await client.post("/v1/speak", headers=tok(dg.api_key), json={"text": text})
    other = await client.post("/v1/speak", headers=tok(dg.api_key), json={"text": text + "!"})
    assert again.content == resp.content != other.content
    assert dg.speak_outputs == [resp.content, again.content, other.content]


async def test_speak_mp3_parses_with_mutagen(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """An independent MP3 parser (mutagen) reads the fake's MP3 at 22050 Hz, 48 or 32 kbps, mono."""
    import io

    import mutagen.mp3 as mp3_mod

    for bit_rate in (48000, 32000):
        resp = await client.post(
            f"/v1/speak?model=aura-2-thalia-en&bit_rate={bit_rate}", headers=tok(dg.api_key), json={"text": "x" * 60}
        )
        info = mp3_mod.MP3(io.BytesIO(resp.content)).info
        assert (info.sample_rate, info.bitrate, info.channels) == (22050, bit_rate, 1)
        assert info.length == pytest.approx(4.0, abs=0.1)


async def test_speak_linear16_wav_matches_the_recorded_header(
    dg: FakeDeepgram, client: httpx.AsyncClient, reference_data: Path
) -> None:
    """linear16 (24000 Hz default) is a WAV whose 44-byte header equals the recorded real one, sizes included."""
    recorded = (reference_data / SPEAK_WAV).read_bytes()
    resp = await client.post(
        "/v1/speak?model=aura-2-thalia-en&encoding=linear16&sample_rate=24000",
        headers=tok(dg.api_key),
        json={"text": "Hello, world."},
    )
    assert resp.headers["content-type"] == "audio/wav"
    assert resp.headers["dg-model-uuid"] == "0bb159e1-5c0a-48fb-aa29-ed7c0401f116"
    assert resp.content[:44] == recorded[:44]
    assert len(resp.content) - 44 == pytest.approx(13 / 15 * 48000, abs=2)
    raw = await client.post("/v1/speak?encoding=linear16&container=none", headers=tok(dg.api_key), json={"text": "Hi"})
    assert raw.headers["content-type"] == "audio/l16;rate=24000"
    assert raw.content[:4] != b"RIFF"


@pytest.mark.parametrize(
    ("query", "ctype", "magic"),
    [
        ("encoding=mulaw", "audio/wav", b"RIFF"),
        ("encoding=mulaw&container=none", "audio/mulaw;rate=8000", None),
        ("encoding=alaw&container=none&sample_rate=16000", "audio/alaw;rate=16000", None),
        ("encoding=flac", "audio/flac", b"fLaC"),
        ("encoding=opus", "audio/ogg;codecs=opus", b"OggS"),
        ("encoding=aac", "audio/aac", b"\xff\xf1"),
    ],
)
async def test_speak_other_encodings(
    dg: FakeDeepgram, client: httpx.AsyncClient, query: str, ctype: str, magic: bytes | None
) -> None:
    """Every documented encoding answers its documented content type with a valid container."""
    resp = await client.post(f"/v1/speak?{query}", headers=tok(dg.api_key), json={"text": "Testing one two three."})
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == ctype
    if magic is not None:
        assert resp.content.startswith(magic)
    import io

    import mutagen

    if magic in (b"fLaC", b"OggS"):
        parsed = mutagen.File(io.BytesIO(resp.content))
        assert parsed is not None and parsed.info.length == pytest.approx(22 / 15, abs=0.05)


@pytest.mark.parametrize(
    ("text", "status", "code", "msg"),
    [
        ("", 400, "Bad Request", "Input text contains no characters."),
        ("   \n\t", 400, "Bad Request", "Input text contains no characters."),
        ("x" * 1001, 422, "Unprocessable Entity", "Input text exceeds maximum character limit of 1000."),
    ],
)
async def test_speak_text_errors_aura2(
    dg: FakeDeepgram, client: httpx.AsyncClient, text: str, status: int, code: str, msg: str
) -> None:
    """Empty or whitespace text → 400; over 1000 characters on Aura-2 → 422 with the limit in the message."""
    resp = await client.post("/v1/speak?model=aura-2-thalia-en", headers=tok(dg.api_key), json={"text": text})
    legacy(resp, status, code, msg)


async def test_speak_limits_per_generation_and_413_knob(
    dg: FakeDeepgram, client: httpx.AsyncClient, reference_data: Path
) -> None:
    """Aura-1 allows 2000 characters; the over-limit status is 422 or, by knob, 413 (docs disagree)."""
    long_text = (reference_data / AUDIO / "conversation.txt").read_text()
    assert (await client.post("/v1/speak", headers=tok(dg.api_key), json={"text": "y" * 2000})).status_code == 200
    resp = await client.post("/v1/speak", headers=tok(dg.api_key), json={"text": long_text})
    legacy(resp, 422, "Unprocessable Entity", "Input text exceeds maximum character limit of 2000.")
    dg.tts_over_limit_status = 413
    resp = await client.post("/v1/speak", headers=tok(dg.api_key), json={"text": long_text})
    legacy(resp, 413, "Payload Too Large", "Input text exceeds maximum character limit of 2000.")


async def test_speak_request_errors(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """Unknown model, other content types, bad bodies and unsupported formats give their documented bodies."""
    key = tok(dg.api_key)
    resp = await client.post("/v1/speak?model=aura-2-nobody-en", headers=key, json={"text": "Hi"})
    legacy(resp, 400, "Bad Request", "Bad Request: No such model/version combination found.")
    resp = await client.post("/v1/speak", headers={**key, "Content-Type": "application/xml"}, content=b"<t>Hi</t>")
    legacy(
        resp,
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "`Content-Type` header is not supported. `Content-Type` must be either `text/plain` or `application/json`.",
    )
    resp = await client.post("/v1/speak", headers={**key, "Content-Type": "text/plain"}, content=b"Plain hello")
    assert resp.status_code == 200 and resp.headers["dg-char-count"] == "11"
    resp = await client.post("/v1/speak", headers=key, json={"text": "a", "url": "https://x.example/t.txt"})
    assert resp.status_code == 400 and resp.json()["err_code"] == "PAYLOAD_ERROR"
    resp = await client.post("/v1/speak?encoding=wav", headers=key, json={"text": "Hi"})
    assert resp.status_code == 400 and resp.json()["err_msg"].startswith("Unsupported audio format")
    resp = await client.post("/v1/speak?encoding=mp3&container=wav", headers=key, json={"text": "Hi"})
    assert resp.json()["err_msg"].startswith("Unsupported audio format")
    assert dg.speak_outputs == [dg.speak_outputs[0]]  # only the one success was kept


# -- management (§3.2) ---------------------------------------------------------------------------------


async def test_project_keys_balances_purchases(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """Project, keys (scopes, comment, created, expiration_date, member email), balances and purchases."""
    key = tok(dg.api_key)
    base = f"/v1/projects/{dg.project_id}"
    assert (await client.get(base, headers=key)).json() == {
        "project_id": dg.project_id,
        "mip_opt_out": False,
        "name": "Acme Voice",
    }
    from datetime import UTC, datetime

    dg.add_key(
        scopes=("admin",), comment="CI", expiration=datetime(2030, 1, 1, tzinfo=UTC), member_email="ci@acme.example"
    )
    dg.add_key(comment="retired", expired=True)
    keys = (await client.get(f"{base}/keys", headers=key)).json()["api_keys"]
    assert len(keys) == 3
    ci = next(k for k in keys if k["api_key"]["comment"] == "CI")
    assert ci["member"]["email"] == "ci@acme.example"
    assert ci["api_key"]["scopes"] == ["admin"]
    assert ci["api_key"]["expiration_date"] == "2030-01-01T00:00:00.000Z"
    assert CREATED_RE.match(ci["api_key"]["created"])
    active = (await client.get(f"{base}/keys?status=active", headers=key)).json()["api_keys"]
    assert {k["api_key"]["comment"] for k in active} == {"Deepgram Doctor bot", "CI"}
    one = (await client.get(f"{base}/keys/{ci['api_key']['api_key_id']}", headers=key)).json()
    assert one["item"]["member"]["api_key"]["comment"] == "CI"
    assert one["item"]["member"]["email"] == "ci@acme.example"
    assert (await client.get(f"{base}/keys/{uuid.uuid4()}", headers=key)).status_code == 404
    balances = (await client.get(f"{base}/balances", headers=key)).json()["balances"]
    assert balances[0]["amount"] == 187.42 and balances[0]["units"] == "usd"
    one_balance = await client.get(f"{base}/balances/{balances[0]['balance_id']}", headers=key)
    assert one_balance.json() == balances[0]
    orders = (await client.get(f"{base}/purchases", headers=key)).json()["orders"]
    assert orders[0]["amount"] == 200.0 and orders[0]["order_type"] == "promotional"


async def test_invoiced_project_has_no_balances(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """A project added with balance_usd=None (invoiced) lists an empty balances array."""
    project = dg.add_project("Enterprise", balance_usd=None)
    key = dg.add_key(project, scopes=("owner",))
    resp = await client.get(f"/v1/projects/{project.project_id}/balances", headers=tok(key))
    assert resp.json() == {"balances": []}
    assert (await client.get("/v1/projects", headers=tok(key))).json()["projects"][0]["name"] == "Enterprise"


async def test_models_routes(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """GET /v1/models and /v1/projects/{id}/models list stt and tts; a model is found by its uuid."""
    body = (await client.get("/v1/models", headers=tok(dg.api_key))).json()
    assert {m["canonical_name"] for m in body["tts"]} >= {"aura-asteria-en", "aura-2-thalia-en"}
    assert "nova-3" in {m["name"] for m in body["stt"]}
    project_models = (await client.get(f"/v1/projects/{dg.project_id}/models", headers=tok(dg.api_key))).json()
    assert project_models == body
    thalia = next(m for m in body["tts"] if m["canonical_name"] == "aura-2-thalia-en")
    one = (await client.get(f"/v1/models/{thalia['uuid']}", headers=tok(dg.api_key))).json()
    assert one == thalia
    assert dg.requests[-1].route == "models"


# -- knobs ---------------------------------------------------------------------------------------------


async def test_latency_knob(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """set_latency delays a route (and "*" every other route) without touching the others."""
    loop = asyncio.get_running_loop()
    dg.set_latency("listen", 0.2)
    start = loop.time()
    await client.post("/v1/listen", headers=tok(dg.api_key), content=silent_wav(0.1))
    assert loop.time() - start >= 0.2
    # An undelayed route sent after a delayed one overtakes it.
    finished: list[str] = []

    async def timed(route: str, request: Any) -> None:
        await request
        finished.append(route)

    await asyncio.gather(
        timed("listen", client.post("/v1/listen", headers=tok(dg.api_key), content=silent_wav(0.1))),
        timed("projects", client.get("/v1/projects", headers=tok(dg.api_key))),
    )
    assert finished == ["projects", "listen"]
    dg.set_latency("*", 0.15)
    start = loop.time()
    await client.get("/v1/projects", headers=tok(dg.api_key))
    assert loop.time() - start >= 0.15


async def test_fail_knob_exact_response_for_n_requests(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """fail(route, status, body, headers, times) answers exactly that, N times, then the route is healthy."""
    dg.fail("projects", status=500, body={"oops": True}, headers={"x-trace": "t1"}, times=2)
    for _ in range(2):
        resp = await client.get("/v1/projects", headers=tok(dg.api_key))
        assert (resp.status_code, resp.json(), resp.headers["x-trace"]) == (500, {"oops": True}, "t1")
        assert resp.headers["dg-request-id"]
    assert (await client.get("/v1/projects", headers=tok(dg.api_key))).status_code == 200
    dg.fail("speak", status=502, body="upstream said no")
    resp = await client.post("/v1/speak", headers=tok(dg.api_key), json={"text": "Hi"})
    assert (resp.status_code, resp.text) == (502, "upstream said no")
    assert resp.headers["content-type"].startswith("text/plain")
    assert dg.requests[-1].knob == "fail"


async def test_fail_default_503_body_keeps_error_code(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """fail(listen, 503) without a body uses the documented body, `error_code` typo included."""
    dg.fail("listen", status=503, times=None)
    for _ in range(3):
        resp = await client.post("/v1/listen", headers=tok(dg.api_key), content=silent_wav(0.1))
        assert resp.status_code == 503
        assert resp.json() == {
            "error_code": "Service Unavailable",
            "err_msg": "Please try again later",
            "request_id": resp.headers["dg-request-id"],
        }
    dg.reset()
    assert (await client.post("/v1/listen", headers=tok(dg.api_key), content=silent_wav(0.1))).status_code == 200


async def test_rate_limit_bodies_differ_for_stt_and_tts(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """rate_limit gives 429 with the STT body on listen and the TTS body on speak."""
    dg.rate_limit("listen")
    dg.rate_limit("speak")
    resp = await client.post("/v1/listen", headers=tok(dg.api_key), content=silent_wav(0.1))
    legacy(resp, 429, "TOO_MANY_REQUESTS", "Too many requests. Please try again later")
    resp = await client.post("/v1/speak", headers=tok(dg.api_key), json={"text": "Hi"})
    legacy(resp, 429, "Too Many Requests", "Please try again later.")


async def test_drop_connection_knob(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """drop_connection closes the TCP connection without a response; the next request succeeds."""
    dg.drop_connection("listen")
    with pytest.raises(httpx.TransportError):
        await client.post("/v1/listen", headers=tok(dg.api_key), content=silent_wav(0.1))
    assert dg.requests[-1].dropped and dg.requests[-1].status is None
    assert (await client.post("/v1/listen", headers=tok(dg.api_key), content=silent_wav(0.1))).status_code == 200


async def test_malformed_json_knob(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """malformed_json gives 200 with a truncated JSON body, on JSON routes and on speak."""
    dg.malformed_json("projects")
    dg.malformed_json("speak")
    for resp in (
        await client.get(f"/v1/projects/{dg.project_id}/balances", headers=tok(dg.api_key)),
        await client.post("/v1/speak", headers=tok(dg.api_key), json={"text": "Hi"}),
    ):
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/json")
        with pytest.raises(json.JSONDecodeError):
            json.loads(resp.content)


async def test_knob_routes_are_validated_and_star_matches_all(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """An unknown route name is an error; "*" applies to whichever route comes next."""
    with pytest.raises(ValueError):
        dg.fail("transcribe", status=500)
    dg.fail("*", status=504)
    assert (await client.post("/v1/auth/grant", headers=tok(dg.api_key))).status_code == 504
    assert (await client.post("/v1/auth/grant", headers=tok(dg.api_key))).status_code == 200


async def test_records_never_hold_the_secret(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """Recorded requests keep method, path, query, scheme and status, but never the key."""
    await client.post("/v1/listen?model=nova-3&keyterm=Acme", headers=tok(dg.api_key), content=silent_wav(0.2))
    rec = dg.requests[-1]
    assert (rec.method, rec.path, rec.route, rec.kind) == ("POST", "/v1/listen", "listen", "http")
    assert rec.query == {"model": "nova-3", "keyterm": "Acme"}
    assert (rec.auth_scheme, rec.auth_source, rec.status) == ("token", "header", 200)
    assert rec.body_length == len(silent_wav(0.2))
    assert dg.api_key not in repr(dg.requests)


async def test_multichannel_gives_one_result_per_channel(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """A stereo WAV with multichannel=true gives two result channels; without it, one."""
    rate, seconds = 8000, 1
    data = bytes(rate * seconds * 4)
    fmt = struct.pack("<HHIIHH", 1, 2, rate, rate * 4, 4, 16)
    wav = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + struct.pack("<I", 16) + fmt
    wav += b"data" + struct.pack("<I", len(data)) + data
    multi = (await client.post("/v1/listen?multichannel=true", headers=tok(dg.api_key), content=wav)).json()
    single = (await client.post("/v1/listen", headers=tok(dg.api_key), content=wav)).json()
    assert (len(multi["results"]["channels"]), multi["metadata"]["channels"]) == (2, 2)
    assert (len(single["results"]["channels"]), single["metadata"]["channels"]) == (1, 1)
    assert multi["metadata"]["duration"] == pytest.approx(1.0)


async def test_unknown_path_404_carries_request_id(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """An unknown path is a plain 404 that still carries dg-request-id; a wrong method is 405."""
    resp = await client.get("/v1/transcribe", headers=tok(dg.api_key))
    assert resp.status_code == 404 and resp.headers["dg-request-id"]
    resp = await client.put("/v1/speak", headers=tok(dg.api_key))
    assert resp.status_code == 405 and "POST" in resp.headers["allow"]
