"""The headline: the surfaces' verdicts (`bot.status.table`) in order of precedence, then one sentence. Pure.

`lead(seen)` picks the first kind in `PRECEDENCE` that any surface has (see `bot.status.verdict`) and
words it; `covered()` says which surfaces that wording already speaks of, so the verdict adds the
others' own lines after it. Only the `deepgram_confirmed` lead says there is nothing to fix on our
side, and it can lead only when no probe failed for a reason on our side (those come first).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.probes import Surface
from bot.prose import Prose
from bot.status.official import STATE_ORDER, OfficialStatus
from bot.status.table import SurfaceKind, SurfaceVerdict, names, provider_label, reported_names
from bot.statuspage.model import ACTIVE_MAINTENANCE, Summary
from bot.topics import Topic

__all__ = ["HEALTHY", "NOTED", "PRECEDENCE", "Headline", "Seen", "VerdictKind", "covered", "lead"]

VerdictKind = Literal[
    "all_good",
    "maintenance",
    "informational",
    "deepgram_confirmed",
    "early_warning",
    "slow_from_here",
    "deepgram_incident",
    "reported_still_works",
    "provider_problem",
    "key_rejected",
    "no_credits",
    "rate_limited",
    "network_problem",
    "request_problem",
    "no_key",
    "unknown",
]
HEALTHY: frozenset[VerdictKind] = frozenset({"all_good", "maintenance", "informational"})
#: The surfaces' verdicts, the one that decides the headline first.
PRECEDENCE: tuple[SurfaceKind, ...] = (
    "ours",
    "confirmed",
    "early_warning",
    "slow",
    "reported",
    "reported_still_works",
    "provider",
    "maintenance",
    "informational",
    "works",
    "not_probed",
)
#: Kinds whose surfaces are also mentioned when another kind makes the headline: all but the quiet ones.
NOTED: tuple[SurfaceKind, ...] = PRECEDENCE[: PRECEDENCE.index("works")]


@dataclass(frozen=True)
class Headline:
    kind: VerdictKind
    headline: str
    explanation: Prose
    topic: Topic | None = None


@dataclass(frozen=True)
class Seen:
    """Everything the headline is chosen from."""

    groups: Mapping[SurfaceKind, Sequence[SurfaceVerdict]]
    official: OfficialStatus | None
    summary: Summary | None
    key_configured: bool

    @property
    def ran(self) -> bool:
        return any(v.cause.kind != "skipped" for g in self.groups.values() for v in g)

    @property
    def other(self) -> str | None:
        """What the page says beyond the probed surfaces: `reported`, `maintenance`, `informational` or None.

        That is the components no surface claims, and, while no surface has a result yet, the incidents
        that name no component (once a surface has one, they are part of its official state).
        """
        if self.official is None:
            return None
        states = [self.official.other.state]
        if not any(self.groups.values()):
            states.append(self.official.general_state)
        state = max(states, key=STATE_ORDER.index)
        if state in ("degraded", "outage"):
            return "reported"
        return state if state in ("maintenance", "informational") else None


def covered(verdict: Headline, seen: Seen) -> set[Surface]:
    """The surfaces the headline's own explanation already speaks of."""
    kind = _LEAD_KIND.get(verdict.kind)
    if kind is None:
        return set()
    return {v.surface for v in seen.groups[kind] if kind != "ours" or _OURS[v.cause.reason] == verdict.kind}


def _labels(verdicts: Sequence[SurfaceVerdict]) -> str:
    labels = [v.label for v in verdicts]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _failed_from_here(verdicts: Sequence[SurfaceVerdict]) -> Prose:
    """The X and Y probes failed from where the bot runs (what the first one found)."""
    summary = verdicts[0].result.summary
    return Prose.of(
        "The {names} probe{plural} failed from where the bot runs ({summary}).",
        names=_labels(verdicts),
        plural="s" if len(verdicts) > 1 else "",
        summary=summary[:1].lower() + summary[1:],
    )


