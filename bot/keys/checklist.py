"""Checklist lines from what Deepgram answered about a key: accepted, projects, scopes, balances, grants.

Pure functions from `bot.keylive` facts to `Check` lines; `bot.keyreport` puts them in order and
renders them. Every failure carries its next step and the `/deepgram why <topic>` playbook.
Anything that came from Deepgram (project names, key comments, scopes, error text) is escaped
here, before it goes into mrkdwn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot.keys.live import ApiKeyFacts, Call, JwtFacts, ProjectFacts, lacks_permission, project_list
from bot.keys.paste import JwtClaims
from bot.slack.kit import clip, escape
from bot.topics import Topic

CheckState = Literal["pass", "warn", "fail", "info"]

LOW_BALANCE_USD = 10.0
EXPIRY_WARNING_DAYS = 7
MAX_NAMED_PROJECTS = 10
ROLES = ("owner", "admin", "member")

RECOPY = (
    "Copy the key again from the Deepgram console (API Keys). A deleted or expired key cannot be revived: "
    "create a new one."
)
RETRY = "Try again in a minute; `/deepgram status` tells a Deepgram incident from a problem on our side."
MINT = "Mint a fresh one with `POST /v1/auth/grant` right before use and send it as `Authorization: Bearer <token>`."


@dataclass(frozen=True)
class Check:
    """One checklist line. `text` and `next_step` are mrkdwn, already escaped."""

    state: CheckState
    label: str
    text: str
    next_step: str | None = None
    topic: Topic | None = None


# -- live: API key ---------------------------------------------------------------------------


def api_key_checks(facts: ApiKeyFacts, *, now: datetime, api_url: str) -> list[Check]:
    checks = [accepted_check(facts.projects, api_url)]
    listed = project_list(facts.projects)
    if listed is None:
        if lacks_permission(facts.projects):
            checks.extend(_identity_checks(facts, now))
            checks.extend(grant_check(g) for g in (facts.grant,) if g is not None)
        return checks
    checks.append(projects_check(facts.project_names, examined=len(facts.project_facts)))
    checks.extend(_identity_checks(facts, now))
    checks.extend(balance_check(p) for p in facts.project_facts)
    checks.extend(grant_check(g) for g in (facts.grant,) if g is not None)
    return checks


def accepted_check(projects: Call, api_url: str) -> Check:
    """`GET /v1/projects` with `Token <key>`: does Deepgram accept the key at all?"""
    label = "Accepted"
    said = deepgram_said(projects)
    if projects.ok:
        if project_list(projects) is None:
            return Check(
                "warn", label, "Deepgram answered 200, but not with a project list.", RETRY, Topic.SERVER_ERROR
            )
        return Check("pass", label, "Deepgram accepts it (`GET /v1/projects` answered 200).")
    if projects.status is None:
        return Check(
            "fail",
            label,
            f"Could not check: {projects.failure}.",
            f"Check that the bot can reach `{escape(api_url)}`; `/deepgram status` tells an outage from a local "
            "problem.",
            projects.topic or Topic.NETWORK,
        )
    status = projects.status
    if lacks_permission(projects):
        return Check(
            "warn",
            label,
            f"Deepgram knows the key but will not let it read projects ({status}{said}). It may still transcribe.",
            "For projects, balances and scopes, check a key with the Member role or higher.",
            Topic.FORBIDDEN,
        )
    if status in (401, 403):
        text = f"Rejected (Deepgram answered {status}{said}): the key is wrong, deleted or expired."
        if status == 403:
            text += " (Deepgram answers 403 as well as 401 for a key it does not accept on this API.)"
        return Check("fail", label, text, RECOPY, Topic.UNAUTHORIZED if status == 401 else Topic.FORBIDDEN)
    if status == 429:
        return Check(
            "warn",
            label,
            f"Deepgram is rate limiting right now (429{said}), so the key was not checked.",
            RETRY,
            Topic.RATE_LIMITED,
        )
    if status >= 500:
        return Check(
            "fail",
            label,
            f"Deepgram had a server error ({status}{said}), so the key could not be checked.",
            RETRY,
            Topic.SERVER_ERROR,
        )
    return Check(
        "fail",
        label,
        f"`GET /v1/projects` got an unexpected answer ({status}{said}).",
        f"Check the bot's `DEEPGRAM_API_URL` (now `{escape(api_url)}`).",
        Topic.NOT_FOUND if status == 404 else Topic.BAD_REQUEST,
    )


def deepgram_said(answer: Call) -> str:
    message = answer.error.message if answer.error else None
    return f": “{escape(clip(message, 160))}”" if message else ""


def projects_check(names: Sequence[str], *, examined: int) -> Check:
    label = "Projects"
    if not names:
        return Check(
            "warn",
            label,
            "It reaches no project.",
            "Check in the Deepgram console that the key's project still exists.",
            Topic.FORBIDDEN,
        )
    shown = ", ".join(f"*{escape(clip(n, 80))}*" for n in names[:MAX_NAMED_PROJECTS])
    if len(names) > MAX_NAMED_PROJECTS:
        shown += f" and {len(names) - MAX_NAMED_PROJECTS} more"
    text = f"Reaches {len(names)} project{'s' if len(names) != 1 else ''}: {shown}."
    if examined < len(names):
        text += f" Balances below are for the first {examined}."
    return Check("pass", label, text)


@dataclass(frozen=True)
class KeyRecord:
    """What Deepgram shows about the key itself (never its secret)."""

    api_key_id: str | None
    scopes: tuple[str, ...] | None
    comment: str | None = None
    expiration: datetime | None = None


def key_from_details(details: Call | None) -> KeyRecord | None:
    """`GET /v1/auth/token`'s answer; its shape is undocumented (§1.3), so read it loosely."""
    if details is None or not details.ok or not isinstance(details.body, dict):
        return None
    body = details.body
    item = body.get("api_key") if isinstance(body.get("api_key"), dict) else body
    return _key_record(item)


