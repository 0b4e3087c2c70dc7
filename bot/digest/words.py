"""The digest's figures in plain words, shared by the Slack view and the terminal. Pure.

Numbers, units and the bot's own wording only: nothing here quotes a remote service (incident names,
project names), so the renderers add those, escaped for where they go.
"""

from __future__ import annotations

from bot.digest.model import BalanceTrend, Failures, IncidentSummary, ProbeCost, SurfaceWeek
from bot.digest.period import Period
from bot.units import format_duration, format_ms

__all__ = [
    "balance_words",
    "cost_words",
    "failure_lines",
    "incident_state",
    "latency_words",
    "money",
    "page_words",
    "percent",
    "period_title",
    "period_words",
    "signed_percent",
    "uptime_words",
]


def period_title(period: Period) -> str:
    """`30 Nov – 7 Dec 2026` (local dates, the last one being the day the digest is due)."""
    first, last = period.first_day, period.end_day
    head = f"{first.day} {first:%b}" + (f" {first.year}" if first.year != last.year else "")
    return f"{head} – {last.day} {last:%b} {last.year}"


def period_words(period: Period) -> str:
    """`the 7 days to Mon 7 Dec 2026 09:00 (Europe/Berlin)`."""
    last = period.end_day
    return f"the 7 days to {last:%a} {last.day} {last:%b} {last.year} {period.hour:02d}:00 ({period.tz})"


def percent(share: float) -> str:
    """`99.93%`: two decimals above 99 % (where the interesting differences are), one below, none at 100 %."""
    value = share * 100
    if value >= 100:
        return "100%"
    return f"{value:.2f}%" if value >= 99 else f"{value:.1f}%"


def signed_percent(relative: float) -> str:
    """`+7%`, `−5%` (a real minus sign), `±0%`."""
    rounded = round(relative * 100)
    if rounded == 0:
        return "±0%"
    return f"+{rounded}%" if rounded > 0 else f"\u2212{-rounded}%"


def uptime_words(week: SurfaceWeek) -> str:
    """`99.93% of 10,080 runs worked` / `no runs`."""
    if week.uptime is None:
        return "no runs"
    return f"{percent(week.uptime)} of {week.runs:,} run{'s' if week.runs != 1 else ''} worked"


def page_words(week: SurfaceWeek) -> str:
    """What Deepgram's status page reported on the surface's components (it publishes no uptime figure)."""
    if not week.page_incidents:
        return "no incident on its components"
    many = week.page_incidents != 1
    return (
        f"{week.page_incidents} incident{'s' if many else ''} on its components, {format_duration(week.page_seconds)}"
    )


def _one_latency(name: str, now: float | None, before: float | None) -> str:
    if now is None:
        return f"{name} –" + (f" (last week {format_ms(before)})" if before is not None else "")
    if before is None:
        return f"{name} {format_ms(now)} (none last week)"
    change = (now - before) / before if before else None
    trend = f", {signed_percent(change)}" if change is not None else ""
    return f"{name} {format_ms(now)} (last week {format_ms(before)}{trend})"


def latency_words(week: SurfaceWeek) -> str:
    """`p50 420 ms (last week 440 ms, −5%) · p95 1.2 s (last week 1.1 s, +9%)`."""
    if week.p50_ms is None and week.previous_p50_ms is None:
        return "no latency measured (no run worked)"
    return " · ".join(
        (
            _one_latency("p50", week.p50_ms, week.previous_p50_ms),
            _one_latency("p95", week.p95_ms, week.previous_p95_ms),
        )
    )


_SIDES = (("theirs", "Deepgram's side"), ("ours", "Our side"), ("other", "Other"))


def failure_lines(failures: Failures) -> list[str]:
    """One line per side with failures (`Deepgram's side: 10 (Deepgram server errors 8, Deepgram timeouts 2)`),
    then the degraded runs; `["None."]` when nothing failed or was degraded."""
    lines = []
    for side, label in _SIDES:
        causes = failures.on_side(side)
        if causes:
            detail = ", ".join(f"{c.words} {c.count:,}" for c in causes)
            lines.append(f"{label}: {failures.side_total(side):,} ({detail})")
    if failures.degraded:
        lines.append(f"Worked, but slowly or imperfectly (counted as working): {failures.degraded:,}")
    return lines or ["None."]


def money(amount: float, units: str) -> str:
    """`$120.50`, `−$3.10`; other units after the number (`120.50 EUR`)."""
    sign = "\u2212" if amount < 0 else ""
    if units.lower() == "usd":
        return f"{sign}${abs(amount):,.2f}"
    return f"{sign}{abs(amount):,.2f} {units.upper()}"


def balance_words(trend: BalanceTrend) -> str:
    """`$150.00 → $120.50 (−$29.50 over the week, 168 samples)`."""
    delta = trend.change
    moved = "unchanged" if abs(delta) < 0.005 else ("+" if delta > 0 else "") + money(delta, trend.units)
    samples = f"{trend.samples} sample{'s' if trend.samples != 1 else ''}"
    return f"{money(trend.first, trend.units)} → {money(trend.last, trend.units)} ({moved}; {samples})"


def cost_words(cost: ProbeCost) -> str:
    """The probes' spend: the priced part in dollars, then what is not priced here; always an estimate."""
    if not cost.runs:
        return "Nothing: no probe ran."
    priced = [
        (cost.prerecorded_minutes, "min of pre-recorded audio"),
        (cost.streaming_minutes, "min of streaming audio"),
        (cost.agent_minutes, "Voice Agent min"),
    ]
    parts = [f"{m:,.0f} {what}" for m, what in priced if m]
    unpriced = [f"{m:,.0f} {what}" for m, what in ((cost.flux_minutes, "min of Flux audio"),) if m]
    if cost.tts_characters:
        unpriced.append(f"{cost.tts_characters:,} TTS characters")
    text = f"About ${cost.usd:,.2f} at pay-as-you-go list prices"
    text += f" for {', '.join(parts)}" if parts else ""
    text += f"; not priced here: {', '.join(unpriced)}" if unpriced else ""
    return (
        text + f". An estimate from {cost.runs:,} probe runs, each counted in full (a refused run may cost "
        "less); check deepgram.com/pricing for your plan."
    )


def incident_state(incident: IncidentSummary) -> str:
    """`lasted 2 h 10 min`, `resolved`, or `still open`."""
    if incident.ongoing:
        return "still open"
    seconds = incident.duration_seconds
    return f"lasted {format_duration(seconds)}" if seconds is not None else "resolved"
