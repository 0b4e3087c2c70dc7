"""Asking Deepgram about one credential: the HTTP calls behind `/deepgram check-key`.

Every call has its own timeout and never raises: a transport failure becomes a `Call` with no
status and a one-line reason, as in `bot.probes`; so does an answer over `bot.limits.DEEPGRAM_JSON_MAX`,
which is not read. The functions here only gather facts;
`bot.keys.check` turns them into the checklist. The credential goes into request headers and
nowhere else: it is not logged, stored, or put into any field of what is returned.

Which calls (deepgram.md §1.2, §1.3, §3.2):

* API key: `GET /v1/projects` (accepted? which projects), then at the same time
  `POST /v1/auth/grant` with a 1-second ttl (may it mint temporary tokens? the token is dropped at
  once), per project `GET …/keys` (may it manage keys? 200 or refused) and `GET …/balances` (may it
  read billing?), and `GET /v1/auth/token` (details of the key itself; undocumented shape, used
  only when recognised, `bot.keys.records`). When those details name the key and a key list shows
  that id, `GET …/keys/{key_id}`: the key's documented record (scopes, expiry).
* Temporary token (JWT): it cannot read management APIs, so `POST /v1/listen` with an empty body:
  a 400 about the missing audio means the token got past authentication, a 401 that it did not.
  Nothing is transcribed, so nothing is billed.
* When the paste would be sent wrongly (`Bearer <api key>`, `Token <jwt>`, no scheme, a doubled
  scheme), the same request once more exactly as pasted, to show what Deepgram answers to that.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from bot.deepgram import DeepgramError, parse_error, transport_failure
from bot.keys.records import from_listing, from_token_details
from bot.limits import DEEPGRAM_JSON_MAX, TooLarge, fetch
from bot.topics import Topic

# Projects examined in detail (keys, balances); a key reaching more is rare, the rest are only named.
MAX_PROJECTS = 5
GRANT_TTL_SECONDS = 1


@dataclass(frozen=True)
class Call:
    """One request's outcome: an HTTP status with its body, or the reason no answer came."""

    status: int | None
    body: Any = None  # parsed JSON, or None
    error: DeepgramError | None = None  # for non-2xx answers
    failure: str | None = None  # why there was no answer
    topic: Topic | None = None  # the playbook for `failure`

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def message(self) -> str:
        """Deepgram's own error text, or '' (lower-cased, for matching)."""
        return (self.error.message or "").lower() if self.error else ""


async def call(
    http: httpx.AsyncClient,
    url: str,
    *,
    method: str,
    authorization: str,
    timeout: float,
    json_body: Mapping[str, Any] | None = None,
    content: bytes | None = None,
    content_type: str | None = None,
) -> Call:
    """Send one request with exactly this `Authorization` value; never raises."""
    headers = {"Authorization": authorization}
    if content_type:
        headers["Content-Type"] = content_type
    try:
        response = await fetch(
            http,
            method,
            url,
            limit=DEEPGRAM_JSON_MAX,
            headers=headers,
            json=json_body,
            content=content,
            timeout=timeout,
        )
    except httpx.HTTPError as exc:
        failure = transport_failure(exc, timeout)
        return Call(None, failure=failure.clause, topic=failure.topic)
    except (ValueError, UnicodeError):
        # A header value httpx refuses to send (control or non-ASCII characters in the paste).
        return Call(None, failure="the header could not be sent at all (it has characters HTTP does not allow)")
    if isinstance(response, TooLarge):
        return Call(
            None,
            failure=f"Deepgram's answer was larger than {response.size}, so it was not read",
            topic=Topic.SERVER_ERROR,
        )
    body: Any = None
    try:
        body = response.json()
    except ValueError:
        body = None
    error = None if response.is_success else parse_error(response.status_code, response.content, response.headers)
    return Call(response.status_code, body=body, error=error)


def project_list(projects: Call) -> list[tuple[str, str]] | None:
    """`(project_id, name)` pairs from a `GET /v1/projects` answer; None when it is not one."""
    if not projects.ok or not isinstance(projects.body, dict):
        return None
    items = projects.body.get("projects")
    if not isinstance(items, list):
        return None
    found: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("project_id"), str):
            name = item.get("name")
            found.append((item["project_id"], name if isinstance(name, str) and name.strip() else "(unnamed)"))
    return found


def lacks_permission(projects: Call) -> bool:
    """A refusal that knows the key but denies it this route (`User does not have sufficient permissions.`)."""
    return projects.status in (401, 403) and "permission" in projects.message


