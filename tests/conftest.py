"""Fixtures shared by every test: where the reference data lives, and a clean environment."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Copies of the public reference files the tests check against (see tests/data/README.md).
REFERENCE_DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """The reference data copied into the repository: specs, recordings, schemas, samples."""
    return REFERENCE_DATA


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's real Slack or Deepgram settings, or a proxy (slack_sdk ignores NO_PROXY)."""
    import os

    for name in list(os.environ):
        if (
            name.startswith(("SLACK_", "DEEPGRAM_", "HEALTH_"))
            or name.lower()
            in {
                "http_proxy",
                "https_proxy",
                "all_proxy",
                "no_proxy",
            }
            or name
            in {
                "STATUS_POLL_SECONDS",
                "PORT",
                "PROBE_INTERVAL_SECONDS",
                "BALANCE_ALERT_USD",
                "SPEAK_MAX_CHARS",
            }
        ):
            monkeypatch.delenv(name, raising=False)
