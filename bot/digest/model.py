"""The weekly digest as data: what happened in one period, ready for a Slack view or the terminal.

Plain values only (no markup): the renderers decide how it looks. A digest is stored in the outbox's
JSON column and rebuilt by whoever delivers it, so `Digest.to_json()` / `Digest.from_json()` round-trip
exactly, and `from_json` reads a digest written by an older version (missing fields take their defaults).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.digest.period import Period
from bot.units import parse_time

__all__ = [
    "REASON_WORDS",
    "SIDE_WORDS",
    "BalanceTrend",
    "CauseCount",
    "Digest",
    "Failures",
    "IncidentSummary",
    "ProbeCost",
    "SurfaceWeek",
    "TopicCount",
    "change",
]

#: What each stored cause's reason (`bot.status.causes.Reason`) means, in a few words.
REASON_WORDS: Mapping[str, str] = {
    "key": "the key refused",
    "credits": "out of credits",
    "concurrency": "rate or concurrency limit",
    "network": "network (DNS, TCP, TLS, proxy)",
    "request": "a request we built wrong",
    "probe": "the probe itself",
    "server": "Deepgram server errors",
    "timeout": "Deepgram timeouts",
    "stall": "Deepgram went quiet",
    "closed": "Deepgram closed the connection",
    "transcript": "wrong transcript",
    "audio": "bad audio",
    "slow": "too slow",
    "provider": "a provider behind the Voice Agent",
    "unclassified": "not classified (stored before causes were)",
}
#: Whose side a cause kind is on, as the digest groups failures.
SIDE_WORDS: Mapping[str, str] = {"theirs": "Deepgram's side", "ours": "our side", "other": "other"}


def change(now: float | None, before: float | None) -> float | None:
    """The relative change from `before` to `now` (0.25 for +25 %); None when either is unknown or zero."""
    if now is None or before is None or before == 0:
        return None
    return (now - before) / before


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@dataclass(frozen=True)
class IncidentSummary:
    """A status-page incident that was open during the period, as the monitor logged it."""

    name: str
    impact: str | None = None
    link: str | None = None
    started_at: datetime | None = None
    #: None: still open when the digest was built.
    resolved_at: datetime | None = None
    #: The status-page components it named (empty: none, or logged before they were kept).
    components: tuple[str, ...] = ()

    @property
    def ongoing(self) -> bool:
        return self.resolved_at is None

    @property
    def duration_seconds(self) -> float | None:
        """How long it lasted; None while it is open or when its start is unknown."""
        if self.started_at is None or self.resolved_at is None:
            return None
        return max(0.0, (self.resolved_at - self.started_at).total_seconds())

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "impact": self.impact,
            "link": self.link,
            "started_at": _iso(self.started_at),
            "resolved_at": _iso(self.resolved_at),
            "components": list(self.components),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> IncidentSummary:
        return cls(
            name=str(data.get("name") or "Untitled"),
            impact=data.get("impact"),
            link=data.get("link"),
            started_at=parse_time(data.get("started_at")),
            resolved_at=parse_time(data.get("resolved_at")),
            components=tuple(data.get("components") or ()),
        )


@dataclass(frozen=True)
class SurfaceWeek:
    """One surface over the period: our probes' uptime and latency (this week and the one before), and
    what Deepgram's status page said about the components that report on it."""

    surface: str
    label: str
    #: Probe runs that ran (skipped ones left out), and those that worked (slow counts as working).
    runs: int = 0
    working: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    previous_p50_ms: float | None = None
    previous_p95_ms: float | None = None
    #: Incidents on the surface's status-page components during the period, and the time they covered
    #: within it (overlaps counted once). The page publishes no uptime figure of its own.
    page_incidents: int = 0
    page_seconds: float = 0.0

    @property
    def uptime(self) -> float | None:
        """Share of runs that worked (0..1); None without runs."""
        return self.working / self.runs if self.runs else None

    @property
    def p50_change(self) -> float | None:
        return change(self.p50_ms, self.previous_p50_ms)

    @property
    def p95_change(self) -> float | None:
        return change(self.p95_ms, self.previous_p95_ms)

    def to_json(self) -> dict[str, Any]:
        return {
            "surface": self.surface,
            "label": self.label,
            "runs": self.runs,
            "working": self.working,
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "previous_p50_ms": self.previous_p50_ms,
            "previous_p95_ms": self.previous_p95_ms,
            "page_incidents": self.page_incidents,
            "page_seconds": self.page_seconds,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SurfaceWeek:
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class CauseCount:
    """Failed runs with one cause: `kind` as `bot.status.causes` classifies (`ours`, `theirs`, `quality`,
    `provider`, `slow`) or `unclassified`, and its finer `reason`."""

    kind: str
    reason: str
    count: int

    @property
    def side(self) -> str:
        """`theirs`, `ours` or `other` (wrong output, a provider, slowness, unclassified)."""
        return self.kind if self.kind in ("ours", "theirs") else "other"

    @property
    def words(self) -> str:
        return REASON_WORDS.get(self.reason, self.reason)


@dataclass(frozen=True)
class Failures:
    """The period's failed probe runs by cause, most frequent first; and the runs that worked but slowly
    or imperfectly (counted as working in the uptime, listed apart)."""

    causes: tuple[CauseCount, ...] = ()
    degraded: int = 0

    @property
    def total(self) -> int:
        return sum(c.count for c in self.causes)

    def on_side(self, side: str) -> tuple[CauseCount, ...]:
        return tuple(c for c in self.causes if c.side == side)

    def side_total(self, side: str) -> int:
        return sum(c.count for c in self.on_side(side))

    def to_json(self) -> dict[str, Any]:
        return {"causes": [[c.kind, c.reason, c.count] for c in self.causes], "degraded": self.degraded}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Failures:
        causes = tuple(CauseCount(str(k), str(r), int(n)) for k, r, n in data.get("causes") or ())
        return cls(causes, int(data.get("degraded") or 0))


@dataclass(frozen=True)
class ProbeCost:
    """What the probes spent in the period, estimated: every run that was not skipped counted as a full run
    of its surface (`bot.surfaces.RunCost`), priced at the pay-as-you-go list prices the bot knows."""

    runs: int = 0
    prerecorded_minutes: float = 0.0
    streaming_minutes: float = 0.0
    flux_minutes: float = 0.0
    agent_minutes: float = 0.0
    tts_characters: int = 0
    #: The priced part (pre-recorded, streaming and Voice Agent minutes), in USD.
    usd: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProbeCost:
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class BalanceTrend:
    """One project's balance over the period: its first and last sample."""

    project_id: str
    project_name: str | None
    units: str
    first: float
    last: float
    first_at: datetime
    last_at: datetime
    samples: int

    @property
    def change(self) -> float:
        return self.last - self.first

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "first_at": _iso(self.first_at), "last_at": _iso(self.last_at)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BalanceTrend:
        first_at, last_at = parse_time(data.get("first_at")), parse_time(data.get("last_at"))
        assert first_at is not None and last_at is not None
        return cls(
            project_id=str(data["project_id"]),
            project_name=data.get("project_name"),
            units=str(data.get("units") or "usd"),
            first=float(data["first"]),
            last=float(data["last"]),
            first_at=first_at,
            last_at=last_at,
            samples=int(data.get("samples") or 0),
        )


@dataclass(frozen=True)
class TopicCount:
    """How many times the team asked about one playbook topic (counts only: no one's name, no question)."""

    topic: str
    title: str
    count: int


@dataclass(frozen=True)
class Digest:
    """The weekly digest of one period."""

    period: Period
    incidents: tuple[IncidentSummary, ...] = ()
    surfaces: tuple[SurfaceWeek, ...] = ()
    failures: Failures = field(default_factory=Failures)
    cost: ProbeCost = field(default_factory=ProbeCost)
    #: One trend per project; empty when no balance was sampled in the period (unknown).
    balances: tuple[BalanceTrend, ...] = ()
    #: The most asked topics (at most five), most asked first; and every ask of the period.
    topics: tuple[TopicCount, ...] = ()
    asks: int = 0

    VERSION = 1

    @property
    def runs(self) -> int:
        return sum(s.runs for s in self.surfaces)

    @property
    def unattributed_incidents(self) -> int:
        """Incidents that named no component, so no surface's line counts them."""
        return sum(1 for i in self.incidents if not i.components)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.VERSION,
            "period": self.period.to_json(),
            "incidents": [i.to_json() for i in self.incidents],
            "surfaces": [s.to_json() for s in self.surfaces],
            "failures": self.failures.to_json(),
            "cost": self.cost.to_json(),
            "balances": [b.to_json() for b in self.balances],
            "topics": [[t.topic, t.title, t.count] for t in self.topics],
            "asks": self.asks,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Digest:
        return cls(
            period=Period.from_json(data["period"]),
            incidents=tuple(IncidentSummary.from_json(i) for i in data.get("incidents") or ()),
            surfaces=tuple(SurfaceWeek.from_json(s) for s in data.get("surfaces") or ()),
            failures=Failures.from_json(data.get("failures") or {}),
            cost=ProbeCost.from_json(data.get("cost") or {}),
            balances=tuple(BalanceTrend.from_json(b) for b in data.get("balances") or ()),
            topics=tuple(TopicCount(str(t), str(title), int(n)) for t, title, n in data.get("topics") or ()),
            asks=int(data.get("asks") or 0),
        )