def key_from_listing(keys: Call, api_key_id: str | None) -> KeyRecord | None:
    """The key with this id in a `GET …/keys` answer (the listing never shows secrets, so an id is needed)."""
    if api_key_id is None or not keys.ok or not isinstance(keys.body, dict):
        return None
    for entry in keys.body.get("api_keys") or []:
        item = entry.get("api_key") if isinstance(entry, dict) else None
        if isinstance(item, dict) and item.get("api_key_id") == api_key_id:
            return _key_record(item)
    return None


def _key_record(item: Any) -> KeyRecord | None:
    if not isinstance(item, dict):
        return None
    key_id = item.get("api_key_id")
    scopes = item.get("scopes")
    comment = item.get("comment")
    record = KeyRecord(
        api_key_id=key_id if isinstance(key_id, str) else None,
        scopes=tuple(s for s in scopes if isinstance(s, str)) if isinstance(scopes, list) else None,
        comment=comment if isinstance(comment, str) and comment.strip() else None,
        expiration=_parse_time(item.get("expiration_date") or item.get("expiration")),
    )
    return record if record.api_key_id or record.scopes is not None else None


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _identity_checks(facts: ApiKeyFacts, now: datetime) -> list[Check]:
    """Scopes and expiry: from the key's own details, else matched in a project's key list."""
    record = key_from_details(facts.token_details)
    if record is None or record.scopes is None:
        key_id = record.api_key_id if record else None
        for project in facts.project_facts:
            found = key_from_listing(project.keys, key_id)
            if found is not None:
                record = found
                break
    if record is not None and record.scopes is not None:
        return [scopes_check(record), expiry_check(record, now)]
    return [unknown_scopes_check(facts.project_facts)]


