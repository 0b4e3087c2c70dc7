"""`/deepgram status`: the verdict (pure), the status check use case, and the probes' history."""

from bot.status.probing import ProbeRun, run_probes
from bot.status.report import StatusReport, build_report
from bot.status.verdict import Verdict, VerdictKind, decide, match_surfaces

__all__ = [
    "ProbeRun",
    "StatusReport",
    "Verdict",
    "VerdictKind",
    "build_report",
    "decide",
    "match_surfaces",
    "run_probes",
]
