"""`/deepgram status`: the verdict (pure: causes, the decision table, the headline), the status check use
case, and the probes' history."""

from bot.status.causes import Cause, classify
from bot.status.probing import ProbeRun, run_probes
from bot.status.report import StatusReport, build_report
from bot.status.table import SurfaceVerdict
from bot.status.verdict import Verdict, VerdictKind, decide, match_surfaces

__all__ = [
    "Cause",
    "ProbeRun",
    "StatusReport",
    "SurfaceVerdict",
    "Verdict",
    "VerdictKind",
    "build_report",
    "classify",
    "decide",
    "match_surfaces",
    "run_probes",
]