def _all_reported(verdicts: Sequence[SurfaceVerdict]) -> Prose:
    return reported_names([i for v in verdicts for i in v.incidents], [c for v in verdicts for c in v.troubled])


# -- our side ---------------------------------------------------------------------------------------

_OURS: Mapping[str, VerdictKind] = {
    "key": "key_rejected",
    "credits": "no_credits",
    "concurrency": "rate_limited",
    "network": "network_problem",
    "request": "request_problem",
    "probe": "request_problem",
}
_ACCOUNT: Mapping[VerdictKind, tuple[str, str, Topic]] = {
    "no_credits": (
        "Our Deepgram project is out of credits (402)",
        "Deepgram refuses requests from this project until credit is added or an overage agreement is in "
        "place. Add funds in the Deepgram console (Billing).",
        Topic.CREDITS,
    ),
    "rate_limited": (
        "Deepgram is rate limiting our project (429)",
        "Too many concurrent requests for this project. Queue or retry with backoff, or ask Deepgram about "
        "higher concurrency limits.",
        Topic.RATE_LIMITED,
    ),
}


# Complexity: one branch per kind of our-side problem, each returning its own headline.
def _ours(seen: Seen) -> Headline:
    ours = seen.groups["ours"]
    kind = min((_OURS[v.cause.reason] for v in ours), key=list(_OURS.values()).index)
    mine = [v for v in ours if _OURS[v.cause.reason] == kind]
    reported = [v for v in ours if v.official in ("degraded", "outage")]
    also = " Deepgram also reports {names}, but that is not why this fails: fix our side first."
    tail = Prose.of(also, names=_all_reported(reported)) if reported else Prose()
    if kind == "key_rejected":
        code = 401 if any(v.result.http_status == 401 for v in mine) else 403
        text = Prose.of(
            "The configured key was refused, so this is on our side, not a Deepgram outage. Check that it is "
            "sent as `Token <key>` (not `Bearer`), that it has not been deleted or expired, and that it "
            "belongs to the right project."
        )
        topic = Topic.UNAUTHORIZED if code == 401 else Topic.FORBIDDEN
        return Headline(kind, f"Deepgram rejected our key ({code})", text + tail, topic)
    if kind in _ACCOUNT:
        headline, words, topic = _ACCOUNT[kind]
        return Headline(kind, headline, Prose.of(words) + tail, topic)
    first = mine[0].result
    if kind == "network_problem":
        advice = (
            " That is our side of the wire (DNS, a firewall, a proxy or TLS), not Deepgram: fix the path from"
            " the bot to Deepgram."
        )
        return Headline(
            kind,
            "Fix on our side: a network problem on the way to Deepgram",
            _failed_from_here(mine) + advice + tail,
            first.topic or Topic.NETWORK,
        )
    if all(v.cause.reason == "probe" for v in mine):
        advice = " The probe itself broke inside the bot (see its log): that is ours to fix, not Deepgram's."
        return Headline(kind, "Fix on our side: a probe failed inside the bot", _failed_from_here(mine) + advice + tail)
    advice = " Deepgram refused what the probe sent, so the fix is on our side (the request, its audio or settings)."
    headline = "Fix on our side: Deepgram refused what we sent"
    return Headline(kind, headline, _failed_from_here(mine) + advice + tail, first.topic)


# -- Deepgram's side ---------------------------------------------------------------------------------


def _confirmed(seen: Seen) -> Headline:
    confirmed = seen.groups["confirmed"]
    incidents = [v for v in confirmed if v.official != "maintenance"]
    if not incidents:
        windows = Prose.join((_window_names(v) for v in confirmed), ", ")
        text = Prose.of(
            "Deepgram has maintenance under way ({windows}), and our own probes fail on {names}. Nothing to fix "
            "on our side; wait for the maintenance to end.",
            windows=windows,
            names=_labels(confirmed),
        )
        return Headline("deepgram_confirmed", "Failing during Deepgram's maintenance", text, Topic.OUTAGE)
    text = Prose.of(
        "Deepgram's status page shows {reported}. Our own probes confirm it on {names}. Nothing to fix on our "
        "side; follow the incident.",
        reported=_all_reported(incidents),
        names=_labels(confirmed),
    )
    return Headline("deepgram_confirmed", "Deepgram reports a problem, confirmed by our probes", text, Topic.OUTAGE)


