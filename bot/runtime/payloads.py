"""A verified request body read as a Slack payload, or refused as malformed before Bolt sees it.

Bolt parses the body as it builds its request (JSON, a form, or a form's `payload=` JSON) and reads
the payload's ids from it; its listeners then index into the shapes Slack documents (slack.md §1.1,
§3). A correctly signed body that is not such a payload (not UTF-8, not JSON, a list, an `event`
that is a string, an `actions` list of numbers…) would raise somewhere inside, as a 500 and a
traceback. `parse_request` checks the shape first: the fields Bolt and the listeners read must have
the type Slack gives them, and each kind of payload must carry what it cannot do without. Anything
else raises `MalformedRequest`, which the HTTP server answers with 400 and one log line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest

__all__ = ["MalformedRequest", "parse_request"]


class MalformedRequest(Exception):
    """A correctly signed body that is not a Slack payload; the message says why, in a few words."""


# The type each field has when present (None is allowed where Slack may send null).
_PAYLOAD_FIELDS: Mapping[str, type] = {
    "type": str,
    "command": str,
    "text": str,
    "team_id": str,
    "user_id": str,
    "channel_id": str,
    "response_url": str,
    "trigger_id": str,
    "event_id": str,
    "challenge": str,
    "event": dict,
    "user": dict,
    "channel": dict,
    "team": dict,
    "enterprise": dict,
    "container": dict,
    "message": dict,
    "view": dict,
    "state": dict,
    "actions": list,
    "authorizations": list,
}
_EVENT_FIELDS: Mapping[str, type] = {
    "type": str,
    "subtype": str,
    "channel": str,
    "channel_type": str,
    "text": str,
    "ts": str,
    "thread_ts": str,
    "event_ts": str,
    "bot_id": str,
    "tab": str,
}
_ACTION_FIELDS: Mapping[str, type] = {"action_id": str, "block_id": str, "value": str, "type": str}
#: What each kind of payload cannot do without, by `type` (a slash command has none, but a `command`).
_REQUIRED: Mapping[str, tuple[str, ...]] = {
    "command": ("command", "user_id", "channel_id", "response_url"),
    "event_callback": ("event", "event_id"),
    "url_verification": ("challenge",),
    "block_actions": ("actions", "user"),
}
# Events whose `user` is an id (others, like `user_change`, carry a whole user object).
_EVENTS_WITH_USER_ID = frozenset({"message", "app_home_opened", "app_mention"})


def _wrong_fields(data: Mapping[str, Any], fields: Mapping[str, type]) -> list[str]:
    return [k for k, kind in fields.items() if data.get(k) is not None and not isinstance(data[k], kind)]


def _problem(body: object) -> str | None:
    """What makes `body` not a Slack payload, or None."""
    if not isinstance(body, dict):
        return "not a JSON object or a form"
    if "ssl_check" in body:
        return None
    kind = "command" if "command" in body else body.get("type")
    if not isinstance(kind, str):
        return "neither a command nor a typed payload"
    wrong = _wrong_fields(body, _PAYLOAD_FIELDS)
    missing = [k for k in _REQUIRED.get(kind, ()) if body.get(k) is None]
    if wrong or missing:
        return f"fields missing ({', '.join(missing)}) or of the wrong type ({', '.join(wrong)})"
    url = body.get("response_url")
    if url is not None and not url.startswith(("https://", "http://")):
        return "response_url is not a URL"
    return _event_problem(body.get("event")) or _actions_problem(body.get("actions"))


def _event_problem(event: dict[str, Any] | None) -> str | None:
    if event is None:
        return None
    fields = dict(_EVENT_FIELDS, user=str) if event.get("type") in _EVENTS_WITH_USER_ID else _EVENT_FIELDS
    if not isinstance(event.get("type"), str) or _wrong_fields(event, fields):
        return "an event of the wrong shape"
    return None


def _actions_problem(actions: list[Any] | None) -> str | None:
    for action in actions or []:
        if not isinstance(action, dict) or not isinstance(action.get("action_id"), str):
            return "an action of the wrong shape"
        if _wrong_fields(action, _ACTION_FIELDS):
            return "an action of the wrong shape"
    return None


def parse_request(body: bytes, query: str, headers: dict[str, str | Sequence[str]]) -> AsyncBoltRequest:
    """The verified raw body as Bolt's request; raises `MalformedRequest` instead of anything else."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedRequest("not UTF-8") from None
    try:
        # Bolt parses the JSON or form body, and reads the payload's ids, right here.
        request = AsyncBoltRequest(body=text, query=query, headers=headers)
    except Exception as exc:  # whatever a hostile body makes the parser raise, it is just malformed
        raise MalformedRequest(f"unreadable body ({type(exc).__name__})") from None
    problem = _problem(request.body)
    if problem is not None:
        raise MalformedRequest(problem)
    return request
