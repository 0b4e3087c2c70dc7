"""User groups (`@oncall`): the workspace's `S…` groups and the `usergroups.list` method.

A group has a handle people type after `@`, a name, members and an enabled flag. Slack keeps a
disabled group and marks when it was disabled in `date_delete` (the usergroups.list example in
slack-api-ref shows one, "Marketing Team", with a non-zero `date_delete`); `usergroups.list` leaves
such groups out unless `include_disabled` is true. The object's keys follow the `objs_subteam` schema
of slack-api-specs (checked in tests/sim).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simworld.slack.api_common import ApiRequest
    from simworld.slack.webapi import WebApi


@dataclass
class UserGroup:
    """One user group of the workspace."""

    id: str
    handle: str
    name: str
    team_id: str
    created_by: str
    created: int
    users: list[str] = field(default_factory=list)
    description: str = ""
    #: When the group was disabled (`usergroups.disable`); 0 while it is enabled.
    disabled_at: int = 0

    @property
    def disabled(self) -> bool:
        return self.disabled_at > 0

    def to_api(self, *, include_count: bool, include_users: bool) -> dict[str, Any]:
        """The `subteam` object of `usergroups.list`."""
        data: dict[str, Any] = {
            "id": self.id,
            "team_id": self.team_id,
            "is_usergroup": True,
            "is_subteam": True,
            "name": self.name,
            "description": self.description,
            "handle": self.handle,
            "is_external": False,
            "date_create": self.created,
            "date_update": self.created,
            "date_delete": self.disabled_at,
            "auto_type": None,
            "auto_provision": False,
            "enterprise_subteam_id": "",
            "created_by": self.created_by,
            "updated_by": self.created_by,
            "deleted_by": None,
            "prefs": {"channels": [], "groups": []},
        }
        if include_count:
            data["user_count"] = len(self.users)
        if include_users:
            data["users"] = list(self.users)
        return data


def usergroups_list(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    """`usergroups.list`: the team's groups, disabled ones only with `include_disabled` (scope checked before)."""
    include_disabled = req.bool_arg("include_disabled")
    groups = [g for g in api.ws.usergroups.values() if include_disabled or not g.disabled]
    return {
        "usergroups": [
            g.to_api(include_count=req.bool_arg("include_count"), include_users=req.bool_arg("include_users"))
            for g in groups
        ]
    }
