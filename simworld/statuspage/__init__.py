"""A fake status.deepgram.com: the Atlassian Statuspage public API on 127.0.0.1.

Ground truth: `reference/statuspage.md` and the examples in `data/statuspage/` (never read at run
time). Typical use::

    async with FakeStatusPage() as sp:
        inc = sp.open_incident("Elevated streaming latency", components=("streaming",))
        ...  # point the bot's DEEPGRAM_STATUS_URL at sp.base_url
        sp.resolve_incident(inc)
"""

from __future__ import annotations

from ._common import (
    COMPONENT_STATUSES,
    DESCRIPTIONS,
    INCIDENT_IMPACTS,
    INCIDENT_STATUSES,
    INDICATORS,
    MAINTENANCE_STATUSES,
    page_status,
)
from ._fake import CannedResponse, FakeStatusPage, RequestRecord, Step
from ._records import DEEPGRAM_COMPONENTS, DOWNSTREAM_ID, GROUP_ID, GROUP_NAME
from ._views import Snapshot

__all__ = [
    "COMPONENT_STATUSES",
    "DEEPGRAM_COMPONENTS",
    "DESCRIPTIONS",
    "DOWNSTREAM_ID",
    "GROUP_ID",
    "GROUP_NAME",
    "INCIDENT_IMPACTS",
    "INCIDENT_STATUSES",
    "INDICATORS",
    "MAINTENANCE_STATUSES",
    "CannedResponse",
    "FakeStatusPage",
    "RequestRecord",
    "Snapshot",
    "Step",
    "page_status",
]
