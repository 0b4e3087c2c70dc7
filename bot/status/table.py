"""The decision table: one surface's official state × the cause of our probe's outcome → its verdict. Pure.

`TABLE` is the table as data, one row per (official state, cause), each with the kind of verdict
and its wording; `surface_verdict()` reads it. The official state is the surface's state from
`bot.status.official` (worsened by incidents that name no component), or `unknown` when the status
page could not be read; the cause is `bot.status.causes.classify()`. The rules the rows keep:

- a failure on our side is ours whatever the page says: the line says what to fix, and that what
  Deepgram reports is not why it fails;
- a failure on Deepgram's side (or a wrong answer, or slowness) where Deepgram reports a problem (or
  maintenance) is *confirmed by our probes*; with nothing reported it is the early warning, *failing
  from here, not yet on Deepgram's status page*;
- a problem Deepgram reports while our probe passes: *from here it still works*;
- anything on a surface whose only trouble is a third party behind it (`third_party`: the providers
  behind the Voice Agent) is told as that provider's, and so is a provider failure our probe saw.

`bot.status.verdict` turns the surfaces' verdicts into one headline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.probes import ProbeResult, Surface
from bot.prose import Prose, strong
from bot.status.causes import Cause, CauseKind, Reason, classify
from bot.status.official import STATE_ORDER, OfficialState, OfficialStatus, SurfaceStatus, component_state
from bot.statuspage.model import ACTIVE_MAINTENANCE, Component, Incident
from bot.surfaces import THIRD_PARTY, surface

__all__ = [
    "OFFICIAL_COLUMNS",
    "TABLE",
    "Official",
    "Row",
    "SurfaceKind",
    "SurfaceVerdict",
    "names",
    "provider_label",
    "reported_names",
    "surface_verdict",
]

#: The official state of a surface as the table reads it: `bot.status.official`'s states, or unknown.
Official = Literal["operational", "informational", "maintenance", "third_party", "degraded", "outage", "unknown"]
OFFICIAL_COLUMNS: tuple[Official, ...] = (*STATE_ORDER, "unknown")

SurfaceKind = Literal[
    "ours",  # fails because of our side
    "confirmed",  # Deepgram reports a problem (or maintenance) and our probe sees it
    "early_warning",  # fails (or answers wrongly) from here, not on Deepgram's page
    "slow",  # slow from here, not on Deepgram's page
    "reported",  # Deepgram reports a problem; not probed
    "reported_still_works",  # Deepgram reports a problem; from here it works
    "provider",  # a provider behind the surface (reported, or seen failing by our probe)
    "maintenance",  # works during maintenance
    "informational",  # works; the page has a notice
    "works",  # works, nothing reported
    "not_probed",  # not probed, nothing reported
]


@dataclass(frozen=True)
class Row:
    kind: SurfaceKind
    #: A `Prose.of` template: `{fix}` (what to fix on our side), `{reported}` (the incidents or the
    #: components in trouble, in bold), `{maintenance}`, `{notice}`, `{provider}` / `{Provider}`.
    wording: str


_FIX = "Fix on our side: {fix}."
_NOT_WHY = "; that is not why this fails."
_PROVIDER = "{Provider} failed, not Deepgram's speech API"

TABLE: Mapping[tuple[Official, CauseKind], Row] = {
    # -- our probe worked
    ("operational", "ok"): Row("works", "Works from here."),
    ("informational", "ok"): Row("informational", "Works from here; Deepgram's page has a notice: {notice}."),
    ("maintenance", "ok"): Row("maintenance", "Works from here during Deepgram's maintenance: {maintenance}."),
    ("third_party", "ok"): Row("provider", "Works from here; Deepgram reports trouble with {provider}: {reported}."),
    ("degraded", "ok"): Row("reported_still_works", "Deepgram reports {reported}; from here it still works."),
    ("outage", "ok"): Row("reported_still_works", "Deepgram reports {reported}; from here it still works."),
    ("unknown", "ok"): Row("works", "Works from here; the status page could not be read."),
    # -- it failed because of our side: ours, whatever the page says
    ("operational", "ours"): Row("ours", _FIX),
    ("informational", "ours"): Row("ours", _FIX + " Deepgram's page has a notice ({notice})" + _NOT_WHY),
    ("maintenance", "ours"): Row("ours", _FIX + " Deepgram has maintenance under way ({maintenance})" + _NOT_WHY),
    ("third_party", "ours"): Row("ours", _FIX + " Deepgram reports trouble with {provider}" + _NOT_WHY),
    ("degraded", "ours"): Row("ours", _FIX + " Deepgram also reports {reported}" + _NOT_WHY),
    ("outage", "ours"): Row("ours", _FIX + " Deepgram also reports {reported}" + _NOT_WHY),
    ("unknown", "ours"): Row("ours", _FIX),
    # -- it failed on Deepgram's side
    ("operational", "theirs"): Row("early_warning", "Failing from here, not yet on Deepgram's status page."),
    ("informational", "theirs"): Row(
        "early_warning", "Failing from here; Deepgram's page has only a notice: {notice}."
    ),
    ("maintenance", "theirs"): Row("confirmed", "Failing from here during Deepgram's maintenance: {maintenance}."),
    ("third_party", "theirs"): Row(
        "provider", "Failing from here while Deepgram reports trouble with {provider}: {reported}."
    ),
    ("degraded", "theirs"): Row("confirmed", "Deepgram reports {reported}; confirmed by our probes."),
    ("outage", "theirs"): Row("confirmed", "Deepgram reports {reported}; confirmed by our probes."),
    ("unknown", "theirs"): Row("early_warning", "Failing from here; Deepgram's status page could not be read."),
    # -- Deepgram answered, but wrongly (transcript, audio)
    ("operational", "quality"): Row("early_warning", "Answers wrongly from here, not yet on Deepgram's status page."),
    ("informational", "quality"): Row(
        "early_warning", "Answers wrongly from here; Deepgram's page has only a notice: {notice}."
    ),
    ("maintenance", "quality"): Row("confirmed", "Answers wrongly during Deepgram's maintenance: {maintenance}."),
    ("third_party", "quality"): Row(
        "provider", "Answers wrongly while Deepgram reports trouble with {provider}: {reported}."
    ),
    ("degraded", "quality"): Row("confirmed", "Deepgram reports {reported}; our probe's wrong answer confirms it."),
    ("outage", "quality"): Row("confirmed", "Deepgram reports {reported}; our probe's wrong answer confirms it."),
    ("unknown", "quality"): Row(
        "early_warning", "Answers wrongly from here; Deepgram's status page could not be read."
    ),
    # -- it worked, slowly
    ("operational", "slow"): Row("slow", "Slow from here; Deepgram's page shows no problem."),
    ("informational", "slow"): Row("slow", "Slow from here; Deepgram's page has only a notice: {notice}."),
    ("maintenance", "slow"): Row("confirmed", "Slow from here during Deepgram's maintenance: {maintenance}."),
    ("third_party", "slow"): Row(
        "provider", "Slow from here while Deepgram reports trouble with {provider}: {reported}."
    ),
    ("degraded", "slow"): Row("confirmed", "Deepgram reports {reported}; our probe's slowness confirms it."),
    ("outage", "slow"): Row("confirmed", "Deepgram reports {reported}; our probe's slowness confirms it."),
    ("unknown", "slow"): Row("slow", "Slow from here; Deepgram's status page could not be read."),
    # -- a provider behind the Voice Agent failed in our probe: the provider's, never the speech API's
    ("operational", "provider"): Row("provider", _PROVIDER + "; not yet on Deepgram's status page."),
    ("informational", "provider"): Row("provider", _PROVIDER + "; Deepgram's page has a notice: {notice}."),
    ("maintenance", "provider"): Row("provider", _PROVIDER + ", during Deepgram's maintenance: {maintenance}."),
    ("third_party", "provider"): Row("provider", "{Provider} failed, as Deepgram reports: {reported}."),
    ("degraded", "provider"): Row("provider", _PROVIDER + "; Deepgram also reports {reported}."),
    ("outage", "provider"): Row("provider", _PROVIDER + "; Deepgram also reports {reported}."),
    ("unknown", "provider"): Row("provider", _PROVIDER + "; Deepgram's status page could not be read."),
    # -- not probed (no key, or no host known)
    ("operational", "skipped"): Row("not_probed", "Not probed; Deepgram reports no problem."),
    ("informational", "skipped"): Row("not_probed", "Not probed; Deepgram's page has a notice: {notice}."),
    ("maintenance", "skipped"): Row("not_probed", "Not probed; Deepgram has maintenance under way: {maintenance}."),
    ("third_party", "skipped"): Row("provider", "Not probed; Deepgram reports trouble with {provider}: {reported}."),
    ("degraded", "skipped"): Row("reported", "Not probed; Deepgram reports {reported}."),
    ("outage", "skipped"): Row("reported", "Not probed; Deepgram reports {reported}."),
    ("unknown", "skipped"): Row("not_probed", "Not probed; the status page could not be read."),
}

#: What to fix on our side, by the cause's reason.
FIXES: Mapping[Reason, str] = {
    "key": "Deepgram refused our key",
    "credits": "our project is out of credits",
    "concurrency": "our project is over its concurrency or rate limit",
    "network": "the bot cannot reach Deepgram (DNS, firewall, proxy or TLS)",
    "request": "Deepgram refused what the probe sent",
    "probe": "the probe itself failed (see the bot's log)",
}


@dataclass(frozen=True)
class SurfaceVerdict:
    """One surface: the official state the table read, our probe's cause, and the row's verdict."""

    surface: Surface
    official: Official
    cause: Cause
    kind: SurfaceKind
    line: Prose
    result: ProbeResult
    status: SurfaceStatus | None = None
    #: What Deepgram reports as a problem here (incidents of impact minor or worse; page-wide ones too).
    incidents: tuple[Incident, ...] = ()
    #: Components (its own or its providers') whose status is slow or down.
    troubled: tuple[Component, ...] = ()

    @property
    def label(self) -> str:
        """The surface's label in the table (its id for a surface the table does not list)."""
        return _label(self.surface)

    @property
    def reported(self) -> Prose:
        return reported_names(self.incidents, self.troubled)


