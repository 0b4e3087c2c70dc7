"""Helpers shared by the handlers: responses with `dg-request-id`, auth per route family, query parsing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from aiohttp import web
from multidict import MultiMapping

from . import errors as E
from .auth import Presented, from_header, from_subprotocols
from .errors import ErrorReply
from .models import DEFAULT_STT_MODEL, STT_MODELS, SttModel, language_ok
from .state import ApiKey, Oversize, Project, RecordedRequest
from .transcript import Features

if TYPE_CHECKING:
    from .server import FakeDeepgram

FAKE: web.AppKey[FakeDeepgram] = web.AppKey("fake_deepgram")
REQUEST_ID: web.RequestKey[str] = web.RequestKey("dg_request_id", str)
RECORD: web.RequestKey[RecordedRequest] = web.RequestKey("dg_record", RecordedRequest)
STALL: web.RequestKey[bool] = web.RequestKey("dg_stall", bool)  # stall_ws knob for this upgrade
MALFORMED: web.RequestKey[bool] = web.RequestKey("dg_malformed", bool)  # malformed_json knob on a stream
OVERSIZE: web.RequestKey[Oversize] = web.RequestKey("dg_oversize", Oversize)  # oversize knob on a stream
HOST: web.AppKey[str] = web.AppKey("dg_host", str)  # "api" or "agent": which host an app plays
# Seen on a real browser handshake (deepgram-dotnet-sdk#302, §1.4).
EXPOSE_HEADERS = "dg-model-name,dg-model-uuid,dg-char-count,dg-request-id,dg-error"

Family = Literal["api", "manage", "auth"]


def fake_of(request: web.Request) -> FakeDeepgram:
    """The FakeDeepgram serving this request."""
    return request.app[FAKE]


def request_id(request: web.Request) -> str:
    """The `dg-request-id` of this request."""
    return request[REQUEST_ID]


def record_of(request: web.Request) -> RecordedRequest:
    """The log entry of this request."""
    return request[RECORD]


def dumps(body: Any) -> str:
    """Compact JSON."""
    return json.dumps(body, separators=(",", ":"))


def json_response(request: web.Request, body: Any, status: int = 200) -> web.Response:
    """A JSON response carrying `dg-request-id`."""
    return web.Response(
        status=status,
        text=dumps(body),
        content_type="application/json",
        headers={"dg-request-id": request_id(request)},
    )


def error_response(request: web.Request, err: ErrorReply) -> web.Response:
    """An HTTP error in the body form the handler chose (dict → JSON, str → text/plain)."""
    headers = {"dg-request-id": request_id(request), **err.headers}
    if isinstance(err.body, dict):
        return web.Response(status=err.status, text=dumps(err.body), content_type="application/json", headers=headers)
    return web.Response(status=err.status, text=err.body, content_type="text/plain", headers=headers)


def pad_text(text: str, knob: Oversize | None) -> str:
    """The `oversize` knob on a socket's JSON message: padded with spaces to `knob.size` bytes (still JSON)."""
    if knob is None or knob.binary:
        return text
    return text + " " * max(0, knob.size - len(text.encode()))


def handshake_error(request: web.Request, status: int, message: str) -> web.Response:
    """A refused WebSocket upgrade: plain HTTP, `dg-error` header and the same text as body (§4.6)."""
    one_line = " ".join(message.split())
    return web.Response(
        status=status,
        text=message,
        content_type="text/plain",
        headers={
            "dg-request-id": request_id(request),
            "dg-error": one_line.encode("ascii", "replace").decode(),
            "access-control-expose-headers": EXPOSE_HEADERS,
        },
    )


def presented_credentials(request: web.Request, *, websocket: bool) -> Presented:
    """The credential the request carries: header first, then (WS) the subprotocol list, then `?token=`."""
    dg = fake_of(request)
    p = from_header(request.headers.get("Authorization"))
    if p.scheme is None and websocket:
        sub = from_subprotocols(request.headers.get("Sec-WebSocket-Protocol"))
        if sub is not None:
            p = sub
    if p.scheme is None and dg.accept_query_token and "token" in request.query:
        # `?token=` is undocumented and unverified (§1.4, §11.1): only honoured when the knob is on.
        p = Presented("token", "query", request.query["token"])
    return p


