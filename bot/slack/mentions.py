"""Whom alerts mention: `/deepgram subscribe --mention @group-or-user`, read from Slack's markup and checked.

The manifest turns `should_escape` on, so a person picked from Slack's autocomplete arrives as
`<@U…|name>` and a user group as `<!subteam^S…|@handle>` (slack.md §1.1, §7); a name typed without
picking it stays plain `@name`, which names nobody for certain. A person is checked with `users.info`
(scope `users:read`: exists, not deactivated, not a bot), a group with `usergroups.list` (scope
`usergroups:read`, disabled groups included so a disabled one is told as such). `@here`, `@channel`
and `@everyone` are refused: an alert would notify the whole channel every time.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Literal

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UpstreamError, UsageError
from bot.prose import Prose, clip
from bot.slack.incoming import plain_text
from bot.slack.membership import retry_after, slack_error
from bot.slack.messages import rate_limited, slack_is_busy

__all__ = ["MENTION_OFF", "MentionTarget", "resolve_mention", "take_mention"]

log = logging.getLogger(__name__)

#: What `take_mention` returns for `--mention off` / `--no-mention`.
MENTION_OFF = "off"

# `--mention <value>` (or `=value`) in Slack's text: the value is one markup token (its label may hold
# blanks) or one word that is not another option; `--no-mention` alone.
_OPTION = re.compile(r"(?<!\S)--mention(?:=|\s+)(<[^<>]*>|(?!--)\S+)|(?<!\S)--no-mention(?!\S)", re.I)
_USER = re.compile(r"<@([UW][A-Z0-9]{2,20})(?:\|([^<>]*))?>")
_GROUP = re.compile(r"<!subteam\^(S[A-Z0-9]{2,20})(?:\|([^<>]*))?>")
_BROADCAST = re.compile(r"<!(here|channel|everyone)(?:\|[^<>]*)?>|@(here|channel|everyone)", re.I)

_PICK = "Type `@`, choose the person or user group from the list Slack shows, then send the command."
_ADMIN = (
    "A workspace admin can add it by reinstalling Deepgram Doctor from its updated manifest (`manifest.yml`); "
    "then run the command again."
)


@dataclass(frozen=True)
class MentionTarget:
    """Whom alerts mention: a Slack ID (`U…`/`W…` or `S…`) and how it reads (`@oncall`, plain words)."""

    id: str
    label: str
    kind: Literal["user", "group"]


def take_mention(slack_text: str) -> tuple[str | None, str]:
    """Find `--mention <value>` / `--no-mention` in Slack's text (markup intact); return the value (Slack's
    form, `MENTION_OFF` for removal, None when absent) and the text without it. The last one given wins."""
    value: str | None = None
    for match in _OPTION.finditer(slack_text):
        given = match.group(1)
        value = MENTION_OFF if given is None or plain_text(given).lower() in ("off", "none", "no") else given
    return value, _OPTION.sub(" ", slack_text)


async def resolve_mention(client: AsyncWebClient, value: str) -> MentionTarget:
    """Check `value` (a `--mention` value in Slack's form) with Slack; raise `UsageError` with what to do."""
    if user := _USER.fullmatch(value):
        return await _user(client, user.group(1), _label(user.group(2)))
    if group := _GROUP.fullmatch(value):
        return await _group(client, group.group(1), _label(group.group(2)))
    shown = clip(plain_text(value), 60)
    if _BROADCAST.fullmatch(value):
        raise UsageError(
            Prose.of(
                "Alerts can't mention `{shown}`: it would notify everyone in the channel at every alert. "
                "Mention a user group (such as an on-call group) or a person instead.",
                shown=shown,
            )
        )
    if shown.startswith("@"):
        raise UsageError(
            Prose.of(
                "I can't tell who `{shown}` is: Slack tells me whom a mention means only when it is picked from "
                "its autocomplete. " + _PICK + " (If it was picked and this still appears, the app's `/deepgram` "
                "command needs *Escape channels, users, and links* turned on, as in `manifest.yml`: ask a "
                "workspace admin.)",
                shown=shown,
            )
        )
    raise UsageError(
        Prose.of(
            "`--mention` takes one person or user group, picked from Slack's autocomplete (`--mention @oncall`), "
            "or `off`; `{shown}` is neither.",
            shown=shown,
        )
    )


def _label(text: str | None) -> str | None:
    """The readable name Slack put in the markup (`name`, `@handle`), as `@name`."""
    words = plain_text(text or "").strip()
    return ("@" + words.lstrip("@")) if words else None


async def _user(client: AsyncWebClient, user_id: str, label: str | None) -> MentionTarget:
    try:
        user: dict[str, Any] = (await client.users_info(user=user_id))["user"]
    except SlackApiError as exc:
        error = slack_error(exc)
        if error in ("user_not_found", "user_not_visible"):
            raise UsageError(
                Prose.of(
                    "I can't find that person in this workspace (`{error}`). Pick them again from Slack's "
                    "autocomplete, or mention a user group.",
                    error=error,
                )
            ) from None
        raise _failed(exc, "users:read", "people", label or "that person") from None
    profile = user.get("profile") or {}
    name = str(profile.get("display_name") or user.get("name") or "").strip()
    shown = ("@" + name.lstrip("@")) if name else (label or "@" + user_id)
    if user.get("deleted"):
        raise UsageError(
            Prose.of(
                "{who}'s account is deactivated, so the mention would reach nobody. Mention someone else, or a "
                "user group.",
                who=shown,
            )
        )
    if user.get("is_bot") or user_id == "USLACKBOT":
        raise UsageError(
            Prose.of(
                "{who} is a bot or an app: alerts should reach people. Mention a person or a user group.", who=shown
            )
        )
    return MentionTarget(user_id, shown, "user")


async def _group(client: AsyncWebClient, group_id: str, label: str | None) -> MentionTarget:
    try:
        groups = (await client.usergroups_list(include_disabled=True))["usergroups"] or []
    except SlackApiError as exc:
        if slack_error(exc) == "plan_upgrade_required":
            raise UsageError(
                Prose.of("This workspace's Slack plan has no user groups. Mention a person instead.")
            ) from None
        raise _failed(exc, "usergroups:read", "user groups", label or "that user group") from None
    found = next((g for g in groups if isinstance(g, dict) and g.get("id") == group_id), None)
    if found is None:
        raise UsageError(
            Prose.of(
                "I can't see the user group {group}: it was deleted, or it is not one of this workspace's groups. "
                "Pick it again from Slack's autocomplete; if it is not offered, ask a Slack admin whether the "
                "group still exists here.",
                group=label or "you mentioned",
            )
        )
    handle = str(found.get("handle") or "").strip()
    shown = ("@" + handle.lstrip("@")) if handle else (label or "@" + group_id)
    if found.get("date_delete"):
        # Slack keeps a disabled group with the time it was disabled (usergroups.disable; `date_delete`).
        raise UsageError(
            Prose.of(
                "The user group {group} is disabled, so the mention would reach nobody. Ask a Slack admin to "
                "enable it again, or mention another group.",
                group=shown,
            )
        )
    return MentionTarget(group_id, shown, "group")


def _failed(exc: SlackApiError, scope: str, what: str, whom: str) -> UsageError | UpstreamError:
    """A `users.info` / `usergroups.list` failure as what to do: a missing scope is the admin's to add."""
    error = slack_error(exc)
    log.info("mention check failed", extra={"error": error, "needed": exc.response.get("needed")})
    if error == "missing_scope":
        return UsageError(
            Prose.of(
                "I need the Slack permission `{scope}` to check {what} before alerts mention them, and this "
                "installation doesn't have it, so nothing was changed. " + _ADMIN,
                scope=scope,
                what=what,
            )
        )
    if (wait := retry_after(exc)) is not None:
        return UpstreamError(rate_limited(wait))
    advice = Prose.of(
        "Slack wouldn't tell me about {whom} (`{error}`), so nothing was changed. Try again in a minute.",
        whom=whom,
        error=clip(error, 60),
    )
    return UpstreamError(advice) if slack_is_busy(error) else UsageError(advice)