def surface_verdict(result: ProbeResult, official: OfficialStatus | None) -> SurfaceVerdict:
    """The table's verdict for the surface `result` probed, given the page (`None`: it could not be read)."""
    status = official.surfaces.get(result.surface) if official else None
    column = _column(status, official)
    cause = classify(result)
    row = TABLE[(column, cause.kind)]
    incidents = _problems(status, official)
    troubled = _troubled(status)
    party = provider_label(result.surface, status)
    line = Prose.of(
        row.wording,
        fix=FIXES.get(cause.reason, "our side"),
        reported=reported_names(incidents, troubled),
        maintenance=_maintenance(status, official),
        notice=_notice(status, official),
        provider=party,
        Provider=party[:1].upper() + party[1:],
    )
    return SurfaceVerdict(result.surface, column, cause, row.kind, line, result, status, incidents, troubled)


def _column(status: SurfaceStatus | None, official: OfficialStatus | None) -> Official:
    if official is None:
        return "unknown"
    states: tuple[OfficialState, ...] = (status.state if status else "operational", official.general_state)
    return max(states, key=STATE_ORDER.index)


def names(items: Sequence[Incident], limit: int = 3) -> Prose:
    """*A*, *B* and 2 more: names as they came from the status page, shown in bold."""
    shown = [Prose((strong(i.name),)) for i in _unique(items)[:limit]]
    more = len(_unique(items)) - limit
    return _listed([*shown, *([Prose.plain(f"{more} more")] if more > 0 else [])])


