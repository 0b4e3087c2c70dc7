"""File upload v2 (reference §5): get an upload URL, POST the bytes to it, complete the upload.

1. `files.getUploadURLExternal(filename, length)` creates a pending `File` and a one-time ticket;
   `upload_url` points back at this fake (`/upload/v1/<ticket>`).
2. The client POSTs raw bytes (or a multipart form) there, without auth; the byte count must
   equal `length`. Answer `200 text/plain "OK - <n>"`.
3. `files.completeUploadExternal(files=[{"id","title"}], channel_id|channels, …)` shares the
   file: a `file_share` message appears in each channel. Unlike chat.postMessage, sharing needs
   real membership (`not_in_channel`), whatever `chat:write.public` says (reference §5.4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from simworld.slack import blocks as bk
from simworld.slack.api_common import ApiError, ApiRequest, check_visible, decode_json_value, resolve_channel
from simworld.slack.file_refs import file_problems
from simworld.slack.records import UploadPost
from simworld.slack.workspace import Channel, FileShare

if TYPE_CHECKING:
    from simworld.slack.server import FakeSlack
    from simworld.slack.webapi import WebApi

#: `channel_id` must look like a conversation id; a `U…` id gives invalid_arguments (bolt-js#2115).
CHANNEL_ID_RE = re.compile(r"^[CGDZ][A-Z0-9]{8,}$")
MAX_ALT_TXT = 1000
MAX_SHARE_CHANNELS = 100


@dataclass
class UploadTicket:
    """A one-time upload URL handed out by files.getUploadURLExternal."""

    ticket: str
    file_id: str
    used: bool = False


def get_upload_url(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    filename = req.str_arg("filename")
    if not filename:
        raise ApiError("invalid_arguments", extra={"response_metadata": {"messages": ["missing filename"]}})
    raw_length = req.str_arg("length")
    if raw_length is None or raw_length.strip() in ("", "0"):
        # "Typically only occurs when the length provided is 0" (reference).
        raise ApiError("missing_argument")
    try:
        length = int(raw_length)
    except ValueError:
        raise ApiError("invalid_arguments") from None
    if length < 1:
        raise ApiError("missing_argument")
    alt_txt = req.str_arg("alt_txt")
    if alt_txt is not None and len(alt_txt) > MAX_ALT_TXT:
        raise ApiError("alt_txt_too_large")
    slack = api.slack
    f = slack.workspace.new_file(filename, length, alt_txt=alt_txt, snippet_type=req.str_arg("snippet_type"))
    ticket = UploadTicket(ticket=slack.ids.alnum(32), file_id=f.id)
    slack.upload_tickets[ticket.ticket] = ticket
    return {"upload_url": f"{slack.base_url}/upload/v1/{ticket.ticket}", "file_id": f.id}


async def handle_upload(slack: FakeSlack, request: web.Request) -> web.Response:
    """`POST /upload/v1/<ticket>`: raw bytes or multipart; no Authorization needed."""
    ticket_id = request.match_info["ticket"]
    multipart = request.content_type.startswith("multipart/")
    data = b""
    if multipart:
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if isinstance(part, BodyPartReader) and (part.filename is not None or not data):
                data = await part.read(decode=False)
                if part.filename is not None:
                    break
    else:
        data = await request.read()
    ticket = slack.upload_tickets.get(ticket_id)
    fault = slack._take_fault("upload", wildcard=False)
    # UNVERIFIED: the real upload service's status codes and bodies for these failures are not
    # documented; any non-200 makes slack_sdk raise SlackRequestError, which is what matters.
    if fault is not None and fault.fails:
        status, body = (fault.status if fault.status != 200 else 500), fault.error or "injected failure"
    elif ticket is None:
        status, body = 404, "invalid upload ticket"
    elif ticket.used:
        status, body = 410, "upload ticket already used"
    else:
        f = slack.workspace.files[ticket.file_id]
        if len(data) != f.length:
            status, body = 400, f"length mismatch: expected {f.length} bytes, received {len(data)}"
        else:
            f.content = bytes(data)
            ticket.used = True
            status, body = 200, f"OK - {len(data)}"
    slack.uploads.append(
        UploadPost(
            ticket=ticket_id,
            file_id=ticket.file_id if ticket else None,
            content_type=request.headers.get("Content-Type", ""),
            received=len(data),
            multipart=multipart,
            had_authorization="Authorization" in request.headers,
            status=status,
            body=body,
        )
    )
    slack.notify()
    return web.Response(status=status, text=body, content_type="text/plain", charset="utf-8")


def _targets(api: WebApi, req: ApiRequest) -> list[Channel]:
    ws = api.ws
    ids: list[str] = []
    channel_id = req.str_arg("channel_id")
    if channel_id:
        if not CHANNEL_ID_RE.match(channel_id):
            raise ApiError(
                "invalid_arguments",
                extra={"response_metadata": {"messages": ["[ERROR] invalid channel_id [json-pointer:/channel_id]"]}},
            )
        ids.append(channel_id)
    for c in (req.str_arg("channels") or "").split(","):
        c = c.strip()
        if c and c not in ids:
            ids.append(c)
    if len(ids) > MAX_SHARE_CHANNELS:
        raise ApiError("channels_limit_exceeded")
    if req.has("thread_ts") and len(ids) > 1:
        raise ApiError("invalid_arguments")
    targets = []
    for cid in ids:
        user = ws.user(cid) if cid[:1] in ("U", "W") else None
        channel = ws.app_dm(user.id) if user is not None else resolve_channel(ws, cid)
        assert channel is not None
        check_visible(ws, channel)
        if channel.archived:
            # UNVERIFIED: is_archived is not documented for this method; invalid_channel is.
            raise ApiError("invalid_channel")
        if not channel.is_member(ws.bot_user_id):
            raise ApiError("not_in_channel")
        targets.append(channel)
    return targets


def complete_upload(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    ws = api.ws
    entries, ok = decode_json_value(req.args.get("files"))
    if not ok or not isinstance(entries, list) or not entries:
        raise ApiError("invalid_arguments", extra={"response_metadata": {"messages": ["invalid files"]}})
    chosen = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ApiError("invalid_arguments")
        f = ws.files.get(entry["id"])
        # Bytes that never arrived, or a file already completed: Slack cannot complete it.
        if f is None or not f.uploaded or f.completed:
            raise ApiError("file_not_found")
        chosen.append((f, entry))
    targets = _targets(api, req)
    initial_comment = req.str_arg("initial_comment")
    share_blocks = None
    if req.has("blocks") and not initial_comment:
        share_blocks, parsed = bk.parse_blocks(req.args.get("blocks"))
        if not parsed:
            raise ApiError("invalid_blocks")
        given = share_blocks or []
        problems = bk.validate_blocks(given) or file_problems(ws, given, poster=ws.bot_user_id)
        if problems:
            raise ApiError("invalid_blocks", extra={"response_metadata": {"messages": problems}})
    thread_ts = req.str_arg("thread_ts") or None
    for f, entry in chosen:
        title = entry.get("title")
        if isinstance(title, str) and title:
            f.title = title
        f.completed = True
        f.completed_at = api.slack.clock()
        f.initial_comment = initial_comment
    file_ids = [f.id for f, _ in chosen]
    for channel in targets:
        message = ws.add_message(
            channel,
            text=initial_comment or "",
            user=ws.bot_user_id,
            bot=True,
            blocks=share_blocks,
            subtype="file_share",
            files=file_ids,
            thread_ts=thread_ts,
            source="files.completeUploadExternal",
        )
        for f, _ in chosen:
            f.shares.append(FileShare(channel=channel.id, ts=message.ts, thread_ts=message.thread_ts))
        api.slack._echo_bot_message(channel, message)
    return {
        "files": [
            f.to_api(ws.team_id, ws.team_domain, with_shares=api.slack.upload_shares_in_response) for f, _ in chosen
        ]
    }
