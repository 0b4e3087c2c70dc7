"""response_url endpoints (reference §1.3): `/commands/<team>/<id>/<secret>`, `/actions/…`.

Slack gives every slash command and block action a response_url. The app POSTs JSON messages
to it (Bolt's `respond()`, via `AsyncWebhookClient`, without any Authorization header):
ephemeral by default, `in_channel` to post a real channel message, `replace_original` /
`delete_original` for the message that carried the clicked button. At most 5 uses within 30
minutes. The bot can always answer this way, whatever its channel membership.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from aiohttp import web

from simworld.slack.api_common import ApiError, parse_content, to_bool
from simworld.slack.records import ResponseUrlPost

if TYPE_CHECKING:
    from simworld.slack.server import FakeSlack

MAX_USES = 5
TTL_SECONDS = 30 * 60


@dataclass
class ResponseUrlState:
    """What Slack remembers about one response_url."""

    kind: str
    team_id: str
    channel_id: str | None
    user_id: str | None
    message_ts: str | None
    created: float
    uses: int = 0


def new_response_url(
    slack: FakeSlack,
    *,
    team_id: str | None = None,
    kind: str = "commands",
    channel_id: str | None = None,
    user_id: str | None = None,
    message_ts: str | None = None,
) -> str:
    """Mint a response_url pointing back at the fake (shape of `hooks.slack.com/commands/T/1/x`)."""
    team = team_id or slack.workspace.team_id
    path = f"/{kind}/{team}/{slack.ids.digits(13)}/{slack.ids.alnum(24)}"
    slack.response_url_states[path] = ResponseUrlState(
        kind=kind,
        team_id=team,
        channel_id=channel_id,
        user_id=user_id,
        message_ts=message_ts,
        created=slack.clock(),
    )
    return f"{slack.base_url}{path}"


def _decode(raw: bytes, content_type: str) -> dict[str, Any] | None:
    text = raw.decode("utf-8", errors="replace")
    if content_type.startswith("application/x-www-form-urlencoded"):
        # Legacy form: payload=<json>, as incoming webhooks also accept.
        payload = parse_qs(text).get("payload")
        text = payload[0] if payload else ""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


async def handle_response_url(slack: FakeSlack, request: web.Request) -> web.Response:
    path = request.path
    raw = await request.read()
    content_type = request.headers.get("Content-Type", "")
    body = _decode(raw, content_type)
    state = slack.response_url_states.get(path)
    now = slack.clock()
    post = ResponseUrlPost(
        url=f"{slack.base_url}{path}",
        kind=path.split("/")[1],
        body=body,
        raw=raw,
        content_type=content_type,
        status=200,
        response_body="",
        at=now,
        channel=state.channel_id if state else None,
    )
    status, answer = _apply(slack, state, body, now, post)
    post.status = status
    post.response_body = json.dumps(answer)
    slack.responses.append(post)
    slack.notify()
    return web.json_response(answer, status=status)


def _apply(
    slack: FakeSlack,
    state: ResponseUrlState | None,
    body: dict[str, Any] | None,
    now: float,
    post: ResponseUrlPost,
) -> tuple[int, dict[str, Any]]:
    fault = slack._take_fault("response_url", wildcard=False)
    if fault is not None and fault.fails:
        return (fault.status if fault.status != 200 else 500), {"ok": False, "error": fault.error or "internal_error"}
    # UNVERIFIED: Slack's exact status and body for unknown, expired and over-used URLs are not
    # documented; 404 with `expired_url` / `used_url` is a plausible stand-in.
    if state is None or now - state.created > TTL_SECONDS:
        return 404, {"ok": False, "error": "expired_url"}
    if state.uses >= MAX_USES:
        return 404, {"ok": False, "error": "used_url"}
    if body is None:
        return 400, {"ok": False, "error": "invalid_payload"}
    delete = to_bool(body.get("delete_original"))
    try:
        content = parse_content(body, require=not delete, ws=slack.workspace)
    except ApiError as e:
        return 400, e.body()
    state.uses += 1
    ws = slack.workspace
    channel = ws.channel(state.channel_id) if state.channel_id else None
    original = channel.find(state.message_ts) if channel is not None and state.message_ts else None
    if delete:
        if original is not None:
            original.deleted = True
            post.message_ts = original.ts
    elif to_bool(body.get("replace_original")) and original is not None:
        original.history.append(original.snapshot())
        original.text = content.text or ""
        original.blocks = content.blocks
        original.attachments = content.attachments
        original.edited = {"user": ws.bot_user_id, "ts": ws.ts_clock.next()}
        post.message_ts = original.ts
    elif body.get("response_type") == "in_channel" and channel is not None:
        thread_ts = body.get("thread_ts")
        message = ws.add_message(
            channel,
            text=content.text or "",
            user=ws.bot_user_id,
            bot=True,
            blocks=content.blocks,
            attachments=content.attachments,
            thread_ts=thread_ts if isinstance(thread_ts, str) else None,
            source="response_url",
        )
        post.message_ts = message.ts
        slack._echo_bot_message(channel, message)
    return 200, {"ok": True}
