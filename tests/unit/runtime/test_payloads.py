"""A verified body is read as a Slack payload, or refused as malformed (never an exception from Bolt)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from bot.runtime.payloads import MalformedRequest, parse_request

JSON = {"content-type": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}

COMMAND = {
    "token": "x",
    "team_id": "T1",
    "channel_id": "C1",
    "user_id": "U1",
    "command": "/deepgram",
    "text": "help <!channel>",
    "response_url": "https://hooks.slack.com/commands/T1/1/abc",
    "trigger_id": "1.2.3",
}
EVENT = {
    "type": "event_callback",
    "team_id": "T1",
    "event_id": "Ev1",
    "event": {"type": "message", "channel": "D1", "user": "U1", "text": "hi", "ts": "1.2", "channel_type": "im"},
    "authorizations": [{"team_id": "T1", "user_id": "U2", "is_bot": True}],
}
CLICK = {
    "type": "block_actions",
    "user": {"id": "U1"},
    "team": None,
    "channel": {"id": "C1"},
    "response_url": "https://hooks.slack.com/actions/T1/1/abc",
    "actions": [{"action_id": "status_rerun", "block_id": "b", "value": "1", "type": "button"}],
}
USER_CHANGE = {"type": "event_callback", "event_id": "Ev2", "event": {"type": "user_change", "user": {"id": "U1"}}}


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (urlencode(COMMAND).encode(), FORM),
        (json.dumps(EVENT).encode(), JSON),
        (json.dumps(USER_CHANGE).encode(), JSON),
        (urlencode({"payload": json.dumps(CLICK)}).encode(), FORM),
        (json.dumps({"type": "url_verification", "challenge": "abc", "token": "x"}).encode(), JSON),
        (b"ssl_check=1&token=x", FORM),
        (json.dumps({"type": "app_rate_limited", "team_id": "T1", "minute_rate_limited": 1}).encode(), JSON),
    ],
    ids=["command", "event", "user-change", "click", "url-verification", "ssl-check", "app-rate-limited"],
)
def test_slack_payloads_are_read(body: bytes, headers: dict[str, str]) -> None:
    request = parse_request(body, "", dict(headers))
    assert isinstance(request.body, dict) and request.body


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"{not json", JSON),
        (b"{not json", FORM),  # starts with `{`: Bolt reads it as JSON whatever the content type
        (b"\xff\xfe\x00", JSON),
        (b"", JSON),
        (b"[]", JSON),
        (b"null", JSON),
        (b"a=b", FORM),
        (b'{"type": 1}', JSON),
        (b'{"type": "event_callback", "event_id": "Ev1"}', JSON),
        (b'{"type": "event_callback", "event_id": "Ev1", "event": "x"}', JSON),
        (b'{"type": "event_callback", "event_id": "Ev1", "event": {"type": 5}}', JSON),
        (b'{"type": "event_callback", "event_id": "Ev1", "event": {"type": "message", "user": {"id": "U1"}}}', JSON),
        (b'{"type": "event_callback", "event_id": "Ev1", "event": {"type": "message", "text": ["x"]}}', JSON),
        (b'{"type": "event_callback", "event_id": "Ev1", "event": {"type": "message"}, "authorizations": [1]}', JSON),
        (b'{"type": "block_actions", "user": {"id": "U1"}, "actions": "x"}', JSON),
        (b'{"type": "block_actions", "user": {"id": "U1"}, "actions": [1]}', JSON),
        (b'{"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": 5}]}', JSON),
        (b'{"type": "block_actions", "user": "U1", "actions": []}', JSON),
        (b'{"type": "url_verification"}', JSON),
        (b'{"type": "url_verification", "challenge": {"a": 1}}', JSON),
        (b"payload=%7Bnot", FORM),
        (b"payload=%5B%5D", FORM),
        (b"command=%2Fdeepgram", FORM),
        (b"command=%2Fdeepgram&user_id=U1&channel_id=C1&response_url=javascript%3Ax", FORM),
    ],
)
def test_anything_else_is_malformed(body: bytes, headers: dict[str, str]) -> None:
    with pytest.raises(MalformedRequest) as raised:
        parse_request(body, "", dict(headers))
    assert 0 < len(str(raised.value)) < 200
