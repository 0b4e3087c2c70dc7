"""Hand-made Deepgram answers and checklists for the check-key tests (no network)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.deepgram import DeepgramError
from bot.keys import (
    ApiKeyFacts,
    Call,
    Check,
    JwtClaims,
    JwtFacts,
    KeyCheck,
    ProjectFacts,
    build_key_check,
    parse_pasted,
)
from bot.prose import Prose
from bot.slack.kit import mrkdwn
from bot.topics import Topic

KEY = "0123456789abcdef0123456789abcdef0a1b2c3d"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
URL = "https://api.deepgram.com"
PID = "3f8a2c1e-0000-4000-8000-000000000001"


def ok(body: Any) -> Call:
    return Call(200, body=body)


def err(status: int, message: str | None = None) -> Call:
    return Call(status, error=DeepgramError(status=status, message=message))


def down(failure: str = "no answer from Deepgram within 10 s", topic: Topic = Topic.TIMEOUT) -> Call:
    return Call(None, failure=failure, topic=topic)


def balances(*amounts: float) -> Call:
    return ok({"balances": [{"balance_id": "b", "amount": a, "units": "usd"} for a in amounts]})


def key_item(**fields: Any) -> dict[str, Any]:
    return {"api_key_id": "k1", "comment": "CI", "scopes": ["member"], "created": "2026-01-01T00:00:00.000Z", **fields}


def listing(*items: dict[str, Any]) -> Call:
    """A `GET …/keys` answer listing these `api_key` objects (OAS `ListProjectKeysV1Response`)."""
    return ok({"api_keys": [{"member": {"member_id": "m1", "email": "a@b.example"}, "api_key": i} for i in items]})


def own_key(**fields: Any) -> Call:
    """A `GET …/keys/{key_id}` answer for `key_item(**fields)` (OAS `GetProjectKeyV1Response`)."""
    return ok({"item": {"member": {"member_id": "m1", "email": "a@b.example", "api_key": key_item(**fields)}}})


def facts(
    *,
    projects: Call | None = None,
    details: Call | None = None,
    keys: Call | None = None,
    bal: Call | None = None,
    grant: Call | None = None,
    as_pasted: Call | None = None,
    own: Call | None = None,
) -> ApiKeyFacts:
    projects = projects or ok({"projects": [{"project_id": PID, "name": "Acme Voice"}]})
    return ApiKeyFacts(
        projects=projects,
        as_pasted=as_pasted,
        token_details=details or ok({"api_key": key_item()}),
        grant=grant or ok({"issued": True}),
        project_facts=(
            ProjectFacts(PID, "Acme Voice", keys=keys or ok({"api_keys": []}), balances=bal or balances(187.42)),
        ),
        project_names=("Acme Voice",),
        own_key=own,
    )


def build(
    text: str, fx: ApiKeyFacts | JwtFacts | None, *, source: str = "pasted", claims: JwtClaims | None = None
) -> KeyCheck:
    return build_key_check(parse_pasted(text), fx, source=source, now=NOW, api_url=URL, claims=claims)  # type: ignore[arg-type]


def line(result: KeyCheck, label: str) -> Check:
    return next(c for c in result.checks if c.label == label)


def md(prose: Prose | None) -> str:
    """A line's words as the Slack view writes them: mrkdwn, with `&`, `<` and `>` escaped."""
    return mrkdwn(prose) if prose else ""
