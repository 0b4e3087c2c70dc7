"""Checklist lines from what Deepgram answered about an API key: accepted, projects, balances, keys, grants.

Pure functions from `bot.keys.live` facts to `Check` lines; `bot.keys.check` puts them in order
after the offline ones. What the key may do is read from documented calls only
(`bot.keys.capabilities`); its scopes and expiry are `bot.keys.identity`'s lines. Every failure
carries its next step and the playbook (`topic`) that explains it. Anything that came from
Deepgram (project names, key comments, scopes, error text) is a plain value in the `Prose`, so it
is never read as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.keys.capabilities import Capability, read_capabilities
from bot.keys.facts import balance_items, balance_totals, own_record
from bot.keys.identity import identity_checks
from bot.keys.live import ApiKeyFacts, Call, ProjectFacts, lacks_permission, project_list
from bot.keys.result import RECOPY, RETRY, Check, deepgram_said
from bot.prose import Prose, clip, strong
from bot.topics import Topic

LOW_BALANCE_USD = 10.0
MAX_NAMED_PROJECTS = 10
MANAGING_ROLES = ("admin", "owner")
KEEP_ON_SERVERS = " Keep it on servers; apps that only transcribe or speak need no more than the Member role."

CREDITS = Prose.of(
    "Add credit in the Deepgram console (Billing). The $200 signup credit usually expires (about a year) "
    "after signup, so a project that lived on it can run dry without any usage."
)


def api_key_checks(facts: ApiKeyFacts, *, now: datetime, api_url: str) -> list[Check]:
    checks = [accepted_check(facts.projects, api_url)]
    listed = project_list(facts.projects)
    if listed is None:
        if lacks_permission(facts.projects):
            checks.extend(identity_checks(facts, now))
            checks.extend(grant_check(g) for g in (facts.grant,) if g is not None)
        return checks
    checks.append(projects_check(facts.project_names, examined=len(facts.project_facts)))
    checks.extend(identity_checks(facts, now))
    checks.extend(balance_check(p) for p in facts.project_facts)
    record = own_record(facts)
    manage = key_management_check(read_capabilities(facts).manage_keys, record.scopes if record else None)
    checks.extend(c for c in (manage,) if c is not None)
    checks.extend(grant_check(g) for g in (facts.grant,) if g is not None)
    return checks


def accepted_check(projects: Call, api_url: str) -> Check:
    """`GET /v1/projects` with `Token <key>`: does Deepgram accept the key at all?"""
    label = "Accepted"
    if projects.ok:
        if project_list(projects) is None:
            text = Prose.of("Deepgram answered 200, but not with a project list.")
            return Check("warn", label, text, RETRY, Topic.SERVER_ERROR)
        return Check("pass", label, Prose.of("Deepgram accepts it (`GET /v1/projects` answered 200)."))
    if projects.status is None:
        return Check(
            "fail",
            label,
            Prose.of("Could not check: {failure}.", failure=projects.failure),
            Prose.of(
                "Check that the bot can reach `{url}`; `/deepgram status` tells an outage from a local problem.",
                url=api_url,
            ),
            projects.topic or Topic.NETWORK,
        )
    return _refusal(projects, projects.status, api_url)


def _refusal(projects: Call, status: int, api_url: str) -> Check:
    """`Accepted` when `GET /v1/projects` got a non-2xx answer."""
    label = "Accepted"
    said = deepgram_said(projects)
    if lacks_permission(projects):
        return Check(
            "warn",
            label,
            Prose.of(
                "Deepgram knows the key but will not let it read projects ({status}{said}). It may still transcribe.",
                status=status,
                said=said,
            ),
            Prose.of("For projects, balances and scopes, check a key with the Member role or higher."),
            Topic.FORBIDDEN,
        )
    if status in (401, 403):
        text = Prose.of(
            "Rejected (Deepgram answered {status}{said}): the key is wrong, deleted or expired.",
            status=status,
            said=said,
        )
        if status == 403:
            text += " (Deepgram answers 403 as well as 401 for a key it does not accept on this API.)"
        return Check("fail", label, text, RECOPY, Topic.UNAUTHORIZED if status == 401 else Topic.FORBIDDEN)
    if status == 429:
        text = Prose.of("Deepgram is rate limiting right now (429{said}), so the key was not checked.", said=said)
        return Check("warn", label, text, RETRY, Topic.RATE_LIMITED)
    if status >= 500:
        text = Prose.of(
            "Deepgram had a server error ({status}{said}), so the key could not be checked.", status=status, said=said
        )
        return Check("fail", label, text, RETRY, Topic.SERVER_ERROR)
    return Check(
        "fail",
        label,
        Prose.of("`GET /v1/projects` got an unexpected answer ({status}{said}).", status=status, said=said),
        Prose.of("Check the bot's `DEEPGRAM_API_URL` (now `{url}`).", url=api_url),
        Topic.NOT_FOUND if status == 404 else Topic.BAD_REQUEST,
    )


def projects_check(names: Sequence[str], *, examined: int) -> Check:
    label = "Projects"
    if not names:
        return Check(
            "warn",
            label,
            Prose.of("It reaches no project."),
            Prose.of("Check in the Deepgram console that the key's project still exists."),
            Topic.FORBIDDEN,
        )
    shown = Prose.join((Prose((strong(clip(n, 80)),)) for n in names[:MAX_NAMED_PROJECTS]), ", ")
    if len(names) > MAX_NAMED_PROJECTS:
        shown += f" and {len(names) - MAX_NAMED_PROJECTS} more"
    text = Prose.of("Reaches {count} project{s}: {shown}.", count=len(names), s=_plural(len(names)), shown=shown)
    if examined < len(names):
        text += f" Balances below are for the first {examined}."
    return Check("pass", label, text)


def balance_check(project: ProjectFacts) -> Check:
    label = f"Balance of {clip(project.name, 60)}"
    answer = project.balances
    if answer.status is None:
        return Check("warn", label, Prose.of("Could not read it: {failure}.", failure=answer.failure))
    if answer.status in (401, 403):
        text = Prose.of("This key may not read billing ({status}), so the balance is unknown.", status=answer.status)
        return Check("info", label, text)
    items = balance_items(answer)
    if items is None:
        text = Prose.of(
            "Could not read it (Deepgram answered {status}{said}).", status=answer.status, said=deepgram_said(answer)
        )
        return Check("warn", label, text)
    if not items:
        return Check(
            "info",
            label,
            Prose.of(
                "No prepaid balance: the project is invoiced (enterprise or contract billing), so there is no "
                "credit to run out of here."
            ),
        )
    return _balance_amounts(label, balance_totals(items))


def _balance_amounts(label: str, totals: dict[str, float]) -> Check:
    if not totals:
        return Check("warn", label, Prose.of("Deepgram listed balances without amounts."))
    shown = ", ".join(_money(amount, units) for units, amount in totals.items())
    usd = totals.get("usd")
    if usd is not None and usd <= 0:
        text = Prose.of(
            "{shown}: out of credit. Requests will fail with *402 Payment Required* (streaming at the handshake).",
            shown=shown,
        )
        return Check("fail", label, text, CREDITS, Topic.CREDITS)
    if usd is not None and usd < LOW_BALANCE_USD:
        text = Prose.of("{shown}: low. When it reaches zero, Deepgram answers 402 Payment Required.", shown=shown)
        return Check("warn", label, text, CREDITS, Topic.CREDITS)
    return Check("pass", label, Prose.plain(f"{shown}."))


def _money(amount: float, units: str) -> str:
    return f"${amount:,.2f}" if units == "usd" else f"{amount:,.2f} {units}"


def key_management_check(manage: Capability, scopes: Sequence[str] | None = None) -> Check | None:
    """`GET …/keys` answered 200 or refused: may it manage the project's keys? None when it was not asked.

    A 200 is read as admin- or owner-level access, except when the key's own scopes (from a documented
    record, or recognised token details) name neither role: then only the 200 itself is stated.
    """
    label = "Key management"
    answer = manage.answer
    if answer is None:
        return None
    if manage.able:
        listed = Prose.of("It can list the project's API keys (`GET …/keys` answered {status})", status=answer.status)
        if scopes is not None and not any(r in scopes for r in MANAGING_ROLES):
            return Check("pass", label, listed + ".")
        return Check("pass", label, listed + ": admin- or owner-level access." + KEEP_ON_SERVERS)
    if manage.able is False:
        text = Prose.of(
            "It may not list the project's API keys ({status}{said}), so it is not an admin or owner key; "
            "transcription and speech do not need that.",
            status=answer.status,
            said=deepgram_said(answer),
        )
        return Check("info", label, text)
    reason = Prose.plain(answer.failure) if answer.failure else Prose.of("Deepgram answered {s}", s=answer.status)
    # Information: only this side question went unanswered (the Scopes line warns when that hides its scopes).
    return Check(
        "info",
        label,
        Prose.of("Could not tell whether it may manage keys ({reason}).", reason=reason + deepgram_said(answer)),
        RETRY,
        answer.topic or (Topic.RATE_LIMITED if answer.status == 429 else Topic.SERVER_ERROR),
    )


def grant_check(grant: Call) -> Check:
    """`POST /v1/auth/grant`: may this key mint temporary tokens (Member role or higher, deepgram.md §1.2)?"""
    label = "Temporary tokens"
    said = deepgram_said(grant)
    if grant.ok and isinstance(grant.body, dict) and grant.body.get("issued"):
        text = Prose.of("It can mint temporary tokens (a 1-second test token was issued and thrown away).")
        return Check("pass", label, text)
    if grant.status in (400, 403):
        return Check(
            "warn",
            label,
            Prose.of(
                "Cannot mint temporary tokens (needs Member role or higher; Deepgram answered {status}{said}).",
                status=grant.status,
                said=said,
            ),
            Prose.of(
                "Only needed for browsers and mobile apps: mint their tokens on your server with a key that has the "
                "Member role or higher."
            ),
            Topic.TEMPORARY_TOKENS,
        )
    if grant.status == 401:
        return Check(
            "warn",
            label,
            Prose.of("Deepgram refused to mint a temporary token (401{said}).", said=said),
            Prose.of("Mint temporary tokens with a key that has the Member role or higher."),
            Topic.TEMPORARY_TOKENS,
        )
    reason = Prose.plain(grant.failure) if grant.failure else Prose.of("Deepgram answered {s}", s=grant.status) + said
    return Check(
        "warn", label, Prose.of("Could not check whether it may mint temporary tokens ({reason}).", reason=reason)
    )


def _plural(count: int) -> str:
    return "s" if count != 1 else ""