def scopes_check(record: KeyRecord) -> Check:
    label = "Scopes"
    scopes = record.scopes or ()
    shown = ", ".join(f"`{escape(s)}`" for s in scopes) or "none"
    named = f" (comment “{escape(clip(record.comment, 80))}”)" if record.comment else ""
    role = next((r for r in ROLES if r in scopes), None)
    if role is None and "usage:write" not in scopes:
        return Check(
            "warn",
            label,
            f"{shown}{named}: no role and no `usage:write`, so it cannot transcribe or speak.",
            "Create a key with the Member role (or at least `usage:write`) for the apps that call Deepgram.",
            Topic.FORBIDDEN,
        )
    return Check("pass", label, f"{shown}{named}.")


def expiry_check(record: KeyRecord, now: datetime) -> Check:
    label = "Expiry"
    if record.expiration is None:
        return Check("pass", label, "Deepgram shows no expiry date for it.")
    when = record.expiration.strftime("%Y-%m-%d %H:%M UTC")
    left = (record.expiration - now).total_seconds()
    if left <= 0:
        return Check("fail", label, f"Expired on {when}.", RECOPY, Topic.UNAUTHORIZED)
    if left < EXPIRY_WARNING_DAYS * 86400:
        return Check(
            "warn",
            label,
            f"Expires in {duration(left)} ({when}); after that Deepgram answers 401.",
            "Create a replacement key and switch your apps over before then.",
            Topic.UNAUTHORIZED,
        )
    return Check("pass", label, f"Expires on {when} (in {duration(left)}).")


def unknown_scopes_check(projects: Sequence[ProjectFacts]) -> Check:
    label = "Scopes"
    if any(p.keys.status in (401, 403) for p in projects):
        return Check(
            "info",
            label,
            "Can't see its own scopes (needs admin): Deepgram does not list a project's keys to this key.",
            "A project admin or owner can look it up under API Keys in the Deepgram console (Deepgram never shows "
            "a key's secret, so look for its comment and creation date).",
        )
    listing = next((p.keys for p in projects if p.keys.ok), None)
    if listing is not None:
        count = len(listing.body.get("api_keys") or []) if isinstance(listing.body, dict) else 0
        return Check(
            "info",
            label,
            f"The project has {count} key{'s' if count != 1 else ''}, but Deepgram never returns a key's secret and "
            "did not say which one this is, so its scopes are unknown.",
        )
    reason = next((p.keys.failure for p in projects if p.keys.failure), None)
    return Check("warn", label, f"Could not read its scopes{': ' + reason if reason else ''}.")


def balance_check(project: ProjectFacts) -> Check:
    label = f"Balance of {escape(clip(project.name, 60))}"
    answer = project.balances
    if answer.status is None:
        return Check("warn", label, f"Could not read it: {answer.failure}.")
    if answer.status in (401, 403):
        return Check("info", label, f"This key may not read billing ({answer.status}), so the balance is unknown.")
    items = answer.body.get("balances") if answer.ok and isinstance(answer.body, dict) else None
    if not isinstance(items, list):
        return Check("warn", label, f"Could not read it (Deepgram answered {answer.status}{deepgram_said(answer)}).")
    if not items:
        return Check(
            "info",
            label,
            "No prepaid balance: the project is invoiced (enterprise or contract billing), so there is no credit "
            "to run out of here.",
        )
    totals: dict[str, float] = {}
    for item in items:
        if (
            isinstance(item, dict)
            and isinstance(item.get("amount"), int | float)
            and not isinstance(item.get("amount"), bool)
        ):
            units = str(item.get("units") or "usd").lower()
            totals[units] = totals.get(units, 0.0) + float(item["amount"])
    if not totals:
        return Check("warn", label, "Deepgram listed balances without amounts.")
    shown = ", ".join(_money(amount, units) for units, amount in totals.items())
    usd = totals.get("usd")
    credits = (
        "Add credit in the Deepgram console (Billing). The $200 signup credit usually expires (about a year) "
        "after signup, so a project that lived on it can run dry without any usage."
    )
    if usd is not None and usd <= 0:
        return Check(
            "fail",
            label,
            f"{shown}: out of credit. Requests will fail with *402 Payment Required* (streaming at the handshake).",
            credits,
            Topic.CREDITS,
        )
    if usd is not None and usd < LOW_BALANCE_USD:
        return Check(
            "warn",
            label,
            f"{shown}: low. When it reaches zero, Deepgram answers 402 Payment Required.",
            credits,
            Topic.CREDITS,
        )
    return Check("pass", label, f"{shown}.")


