"""Alerts from the bot's own observations: probe streaks and the project balance. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from bot.alerts.events import Event, EventKind
from bot.probes import ProbeResult, Surface
from bot.surfaces import surface as surface_spec
from bot.topics import Topic

__all__ = ["Balance", "Streak", "watch_balance", "watch_probes"]


@dataclass(frozen=True)
class Streak:
    """Consecutive failed / passed runs of one surface, and since when we have been alerting."""

    failures: int = 0
    successes: int = 0
    alerting_since: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def watch_probes(
    prev: Mapping[str, Streak],
    results: Mapping[Surface, ProbeResult],
    *,
    now: datetime,
    fail_after: int = 2,
    recover_after: int = 2,
) -> tuple[dict[str, Streak], list[Event]]:
    """After `fail_after` failed runs in a row, alert; after `recover_after` good runs, recover."""
    streaks = dict(prev)
    events: list[Event] = []
    for surface, result in results.items():
        if result.state == "skipped":
            continue
        streak = streaks.get(surface, Streak())
        if result.state == "failed":
            streak = replace(streak, failures=streak.failures + 1, successes=0)
        else:  # ok or degraded (slow but working) both count as "it works"
            streak = replace(streak, successes=streak.successes + 1, failures=0)
        label = surface_spec(surface).label
        if streak.alerting_since is None and streak.failures >= fail_after:
            since = now.isoformat()
            streak = replace(streak, alerting_since=since)
            events.append(_probe_event("probe_degraded", surface, label, since, result, streak.failures))
        elif streak.alerting_since is not None and streak.successes >= recover_after:
            events.append(
                _probe_event(
                    "probe_recovered",
                    surface,
                    label,
                    streak.alerting_since,
                    result,
                    streak.successes,
                    ended=now.isoformat(),
                )
            )
            streak = replace(streak, alerting_since=None)
        streaks[surface] = streak
    return streaks, events


def _probe_event(
    kind: EventKind,
    surface: Surface,
    label: str,
    since: str,
    result: ProbeResult,
    runs: int,
    *,
    ended: str | None = None,
) -> Event:
    failing = kind == "probe_degraded"
    body = (
        f"{result.summary} ({runs} runs in a row)."
        if failing
        else f"Working again: {result.summary} ({runs} runs in a row)."
    )
    return Event(
        kind=kind,
        family="probe",
        thread=f"probe:{surface}:{since}",
        key=f"probe:{surface}:{since}:{kind}",
        severity="major",
        title=f"{label} failing from here",
        status="failing" if failing else "recovered",
        surfaces=(surface,),
        body=body,
        started_at=since,
        ended_at=ended,
        source="probes",
        topic=result.topic.value if result.topic and failing else None,
    )


@dataclass(frozen=True)
class Balance:
    project_id: str
    project_name: str
    amount: float
    units: str = "usd"


def watch_balance(
    low_since: Mapping[str, str], balances: Mapping[str, Balance], *, threshold: float, now: datetime
) -> tuple[dict[str, str], list[Event]]:
    """Alert once when a project's balance drops below `threshold`; once more when it is back above."""
    state = dict(low_since)
    events: list[Event] = []
    for project_id, balance in balances.items():
        since = state.get(project_id)
        if balance.amount < threshold and since is None:
            since = now.isoformat()
            state[project_id] = since
            events.append(_balance_event("balance_low", balance, since, threshold))
        elif balance.amount >= threshold and since is not None:
            events.append(_balance_event("balance_recovered", balance, since, threshold, ended=now.isoformat()))
            del state[project_id]
    return state, events


def _balance_event(
    kind: EventKind, balance: Balance, since: str, threshold: float, *, ended: str | None = None
) -> Event:
    amount = f"${balance.amount:,.2f}" if balance.units.lower() == "usd" else f"{balance.amount:,.2f} {balance.units}"
    if kind == "balance_low":
        body = (
            f"Balance is {amount}, below the ${threshold:,.2f} alert level. When it reaches zero, Deepgram answers "
            "402 Payment Required and transcription and TTS stop. Add funds in the Deepgram console (Billing)."
        )
    else:
        body = f"Balance is back at {amount}."
    return Event(
        kind=kind,
        family="balance",
        thread=f"balance:{balance.project_id}:{since}",
        key=f"balance:{balance.project_id}:{since}:{kind}",
        severity="major",
        title=f"Low Deepgram credit: {balance.project_name}",
        status="low" if kind == "balance_low" else "ok",
        body=body,
        started_at=since,
        ended_at=ended,
        source="balance",
        topic=Topic.CREDITS.value if kind == "balance_low" else None,
    )
