"""Checklist lines about the key itself: its scopes and its expiry, said only when Deepgram said them.

Where they come from is `bot.keys.facts.own_record`: the key's documented record, its entry in a
project's key list, or `GET /v1/auth/token` when that undocumented answer has a shape we recognise.
When none of them says, the checklist says exactly that ("Deepgram did not report …"): an unknown
expiry is never shown as "no expiry".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.keys.facts import KeyRecord, listed_key_count, own_record
from bot.keys.live import ApiKeyFacts, Call, ProjectFacts
from bot.keys.result import RECOPY, RETRY, Check, deepgram_said
from bot.prose import Prose, clip, code
from bot.topics import Topic
from bot.units import format_duration

EXPIRY_WARNING_DAYS = 7
ROLES = ("owner", "admin", "member")

LOOK_IT_UP = Prose.of(
    "A project admin or owner can look it up under API Keys in the Deepgram console (Deepgram never "
    "shows a key's secret, so look for its comment and creation date)."
)


def identity_checks(facts: ApiKeyFacts, now: datetime) -> list[Check]:
    """Scopes and expiry lines: one "not reported" line when Deepgram said neither."""
    record = own_record(facts)
    if record is None or (record.scopes is None and not record.expiry_known):
        return [unknown_scopes_check(facts.project_facts)]
    first = (
        scopes_check(record) if record.scopes is not None else unknown_scopes_check(facts.project_facts, expiry=False)
    )
    return [first, expiry_check(record, now)]


def scopes_check(record: KeyRecord) -> Check:
    label = "Scopes"
    scopes = record.scopes or ()
    shown = Prose.join((Prose((code(s),)) for s in scopes), ", ") or Prose.plain("none")
    named = Prose.of(" (comment “{comment}”)", comment=clip(record.comment, 80)) if record.comment else Prose()
    role = next((r for r in ROLES if r in scopes), None)
    if role is None and "usage:write" not in scopes:
        return Check(
            "warn",
            label,
            Prose.of(
                "{shown}{named}: no role and no `usage:write`, so it cannot transcribe or speak.",
                shown=shown,
                named=named,
            ),
            Prose.of("Create a key with the Member role (or at least `usage:write`) for the apps that call Deepgram."),
            Topic.FORBIDDEN,
        )
    return Check("pass", label, shown + named + ".")


def expiry_check(record: KeyRecord, now: datetime) -> Check:
    label = "Expiry"
    if record.expiration is None:
        if record.expiry_known:
            return Check("pass", label, Prose.of("Deepgram lists no expiry date for this key."))
        return Check("info", label, Prose.of("Deepgram did not report this key's expiry."), LOOK_IT_UP)
    when = record.expiration.strftime("%Y-%m-%d %H:%M UTC")
    left = (record.expiration - now).total_seconds()
    if left <= 0:
        return Check("fail", label, Prose.of("Expired on {when}.", when=when), RECOPY, Topic.UNAUTHORIZED)
    if left < EXPIRY_WARNING_DAYS * 86400:
        return Check(
            "warn",
            label,
            Prose.of(
                "Expires in {left} ({when}); after that Deepgram answers 401.", left=format_duration(left), when=when
            ),
            Prose.of("Create a replacement key and switch your apps over before then."),
            Topic.UNAUTHORIZED,
        )
    return Check("pass", label, Prose.of("Expires on {when} (in {left}).", when=when, left=format_duration(left)))


def unknown_scopes_check(projects: Sequence[ProjectFacts], *, expiry: bool = True) -> Check:
    """Deepgram did not report the key's scopes (nor, with `expiry`, its expiry): why, from the key lists."""
    label = "Scopes"
    what = "scopes or expiry" if expiry else "scopes"
    if any(p.keys.status in (401, 403) for p in projects):
        return Check(
            "info",
            label,
            Prose.of(
                "Can't see its own scopes (needs admin): Deepgram did not report this key's {what}, and does not "
                "list a project's keys to this key.",
                what=what,
            ),
            LOOK_IT_UP,
        )
    listing = next((p.keys for p in projects if p.keys.ok), None)
    if listing is not None:
        count = listed_key_count(listing)
        return Check(
            "info",
            label,
            Prose.of(
                "Deepgram did not report this key's {what}: the project has {count} key{s}, but Deepgram never "
                "returns a key's secret and did not say which one this is.",
                what=what,
                count=count,
                s="s" if count != 1 else "",
            ),
            LOOK_IT_UP,
        )
    failed = next((p.keys for p in projects), None)
    if failed is None:
        return Check("info", label, Prose.of("Deepgram did not report this key's {what}.", what=what), LOOK_IT_UP)
    return Check(
        "warn",
        label,
        Prose.of(
            "Deepgram did not report this key's {what}, and the project's key list could not be read ({reason}).",
            what=what,
            reason=_no_answer(failed),
        ),
        RETRY,
        failed.topic or (Topic.RATE_LIMITED if failed.status == 429 else Topic.SERVER_ERROR),
    )


def _no_answer(answer: Call) -> Prose:
    if answer.failure:
        return Prose.plain(answer.failure)
    return Prose.of("Deepgram answered {status}", status=answer.status) + deepgram_said(answer)
