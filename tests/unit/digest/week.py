"""A fixture week for the digest: the seven days to Monday 7 December 2026, 09:00 UTC, as the store would
return them. The numbers are chosen to be checked by hand (see `tests/unit/digest/test_compose.py`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.digest import Digest, DigestInputs, Period, compose
from bot.store import BalanceSample, LoggedIncident, Outcome
from bot.surfaces import surface

PERIOD = Period(date(2026, 12, 7), 9, "UTC")  # [Mon 30 Nov 09:00, Mon 7 Dec 09:00) UTC


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def incident(
    id_: str, name: str, start: datetime, end: datetime | None, *components: str, impact: str = "minor"
) -> LoggedIncident:
    return LoggedIncident(id_, name, impact, f"https://stspg.io/{id_}", start, end, components)


INCIDENTS = (
    incident("old", "Resolved the week before", at(29, 8, month=11), at(29, 9, month=11), "Batch API"),
    incident("b", "Elevated batch latency", at(30, 7, month=11), at(30, 10, month=11), "Batch API"),
    incident("a", "Streaming API outage", at(1, 10), at(1, 12, 30), "Streaming API", impact="major"),
    incident("c", "Streaming degraded", at(1, 12), at(1, 13), "Real-time API"),
    incident("e", "Website issue", at(3, 14), at(3, 14, 20)),
    incident("d", "Provider outage", at(6, 8), None, "Voice Agent API: Downstream Providers"),
    incident("later", "After the week", at(7, 10), None, "Streaming API"),
)

OUTCOMES = (
    Outcome("rest", "ok", None, 990),
    Outcome("rest", "degraded", "slow:slow", 5),
    Outcome("rest", "failed", "theirs:server", 3),
    Outcome("rest", "failed", "ours:network", 2),
    Outcome("streaming", "ok", None, 900),
    Outcome("streaming", "failed", "theirs:closed", 100),
    Outcome("tts", "skipped", None, 10),
    Outcome("flux", "ok", None, 10),
    Outcome("flux", "failed", None, 2),
)

BALANCES = (
    BalanceSample(at(1, 9).timestamp(), "p1", 100.0, "usd", None),
    BalanceSample(at(2, 9).timestamp(), "p2", 5.0, "usd", None),
    BalanceSample(at(3, 9).timestamp(), "p1", 80.0, "usd", "Prod"),
    BalanceSample(at(6, 9).timestamp(), "p1", 60.5, "usd", "Prod"),
)

ASKS = {"401": 5, "websocket": 3, "429": 3, "5xx": 1, "flux": 1, "retired-topic": 2, "credits": 0}
TITLES = {
    "401": "401 Unauthorized",
    "429": "429 Too Many Requests",
    "websocket": "The streaming WebSocket will not open",
    "5xx": "5xx: Deepgram had a server error",
    "flux": "Flux",
}

INPUTS = DigestInputs(
    period=PERIOD,
    outcomes=OUTCOMES,
    latency={"rest": {50: 800.0, 95: 1500.0}, "streaming": {50: 3000.0, 95: 4000.0}, "flux": {50: 3300.0, 95: 3500.0}},
    previous_latency={"rest": {50: 1000.0, 95: 1500.0}, "agent": {50: 2000.0, 95: 2500.0}},
    incidents=INCIDENTS,
    balances=BALANCES,
    asks=ASKS,
    titles=TITLES,
    surfaces=tuple(surface(s) for s in ("rest", "streaming", "tts", "agent")),
    clip_seconds=3.0,
)


def fixture_digest() -> Digest:
    return compose(INPUTS)
