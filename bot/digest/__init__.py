"""The weekly digest: the week's incidents, our uptime beside the status page's, latency against the week
before, failures by cause, the probes' cost, the balance trend and the most asked topics.

- `period`: when a digest is due (`DIGEST_DAY`, `DIGEST_HOUR`, `DIGEST_TZ`) and the seven days it covers. Pure.
- `model`: the `Digest` as data, with `to_json`/`from_json` (it travels in the outbox).
- `compose`: the digest from plain inputs. Pure.
- `build`: `read_digest(store, period, params=DigestParams.from_settings(settings))`: the inputs from the store.
- `asks`: `record_ask`, which the playbook answers call to count a topic (no user, no text).

It renders nothing: `bot.slack.views.digest` and `bot.text.digest` do.
"""

from bot.digest.asks import ask_day, ask_days, record_ask
from bot.digest.build import DigestParams, playbook_titles, read_digest
from bot.digest.compose import TOP_TOPICS, DigestInputs, compose
from bot.digest.model import (
    REASON_WORDS,
    SIDE_WORDS,
    BalanceTrend,
    CauseCount,
    Digest,
    Failures,
    IncidentSummary,
    ProbeCost,
    SurfaceWeek,
    TopicCount,
    change,
)
from bot.digest.period import DAYS, Period, last_due, next_due, period_ending, weekday
from bot.digest.schedule import queue_digests

__all__ = [
    "DAYS",
    "REASON_WORDS",
    "SIDE_WORDS",
    "TOP_TOPICS",
    "BalanceTrend",
    "CauseCount",
    "Digest",
    "DigestInputs",
    "DigestParams",
    "Failures",
    "IncidentSummary",
    "Period",
    "ProbeCost",
    "SurfaceWeek",
    "TopicCount",
    "ask_day",
    "ask_days",
    "change",
    "compose",
    "last_due",
    "next_due",
    "period_ending",
    "playbook_titles",
    "read_digest",
    "record_ask",
    "queue_digests",
    "weekday",
]
