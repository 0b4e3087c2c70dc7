"""The Web API under `/api/<method>`: decoding, auth, scopes, contract checks, faults, methods.

Every request goes through one pipeline (`WebApi.handle`):
decode arguments (query string, form or JSON body, merged) -> contract check against the
reference (when loaded) -> injected fault -> authentication -> method handler (scopes, rate
limits, membership, validation) -> recorded `ApiCall` -> JSON answer. Errors are HTTP 200
`{"ok": false, "error": …}` except rate limiting (429 + Retry-After).
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from simworld.slack import blocks as bk
from simworld.slack import files as files_api
from simworld.slack import usergroups
from simworld.slack.api_common import (
    ApiError,
    ApiRequest,
    check_can_post,
    check_visible,
    decode_json_value,
    parse_content,
    parse_metadata,
    resolve_channel,
)
from simworld.slack.contract import METHODS, MethodSpec, check_call
from simworld.slack.file_refs import file_problems
from simworld.slack.records import ApiCall, Ephemeral
from simworld.slack.workspace import SLACKBOT_ID, Channel, Message

if TYPE_CHECKING:
    from simworld.slack.server import FakeSlack, Fault

Handler = Callable[[ApiRequest], dict[str, Any]]


class WebApi:
    """The Web API methods, bound to one `FakeSlack`."""

    def __init__(self, slack: FakeSlack) -> None:
        self.slack = slack
        self.ws = slack.workspace
        self.handlers: dict[str, Handler] = {
            "auth.test": self.auth_test,
            "chat.postMessage": self.chat_post_message,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "chat.update": self.chat_update,
            "conversations.join": self.conversations_join,
            "conversations.info": self.conversations_info,
            "conversations.open": self.conversations_open,
            "conversations.history": self.conversations_history,
            "conversations.replies": self.conversations_replies,
            "users.info": self.users_info,
            "usergroups.list": lambda req: usergroups.usergroups_list(self, req),
            "views.publish": self.views_publish,
            "files.getUploadURLExternal": lambda req: files_api.get_upload_url(self, req),
            "files.completeUploadExternal": lambda req: files_api.complete_upload(self, req),
            "apps.connections.open": self.apps_connections_open,
            "files.upload": self.files_upload,
        }
        assert set(self.handlers) == set(METHODS), "every method in the table needs a handler"

    # -- the pipeline ---------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        req = await self._decode(request)
        call = ApiCall(
            method=req.method,
            http_method=req.http_method,
            args=dict(req.args),
            arg_sources=dict(req.arg_sources),
            content_type=req.content_type,
            token=req.token,
            token_source=req.token_source,
            at=self.slack.clock(),
            user_agent=req.user_agent,
        )
        spec = METHODS.get(req.method)
        self._check_contract(req, spec)
        status, body, headers = 200, {}, {}
        fault = self.slack._take_fault(req.method)
        hung_up = False
        if fault is not None and fault.commit_late:
            # Shielded: the late commit happens even if the server cancels this handler on hang-up.
            hung_up = await asyncio.shield(self._wait_for_hang_up(request, fault))
        try:
            if fault is not None:
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                if fault.fails:
                    call.injected = True
                    raise fault.as_error()
            if spec is None:
                raise ApiError("unknown_method", extra={"req_method": req.method})
            self._authenticate(req, spec)
            if spec.scope:
                self.need_scope(spec.scope)
            result = self.handlers[req.method](req)
            body = {"ok": True, **result}
        except ApiError as e:
            if not call.injected and e.error != "unknown_method":
                # The table in contract.py is the fake's declared behaviour: refuse to drift from it.
                assert spec is not None and e.error in spec.errors, f"{req.method} cannot return {e.error}"
            status, body, headers = e.status, e.body(), e.headers
        call.status = status
        call.response = body
        if "Retry-After" in headers:
            call.retry_after = int(headers["Retry-After"])
        self.slack.calls.append(call)
        self.slack.notify()
        if fault is not None and fault.hold_answer and not fault.commit_late:
            await asyncio.sleep(fault.hold_answer)
        if hung_up:
            raise web.HTTPServiceUnavailable()  # nobody is listening any more
        return web.json_response(body, status=status, headers=headers)

    async def _wait_for_hang_up(self, request: web.Request, fault: Fault) -> bool:
        """Hold the call until the client hangs up (then a random 0–`commit_late` s more) or until
        `hold_answer` runs out; returns whether the client hung up."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + fault.hold_answer + self.slack.random.uniform(0.0, fault.hold_jitter)
        while loop.time() < deadline:
            if request.transport is None or request.transport.is_closing():
                await asyncio.sleep(self.slack.random.uniform(0.0, fault.commit_late))
                return True
            await asyncio.sleep(0.02)
        return False

    async def _decode(self, request: web.Request) -> ApiRequest:
        method = request.match_info["method"]
        args: dict[str, Any] = {}
        sources: dict[str, str] = {}
        for key, value in request.query.items():
            args[key] = value
            sources[key] = "query"
        content_type = request.headers.get("Content-Type", "")
        json_body = False
        token_arg: str | None = None
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                raw = await request.read()
                json_body = True
                try:
                    decoded = json.loads(raw) if raw.strip() else {}
                except ValueError:
                    decoded = {}
                if isinstance(decoded, dict):
                    spec = METHODS.get(method)
                    # Methods without `json_input_supported` ignore a JSON body entirely.
                    usable = spec is None or spec.json_body
                    for key, value in decoded.items():
                        sources[key] = "json"
                        if usable:
                            args[key] = value
                    # Slack never reads a token from a JSON body: it must be the bearer header.
                    args.pop("token", None)
            else:
                form = await request.post()
                for key, field_value in form.items():
                    if isinstance(field_value, str):
                        args[key] = field_value
                        sources[key] = "form"
        if "token" in args:
            token_arg = str(args.pop("token"))
        header = request.headers.get("Authorization", "")
        token: str | None = None
        token_source: str | None = None
        if header.lower().startswith("bearer ") and header[7:].strip():
            token, token_source = header[7:].strip(), "header"
        elif token_arg:
            token, token_source = token_arg, "arg"
        return ApiRequest(
            method=method,
            http_method=request.method,
            args=args,
            arg_sources=sources,
            content_type=content_type,
            token=token,
            token_source=token_source,
            json_body=json_body,
            user_agent=request.headers.get("User-Agent", ""),
        )

    def _check_contract(self, req: ApiRequest, spec: MethodSpec | None) -> None:
        ref = self.slack.api_ref
        if ref is None:
            return
        if spec is None and ref.method(req.method) is not None:
            self.slack.contract_violations.append(
                f"{req.method}: documented Slack method the fake does not implement (answered unknown_method)"
            )
            return
        self.slack.contract_violations.extend(
            check_call(
                ref,
                req.method,
                req.arg_sources,
                token_present=req.token is not None,
                json_body=req.json_body,
            )
        )

    def _authenticate(self, req: ApiRequest, spec: MethodSpec) -> None:
        tokens = self.slack.tokens
        if spec.token_types == frozenset({"app"}):
            # "send the token in the Authorization header, not as a parameter" (reference §4).
            if req.token is None or req.token_source != "header":
                raise ApiError("missing_args")
            kind = tokens.get(req.token)
            if kind is None:
                raise ApiError("invalid_auth")
            if kind != "app":
                raise ApiError("not_allowed_token_type")
            req.token_kind = kind
            return
        if req.token is None:
            raise ApiError("not_authed")
        if req.token in self.slack.revoked_tokens:
            raise ApiError("token_revoked")
        kind = tokens.get(req.token)
        if kind is None:
            raise ApiError("invalid_auth")
        if kind not in spec.token_types:
            raise ApiError("not_allowed_token_type")
        req.token_kind = kind

    def need_scope(self, scope: str) -> None:
        scopes = self.ws.bot_scopes
        if scope not in scopes:
            raise ApiError("missing_scope", extra={"needed": scope, "provided": ",".join(sorted(scopes))})

    def need_kind_scope(self, req: ApiRequest, kind: str) -> None:
        scope = METHODS[req.method].scope_by_kind.get(kind)
        if scope is None:
            raise ApiError("method_not_supported_for_channel_type")
        self.need_scope(scope)

    # -- auth / apps -----------------------------------------------------------------------------------

    def auth_test(self, req: ApiRequest) -> dict[str, Any]:
        ws = self.ws
        return {
            "url": f"https://{ws.team_domain}.slack.com/",
            "team": ws.team_name,
            "user": ws.bot_user.name,
            "team_id": ws.team_id,
            "user_id": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "is_enterprise_install": False,
        }

    def apps_connections_open(self, req: ApiRequest) -> dict[str, Any]:
        if req.http_method != "POST":
            raise ApiError("insecure_request")
        return {"url": self.slack.socket.issue_url()}

    def files_upload(self, req: ApiRequest) -> dict[str, Any]:
        # The v1 upload is retired: use files_upload_v2 (getUploadURLExternal + completeUploadExternal).
        raise ApiError("method_deprecated")

    # -- chat -----------------------------------------------------------------------------------------

    def _target_for_post(self, req: ApiRequest) -> Channel:
        """Resolve `channel` for chat.postMessage, including a `U…` id (the user's Slackbot DM)."""
        value = req.str_arg("channel")
        user = self.ws.user(value) if value and value[0] in "UW" else None
        if user is not None and value != SLACKBOT_ID:
            return self.ws.slackbot_dm(user.id)
        return resolve_channel(self.ws, value)

    def chat_post_message(self, req: ApiRequest) -> dict[str, Any]:
        channel_arg = req.str_arg("channel") or ""
        retry_after = self.slack.rate_limiter.take(channel_arg)
        if retry_after is not None:
            raise ApiError("ratelimited", status=429, headers={"Retry-After": str(retry_after)})
        channel = self._target_for_post(req)
        slackbot_dm = channel.kind == "im" and SLACKBOT_ID in channel.members
        if not slackbot_dm:
            check_can_post(self.ws, channel, allow_public_non_member="chat:write.public" in self.ws.bot_scopes)
        content = parse_content(req.args, max_blocks_chars=self.slack.max_blocks_chars, ws=self.ws)
        metadata = parse_metadata(req.args.get("metadata"))
        message = self.ws.add_message(
            channel,
            text=content.text if content.text is not None else (content.markdown_text or ""),
            user=self.ws.bot_user_id,
            bot=True,
            blocks=content.blocks,
            attachments=content.attachments,
            metadata=metadata,
            thread_ts=req.str_arg("thread_ts") or None,
            reply_broadcast=req.bool_arg("reply_broadcast"),
        )
        self.slack._echo_bot_message(channel, message)
        return {
            "channel": channel.id,
            "ts": message.ts,
            "message": self.ws.message_to_api(message),
        }

    def chat_post_ephemeral(self, req: ApiRequest) -> dict[str, Any]:
        channel = resolve_channel(self.ws, req.str_arg("channel"))
        check_can_post(self.ws, channel, allow_public_non_member=False)
        user_id = req.str_arg("user") or ""
        if not channel.is_member(user_id):
            raise ApiError("user_not_in_channel")
        content = parse_content(req.args, ws=self.ws)
        ts = self.ws.ts_clock.next()
        self.slack.ephemerals.append(
            Ephemeral(
                channel=channel.id,
                user=user_id,
                text=content.text or "",
                blocks=content.blocks,
                attachments=content.attachments,
                ts=ts,
                thread_ts=req.str_arg("thread_ts"),
            )
        )
        return {"message_ts": ts}

    def chat_update(self, req: ApiRequest) -> dict[str, Any]:
        channel = resolve_channel(self.ws, req.str_arg("channel"))
        check_visible(self.ws, channel)
        message = channel.find(req.str_arg("ts") or "")
        if message is None:
            raise ApiError("message_not_found")
        if message.bot_id != self.ws.bot_id:
            raise ApiError("cant_update_message")
        content = parse_content(req.args, require=False, ws=self.ws)
        has_any = any(req.has(k) for k in ("text", "blocks", "attachments", "markdown_text"))
        if not has_any or (content.empty and not message.files):
            raise ApiError("no_text")
        metadata = parse_metadata(req.args.get("metadata")) if req.has("metadata") else message.metadata
        message.history.append(message.snapshot())
        # Fields not sent keep their previous value (chat.update docs for blocks/attachments).
        if req.has("text") or req.has("markdown_text"):
            message.text = content.text if content.text is not None else (content.markdown_text or "")
        if req.has("blocks"):
            message.blocks = content.blocks
        if req.has("attachments"):
            message.attachments = content.attachments
        message.metadata = metadata
        message.edited = {"user": self.ws.bot_user_id, "ts": self.ws.ts_clock.next()}
        self.slack.notify()
        # chat.update's `message` carries the content but not the ts (docs example, java sample).
        updated = self.ws.message_to_api(message)
        updated.pop("ts", None)
        return {"channel": channel.id, "ts": message.ts, "text": message.text, "message": updated}

    # -- conversations ------------------------------------------------------------------------------

    def conversations_join(self, req: ApiRequest) -> dict[str, Any]:
        channel = resolve_channel(self.ws, req.str_arg("channel"))
        if channel.kind != "public":
            raise ApiError("method_not_supported_for_channel_type")
        if channel.archived:
            raise ApiError("is_archived")
        warnings: dict[str, Any]
        if channel.is_member(self.ws.bot_user_id):
            warnings = {"warning": "already_in_channel", "response_metadata": {"warnings": ["already_in_channel"]}}
        else:
            warnings = {}
            channel.members.add(self.ws.bot_user_id)
            # Slack announces the join in the channel, as a `channel_join` message.
            self.ws.add_message(
                channel,
                text=f"<@{self.ws.bot_user_id}> has joined the channel",
                user=self.ws.bot_user_id,
                subtype="channel_join",
                source="conversations.join",
            )
        return {"channel": channel.to_api(self.ws.bot_user_id, self.ws.team_id, self.slack.clock()), **warnings}

    def conversations_info(self, req: ApiRequest) -> dict[str, Any]:
        channel = resolve_channel(self.ws, req.str_arg("channel"))
        self.need_kind_scope(req, channel.kind)
        check_visible(self.ws, channel)
        return {
            "channel": channel.to_api(
                self.ws.bot_user_id,
                self.ws.team_id,
                self.slack.clock(),
                num_members=req.bool_arg("include_num_members"),
            )
        }

    def conversations_open(self, req: ApiRequest) -> dict[str, Any]:
        if req.has("channel") and not req.has("users"):
            channel = resolve_channel(self.ws, req.str_arg("channel"))
            if channel.kind not in ("im", "mpim"):
                raise ApiError("method_not_supported_for_channel_type")
            self.need_kind_scope(req, channel.kind)
            check_visible(self.ws, channel)
            return self._open_answer(req, channel, existed=True)
        users = [u.strip() for u in (req.str_arg("users") or "").split(",") if u.strip()]
        if not users:
            raise ApiError("users_list_not_supplied")
        self.need_kind_scope(req, "im" if len(users) == 1 else "mpim")
        for u in users:
            if self.ws.user(u) is None:
                raise ApiError("user_not_found")
        if len(users) == 1:
            existing = self.ws.app_dm(users[0], create=False)
            dm = existing or self.ws.app_dm(users[0])
            assert dm is not None
            return self._open_answer(req, dm, existed=existing is not None)
        wanted = set(users) | {self.ws.bot_user_id}
        found = next((c for c in self.ws.channels.values() if c.kind == "mpim" and c.members == wanted), None)
        channel = found or self.ws.add_channel("mpdm-" + "--".join(users), kind="mpim", members=users)
        return self._open_answer(req, channel, existed=found is not None)

    def _open_answer(self, req: ApiRequest, channel: Channel, *, existed: bool) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if existed:
            data["no_op"] = True
            data["already_open"] = True
        if req.bool_arg("return_im"):
            data["channel"] = channel.to_api(self.ws.bot_user_id, self.ws.team_id, self.slack.clock())
        else:
            data["channel"] = {"id": channel.id}
        return data

    def _readable(self, req: ApiRequest) -> Channel:
        channel = resolve_channel(self.ws, req.str_arg("channel"))
        self.need_kind_scope(req, channel.kind)
        check_visible(self.ws, channel)
        if not channel.is_member(self.ws.bot_user_id):
            raise ApiError("not_in_channel")
        return channel

    def _history_allowed(self, req: ApiRequest) -> None:
        retry_after = self.slack.history_limiter.take(req.method)
        if retry_after is not None:
            raise ApiError("ratelimited", status=429, headers={"Retry-After": str(retry_after)})

    def conversations_history(self, req: ApiRequest) -> dict[str, Any]:
        self._history_allowed(req)
        channel = self._readable(req)
        with_meta = req.bool_arg("include_all_metadata")
        candidates = [m for m in channel.visible() if not m.is_reply or m.reply_broadcast]
        selected = _between(req, candidates)
        selected.reverse()  # newest first
        page, next_cursor = _paginate(req, selected, page_max=self.slack.history_page_max)
        return {
            "messages": [self.ws.message_to_api(m, include_metadata=with_meta) for m in page],
            "has_more": bool(next_cursor),
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
            "response_metadata": {"next_cursor": next_cursor},
        }

    def conversations_replies(self, req: ApiRequest) -> dict[str, Any]:
        self._history_allowed(req)
        channel = self._readable(req)
        parent = channel.find(req.str_arg("ts") or "")
        if parent is None:
            raise ApiError("thread_not_found")
        if parent.is_reply:
            parent = channel.find(parent.thread_ts or "") or parent
        replies = [m for m in channel.visible() if m.is_reply and m.thread_ts == parent.ts]
        # The parent comes first on every request; `oldest`/`latest` bound the replies.
        page, next_cursor = _paginate(req, [parent, *_between(req, replies)], page_max=self.slack.history_page_max)
        with_meta = req.bool_arg("include_all_metadata")
        return {
            "messages": [self.ws.message_to_api(m, include_metadata=with_meta) for m in page],
            "has_more": bool(next_cursor),
            "response_metadata": {"next_cursor": next_cursor},
        }

    # -- users / views ------------------------------------------------------------------------------

    def users_info(self, req: ApiRequest) -> dict[str, Any]:
        user = self.ws.user(req.str_arg("user") or "")
        if user is None:
            raise ApiError("user_not_found")
        return {"user": user.to_api(self.slack.clock())}

    def views_publish(self, req: ApiRequest) -> dict[str, Any]:
        # Slack answers malformed views with `invalid_arguments` + response_metadata messages.
        def invalid(*messages: str) -> ApiError:
            return ApiError("invalid_arguments", extra={"response_metadata": {"messages": list(messages)}})

        user_id = req.str_arg("user_id") or ""
        if self.ws.user(user_id) is None:
            raise invalid("[ERROR] invalid user_id [json-pointer:/user_id]")
        view, ok = decode_json_value(req.args.get("view"))
        if not ok or not isinstance(view, dict):
            raise invalid("[ERROR] must provide an object [json-pointer:/view]")
        if view.get("type") != "home":
            raise invalid("[ERROR] must be one of home [json-pointer:/view/type]")
        blocks = view.get("blocks")
        if not isinstance(blocks, list):
            raise invalid("[ERROR] must provide an array [json-pointer:/view/blocks]")
        problems = bk.validate_blocks(blocks, max_blocks=bk.MAX_VIEW_BLOCKS, root="/view/blocks")
        problems = problems or file_problems(self.ws, blocks, poster=self.ws.bot_user_id, root="/view/blocks")
        if problems:
            raise invalid(*problems)
        if len(json.dumps(view)) > 250_000:
            raise ApiError("view_too_large")
        if not self.ws.home_tab_enabled:
            raise ApiError("not_enabled")
        current = self.ws.home_views.get(user_id)
        expected_hash = req.str_arg("hash")
        if expected_hash and current is not None and current["hash"] != expected_hash:
            raise ApiError("hash_conflict")
        ids = self.slack.ids
        view_id = current["id"] if current is not None else ids.slack_id("V")
        published = {
            "id": view_id,
            "team_id": self.ws.team_id,
            "type": "home",
            "blocks": blocks,
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(self.slack.clock())}.{ids.digits(8)}",
            "title": view.get("title", {"type": "plain_text", "text": "View Title", "emoji": True}),
            "clear_on_close": False,
            "notify_on_close": False,
            "close": None,
            "submit": None,
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": self.ws.app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": self.ws.team_id,
            "bot_id": self.ws.bot_id,
        }
        self.ws.home_views[user_id] = published
        return {"view": published}


