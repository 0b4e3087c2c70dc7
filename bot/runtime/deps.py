"""What handlers and jobs are given to work with, built once at start-up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import httpx

from bot.config import Settings
from bot.probes import Clip, ProbeConfig
from bot.speak import SpeakState
from bot.status.runs import CheckedRun, StatusRuns
from bot.statuspage.client import StatusPageClient
from bot.store import Store


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deps:
    settings: Settings
    store: Store
    http: httpx.AsyncClient
    statuspage: StatusPageClient
    clip: Clip = field(default_factory=Clip.load)
    clock: Callable[[], datetime] = utcnow
    #: `/deepgram speak`: the process-wide bound on concurrent TTS requests and the per-user quota.
    speak: SpeakState = field(default_factory=SpeakState)
    #: The probe runs everyone shares (single flight, the last run, the status page as last read);
    #: built from the settings (STATUS_FRESH_SECONDS, PROBE_MAX_CONCURRENT_RUNS).
    status_runs: StatusRuns[CheckedRun] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.status_runs = StatusRuns(
            fresh_seconds=self.settings.status_fresh_seconds,
            max_concurrent=self.settings.probe_max_concurrent_runs,
        )

    @classmethod
    def build(cls, settings: Settings, store: Store, http: httpx.AsyncClient) -> Deps:
        return cls(
            settings=settings,
            store=store,
            http=http,
            statuspage=StatusPageClient(http, settings.deepgram_status_url),
        )

    @property
    def probe_config(self) -> ProbeConfig:
        """How `/deepgram status` probes: on demand, so the Voice Agent probe runs a full turn."""
        s = self.settings
        return ProbeConfig(
            api_url=s.deepgram_api_url,
            ws_url=s.deepgram_ws_url,
            api_key=s.deepgram_api_key,
            timeout=s.probe_timeout_seconds,
            stream_speed=s.probe_stream_speed,
            agent_url=s.deepgram_agent_url,
            agent_turn=True,
        )

    @property
    def monitor_probe_config(self) -> ProbeConfig:
        """How the periodic probes run: a Voice Agent turn (agent minutes) only when configured."""
        return replace(self.probe_config, agent_turn=self.settings.monitor_agent_turn)