def _money(amount: float, units: str) -> str:
    return f"${amount:,.2f}" if units == "usd" else f"{amount:,.2f} {escape(units)}"


def grant_check(grant: Call) -> Check:
    """`POST /v1/auth/grant`: may this key mint temporary tokens (Member role or higher, §1.2)?"""
    label = "Temporary tokens"
    if grant.ok and isinstance(grant.body, dict) and grant.body.get("issued"):
        return Check("pass", label, "It can mint temporary tokens (a 1-second test token was issued and thrown away).")
    if grant.status in (400, 403):
        return Check(
            "warn",
            label,
            f"Cannot mint temporary tokens (needs Member role or higher; Deepgram answered {grant.status}"
            f"{deepgram_said(grant)}).",
            "Only needed for browsers and mobile apps: mint their tokens on your server with a key that has the "
            "Member role or higher.",
            Topic.TEMPORARY_TOKENS,
        )
    if grant.status == 401:
        return Check(
            "warn",
            label,
            f"Deepgram refused to mint a temporary token (401{deepgram_said(grant)}).",
            "Mint temporary tokens with a key that has the Member role or higher.",
            Topic.TEMPORARY_TOKENS,
        )
    reason = grant.failure or f"Deepgram answered {grant.status}{deepgram_said(grant)}"
    return Check("warn", label, f"Could not check whether it may mint temporary tokens ({reason}).")


# -- live: temporary token -------------------------------------------------------------------


def jwt_checks(facts: JwtFacts, claims: JwtClaims | None, *, now: datetime, api_url: str) -> list[Check]:
    label = "Accepted"
    listen = facts.listen
    said = deepgram_said(listen)
    expired = claims is not None and claims.expires_at is not None and claims.expires_at <= now
    checks: list[Check]
    if listen.ok or listen.status == 400:
        checks = [
            Check(
                "pass",
                label,
                "Deepgram accepts it for transcription: an empty test upload to `/v1/listen` was refused only for "
                f"having no audio ({listen.status}), not for the token. Nothing was transcribed or billed.",
            )
        ]
    elif listen.status == 402:
        checks = [
            Check(
                "warn",
                label,
                f"Accepted, but the project is out of credit (402{said}).",
                "Add credit in the Deepgram console (Billing).",
                Topic.CREDITS,
            )
        ]
    elif listen.status == 401:
        why = (
            "it has expired" if expired else "Deepgram does not accept this token (expired, revoked, or not Deepgram's)"
        )
        checks = [Check("fail", label, f"Rejected (401{said}): {why}.", MINT, Topic.TEMPORARY_TOKENS)]
    elif listen.status is None:
        checks = [
            Check(
                "fail",
                label,
                f"Could not check: {listen.failure}.",
                f"Check that the bot can reach `{escape(api_url)}`.",
                listen.topic or Topic.NETWORK,
            )
        ]
    elif listen.status >= 500 or listen.status == 429:
        topic = Topic.RATE_LIMITED if listen.status == 429 else Topic.SERVER_ERROR
        checks = [
            Check(
                "fail",
                label,
                f"The token could not be checked (Deepgram answered {listen.status}{said}).",
                RETRY,
                topic,
            )
        ]
    else:
        checks = [Check("fail", label, f"Refused (Deepgram answered {listen.status}{said}).", MINT, Topic.FORBIDDEN)]
    checks.append(
        Check(
            "info",
            "Management API",
            "Temporary tokens cannot read projects, keys or balances: Deepgram limits them to listen, speak, read "
            "and agent. That is expected, not a failure; check the API key that mints them with "
            "`/deepgram check-key` for those.",
        )
    )
    return checks


def duration(seconds: float) -> str:
    seconds = abs(seconds)
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"
