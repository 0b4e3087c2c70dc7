"""What the fake knows about each Web API method, and checking calls against Slack's reference.

`METHODS` is the fake's single table of per-method knowledge: the bot scope each method needs and
every error code the fake can answer with. The handlers refuse to return an error that is not in
this table, and a test checks the table against `slack-api-ref` (errors documented for the method
or among Slack's common errors; scopes listed under `scope.bot`).

`ApiRef` + `check_call` implement contract checking: when the fake is given the reference
directory, every call's argument names are compared with the method's documented `args`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Errors Slack documents once for every method ("Common errors" on each method page of
#: docs.slack.dev). The slack-api-ref scrape drops that section, so they are listed here.
COMMON_ERRORS: frozenset[str] = frozenset(
    {
        "access_denied",
        "accesslimited",
        "account_inactive",
        "deprecated_endpoint",
        "ekm_access_denied",
        "enterprise_is_restricted",
        "fatal_error",
        "internal_error",
        "invalid_arg_name",
        "invalid_arguments",
        "invalid_array_arg",
        "invalid_auth",
        "invalid_charset",
        "invalid_form_data",
        "invalid_post_type",
        "is_bot",
        "method_deprecated",
        "missing_post_type",
        "missing_scope",
        "no_permission",
        "not_allowed_token_type",
        "not_authed",
        "org_login_required",
        "ratelimited",
        "request_timeout",
        "service_unavailable",
        "team_access_not_granted",
        "team_added_to_org",
        "token_expired",
        "token_revoked",
        "two_factor_setup_required",
    }
)

#: Errors real Slack returns for a method although the reference does not list them, with why
#: the fake returns them anyway.
OBSERVED_ERRORS: Mapping[tuple[str, str], str] = {
    ("chat.postMessage", "msg_too_long"): (
        "returned by real Slack for over-long text (votingworks/arlo#2070, seratch/ChatGPT-in-Slack#102); "
        "documented for chat.postEphemeral and chat.update"
    ),
    ("conversations.replies", "not_in_channel"): (
        "UNVERIFIED: assumed to behave like conversations.history for a public channel the bot is not in"
    ),
}

_AUTH = frozenset({"not_authed", "invalid_auth", "token_revoked", "not_allowed_token_type"})


@dataclass(frozen=True)
class MethodSpec:
    """The fake's knowledge of one method."""

    name: str
    #: Bot scope required whatever the conversation, or None.
    scope: str | None = None
    #: Bot scope by conversation kind (public/private/im/mpim), for `conversations.*` methods.
    scope_by_kind: Mapping[str, str] = field(default_factory=dict)
    #: Errors the fake can answer with (auth errors included).
    errors: frozenset[str] = frozenset()
    #: Token kinds accepted: "bot" (xoxb-) and/or "app" (xapp-).
    token_types: frozenset[str] = frozenset({"bot"})
    #: Whether Slack reads a JSON body for this method (`json_input_supported` in the reference).
    json_body: bool = True

    def all_scopes(self) -> set[str]:
        scopes = set(self.scope_by_kind.values())
        if self.scope:
            scopes.add(self.scope)
        return scopes


def _spec(name: str, errors: Iterable[str], **kwargs: Any) -> MethodSpec:
    base = _AUTH | ({"missing_scope"} if kwargs.get("scope") or kwargs.get("scope_by_kind") else set())
    return MethodSpec(name=name, errors=frozenset(errors) | base, **kwargs)


_READ = {"public": "channels:read", "private": "groups:read", "im": "im:read", "mpim": "mpim:read"}
_HISTORY = {
    "public": "channels:history",
    "private": "groups:history",
    "im": "im:history",
    "mpim": "mpim:history",
}
_MESSAGE_ERRORS = {"no_text", "invalid_blocks", "invalid_blocks_format", "markdown_text_conflict"}