def reported_names(incidents: Sequence[Incident], troubled: Sequence[Component] = ()) -> Prose:
    """The incidents by name; without any, the components in trouble and their status; else "a problem"."""
    if incidents:
        return names(incidents)
    unique = list({c.id: c for c in troubled}.values())
    parts = [Prose.of("*{name}* ({status})", name=c.name, status=c.status.replace("_", " ")) for c in unique[:3]]
    return _listed(parts) or Prose.plain("a problem")


def _listed(parts: Sequence[Prose]) -> Prose:
    if len(parts) <= 1:
        return parts[0] if parts else Prose()
    return Prose.join(parts[:-1], ", ") + " and " + parts[-1]


def _unique(items: Iterable[Incident]) -> list[Incident]:
    return list({i.id: i for i in items}.values())


def _problems(status: SurfaceStatus | None, official: OfficialStatus | None) -> tuple[Incident, ...]:
    found = [*(status.incidents if status else ()), *(official.general if official else ())]
    return tuple(_unique(i for i in found if i.impact != "none"))


def _troubled(status: SurfaceStatus | None) -> tuple[Component, ...]:
    if status is None:
        return ()
    own = [c for c in status.components if component_state(c) in ("degraded", "outage")]
    return (*own, *(p.component for p in status.troubled_providers))


def _maintenance(status: SurfaceStatus | None, official: OfficialStatus | None) -> Prose:
    """The windows under way here (or page-wide); else the components under maintenance; else the word."""
    windows = [*(status.maintenances if status else ()), *(official.general_maintenances if official else ())]
    active = [m for m in windows if m.status in ACTIVE_MAINTENANCE]
    resting = [c for c in (status.components if status else ()) if c.status == "under_maintenance"]
    parts = [Prose.of("*{name}* (under maintenance)", name=c.name) for c in resting[:3]]
    return names(active) or _listed(parts) or Prose.plain("maintenance")


def _notice(status: SurfaceStatus | None, official: OfficialStatus | None) -> Prose:
    """What makes a surface `informational`: its incidents (impact none, or told by another component's
    status), page-wide ones of impact none, windows still to come, a provider's maintenance."""
    quiet = [
        *(status.incidents if status else ()),
        *(i for i in (official.general if official else ()) if i.impact == "none"),
    ]
    windows = [*(status.maintenances if status else ()), *(official.general_maintenances if official else ())]
    items = quiet + [m for m in windows if m.status not in ACTIVE_MAINTENANCE]
    providers = [p.component.name for p in (status.providers if status else ()) if p.state == "informational"]
    return (
        names(items) or Prose.join([Prose.of("*{name}*", name=n) for n in providers], ", ") or Prose.plain("a notice")
    )


def provider_label(surface_id: Surface, status: SurfaceStatus | None) -> str:
    """How to name the third party behind this surface: the table's label (`bot.surfaces.THIRD_PARTY`)."""
    parties = [p.party.label for p in (status.troubled_providers or status.providers)] if status else []
    parties = parties or [t.label for t in THIRD_PARTY if t.behind == surface_id]
    return parties[0] if parties else f"a provider behind {_label(surface_id)}"


def _label(surface_id: Surface) -> str:
    try:
        return surface(surface_id).label
    except KeyError:
        return surface_id