@dataclass
class Authed:
    """A request that passed authentication."""

    key: ApiKey
    project: Project
    via_jwt: bool


def authenticate(request: web.Request, family: Family, presented: Presented) -> Authed | ErrorReply:
    """Check the credential for a route family, answering in that family's error form (§1, §2)."""
    dg = fake_of(request)
    rid = request_id(request)
    rec = record_of(request)
    secret = presented.secret or ""
    key: ApiKey | None = None
    via_jwt = False
    if presented.scheme == "token":
        candidate = dg.keys.get(secret)
        if candidate is not None and not candidate.is_expired():
            key = candidate
    elif presented.scheme == "bearer" and family == "api":
        # Only JWTs this fake issued; an API key sent as Bearer is an auth error (§1.1).
        key = dg.tokens.check(secret)
        via_jwt = key is not None
    if key is not None and key.is_expired():
        key = None
    if key is None:
        if family == "api":
            return ErrorReply(401, E.legacy(E.INVALID_AUTH, rid))
        if family == "manage":
            return ErrorReply(dg.management_auth_status, E.modern(E.AUTHENTICATION_FAILED, rid))
        return ErrorReply(401, E.INVALID_CREDENTIALS_TEXT)
    rec.key_id = key.api_key_id
    project = dg.projects[key.project_id]
    if family == "api" and not key.can_use_apis():
        return ErrorReply(401, E.legacy(E.INSUFFICIENT_PERMISSIONS_USER, rid))
    if family == "manage" and not key.can_read_project():
        # OAS-2025 `project_unauthorized`: 401 text/plain.
        return ErrorReply(401, "User does not have sufficient permissions.")
    return Authed(key, project, via_jwt)


def payment_required(request: web.Request) -> ErrorReply:
    """402 for a project without credit (§2.1). The only documented 402 body is the ASR one."""
    return ErrorReply(402, E.legacy(E.ASR_PAYMENT_REQUIRED, request_id(request)))


def authorize_usage(request: web.Request) -> Authed | ErrorReply:
    """A usage route over HTTP (listen, speak): valid credentials, and a project with credit."""
    auth = authenticate(request, "api", presented_credentials(request, websocket=False))
    if isinstance(auth, ErrorReply):
        return auth
    if auth.project.out_of_credit:
        return payment_required(request)
    return auth


# -- /v1/listen query parameters -----------------------------------------------------------------------

# AAS `ListenV1Encoding` (a superset of the REST enum; alaw/linear32/ogg-opus are streaming additions).
LISTEN_ENCODINGS = (
    "linear16",
    "linear32",
    "flac",
    "alaw",
    "mulaw",
    "amr-nb",
    "amr-wb",
    "opus",
    "ogg-opus",
    "speex",
    "g729",
)
_BOOLS = (
    "interim_results",
    "punctuate",
    "smart_format",
    "paragraphs",
    "diarize",
    "utterances",
    "multichannel",
    "vad_events",
    "numerals",
    "profanity_filter",
    "filler_words",
    "dictation",
    "measurements",
    "detect_entities",
    "mip_opt_out",
)


@dataclass
class ListenParams:
    """Validated `/v1/listen` parameters."""

    model: SttModel
    model_requested: bool
    encoding: str | None
    sample_rate: int | None
    channels: int
    language: str
    interim_results: bool
    vad_events: bool
    utterance_end_ms: int | None
    callback: str | None
    features: Features = field(default_factory=Features)


def _bad_query(rid: str, message: str, status: int = 400) -> ErrorReply:
    return ErrorReply(
        status, E.legacy((E.INVALID_QUERY_PARAMETER, "Failed to deserialize query parameters: " + message), rid)
    )


