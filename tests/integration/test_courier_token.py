"""The courier while Slack rejects the bot token: paused, nothing lost or dead, every alert delivered once after."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.health import Health, Part
from tests.integration.test_monitor import Rig, rig  # noqa: F401  (the fixture)


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.005)


async def test_token_revoked_mid_fan_out_pauses_then_resumes(
    rig: Rig,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The token is revoked after the opening alert reached one channel of three: nothing is marked dead,
    no subscription paused, health says why, one error line. Restored: every alert once, resolution threaded."""
    caplog.set_level(logging.INFO, logger="bot.slack")
    health = Health(transport="socket", poll_every=60, poll_stale_after=180, reconnect_grace=60)
    courier, slack = rig.courier, rig.slack
    courier.health, courier.token.health, courier.token.every, courier.parallel = health, health, 0.02, 1
    post = courier.client.chat_postMessage

    async def post_then_revoke(**kwargs: Any) -> Any:
        response = await post(**kwargs)
        slack.revoke_token(slack.bot_token)
        return response

    monkeypatch.setattr(courier.client, "chat_postMessage", post_then_revoke)
    incident = rig.page.open_incident("Streaming errors", impact="major", components=("Streaming API",))
    rig.now[0] += timedelta(minutes=1)
    assert [e.kind for e in await rig.monitor.poll_status()] == ["incident_opened"]
    running = asyncio.create_task(courier.run())
    await until(lambda: not health.report().parts["courier"].ok)
    await asyncio.sleep(0.1)  # several token checks
    monkeypatch.undo()

    assert sorted(len(rig.alerts(c)) for c in rig.channels) == [0, 0, 1]
    assert rig.store.outbox.counts() == {"sent": 1, "pending": 2}
    assert all(sub.active for sub in rig.store.subscriptions.all())
    assert health.report().parts["courier"] == Part(
        False, "paused: Slack rejected the bot token (token_revoked); alerts are queued, not delivered"
    )
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [(r.getMessage(), getattr(r, "error", None)) for r in errors] == [
        (
            "alert delivery paused: Slack rejected the bot token; alerts stay queued until it works again",
            "token_revoked",
        )
    ]
    assert [c.method for c in slack.calls].count("auth.test") >= 2

    # Resolved while paused: queued behind the opening alert.
    rig.page.resolve_incident(incident, body="Recovered.")
    rig.now[0] += timedelta(minutes=40)
    assert [e.kind for e in await rig.monitor.poll_status()] == ["incident_resolved"]
    slack.restore_token(slack.bot_token)
    await until(lambda: rig.store.outbox.counts().get("pending", 0) == 0 and not courier._running)
    courier.stop()
    await running

    assert health.report().parts["courier"].detail == "running"
    assert rig.store.outbox.counts() == {"sent": 6}
    for channel in rig.channels:
        root, resolution = rig.alerts(channel)  # each exactly once
        assert root.thread_ts in (None, root.ts) and resolution.thread_ts == root.ts != resolution.ts
        assert root.text.startswith("Resolved: Streaming errors")
    assert any(r.getMessage().startswith("Slack accepts the bot token again") for r in caplog.records)
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1


async def test_invalid_auth_on_one_post_is_not_the_channel_s_fault(rig: Rig) -> None:  # noqa: F811
    """A single `invalid_auth` answer: the row stays queued and goes out once `auth.test` works."""
    rig.courier.token.every = 0.01
    rig.slack.fail_next("chat.postMessage", error="invalid_auth")
    rig.page.open_incident("API errors", impact="major", components=("Batch API",))
    await rig.poll()
    assert all(len(rig.alerts(c)) == 1 for c in rig.channels)
    assert "dead" not in rig.store.outbox.counts()
    assert all(sub.active for sub in rig.store.subscriptions.all())
