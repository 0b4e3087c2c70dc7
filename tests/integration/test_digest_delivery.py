"""The weekly digest through the outbox and the courier: once per week per channel, with its chart in the
thread, across interrupted posts and restarts."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.runtime.deps import Deps
from bot.runtime.scheduler import weekly_digest
from bot.slack.courier import Courier
from bot.store import ProbeRecord, Store
from simworld.slack import FakeSlack

# Monday 2026-12-07 09:00 UTC is the default due time (DIGEST_DAY=mon, DIGEST_HOUR=9, DIGEST_TZ=UTC).
DUE = datetime(2026, 12, 7, 9, 0, tzinfo=UTC).timestamp()


class Clock:
    """The test's time, moved by `Rig.run` (plus the real time spent since), shared by Slack and the courier."""

    def __init__(self) -> None:
        self.now, self.moved_at = DUE, time.monotonic()

    def move(self, now: float) -> None:
        self.now, self.moved_at = now, time.monotonic()

    def __call__(self) -> float:
        return self.now + (time.monotonic() - self.moved_at)


@dataclass
class Rig:
    slack: FakeSlack
    store: Store
    deps: Deps
    courier: Courier
    channel: str
    reader: str  # a person in the channel
    clock: Clock

    def courier_for(self, store: Store) -> Courier:
        client = AsyncWebClient(token=self.slack.bot_token, base_url=self.slack.api_url, retry_handlers=[])
        client.timeout = 0.5
        return Courier(client, store, pace=0.0, backoff_base=0.01, grace=0.3, history_interval=0.0, clock=self.clock)

    async def run(self, now: float) -> int:
        self.clock.move(now)
        queued = await weekly_digest(self.deps, self.courier, now=now)
        await self.courier.drain(timeout=20)
        return queued

    def top_level(self) -> list[Any]:
        return [m for m in self.slack.messages(self.channel) if m.bot_id and m.thread_ts in (None, m.ts)]

    def replies(self, root: Any) -> list[Any]:
        return [m for m in self.slack.messages(self.channel) if m.thread_ts == root.ts and m.ts != root.ts]


def week_of_runs(store: Store) -> None:
    """Hourly probe runs for the week before DUE, one failing run on our side."""
    start = DUE - 7 * 86400
    for hour in range(7 * 24):
        at = start + hour * 3600 + 60
        failing = hour == 30
        results = [
            ProbeRecord(
                "rest", "failed" if failing else "ok", 400.0 + hour % 7 * 10, cause="ours:network" if failing else None
            ),
            ProbeRecord("tts", "ok", 250.0 + hour % 5 * 10),
        ]
        store.history.record_run(
            checked_at=at,
            verdict="ok",
            indicator="none",
            official_state="operational",
            elapsed_ms=500.0,
            text="",
            blocks=[],
            results=results,
        )


@pytest.fixture
async def rig(reference_data: Path, tmp_path: Path) -> AsyncIterator[Rig]:
    clock = Clock()
    async with FakeSlack(api_ref_dir=reference_data / "slack" / "slack-api-ref", seed=3, clock=clock) as slack:
        slack.workspace.bot_scopes |= {"channels:history", "groups:history", "files:write"}
        reader = slack.workspace.add_user("ana").id
        channel = slack.workspace.add_channel("deepgram-ops", members=[reader]).id
        store = Store.open(tmp_path / "doctor.db")
        settings = Settings.from_env(
            {"SLACK_API_URL": slack.api_url, "SLACK_BOT_TOKEN": slack.bot_token, "PROBE_SURFACES": "rest,tts"},
            slack=False,
        )
        deps = Deps.build(settings, store, None)  # type: ignore[arg-type]  # no HTTP needed here
        store.subscriptions.subscribe(
            channel,
            team_id=slack.team_id,
            filters=[],
            min_severity="minor",
            created_by="U0",
            now=DUE - 30 * 86400,
            digest="weekly",
        )
        week_of_runs(store)
        rig = Rig(slack, store, deps, None, channel, reader, clock)  # type: ignore[arg-type]
        rig.courier = rig.courier_for(store)
        yield rig
        store.close()
        assert slack.contract_violations == []


async def test_the_digest_and_its_chart_arrive_once_a_week(rig: Rig) -> None:
    assert await rig.run(DUE + 30) == 2  # the message and its chart
    (digest,) = rig.top_level()
    assert digest.metadata["event_payload"]["key"] == "digest:2026-12-07"
    assert "Weekly" in digest.text or "week" in digest.text.lower()
    (chart,) = rig.replies(digest)
    (file_id,) = chart.files
    shared = rig.slack.files[file_id]
    assert shared.name == "deepgram-doctor-digest-2026-12-07.png" and shared.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert rig.slack.workspace.can_view_file(rig.reader, file_id), "everyone in the channel sees the chart"
    # Later the same week, and after a restart: nothing more.
    assert await rig.run(DUE + 3 * 86400) == 0
    rig.courier = rig.courier_for(Store.open(rig.store.path or ""))
    assert await rig.run(DUE + 4 * 86400) == 0
    assert len(rig.top_level()) == 1 and len(rig.replies(digest)) == 1
    # The next week brings the next one.
    assert await rig.run(DUE + 7 * 86400 + 60) == 2
    assert [m.metadata["event_payload"]["key"] for m in rig.top_level()] == ["digest:2026-12-07", "digest:2026-12-14"]


async def test_interrupted_posts_are_found_not_repeated(rig: Rig) -> None:
    """Slack stores the digest and shares the chart, but neither answer reaches the bot."""
    rig.slack.fail_next("chat.postMessage", hold_answer=3.0, commit_late=0.1)
    rig.slack.fail_next("files.completeUploadExternal", hold_answer=3.0, commit_late=0.1)
    await rig.run(DUE + 30)
    (digest,) = rig.top_level()
    assert len(rig.replies(digest)) == 1
    methods = [c.method for c in rig.slack.calls]
    assert methods.count("chat.postMessage") == 1 and methods.count("files.completeUploadExternal") == 1
    assert "conversations.history" in methods and "conversations.replies" in methods
    counts = rig.store.outbox.counts()
    assert counts == {"sent": 2}, counts


async def test_a_channel_that_subscribed_after_the_week_ended_waits_for_the_next(rig: Rig) -> None:
    late = rig.slack.workspace.add_channel("late").id
    rig.store.subscriptions.subscribe(
        late,
        team_id=rig.slack.team_id,
        filters=[],
        min_severity="minor",
        created_by="U0",
        now=DUE + 60,
        digest="weekly",
    )
    await rig.run(DUE + 120)
    assert [m for m in rig.slack.messages(late) if m.bot_id] == []
    assert await rig.run(DUE + timedelta(days=7).total_seconds() + 60) == 4  # both channels
