"""`POST /v1/listen` — pre-recorded transcription (§3.1)."""

from __future__ import annotations

import hashlib
import json

from aiohttp import web

from . import errors as E
from .audio import Corrupt
from .common import (
    authorize_usage,
    error_response,
    fake_of,
    json_response,
    parse_listen,
    request_id,
)
from .errors import ErrorReply
from .state import iso, now_utc
from .transcript import ClipEntry, decodable, find_clip, listen_response


async def handle_listen(request: web.Request) -> web.StreamResponse:
    """Transcribe a URL body (served from registered clips) or raw audio bytes."""
    dg = fake_of(request)
    rid = request_id(request)
    auth = authorize_usage(request)
    if isinstance(auth, ErrorReply):
        return error_response(request, auth)
    params = parse_listen(request.query, streaming=False, project=auth.project, rid=rid, flux_status=dg.flux.v1_status)
    if isinstance(params, ErrorReply):
        return error_response(request, params)
    body = await request.read()
    entry: ClipEntry | None
    if request.content_type == "application/json":
        # A `{"url": …}` body needs the JSON content type; without it the same bytes are "audio" and
        # fail as corrupt data (§3.1).
        try:
            doc = json.loads(body)
            url = doc["url"] if isinstance(doc, dict) else None
        except (ValueError, KeyError):
            url = None
        if not isinstance(url, str):
            if dg.invalid_json_form == "modern":
                return error_response(
                    request,
                    ErrorReply(
                        400,
                        {
                            "category": "INVALID_JSON",
                            "message": "Invalid JSON submitted.",
                            "details": "Json deserialize error: missing field `url` at line 1 column 2",
                            "request_id": rid,
                        },
                    ),
                )
            return error_response(request, ErrorReply(400, E.legacy(E.BAD_JSON_LEGACY, rid)))
        if url in dg.remote_errors:
            status, reason = dg.remote_errors[url]
            return error_response(request, _remote_error(rid, status, reason))
        entry = dg.clips_by_url.get(url)
        if entry is None:
            # The fake cannot fetch URLs: an unregistered URL behaves like media the host refuses (404).
            return error_response(request, _remote_error(rid, 404, "Not Found"))
        data = entry.clip.audio
        sha = entry.sha_full
        duration = entry.duration
        channels = entry.info.channels
    else:
        data = body
        try:
            info = decodable(data, params.encoding, params.sample_rate, params.channels)
        except Corrupt:
            return error_response(request, ErrorReply(400, E.legacy(E.BAD_AUDIO, rid)))
        payload = data[info.header_len :]
        entry = find_clip(dg.clip_entries, data, payload)
        sha = hashlib.sha256(data).hexdigest()
        duration = info.duration if info.duration is not None else (entry.duration if entry else 0.0)
        channels = info.channels
    if params.callback:
        # With `callback` the immediate answer is only the request id (OAS `ListenV1AcceptedResponse`).
        return json_response(request, {"request_id": rid})
    dg.charge(auth.project, duration)
    body_json = listen_response(
        entry=entry,
        feats=params.features,
        model=params.model,
        request_id=rid,
        created=iso(now_utc()),
        sha256=sha,
        duration=duration,
        channels=channels,
    )
    return json_response(request, body_json)


def _remote_error(rid: str, status: int, reason: str) -> ErrorReply:
    """`REMOTE_CONTENT_ERROR` as in the 401 community article (§2.1)."""
    kind = "client" if status < 500 else "server"
    return ErrorReply(
        400,
        E.legacy(
            (E.REMOTE_CONTENT_ERROR, f"The remote server hosting the media returned a {kind} error: {status} {reason}"),
            rid,
        ),
    )
