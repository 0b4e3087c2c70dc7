"""The status report as Block Kit: a header verdict, a row per surface, incidents, buttons."""

from __future__ import annotations

# -- Slack ---------------------------------------------------------------------------------------


def slack_date(moment: datetime, fmt: str = "{date_short_pretty} {time}") -> str:
    """A `<!date^…>` token: each reader sees the time in their own time zone."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{fmt}|{fallback}>"


def _official_text(report: StatusReport, surface: Surface) -> str:
    component = report.components.get(surface)
    if component is None:
        if report.summary is None:
            return "Official: unavailable"
        return "Official: not listed"
    return "Official: " + _COMPONENT_TEXT.get(component.status, escape(component.status))


# Phase timings in the order they happen, with the words a reader knows them by.
_PHASES = (
    ("connect_ms", "connect"),
    ("tls_ms", "TLS"),
    ("ttfb_ms", "first byte"),
    ("handshake_ms", "handshake"),
    ("first_result_ms", "first result"),
    ("final_ms", "final"),
)


def phase_line(result: ProbeResult) -> str:
    """`connect 12 ms · TLS 40 ms · first byte 320 ms`: network time vs Deepgram's time."""
    return " · ".join(f"{label} {_duration(result.timings[key])}" for key, label in _PHASES if key in result.timings)


def _probe_text(result: ProbeResult) -> str:
    parts = [f"{_STATE_EMOJI[result.state]} {escape(result.summary)}"]
    if result.elapsed_ms is not None and result.state != "skipped":
        parts[0] += f" · {_duration(result.elapsed_ms)}"
        phases = phase_line(result)
        if phases:
            parts.append(f"_{phases}_")
    error = result.error
    if error and (error.code or error.message):
        said = " ".join(
            x for x in (error.code and f"`{escape(error.code)}`", error.message and escape(error.message)) if x
        )
        parts.append(f"Deepgram said: {clip(said, 400)}")
    if result.topic and result.state in ("failed", "degraded"):
        parts.append(f"Why: `/deepgram why {result.topic.value}`")
    if result.request_id and result.state != "ok":
        parts.append(f"Request id: `{escape(result.request_id)}`")
    return "\n".join(parts)


def _duration(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def _incident_text(incident: Incident) -> str:
    name = escape(incident.name)
    title = f"<{incident.shortlink}|{name}>" if incident.shortlink.startswith("http") else f"*{name}*"
    line = f"{title} · {escape(incident.impact)} impact · {escape(incident.status)}"
    if incident.began_at:
        line += f" · since {slack_date(incident.began_at)}"
    update = incident.latest_update
    if update and update.body:
        when = f" ({slack_date(update.display_at)})" if update.display_at else ""
        line += f"\n>{clip(escape(update.body), 600)}{when}"
    return line


def _maintenance_text(window: Incident) -> str:
    text = f"*{escape(window.name)}* · {escape(window.status.replace('_', ' '))}"
    if window.scheduled_for:
        text += f" · {slack_date(window.scheduled_for)}"
        if window.scheduled_until:
            text += f" – {slack_date(window.scheduled_until, '{time}')}"
    return text


def report_blocks(report: StatusReport, *, run_id: int | None = None, interactive: bool = True) -> list[Block]:
    verdict = report.verdict
    blocks: list[Block] = [
        header(f"{_VERDICT_EMOJI.get(verdict.kind, '')} {verdict.headline}".strip()),
        section(verdict.explanation + (f"\nMore: `/deepgram why {verdict.topic.value}`" if verdict.topic else "")),
        {"type": "divider"},
    ]
    for surface in SURFACES:
        result = report.probes.results[surface]
        blocks.append(section(f"*{SURFACE_LABELS[surface]}*\n{_official_text(report, surface)}\n{_probe_text(result)}"))
    summary = report.summary
    if summary:
        matched = {c.id for c in report.components.values() if c}
        others = [c for c in summary.leaf_components if c.id not in matched]
        if others:
            lines = [f"{escape(c.name)}: {_COMPONENT_TEXT.get(c.status, escape(c.status))}" for c in others]
            blocks.append(context(clip("Other components · " + " · ".join(lines), 2000)))
        incidents = summary.incidents[:MAX_INCIDENTS]
        if incidents:
            blocks.append(section("*Active incidents*\n" + "\n".join(_incident_text(i) for i in incidents)))
        windows = [m for m in summary.maintenances if m.status != "completed"][:MAX_MAINTENANCES]
        if windows:
            blocks.append(section("*Maintenance*\n" + "\n".join(_maintenance_text(m) for m in windows)))
    official = report.official
    source = f"<{report.status_url}|Deepgram status page>"
    if official.state == "error":
        source += f" could not be read ({escape(official.problem or 'error')})"
        if summary:
            source += "; showing the last good copy"
    blocks.append(
        context(
            f"{source} · checked {slack_date(report.checked_at)} · probes took {_duration(report.probes.elapsed_ms)}"
        )
    )
    if interactive:
        value = str(run_id) if run_id is not None else ""
        blocks.append(
            {
                "type": "actions",
                "block_id": "status_actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": SHARE_ACTION,
                        "text": {"type": "plain_text", "text": "Post to channel"},
                        "value": value,
                    },
                    {
                        "type": "button",
                        "action_id": RERUN_ACTION,
                        "text": {"type": "plain_text", "text": "Run again"},
                        "value": value,
                    },
                ],
            }
        )
    return blocks[:MAX_BLOCKS]


def report_fallback(report: StatusReport) -> str:
    states = ", ".join(f"{SURFACE_LABELS[s]}: {report.probes.results[s].state}" for s in SURFACES)
    return f"{report.verdict.headline}. {states}."
