"""Pieces shared by the Web API methods and the response_url endpoints.

Argument decoding (a value may be a string from a query/form or a JSON value), message content
validation, metadata, and the membership rules that decide where the bot may read or post
(reference §1.4 and §5.4).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from simworld.slack import blocks as bk
from simworld.slack.file_refs import file_problems
from simworld.slack.workspace import Channel, Workspace


class ApiError(Exception):
    """An `{"ok": false, "error": …}` answer (HTTP 200 unless `status` says otherwise)."""

    def __init__(
        self,
        error: str,
        *,
        status: int = 200,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra = extra or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error, **self.extra}


@dataclass
class ApiRequest:
    """A decoded Web API request."""

    method: str
    http_method: str
    args: dict[str, Any]
    arg_sources: dict[str, str]
    content_type: str
    token: str | None
    token_source: str | None
    json_body: bool
    user_agent: str
    token_kind: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.args and self.args[name] is not None

    def str_arg(self, name: str) -> str | None:
        value = self.args.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        return json.dumps(value)

    def bool_arg(self, name: str, default: bool = False) -> bool:
        return to_bool(self.args.get(name), default)


def to_bool(value: Any, default: bool = False) -> bool:
    """Slack booleans arrive as true/false (JSON), "true"/"false" or "1"/"0" (slack_sdk params)."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return default


def decode_json_value(raw: Any) -> tuple[Any, bool]:
    """A JSON-typed argument: a JSON string (form/query) or an already-decoded JSON value."""
    if isinstance(raw, str):
        try:
            return json.loads(raw), True
        except ValueError:
            return None, False
    return raw, True


def parse_metadata(raw: Any) -> dict[str, Any] | None:
    """`metadata` = `{"event_type": str, "event_payload": object}` (message metadata)."""
    if raw is None or raw == "":
        return None
    value, ok = decode_json_value(raw)
    if not ok or not isinstance(value, dict):
        raise ApiError("invalid_metadata_format")
    if not isinstance(value.get("event_type"), str) or not value["event_type"]:
        raise ApiError("invalid_metadata_schema")
    if not isinstance(value.get("event_payload", {}), dict):
        raise ApiError("invalid_metadata_schema")
    return value


@dataclass
class Content:
    """The visible content of a message."""

    text: str | None
    blocks: list[Any] | None
    attachments: list[Any] | None
    markdown_text: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.text or self.blocks or self.attachments or self.markdown_text)


def parse_content(
    args: dict[str, Any],
    *,
    max_text: int = bk.MAX_TEXT_CHARS,
    max_blocks_chars: int | None = None,
    require: bool = True,
    ws: Workspace | None = None,
) -> Content:
    """Decode and validate text/blocks/attachments/markdown_text like `chat.postMessage`.

    Raises `ApiError` with `invalid_blocks_format`, `invalid_blocks` (+ messages),
    `msg_blocks_too_long` (only when `max_blocks_chars` is given), `markdown_text_conflict`,
    `msg_too_long` or `no_text`. With `ws`, the blocks' `slack_file` images must be files the bot
    may show (`file_refs`), else `invalid_blocks` too.
    """
    text = args.get("text")
    if text is not None and not isinstance(text, str):
        text = str(text)
    markdown_text = args.get("markdown_text")
    if markdown_text is not None and not isinstance(markdown_text, str):
        markdown_text = str(markdown_text)
    blocks, ok = bk.parse_blocks(args.get("blocks"))
    if not ok:
        raise ApiError("invalid_blocks_format")
    attachments_raw = args.get("attachments")
    attachments: list[Any] | None = None
    if attachments_raw not in (None, "", False):
        value, parsed = decode_json_value(attachments_raw)
        if parsed and isinstance(value, list) and value:
            attachments = value
    if markdown_text and (text or blocks):
        raise ApiError("markdown_text_conflict")
    content = Content(text=text, blocks=blocks, attachments=attachments, markdown_text=markdown_text)
    if require and content.empty:
        raise ApiError("no_text")
    if blocks:
        problems = bk.validate_blocks(blocks)
        if not problems and ws is not None:
            problems = file_problems(ws, blocks, poster=ws.bot_user_id)
        if problems:
            raise ApiError("invalid_blocks", extra={"response_metadata": {"messages": problems}})
        if max_blocks_chars is not None and bk.blocks_size(blocks) > max_blocks_chars:
            raise ApiError("msg_blocks_too_long")
    if text is not None and len(text) > max_text:
        raise ApiError("msg_too_long")
    if markdown_text is not None and len(markdown_text) > 12_000:
        raise ApiError("msg_too_long")
    return content


# -- membership -------------------------------------------------------------------------------------


def resolve_channel(ws: Workspace, value: str | None) -> Channel:
    """A conversation by id (or by `#name` / name for channels); `channel_not_found` otherwise."""
    if not value:
        raise ApiError("channel_not_found")
    channel = ws.channel(value) or ws.channel_by_name(value)
    if channel is None:
        raise ApiError("channel_not_found")
    return channel


def check_visible(ws: Workspace, channel: Channel) -> None:
    """Private channels and DMs the bot is not in do not exist for the bot."""
    if channel.kind != "public" and not channel.is_member(ws.bot_user_id):
        raise ApiError("channel_not_found")


def check_can_post(ws: Workspace, channel: Channel, *, allow_public_non_member: bool) -> None:
    """Where a bot may post (reference §1.4, §5.4).

    private channel / DM without the bot -> `channel_not_found`; archived -> `is_archived`;
    public channel without the bot -> `not_in_channel` unless `allow_public_non_member`
    (chat.postMessage with `chat:write.public`).
    """
    check_visible(ws, channel)
    if channel.archived:
        raise ApiError("is_archived")
    if channel.kind == "public" and not channel.is_member(ws.bot_user_id) and not allow_public_non_member:
        raise ApiError("not_in_channel")
