"""`SlackDriver`: plays Slack's side towards the bot — slash commands, events, button clicks.

Over HTTP (`via="http"`) it POSTs signed requests to the app's Request URL exactly as Slack does
(form body for commands, `payload=<json>` form for interactivity, JSON for events; headers
`X-Slack-Request-Timestamp` / `X-Slack-Signature`, retries with `X-Slack-Retry-Num` /
`X-Slack-Retry-Reason`). Over Socket Mode (`via="socket"`) it hands the same payloads to the
fake's Socket Mode server as `slash_commands` / `events_api` / `interactive` envelopes.

Signatures use the real wall clock (`signing_clock`), not the fake's injectable clock: Bolt checks
them against `time.time()` and rejects anything more than 5 minutes off.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import aiohttp

from simworld.slack.escaping import MANIFEST_SHOULD_ESCAPE, escape_command_text
from simworld.slack.records import ActionResult, CommandResult, EventResult, ResponseUrlPost
from simworld.slack.server import FakeSlack, sign
from simworld.slack.socket_mode import Envelope
from simworld.slack.workspace import Channel, Message, User

SLACKBOT_UA = "Slackbot 1.0 (+https://api.slack.com/robots)"


def _acked(envelope: Envelope) -> dict[str, Any]:
    """The result fields every Socket Mode delivery shares: the ack (or its absence) and the envelope."""
    ack = envelope.ack
    return {
        "status": 200 if ack else None,
        "body": ack.payload if ack else None,
        "ack_seconds": envelope.ack_seconds,
        "envelope_id": envelope.envelope_id,
        "envelope": envelope,
    }


class SlackDriver:
    """Sends Slack-originated traffic to the app under test, over HTTP or Socket Mode."""

    def __init__(
        self,
        slack: FakeSlack,
        app_url: str | None = None,
        *,
        signing_clock: Callable[[], float] = time.time,
        should_escape: bool = MANIFEST_SHOULD_ESCAPE,
    ) -> None:
        self.slack = slack
        self.app_url = app_url
        self.signing_clock = signing_clock
        #: The command's manifest `should_escape`: typed text is sent the way Slack then sends it
        #: (`simworld.slack.escaping`); `slash_command(escape=…)` overrides it per command.
        self.should_escape = should_escape
        if app_url and slack.app_url is None:
            # Fake-originated events (echoes of the bot's IM messages) go to the same place.
            slack.app_url = app_url
        #: Every event body sent, by event_id (for redelivery).
        self.sent_events: dict[str, dict[str, Any]] = {}

    # -- helpers -----------------------------------------------------------------------------------------

    def _via(self, via: str | None) -> str:
        chosen = via or ("http" if self.app_url else "socket")
        if chosen not in ("http", "socket"):
            raise ValueError(f"via must be 'http' or 'socket', not {chosen!r}")
        if chosen == "http" and not self.app_url:
            raise ValueError("via='http' needs SlackDriver(app_url=…)")
        return chosen

    def _user(self, user: User | str | None) -> User:
        ws = self.slack.workspace
        if user is None:
            return ws.default_user
        if isinstance(user, User):
            return user
        found = ws.user(user)
        if found is None:
            raise KeyError(f"unknown user {user}")
        return found

    def _channel(self, channel: Channel | str | None) -> Channel:
        ws = self.slack.workspace
        if channel is None:
            return ws.default_channel
        if isinstance(channel, Channel):
            return channel
        found = ws.channel(channel) or ws.channel_by_name(channel)
        if found is None:
            raise KeyError(f"unknown channel {channel}")
        return found

    async def post_signed(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: str | int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        """POST `body` to the app, signed (or with the given `timestamp` / forged `signature`)."""
        status, text, _ = await self._post(
            body, content_type, timestamp=timestamp, signature=signature, headers=headers
        )
        return (status if status is not None else 0), text

    async def _post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: str | int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int | None, str, float]:
        """One Slack → app request; status None when the app did not answer within the ack window."""
        assert self.app_url, "SlackDriver needs app_url for HTTP delivery"
        ts = str(timestamp if timestamp is not None else int(self.signing_clock()))
        all_headers = {
            "Content-Type": content_type,
            "User-Agent": SLACKBOT_UA,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature if signature is not None else sign(self.slack.signing_secret, ts, body),
        }
        all_headers.update(headers or {})
        started = time.perf_counter()
        timeout = aiohttp.ClientTimeout(total=self.slack.ack_timeout)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(self.app_url, data=body, headers=all_headers) as resp,
            ):
                text = await resp.text()
                return resp.status, text, time.perf_counter() - started
        except TimeoutError:
            # Slack gives up after 3 s: the user sees "operation_timeout".
            return None, "", time.perf_counter() - started

    async def _socket(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> Envelope:
        """Deliver over Socket Mode; return once acked or the first ack window has passed."""
        socket = self.slack.socket
        envelope = socket.deliver(type, payload, retry_attempt=retry_attempt, retry_reason=retry_reason)
        window = socket.ack_timeout
        with contextlib.suppress(TimeoutError):
            # Waiting for a connection can take one window, the ack another.
            await self.slack.wait_until(
                lambda: envelope.acked or envelope.timed_out or len(envelope.attempts) > 1,
                timeout=2 * window + 1.0,
            )
        return envelope

    # -- slash commands ----------------------------------------------------------------------------------

    def command_payload(
        self, text: str, *, command: str, user: User, channel: Channel, response_url: str
    ) -> dict[str, str]:
        """The 15 fields of a slash command request, in Slack's order (reference §1.1)."""
        ws = self.slack.workspace
        fields: dict[str, str] = {
            "token": self.slack.verification_token,
            "team_id": ws.team_id,
            "team_domain": ws.team_domain,
        }
        if ws.enterprise_id:
            fields["enterprise_id"] = ws.enterprise_id
            fields["enterprise_name"] = ws.enterprise_name or ""
        channel_name = "directmessage" if channel.kind == "im" else channel.name
        fields.update(
            {
                "channel_id": channel.id,
                "channel_name": channel_name,
                "user_id": user.id,
                "user_name": user.name,
                "command": command,
                "text": text,
                "api_app_id": ws.app_id,
                "is_enterprise_install": "false",
                "response_url": response_url,
                "trigger_id": self.slack.ids.trigger_id(self.slack.clock()),
            }
        )
        return fields

    async def slash_command(
        self,
        text: str,
        *,
        command: str = "/deepgram",
        user: User | str | None = None,
        channel: Channel | str | None = None,
        via: str | None = None,
        escape: bool | None = None,
    ) -> CommandResult:
        """Type `command text` as `user` in `channel`; returns the ack and the response_url.

        With escaping (`should_escape`, the default unless `escape=False`), `text` is what the person
        types and is sent as Slack sends it: `@alice` → `<@U…|alice>`, URLs → `<https://…>`, `&` → `&amp;`.
        `escape=False` sends `text` exactly as given (Slack's own form, written by the test)."""
        how = self._via(via)
        who, where = self._user(user), self._channel(channel)
        if self.should_escape if escape is None else escape:
            text = escape_command_text(text, self.slack.workspace)
        response_url = self.slack.new_response_url(kind="commands", channel_id=where.id, user_id=who.id)
        payload = self.command_payload(text, command=command, user=who, channel=where, response_url=response_url)
        if how == "http":
            status, body, elapsed = await self._post(urlencode(payload).encode(), "application/x-www-form-urlencoded")
            result = CommandResult(status, body, elapsed if status is not None else None, response_url, payload, how)
            ack_message = _json_or_none(body) if status == 200 else None
        else:
            envelope = await self._socket("slash_commands", payload)
            result = CommandResult(
                response_url=response_url,
                payload=payload,
                via=how,
                **_acked(envelope),
            )
            ack_message = envelope.ack.payload if envelope.ack else None
        self._post_in_channel_ack(where, ack_message)
        return result

    def _post_in_channel_ack(self, channel: Channel, message: dict[str, Any] | None) -> None:
        """An ack body with `response_type: in_channel` is posted in the channel by Slack."""
        if not message or message.get("response_type") != "in_channel":
            return
        text, blocks = message.get("text"), message.get("blocks")
        ws = self.slack.workspace
        ws.add_message(
            channel,
            text=text if isinstance(text, str) else "",
            user=ws.bot_user_id,
            bot=True,
            blocks=blocks if isinstance(blocks, list) else None,
            source="command_ack",
        )
        self.slack.notify()

    async def wait_responses(self, response_url: str, n: int = 1, timeout: float = 5.0) -> list[ResponseUrlPost]:
        """Wait until `n` POSTs reached `response_url`; returns all of them so far."""

        def matching() -> list[ResponseUrlPost]:
            return [r for r in self.slack.responses if r.url == response_url]

        await self.slack.wait_until(lambda: len(matching()) >= n, timeout)
        return matching()

    # -- Events API ----------------------------------------------------------------------------------

    async def send_event(
        self,
        event: dict[str, Any],
        *,
        via: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> EventResult:
        """Deliver `event` inside an `event_callback` envelope (new event_id unless given)."""
        body = self.slack.event_callback(event, event_id=event_id)
        return await self._deliver(body, via=via, retry_num=retry_num, retry_reason=retry_reason)

    async def redeliver(
        self, result: EventResult, *, retry_num: int = 1, retry_reason: str = "http_timeout", via: str | None = None
    ) -> EventResult:
        """Send the same event again as Slack's retry number `retry_num` (same event_id)."""
        return await self._deliver(
            result.payload, via=via or result.via, retry_num=retry_num, retry_reason=retry_reason
        )

    async def _deliver(
        self,
        body: dict[str, Any],
        *,
        via: str | None,
        retry_num: int | None,
        retry_reason: str | None,
    ) -> EventResult:
        how = self._via(via)
        event_id = str(body["event_id"])
        self.sent_events[event_id] = body
        if how == "http":
            headers: dict[str, str] = {}
            if retry_num is not None:
                headers["X-Slack-Retry-Num"] = str(retry_num)
                headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
            raw = json.dumps(body).encode()
            status, text, elapsed = await self._post(raw, "application/json", headers=headers)
            return EventResult(
                status, text, elapsed if status is not None else None, event_id, body, how, headers=headers
            )
        envelope = await self._socket(
            "events_api",
            body,
            retry_attempt=retry_num or 0,
            retry_reason=(retry_reason or "timeout") if retry_num else "",
        )
        return EventResult(
            event_id=event_id,
            payload=body,
            via=how,
            **_acked(envelope),
        )

    async def message_im(
        self,
        text: str,
        *,
        user: User | str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        via: str | None = None,
        event_id: str | None = None,
        thread_ts: str | None = None,
    ) -> EventResult:
        """`user` writes `text` in their DM with the app (App Home Messages tab): `message.im`."""
        who = self._user(user)
        ws = self.slack.workspace
        dm = ws.app_dm(who.id)
        assert dm is not None
        if event_id is not None and event_id in self.sent_events:
            # Same event again: a retry carries the identical payload.
            body = self.sent_events[event_id]
            return await self._deliver(body, via=via, retry_num=retry_num, retry_reason=retry_reason)
        client_msg_id = self.slack.ids.uuid()
        rich_text = [
            {
                "type": "rich_text",
                "block_id": self.slack.ids.alnum(5),
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
            }
        ]
        message = ws.add_message(
            dm,
            text=text,
            user=who.id,
            blocks=rich_text,
            thread_ts=thread_ts,
            client_msg_id=client_msg_id,
            source="driver",
        )
        self.slack.notify()
        event: dict[str, Any] = {
            "user": who.id,
            "type": "message",
            "ts": message.ts,
            "client_msg_id": client_msg_id,
            "text": text,
            "team": ws.team_id,
            "blocks": rich_text,
            "channel": dm.id,
            "event_ts": message.ts,
            "channel_type": "im",
        }
        if message.thread_ts:
            event["thread_ts"] = message.thread_ts
            event["parent_user_id"] = message.parent_user_id
        return await self.send_event(event, via=via, event_id=event_id, retry_num=retry_num, retry_reason=retry_reason)

    async def app_home_opened(
        self, user: User | str | None = None, tab: str = "home", via: str | None = None
    ) -> EventResult:
        """`user` opens the app's Home (`tab="home"`) or Messages (`tab="messages"`) tab."""
        who = self._user(user)
        ws = self.slack.workspace
        dm = ws.app_dm(who.id)
        assert dm is not None
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": who.id,
            "channel": dm.id,
            "tab": tab,
            "event_ts": ws.ts_clock.next(),
        }
        view = ws.home_views.get(who.id)
        if view is not None:
            event["view"] = view
        return await self.send_event(event, via=via)

    async def url_verification(self, challenge: str) -> tuple[int, str]:
        """The Request URL handshake (HTTP mode only)."""
        body = {"token": self.slack.verification_token, "challenge": challenge, "type": "url_verification"}
        return await self.post_signed(json.dumps(body).encode(), "application/json")

    async def ssl_check(self) -> tuple[int, str]:
        """Slack's periodic `ssl_check=1` POST to a command URL."""
        body = urlencode({"ssl_check": "1", "token": self.slack.verification_token}).encode()
        return await self.post_signed(body, "application/x-www-form-urlencoded")

    # -- interactivity ---------------------------------------------------------------------------------

    def _find_action(
        self, channel: Channel, action_id: str, message_ts: str | None
    ) -> tuple[Message | None, dict[str, Any], str | None]:
        """The message carrying the element, the element, and its block_id."""
        candidates = [channel.find(message_ts)] if message_ts else list(reversed(channel.visible()))
        for message in candidates:
            if message is None:
                continue
            for block in message.blocks or []:
                if not isinstance(block, dict):
                    continue
                elements = list(block.get("elements") or [])
                if isinstance(block.get("accessory"), dict):
                    elements.append(block["accessory"])
                for el in elements:
                    if isinstance(el, dict) and el.get("action_id") == action_id:
                        return message, el, block.get("block_id")
            if message_ts:
                return message, {}, None
        return None, {}, None

    async def block_action(
        self,
        action_id: str,
        *,
        value: str | None = None,
        user: User | str | None = None,
        channel: Channel | str | None = None,
        message_ts: str | None = None,
        response_url: str | None = None,
        via: str | None = None,
        block_id: str | None = None,
    ) -> ActionResult:
        """`user` clicks the button `action_id` (in message `message_ts`, or the newest one that has it)."""
        how = self._via(via)
        who, where = self._user(user), self._channel(channel)
        ws = self.slack.workspace
        message, element, found_block_id = self._find_action(where, action_id, message_ts)
        ts = message.ts if message is not None else message_ts
        url = response_url or self.slack.new_response_url(
            kind="actions", channel_id=where.id, user_id=who.id, message_ts=ts
        )
        el_text = element.get("text") if isinstance(element.get("text"), dict) else None
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id or found_block_id or self.slack.ids.alnum(5),
            "text": el_text or {"type": "plain_text", "text": action_id, "emoji": True},
            "value": value if value is not None else element.get("value", ""),
            "type": element.get("type", "button"),
            "action_ts": ws.ts_clock.next(),
        }
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": who.id, "username": who.name, "name": who.name, "team_id": ws.team_id},
            "api_app_id": ws.app_id,
            "token": self.slack.verification_token,
            "container": {
                "type": "message",
                "message_ts": ts,
                "channel_id": where.id,
                "is_ephemeral": message is None,
            },
            "trigger_id": self.slack.ids.trigger_id(self.slack.clock()),
            "team": {"id": ws.team_id, "domain": ws.team_domain},
            "enterprise": {"id": ws.enterprise_id, "name": ws.enterprise_name} if ws.enterprise_id else None,
            "is_enterprise_install": False,
            "channel": {"id": where.id, "name": "directmessage" if where.kind == "im" else where.name},
            "state": {"values": {}},
            "response_url": url,
            "actions": [action],
        }
        if message is not None:
            payload["message"] = ws.message_to_api(message)
        if how == "http":
            raw = urlencode({"payload": json.dumps(payload)}).encode()
            status, body, elapsed = await self._post(raw, "application/x-www-form-urlencoded")
            return ActionResult(status, body, elapsed if status is not None else None, url, payload, how)
        envelope = await self._socket("interactive", payload)
        return ActionResult(
            response_url=url,
            payload=payload,
            via=how,
            **_acked(envelope),
        )


def _json_or_none(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
