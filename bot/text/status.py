"""The status report for the terminal (`deepgram-doctor status`) and as JSON for scripts."""

from __future__ import annotations

from typing import Any

from bot.status.report import StatusReport
from bot.surfaces import SURFACES
from bot.text.prose import plain, why_command
from bot.units import format_ms

__all__ = ["report_json", "report_text"]


def report_text(report: StatusReport) -> str:
    lines = [report.verdict.headline, plain(report.verdict.explanation), ""]
    if report.verdict.topic:
        lines[1] += f" More: {why_command(report.verdict.topic.value)}"
    for spec in SURFACES:
        result = report.probes.results[spec.id]
        component = report.components.get(spec.id)
        official = (
            component.status.replace("_", " ")
            if component
            else ("unavailable" if report.summary is None else "not listed")
        )
        took = (
            f" ({format_ms(result.elapsed_ms)})" if result.elapsed_ms is not None and result.state != "skipped" else ""
        )
        lines.append(f"{spec.label:<24} official: {official:<22} probe: {result.state}{took}")
        lines.append(f"{'':<24} {result.summary}")
        if result.phase_line():
            lines.append(f"{'':<24} {result.phase_line()}")
        if result.error and (result.error.code or result.error.message):
            said = " ".join(x for x in (result.error.code, result.error.message) if x)
            lines.append(f"{'':<24} Deepgram said: {said}")
        if result.topic and result.state in ("failed", "degraded"):
            lines.append(f"{'':<24} see: {why_command(result.topic.value)}")
    if report.summary:
        for incident in report.summary.incidents:
            lines.append(f"Incident: {incident.name} ({incident.impact}, {incident.status}) {incident.shortlink}")
        for window in report.summary.maintenances:
            when = window.scheduled_for.isoformat() if window.scheduled_for else ""
            lines.append(f"Maintenance: {window.name} ({window.status}) {when}")
    if report.official.state == "error":
        lines.append(f"Status page: {report.official.problem}")
    return "\n".join(lines)


def report_json(report: StatusReport) -> dict[str, Any]:
    summary = report.summary
    return {
        "checked_at": report.checked_at.isoformat(),
        "verdict": {
            "kind": report.verdict.kind,
            "healthy": report.verdict.healthy,
            "headline": report.verdict.headline,
            "explanation": plain(report.verdict.explanation),
            "topic": report.verdict.topic.value if report.verdict.topic else None,
        },
        "official": {
            "state": report.official.state,
            "problem": report.official.problem,
            "indicator": summary.indicator if summary else None,
            "description": summary.description if summary else None,
            "components": {s: (c.status if c else None) for s, c in report.components.items()},
            "incidents": [
                {"id": i.id, "name": i.name, "status": i.status, "impact": i.impact, "shortlink": i.shortlink}
                for i in (summary.incidents if summary else ())
            ],
        },
        "probes": {
            surface: {
                "state": r.state,
                "summary": r.summary,
                "topic": r.topic.value if r.topic else None,
                "elapsed_ms": r.elapsed_ms,
                "timings": dict(r.timings),
                "http_status": r.http_status,
                "close_code": r.close_code,
                "error_code": r.error.code if r.error else None,
                "error_message": r.error.message if r.error else None,
                "request_id": r.request_id,
            }
            for surface, r in report.probes.results.items()
        },
        "probes_elapsed_ms": report.probes.elapsed_ms,
    }


def not_saved_text(reason: str) -> str:
    """`deepgram-doctor status`, when only the history write failed."""
    return f"could not save this check to the history ({reason}); the report is still shown."