def parse_listen(
    query: MultiMapping[str], *, streaming: bool, project: Project, rid: str, flux_status: int = 400
) -> ListenParams | ErrorReply:
    """Validate listen parameters as Deepgram does before any audio is read (§3.1, §4.1, §4.6).

    A Flux model is refused with `V2_MODEL_ON_V1_LISTEN_ENDPOINT` (realtime §2.5; HTTP status unverified,
    hence `flux_status`).
    """
    flags: dict[str, bool] = {}
    for name in _BOOLS:
        if name in query:
            value = query[name].lower()
            if value not in ("true", "false"):
                return _bad_query(rid, f"invalid value for `{name}`: provided string was not `true` or `false`")
            flags[name] = value == "true"
    requested = query.get("model")
    if requested in ("flux-general-en", "flux-general-multi"):
        return ErrorReply(flux_status, E.legacy(E.V2_MODEL_ON_V1, rid))
    if requested is None and streaming:
        model = STT_MODELS["base"]  # a stream without `model` gets the base model (rec ed5b…)
    else:
        model_name = requested or DEFAULT_STT_MODEL
        found = STT_MODELS.get(model_name)
        if found is None:
            # e.g. the non-existent `nova-3-meeting` (§6, §11.3).
            return ErrorReply(400, E.legacy(E.NO_SUCH_MODEL, rid))
        model = found
    if streaming and not model.streaming:
        # Whisper Cloud is pre-recorded only: 405 on the upgrade (deepgram-dotnet-sdk#304). Text unverified.
        return ErrorReply(405, E.legacy(("Method Not Allowed", "Whisper models are not available for streaming."), rid))
    if model.request_name in project.denied_models or model.canonical_name in project.denied_models:
        return ErrorReply(403, E.legacy(E.INSUFFICIENT_PERMISSIONS_MODEL, rid))
    encoding = query.get("encoding")
    if encoding is not None and encoding not in LISTEN_ENCODINGS:
        expected = ", ".join(f"`{e}`" for e in LISTEN_ENCODINGS)
        return _bad_query(rid, f"unknown variant `{encoding}`, expected one of {expected}")
    sample_rate = None
    if "sample_rate" in query:
        try:
            sample_rate = int(query["sample_rate"])
        except ValueError:
            return _bad_query(rid, "sample_rate: invalid digit found in string")
        if sample_rate <= 0:
            return _bad_query(rid, "sample_rate: number would be zero for non-zero type")
    channels = 1
    if "channels" in query:
        try:
            channels = int(query["channels"])
        except ValueError:
            return _bad_query(rid, "channels: invalid digit found in string")
        if channels < 1:
            return _bad_query(rid, "channels: number would be zero for non-zero type")
    language = query.get("language", "en")
    if not language_ok(model, language):
        # `language=english` → 400 on the upgrade (livekit/agents#3519); an English-only model with
        # another language → 400 (livekit/agents PR #618). Message text unverified.
        return ErrorReply(400, E.legacy(E.NO_SUCH_MODEL, rid))
    if "keywords" in query and not model.keywords:
        # Nova-3 takes `keyterm`, not `keywords`: "bare HTTP 400" (deepgram-js-sdk#474). Text unverified.
        return ErrorReply(
            400,
            E.legacy(("Bad Request", "Keywords are not supported for Nova-3 models. Use keyterm instead."), rid),
        )
    utterance_end_ms = None
    if "utterance_end_ms" in query:
        try:
            utterance_end_ms = int(query["utterance_end_ms"])
        except ValueError:
            return _bad_query(rid, "utterance_end_ms: invalid digit found in string")
    diarize = flags.get("diarize", False) or "diarize_model" in query
    features = Features(
        punctuate=flags.get("punctuate", False),
        smart_format=flags.get("smart_format", False),
        paragraphs=flags.get("paragraphs", False),
        diarize=diarize,
        utterances=flags.get("utterances", False),
        multichannel=flags.get("multichannel", False),
        tags=query.getall("tag", []),
    )
    return ListenParams(
        model=model,
        model_requested=requested is not None,
        encoding=encoding,
        sample_rate=sample_rate,
        channels=channels,
        language=language,
        interim_results=flags.get("interim_results", False),
        vad_events=flags.get("vad_events", False),
        utterance_end_ms=utterance_end_ms,
        callback=query.get("callback"),
        features=features,
    )