def _window_names(verdict: SurfaceVerdict) -> Prose:
    status = verdict.status
    return names([m for m in status.maintenances if m.status in ACTIVE_MAINTENANCE]) if status else Prose()


def _early(seen: Seen) -> Headline:
    early = seen.groups["early_warning"]
    if seen.official is None:
        headline = "Failing from here; Deepgram's status page could not be read"
        tail = " Deepgram's status page could not be read, so this is not confirmed either way."
    else:
        headline = "Failing from here, not yet on Deepgram's status page"
        tail = (
            " Deepgram's status page does not show it (yet): this may be the start of an incident. Check again "
            "in a few minutes, and give Deepgram support the request id if it persists."
        )
    return Headline("early_warning", headline, _failed_from_here(early) + tail, early[0].result.topic)


def _slow(seen: Seen) -> Headline:
    slow = seen.groups["slow"]
    first = slow[0].result.summary
    text = Prose.of(
        "The {names} probe{plural} answered slowly from where the bot runs ({summary}). Deepgram's status page "
        "shows no problem there: the network between the bot and Deepgram, or Deepgram itself.",
        names=_labels(slow),
        plural="s" if len(slow) > 1 else "",
        summary=first[:1].lower() + first[1:],
    )
    return Headline("slow_from_here", "Slow from here, not on Deepgram's status page", text, Topic.LATENCY)


def _reported(seen: Seen) -> Headline:
    reported = seen.groups["reported"]
    parts = [Prose.of("Deepgram's status page shows {names}.", names=_page_problems(seen, reported))]
    if reported:
        parts.append(Prose.of("Our probes did not check {names}.", names=_labels(reported)))
    if seen.official and seen.official.other.deepgram_problem:
        parts.append(Prose.of("Some of it is on components the bot does not probe."))
    if not seen.key_configured:
        parts.append(Prose.of("Set `DEEPGRAM_API_KEY` so the bot can also test the APIs with your key."))
    return Headline("deepgram_incident", "Deepgram reports a problem", Prose.join(parts), Topic.OUTAGE)


def _page_problems(seen: Seen, verdicts: Sequence[SurfaceVerdict]) -> Prose:
    other = seen.official.other if seen.official and seen.other == "reported" else None
    general = seen.official.general if seen.official else ()
    incidents = [i for v in verdicts for i in v.incidents] + [*(other.incidents if other else ()), *general]
    incidents = [i for i in incidents if i.impact != "none"]
    troubled = [c for v in verdicts for c in v.troubled]
    troubled += [c for c in (other.components if other else ()) if c.status not in ("operational", "under_maintenance")]
    return reported_names(incidents, troubled)


def _still_works(seen: Seen) -> Headline:
    works = seen.groups["reported_still_works"]
    text = Prose.of(
        "Deepgram's status page shows {reported}, but from here {names} still work{s}. Keep an eye on the incident.",
        reported=_all_reported(works),
        names=_labels(works),
        s="s" if len(works) == 1 else "",
    )
    return Headline("reported_still_works", "Deepgram reports a problem; from here it still works", text, Topic.OUTAGE)


def _provider(seen: Seen) -> Headline:
    providers = seen.groups["provider"]
    topic = next((v.result.topic for v in providers if v.cause.kind == "provider"), None) or Topic.AGENT_DOWNSTREAM
    lines = Prose.join(Prose.of("{label}: ", label=v.label) + v.line for v in providers)
    text = lines + " It is a third party that Deepgram calls for the Voice Agent, not Deepgram's speech API."
    name = provider_label(providers[0].surface, providers[0].status)
    return Headline("provider_problem", f"Trouble with {name}", text, topic)