def _ts_arg(req: ApiRequest, name: str, error: str) -> float | None:
    value = req.str_arg(name)
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        raise ApiError(error) from None


def _between(req: ApiRequest, messages: list[Message]) -> list[Message]:
    """The messages inside the request's `oldest`/`latest` bounds (exclusive unless `inclusive`)."""
    oldest = _ts_arg(req, "oldest", "invalid_ts_oldest")
    latest = _ts_arg(req, "latest", "invalid_ts_latest")
    inclusive = req.bool_arg("inclusive")
    selected = []
    for m in messages:
        t = float(m.ts)
        if oldest is not None and (t < oldest or (t == oldest and not inclusive)):
            continue
        if latest is not None and (t > latest or (t == latest and not inclusive)):
            continue
        selected.append(m)
    return selected


def _paginate(req: ApiRequest, items: list[Any], *, page_max: int | None = None) -> tuple[list[Any], str]:
    """Offset cursors (opaque base64 like Slack's `bmV4dF90czox…`); `limit` defaults to 100, at most
    999, or `page_max` when the app is held to a smaller page."""
    try:
        limit = int(req.str_arg("limit") or 100)
    except ValueError:
        limit = 100
    limit = max(1, min(limit, 999 if page_max is None else page_max))
    start = 0
    cursor = req.str_arg("cursor")
    if cursor:
        try:
            prefix, _, offset = base64.b64decode(cursor.encode()).decode().partition(":")
            if prefix != "next_offset":
                raise ValueError(cursor)
            start = int(offset)
        except ValueError:
            raise ApiError("invalid_cursor") from None
    page = items[start : start + limit]
    nxt = start + limit
    next_cursor = base64.b64encode(f"next_offset:{nxt}".encode()).decode() if nxt < len(items) else ""
    return page, next_cursor
