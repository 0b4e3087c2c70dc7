"""Fixtures shared by every test: where the reference data lives, and a clean environment."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only reference data beside the project (`../shared/data`)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"reference data not found at {SHARED_DATA}; ../shared must sit beside the project")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's real Slack or Deepgram settings."""
    import os

    for name in list(os.environ):
        if name.startswith(("SLACK_", "DEEPGRAM_")) or name in {
            "STATUS_POLL_SECONDS",
            "PORT",
            "PROBE_INTERVAL_SECONDS",
            "BALANCE_ALERT_USD",
            "SPEAK_MAX_CHARS",
        }:
            monkeypatch.delenv(name, raising=False)