# -- nothing wrong -----------------------------------------------------------------------------------


def _no_probes(seen: Seen) -> Headline:
    if seen.summary is None:
        return Headline(
            "unknown",
            "Status unknown",
            Prose.of("The status page could not be read and no `DEEPGRAM_API_KEY` is configured for probes."),
        )
    return Headline(
        "no_key",
        "Deepgram reports no problem; our own probes did not run",
        Prose.of("Set `DEEPGRAM_API_KEY` so the bot can also test the APIs with your key."),
    )


def _maintenance(seen: Seen) -> Headline:
    windows = [m for m in (seen.summary.maintenances if seen.summary else ()) if m.status in ACTIVE_MAINTENANCE]
    resting = [c for c in (seen.summary.leaf_components if seen.summary else ()) if c.status == "under_maintenance"]
    parts = Prose.join([Prose.of("*{name}*", name=c.name) for c in resting[:3]], ", ")
    shown = names(windows) or parts or Prose.plain("a component under maintenance")
    return Headline(
        "maintenance",
        "All probes pass; Deepgram has maintenance in progress",
        Prose.of("Maintenance: {names}.", names=shown),
    )


def _informational(seen: Seen) -> Headline:
    """Every probe passed; the surfaces' own lines (added after this) say which notice is where."""
    text = Prose.of("Every probe with our key succeeded; Deepgram's status page has only notices.")
    if not seen.groups["informational"]:
        summary = seen.summary
        quiet = [i for i in (summary.incidents if summary else ()) if i.impact == "none"]
        upcoming = [m for m in (summary.maintenances if summary else ()) if m.status not in ACTIVE_MAINTENANCE]
        text += Prose.of(" Notice: {names}.", names=names([*quiet, *upcoming]) or Prose.plain("see the status page"))
    return Headline("informational", "All probes pass; Deepgram's status page has a notice", text)


def _all_good(seen: Seen) -> Headline:
    if seen.summary is None:
        return Headline(
            "all_good",
            "All our probes pass",
            Prose.of("Deepgram's status page could not be read, but every probe with our key succeeded."),
        )
    words = Prose.of("Deepgram reports no problem and every probe with our key succeeded.")
    return Headline("all_good", "All good", words)


def _has(kind: SurfaceKind, other: str | None = None) -> Callable[[Seen], bool]:
    return lambda seen: bool(seen.groups[kind]) or (other is not None and seen.other == other)


#: The headline: the first lead whose condition holds.
_LEADS: tuple[tuple[Callable[[Seen], bool], Callable[[Seen], Headline]], ...] = (
    (_has("ours"), _ours),
    (_has("confirmed"), _confirmed),
    (_has("early_warning"), _early),
    (_has("slow"), _slow),
    (_has("reported", "reported"), _reported),
    (_has("reported_still_works"), _still_works),
    (_has("provider"), _provider),
    (lambda seen: not seen.key_configured and not seen.ran, _no_probes),
    (_has("maintenance", "maintenance"), _maintenance),
    (_has("informational", "informational"), _informational),
    (lambda seen: True, _all_good),
)
#: Which surfaces' kind each headline kind already explains.
_LEAD_KIND: Mapping[VerdictKind, SurfaceKind] = {
    **{kind: "ours" for kind in _OURS.values()},
    "deepgram_confirmed": "confirmed",
    "early_warning": "early_warning",
    "slow_from_here": "slow",
    "deepgram_incident": "reported",
    "reported_still_works": "reported_still_works",
    "provider_problem": "provider",
    "maintenance": "maintenance",
}


def lead(seen: Seen) -> Headline:
    """The headline of the first kind in `PRECEDENCE` that applies."""
    return next(words(seen) for applies, words in _LEADS if applies(seen))