METHODS: Mapping[str, MethodSpec] = {
    s.name: s
    for s in (
        _spec("auth.test", set()),
        _spec(
            "chat.postMessage",
            _MESSAGE_ERRORS
            | {
                "channel_not_found",
                "not_in_channel",
                "is_archived",
                "msg_too_long",
                "msg_blocks_too_long",
                "invalid_metadata_format",
                "invalid_metadata_schema",
                "ratelimited",
            },
            scope="chat:write",
        ),
        _spec(
            "chat.postEphemeral",
            _MESSAGE_ERRORS
            | {"channel_not_found", "not_in_channel", "is_archived", "user_not_in_channel", "msg_too_long"},
            scope="chat:write",
        ),
        _spec(
            "chat.update",
            _MESSAGE_ERRORS
            | {
                "channel_not_found",
                "message_not_found",
                "cant_update_message",
                "msg_too_long",
                "invalid_metadata_format",
                "invalid_metadata_schema",
            },
            scope="chat:write",
        ),
        _spec(
            "conversations.join",
            {"channel_not_found", "is_archived", "method_not_supported_for_channel_type"},
            scope="channels:join",
        ),
        _spec("conversations.info", {"channel_not_found"}, scope_by_kind=_READ, json_body=False),
        _spec(
            "conversations.open",
            {
                "channel_not_found",
                "user_not_found",
                "users_list_not_supplied",
                "method_not_supported_for_channel_type",
            },
            scope_by_kind={"im": "im:write", "mpim": "mpim:write"},
        ),
        _spec(
            "conversations.history",
            {
                "channel_not_found",
                "not_in_channel",
                "invalid_cursor",
                "invalid_ts_latest",
                "invalid_ts_oldest",
                "ratelimited",
            },
            scope_by_kind=_HISTORY,
        ),
        _spec(
            "conversations.replies",
            {
                "channel_not_found",
                "not_in_channel",
                "thread_not_found",
                "invalid_cursor",
                "invalid_ts_latest",
                "invalid_ts_oldest",
                "ratelimited",
            },
            scope_by_kind=_HISTORY,
            json_body=False,
        ),
        _spec("users.info", {"user_not_found"}, scope="users:read", json_body=False),
        _spec("usergroups.list", {"plan_upgrade_required"}, scope="usergroups:read", json_body=False),
        _spec("views.publish", {"invalid_arguments", "not_enabled", "hash_conflict", "view_too_large"}),
        _spec(
            "files.getUploadURLExternal",
            {"missing_argument", "alt_txt_too_large", "invalid_arguments"},
            scope="files:write",
            json_body=False,
        ),
        _spec(
            "files.completeUploadExternal",
            {
                "file_not_found",
                "channel_not_found",
                "not_in_channel",
                "invalid_channel",
                "channels_limit_exceeded",
                "invalid_blocks",
                "invalid_arguments",
            },
            scope="files:write",
        ),
        # Retired for new apps since 2024-05-16 and sunset 2025-11-12 (reference §5.3).
        _spec("files.upload", {"method_deprecated"}, scope="files:write"),
        MethodSpec(
            name="apps.connections.open",
            # Only the app-level token: missing -> missing_args, wrong kind -> not_allowed_token_type.
            errors=frozenset({"missing_args", "invalid_auth", "not_allowed_token_type", "insecure_request"}),
            token_types=frozenset({"app"}),
        ),
    )
}


class ApiRef:
    """Read access to `slack-api-ref` method descriptors (`docs.slack.dev/methods/<m>.json`).

    `root` may be the `slack-api-ref` folder or its `docs.slack.dev/methods` folder.
    """

    def __init__(self, root: Path) -> None:
        candidates = [root / "docs.slack.dev" / "methods", root / "methods", root]
        self.methods_dir = next((c for c in candidates if (c / "chat.postMessage.json").is_file()), None)
        if self.methods_dir is None:
            raise FileNotFoundError(f"no slack-api-ref method descriptors under {root}")
        self._cache: dict[str, dict[str, Any] | None] = {}

    def method(self, name: str) -> dict[str, Any] | None:
        if name not in self._cache:
            path = self.methods_dir / f"{name}.json" if self.methods_dir else None
            if path is None or "/" in name or not path.is_file():
                self._cache[name] = None
            else:
                data = json.loads(path.read_text(encoding="utf-8"))
                self._cache[name] = data if isinstance(data, dict) else None
        return self._cache[name]

    def arg_names(self, name: str) -> set[str]:
        doc = self.method(name) or {}
        return set(doc.get("args", {}).get("properties", {}))

    def required(self, name: str) -> list[str]:
        doc = self.method(name) or {}
        return list(doc.get("args", {}).get("required", []))

    def errors(self, name: str) -> set[str]:
        doc = self.method(name) or {}
        return set(doc.get("errors", {}))

    def bot_scopes(self, name: str) -> set[str]:
        doc = self.method(name) or {}
        return set(doc.get("scope", {}).get("bot", []))

    def json_input_supported(self, name: str) -> bool:
        doc = self.method(name) or {}
        return bool(doc.get("json_input_supported"))


#: Arguments any call may carry without being documented: the token, and the `team_id` Bolt adds
#: to calls made through its per-request client (reference §10.1).
ALWAYS_ALLOWED = frozenset({"token", "team_id"})


def check_call(
    ref: ApiRef, method: str, arg_names: Iterable[str], *, token_present: bool, json_body: bool
) -> list[str]:
    """Contract violations of one call: undocumented or missing required arguments."""
    if ref.method(method) is None:
        return [f"{method}: not a documented Web API method"]
    documented = ref.arg_names(method)
    names = set(arg_names)
    problems = [
        f"{method}: undocumented argument {name!r}"
        for name in sorted(names)
        if name not in documented and name not in ALWAYS_ALLOWED
    ]
    for req in ref.required(method):
        if req == "token":
            if not token_present:
                problems.append(f"{method}: missing required argument 'token' (no Authorization header either)")
        elif req not in names:
            problems.append(f"{method}: missing required argument {req!r}")
    if json_body and not ref.json_input_supported(method):
        problems.append(f"{method}: sent a JSON body, which this method does not read (use form or query arguments)")
    return problems