@dataclass(frozen=True)
class ProjectFacts:
    project_id: str
    name: str
    keys: Call
    balances: Call


@dataclass(frozen=True)
class ApiKeyFacts:
    """What Deepgram said about an API key."""

    projects: Call
    as_pasted: Call | None = None
    token_details: Call | None = None
    grant: Call | None = None
    project_facts: tuple[ProjectFacts, ...] = ()
    #: every project the key reaches, by name, in Deepgram's order (also those not examined)
    project_names: tuple[str, ...] = ()
    #: `GET /v1/projects/{id}/keys/{key_id}` for the key itself, when its id could be found
    own_key: Call | None = None


@dataclass(frozen=True)
class JwtFacts:
    """What Deepgram said about a temporary token."""

    listen: Call
    as_pasted: Call | None = None


async def check_api_key(
    http: httpx.AsyncClient, base_url: str, key: str, *, as_pasted: str | None, timeout: float
) -> ApiKeyFacts:
    """Ask Deepgram everything check-key reports about an API key; never raises."""
    right = f"Token {key}"

    async def get(path: str, authorization: str = right) -> Call:
        return await call(http, base_url + path, method="GET", authorization=authorization, timeout=timeout)

    if as_pasted is not None:
        projects, demo = await asyncio.gather(get("/v1/projects"), get("/v1/projects", as_pasted))
    else:
        projects, demo = await get("/v1/projects"), None
    listed = project_list(projects)
    if listed is None and not lacks_permission(projects):
        # Rejected, or Deepgram is not answering: every further call would say the same.
        return ApiKeyFacts(projects=projects, as_pasted=demo)
    examined = (listed or [])[:MAX_PROJECTS]
    grant = call(
        http,
        base_url + "/v1/auth/grant",
        method="POST",
        authorization=right,
        timeout=timeout,
        json_body={"ttl_seconds": GRANT_TTL_SECONDS},
    )
    details, granted, *per_project = await asyncio.gather(
        get("/v1/auth/token"),
        grant,
        *(get(f"/v1/projects/{quote(pid, safe='')}/{what}") for pid, _ in examined for what in ("keys", "balances")),
    )
    facts = tuple(
        ProjectFacts(pid, name, keys=per_project[2 * i], balances=per_project[2 * i + 1])
        for i, (pid, name) in enumerate(examined)
    )
    own_path = own_key_path(details, facts)
    return ApiKeyFacts(
        projects=projects,
        as_pasted=demo,
        token_details=details,
        # The minted token is never kept: only whether one was issued matters.
        grant=_drop_token(granted),
        project_facts=facts,
        project_names=tuple(name for _, name in listed or []),
        own_key=await get(own_path) if own_path else None,
    )


def own_key_path(details: Call, projects: Sequence[ProjectFacts]) -> str | None:
    """`/v1/projects/{id}/keys/{key_id}` for the key itself: its id from recognised token details, in a key list."""
    told = from_token_details(details.body) if details.ok else None
    key_id = told.api_key_id if told else None
    for project in projects:
        if project.keys.ok and from_listing(project.keys.body, key_id) is not None:
            # Both ids came from Deepgram's answers: quoted, so they stay one path segment each.
            return f"/v1/projects/{quote(project.project_id, safe='')}/keys/{quote(key_id or '', safe='')}"
    return None


def _drop_token(granted: Call) -> Call:
    issued = isinstance(granted.body, dict) and isinstance(granted.body.get("access_token"), str)
    return Call(
        granted.status, body={"issued": issued}, error=granted.error, failure=granted.failure, topic=granted.topic
    )


async def check_jwt(
    http: httpx.AsyncClient, base_url: str, token: str, *, as_pasted: str | None, timeout: float
) -> JwtFacts:
    """Try a temporary token where it is meant to work, `/v1/listen`, without sending audio; never raises."""

    async def listen(authorization: str) -> Call:
        # An empty upload: past authentication Deepgram refuses it for having no audio (400).
        return await call(
            http,
            base_url + "/v1/listen",
            method="POST",
            authorization=authorization,
            timeout=timeout,
            content=b"",
            content_type="audio/wav",
        )

    if as_pasted is None:
        return JwtFacts(listen=await listen(f"Bearer {token}"))
    right, demo = await asyncio.gather(listen(f"Bearer {token}"), listen(as_pasted))
    return JwtFacts(listen=right, as_pasted=demo)
