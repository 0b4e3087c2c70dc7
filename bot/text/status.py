"""The status report for the terminal (`deepgram-doctor status`) and as JSON for scripts."""

from __future__ import annotations

from typing import Any

from bot.probes import ProbeResult
from bot.status.report import StatusReport
from bot.status.table import SurfaceVerdict
from bot.surfaces import SURFACES
from bot.text.prose import plain, why_command
from bot.units import format_ms

__all__ = ["report_json", "report_text"]


def report_text(report: StatusReport) -> str:
    lines = [report.verdict.headline, plain(report.verdict.explanation), ""]
    if report.verdict.topic:
        lines[1] += f" More: {why_command(report.verdict.topic.value)}"
    for spec in SURFACES:
        result = report.probes.results.get(spec.id)
        if result is not None:
            lines += _surface_lines(report, spec.id, spec.label, result)
    for host, results in report.probes.regions.items():
        for spec in SURFACES:
            regional = results.get(spec.id)
            if regional is not None:
                lines += _region_lines(f"{spec.label} · {host}", regional)
    others = report.page.other.components if report.page else ()
    if others:
        lines.append("Other components: " + ", ".join(f"{c.name} ({_words(c.status)})" for c in others))
    if report.summary:
        for incident in report.summary.incidents:
            lines.append(f"Incident: {incident.name} ({incident.impact}, {incident.status}) {incident.shortlink}")
        for window in report.summary.maintenances:
            when = window.scheduled_for.isoformat() if window.scheduled_for else ""
            lines.append(f"Maintenance: {window.name} ({window.status}) {when}")
    if report.official.state == "error":
        lines.append(f"Status page: {report.official.problem}")
    return "\n".join(lines)


def _surface_lines(report: StatusReport, surface: str, label: str, result: ProbeResult) -> list[str]:
    """The surface's official state, its verdict, then what the probe found."""
    took = f" ({format_ms(result.elapsed_ms)})" if result.elapsed_ms is not None and result.state != "skipped" else ""
    lines = [f"{label:<24} official: {_official(report, surface):<22} probe: {result.state}{took}"]
    verdict = report.verdict.surfaces.get(surface)
    if verdict is not None:
        lines.append(f"{'':<24} verdict: {plain(verdict.line)}")
    lines.append(f"{'':<24} {result.summary}")
    if result.phase_line():
        lines.append(f"{'':<24} {result.phase_line()}")
    if result.error and (result.error.code or result.error.message):
        said = " ".join(x for x in (result.error.code, result.error.message) if x)
        lines.append(f"{'':<24} Deepgram said: {said}")
    if result.topic and result.state in ("failed", "degraded"):
        lines.append(f"{'':<24} see: {why_command(result.topic.value)}")
    return lines


def _region_lines(label: str, result: ProbeResult) -> list[str]:
    """A regional probe: its state and what it found (the status page does not tell regions apart)."""
    took = f" ({format_ms(result.elapsed_ms)})" if result.elapsed_ms is not None and result.state != "skipped" else ""
    lines = [f"{label}", f"{'':<24} probe: {result.state}{took}", f"{'':<24} {result.summary}"]
    if result.error and (result.error.code or result.error.message):
        said = " ".join(x for x in (result.error.code, result.error.message) if x)
        lines.append(f"{'':<24} Deepgram said: {said}")
    return lines


def _probe_json(r: ProbeResult) -> dict[str, Any]:
    return {
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
        "probes": {surface: _probe_json(r) for surface, r in report.probes.results.items()},
        "host": report.probes.host,
        "regions": {
            host: {surface: _probe_json(r) for surface, r in results.items()}
            for host, results in report.probes.regions.items()
        },
        "probes_elapsed_ms": report.probes.elapsed_ms,
        "surfaces": {surface: _surface_json(v) for surface, v in report.verdict.surfaces.items()},
    }


def _words(status: str) -> str:
    return status.replace("_", " ")


def _official(report: StatusReport, surface: str) -> str:
    """The surface's own component status (worst first) and its providers', by id; else why there is none."""
    status = report.page.surfaces.get(surface) if report.page else None
    if status is None or not status.matched:
        return "unavailable" if report.summary is None else "not listed"
    parts = [_words(max(status.components, key=lambda c: c.severity).status)] if status.components else []
    parts += [f"{p.party.label}: {_words(p.component.status)}" for p in status.providers if p.troubled]
    return "; ".join(parts) or "operational"


def _surface_json(verdict: SurfaceVerdict) -> dict[str, Any]:
    return {
        "official": verdict.official,
        "cause": verdict.cause.kind,
        "reason": verdict.cause.reason,
        "verdict": verdict.kind,
        "line": plain(verdict.line),
    }


def not_saved_text(reason: str) -> str:
    """`deepgram-doctor status`, when only the history write failed."""
    return f"could not save this check to the history ({reason}); the report is still shown."
