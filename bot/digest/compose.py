"""Building the digest from what the store returned: plain inputs in, a `Digest` out. Pure.

`read_digest` (`bot.digest.build`) gathers the inputs with a few aggregate queries; everything that
decides what the digest says is here, so tests build a digest from a fixture week without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.alerts.subscribing import AGENT_USD_PER_MIN, PRERECORDED_USD_PER_MIN, STREAMING_USD_PER_MIN
from bot.digest.model import (
    BalanceTrend,
    CauseCount,
    Digest,
    Failures,
    IncidentSummary,
    ProbeCost,
    SurfaceWeek,
    TopicCount,
)
from bot.digest.period import Period
from bot.store import BalanceSample, LoggedIncident, Outcome
from bot.surfaces import SURFACES, SurfaceSpec, component_key

__all__ = ["TOP_TOPICS", "DigestInputs", "compose"]

#: How many topics the digest lists.
TOP_TOPICS = 5
_WORKING = ("ok", "degraded")


@dataclass(frozen=True)
class DigestInputs:
    """Everything a digest is made of, as the store returns it."""

    period: Period
    #: Probe result counts of the period, per surface, state and cause.
    outcomes: Sequence[Outcome] = ()
    #: Latency percentiles of the runs that worked, per surface ({50: ms, 95: ms}): this period and the one before.
    latency: Mapping[str, Mapping[float, float]] = field(default_factory=dict)
    previous_latency: Mapping[str, Mapping[float, float]] = field(default_factory=dict)
    #: Every incident the monitor logged (those outside the period are left out here).
    incidents: Sequence[LoggedIncident] = ()
    #: The balance samples taken during the period.
    balances: Sequence[BalanceSample] = ()
    #: Asks per playbook topic during the period, and the topics' titles.
    asks: Mapping[str, int] = field(default_factory=dict)
    titles: Mapping[str, str] = field(default_factory=dict)
    #: The surfaces the bot probes (`PROBE_SURFACES`); a surface with runs in the period is shown anyway.
    surfaces: Sequence[SurfaceSpec] = SURFACES
    #: The probe clip's length, and whether the periodic Voice Agent probe runs a turn (for the cost).
    clip_seconds: float = 0.0
    agent_turn: bool = False


def compose(inputs: DigestInputs) -> Digest:
    """The digest of `inputs.period`."""
    period = inputs.period
    incidents = _incidents(inputs.incidents, period)
    ran = _runs(inputs.outcomes)
    shown = {s.id for s in inputs.surfaces} | {s for s, (runs, _) in ran.items() if runs}
    surfaces = tuple(
        _surface_week(spec, ran.get(spec.id, (0, 0)), inputs, incidents) for spec in SURFACES if spec.id in shown
    )
    return Digest(
        period=period,
        incidents=incidents,
        surfaces=surfaces,
        failures=_failures(inputs.outcomes),
        cost=_cost({s.surface: s.runs for s in surfaces}, inputs.clip_seconds, agent_turn=inputs.agent_turn),
        balances=_balances(inputs.balances),
        topics=_topics(inputs.asks, inputs.titles),
        asks=sum(inputs.asks.values()),
    )


def _incidents(logged: Iterable[LoggedIncident], period: Period) -> tuple[IncidentSummary, ...]:
    """The incidents open at some moment of the period, in the order they started."""
    start, end = period.start, period.end
    during = [
        i
        for i in logged
        if (i.started_at is None or i.started_at < end)
        and (i.resolved_at is None or i.resolved_at >= start)
        and (i.started_at is not None or i.resolved_at is not None)
    ]
    during.sort(key=lambda i: (i.started_at or i.resolved_at or start, i.name))
    return tuple(
        IncidentSummary(
            name=i.name,
            impact=i.impact,
            link=i.link,
            started_at=i.started_at,
            resolved_at=i.resolved_at,
            components=i.components,
        )
        for i in during
    )


def _runs(outcomes: Iterable[Outcome]) -> dict[str, tuple[int, int]]:
    """Per surface: (runs that ran, runs that worked)."""
    counts: dict[str, tuple[int, int]] = {}
    for o in outcomes:
        if o.state == "skipped":
            continue
        runs, working = counts.get(o.surface, (0, 0))
        counts[o.surface] = (runs + o.count, working + (o.count if o.state in _WORKING else 0))
    return counts


def _surface_week(
    spec: SurfaceSpec, ran: tuple[int, int], inputs: DigestInputs, incidents: Sequence[IncidentSummary]
) -> SurfaceWeek:
    now, before = inputs.latency.get(spec.id, {}), inputs.previous_latency.get(spec.id, {})
    names = {component_key(n) for n in spec.component_names}
    on_page = [i for i in incidents if names & {component_key(c) for c in i.components}]
    return SurfaceWeek(
        surface=spec.id,
        label=spec.label,
        runs=ran[0],
        working=ran[1],
        p50_ms=now.get(50),
        p95_ms=now.get(95),
        previous_p50_ms=before.get(50),
        previous_p95_ms=before.get(95),
        page_incidents=len(on_page),
        page_seconds=_covered(on_page, inputs.period),
    )


def _covered(incidents: Iterable[IncidentSummary], period: Period) -> float:
    """Seconds of the period during which at least one of `incidents` was open (still open: to the end)."""
    start, end = period.start, period.end
    spans = sorted((max(i.started_at or start, start), min(i.resolved_at or end, end)) for i in incidents)
    total = 0.0
    reach: datetime | None = None
    for begin, finish in spans:
        if reach is not None and begin < reach:
            begin = reach
        if finish > begin:
            total += (finish - begin).total_seconds()
            reach = finish
    return total


def _failures(outcomes: Iterable[Outcome]) -> Failures:
    """Failed runs by cause (`kind:reason`, as stored), most frequent first; and the runs that were degraded."""
    counts: dict[tuple[str, str], int] = {}
    degraded = 0
    for o in outcomes:
        if o.state == "degraded":
            degraded += o.count
        if o.state != "failed":
            continue
        kind, _, reason = (o.cause or "unclassified:unclassified").partition(":")
        key = (kind, reason or kind)
        counts[key] = counts.get(key, 0) + o.count
    causes = sorted((CauseCount(k, r, n) for (k, r), n in counts.items()), key=lambda c: (-c.count, c.kind, c.reason))
    return Failures(tuple(causes), degraded)


def _cost(runs: Mapping[str, int], clip_seconds: float, *, agent_turn: bool) -> ProbeCost:
    """The probes' spend, from the runs of each surface and what one run costs (`bot.surfaces.RunCost`)."""
    clip_minutes = clip_seconds / 60
    minutes = {"prerecorded": 0.0, "streaming": 0.0, "flux": 0.0, "agent": 0.0}
    characters = 0
    for spec in SURFACES:
        n, cost = runs.get(spec.id, 0), spec.cost
        minutes["prerecorded"] += n * clip_minutes if cost.prerecorded_audio else 0.0
        minutes["streaming"] += n * clip_minutes if cost.streaming_audio else 0.0
        minutes["flux"] += n * clip_minutes if cost.flux_audio else 0.0
        minutes["agent"] += n * (cost.agent_seconds + (cost.agent_turn_seconds if agent_turn else 0.0)) / 60
        characters += n * cost.tts_characters
    usd = (
        minutes["prerecorded"] * PRERECORDED_USD_PER_MIN
        + minutes["streaming"] * STREAMING_USD_PER_MIN
        + minutes["agent"] * AGENT_USD_PER_MIN
    )
    return ProbeCost(
        runs=sum(runs.values()),
        prerecorded_minutes=minutes["prerecorded"],
        streaming_minutes=minutes["streaming"],
        flux_minutes=minutes["flux"],
        agent_minutes=minutes["agent"],
        tts_characters=characters,
        usd=round(usd, 4),
    )


def _balances(samples: Iterable[BalanceSample]) -> tuple[BalanceTrend, ...]:
    """Per project (and unit), the first and the last sample of the period, in the order projects appear."""
    grouped: dict[tuple[str, str], list[BalanceSample]] = {}
    for s in sorted(samples, key=lambda s: s.checked_at):
        grouped.setdefault((s.project_id, s.units.lower()), []).append(s)
    trends = []
    for (project_id, units), group in grouped.items():
        first, last = group[0], group[-1]
        name = next((s.project_name for s in reversed(group) if s.project_name), None)
        trends.append(
            BalanceTrend(
                project_id=project_id,
                project_name=name,
                units=units,
                first=first.amount,
                last=last.amount,
                first_at=_utc(first.checked_at),
                last_at=_utc(last.checked_at),
                samples=len(group),
            )
        )
    return tuple(trends)


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def _topics(asks: Mapping[str, int], titles: Mapping[str, str]) -> tuple[TopicCount, ...]:
    ranked = sorted(((t, n) for t, n in asks.items() if n > 0), key=lambda item: (-item[1], item[0]))
    return tuple(TopicCount(topic, titles.get(topic, topic), n) for topic, n in ranked[:TOP_TOPICS])
