"""What an API key may do, read only from documented calls and their status codes.

| capability | documented call (deepgram.md) | yes | no |
| --- | --- | --- | --- |
| valid | `GET /v1/projects` (§3.2) | 200 with a project list, or "insufficient permissions" (known key) | 401/403 |
| which projects | the same list | | |
| read billing, balance | `GET /v1/projects/{id}/balances` (§3.2) | 200 | 401/403 |
| manage keys (admin or owner level) | `GET /v1/projects/{id}/keys` (§3.2) | 200 | 401/403 |
| mint temporary tokens (Member or higher) | `POST /v1/auth/grant`, 1-second ttl (§1.2) | a token issued | 400/403/401 |

Any other answer (none at all, 429, 5xx) leaves the capability unknown. `GET /v1/auth/token` is not
read here: its success shape is undocumented (§1.3). `bot.keys.checklist` turns this into lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.keys.facts import balance_items, balance_totals
from bot.keys.live import ApiKeyFacts, Call, ProjectFacts, lacks_permission, project_list

REFUSED = (401, 403)


@dataclass(frozen=True)
class Capability:
    """May the key do this? `able` is None when Deepgram's answers did not tell."""

    able: bool | None
    #: the answer it was read from (its status and Deepgram's words), None when nothing was asked
    answer: Call | None = None


@dataclass(frozen=True)
class Capabilities:
    valid: bool | None
    projects: tuple[str, ...]
    read_billing: Capability
    #: balances summed per unit over the projects whose balances it could read (`{"usd": 187.42}`)
    balances: dict[str, float] = field(default_factory=dict)
    manage_keys: Capability = Capability(None)
    mint_tokens: Capability = Capability(None)


def read_capabilities(facts: ApiKeyFacts) -> Capabilities:
    projects = facts.project_facts
    totals: dict[str, float] = {}
    for project in projects:
        for units, amount in balance_totals(balance_items(project.balances) or []).items():
            totals[units] = totals.get(units, 0.0) + amount
    return Capabilities(
        valid=is_valid(facts.projects),
        projects=facts.project_names,
        read_billing=from_answers([p.balances for p in projects]),
        balances=totals,
        manage_keys=can_manage_keys(projects),
        mint_tokens=can_mint(facts.grant),
    )


def is_valid(projects: Call) -> bool | None:
    """`GET /v1/projects`: accepted (a project list, or a known key refused projects), rejected, or unknown."""
    if project_list(projects) is not None or lacks_permission(projects):
        return True
    if projects.status in REFUSED:
        return False
    return None


def can_manage_keys(projects: Sequence[ProjectFacts]) -> Capability:
    """`GET …/keys` answered 200 for some project: it may manage keys, an admin- or owner-level right."""
    return from_answers([p.keys for p in projects])


def can_mint(grant: Call | None) -> Capability:
    """`POST /v1/auth/grant` issued a token; 400 and 403 are the documented refusals below Member (§1.2)."""
    if grant is None:
        return Capability(None)
    if grant.ok and isinstance(grant.body, dict) and grant.body.get("issued"):
        return Capability(True, grant)
    if grant.status in (400, *REFUSED):
        return Capability(False, grant)
    return Capability(None, grant)


def from_answers(answers: Sequence[Call]) -> Capability:
    """Yes when any project answered 2xx, no when none did and one refused (401/403), else unknown."""
    allowed = next((a for a in answers if a.ok), None)
    if allowed is not None:
        return Capability(True, allowed)
    refused = next((a for a in answers if a.status in REFUSED), None)
    if refused is not None:
        return Capability(False, refused)
    return Capability(None, answers[0] if answers else None)
