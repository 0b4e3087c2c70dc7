"""The monitor end to end in-process: status-page sequences → exactly the expected Slack threads."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts.jobs import Monitor
from bot.config import Settings
from bot.health import Health
from bot.runtime.deps import Deps
from bot.slack.courier import Courier
from bot.store import Store
from simworld.slack import FakeSlack
from simworld.statuspage import FakeStatusPage
from tests.readonly import read_only


@dataclass
class Rig:
    slack: FakeSlack
    page: FakeStatusPage
    store: Store
    monitor: Monitor
    courier: Courier
    channels: list[str]
    now: list[datetime]

    async def poll(self, minutes: float = 1.0) -> list[str]:
        self.now[0] += timedelta(minutes=minutes)
        events = await self.monitor.poll_status()
        await self.courier.drain()
        return [e.kind for e in events]

    def roots(self, channel: str) -> list[Any]:
        return [m for m in self.slack.messages(channel) if m.bot_id and not m.thread_ts or (m.thread_ts == m.ts)]

    def alerts(self, channel: str) -> list[Any]:
        return [m for m in self.slack.messages(channel) if m.bot_id and (m.metadata or {}).get("event_type")]


async def build(
    slack: FakeSlack,
    page: FakeStatusPage,
    db: Path,
    http: httpx.AsyncClient,
    now: list[datetime],
    channels: list[str],
    env: dict[str, str] | None = None,
) -> Rig:
    settings = Settings.from_env(
        {
            "DEEPGRAM_STATUS_URL": page.base_url,
            "SLACK_API_URL": slack.api_url,
            "SLACK_BOT_TOKEN": slack.bot_token,
            **(env or {}),
        },
        slack=False,
    )
    store = Store.open(db)
    deps = Deps.build(settings, store, http)
    deps.clock = lambda: now[0]
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, retry_handlers=[])
    courier = Courier(client, store, pace=0.0, backoff_base=0.01, grace=0.2, history_interval=0.0)
    return Rig(slack, page, store, Monitor(deps, courier), courier, channels, now)


@pytest.fixture
async def rig(reference_data: Path, tmp_path: Path) -> AsyncIterator[Rig]:
    now = [datetime(2026, 11, 24, 10, 0, tzinfo=UTC)]
    async with (
        FakeSlack(api_ref_dir=reference_data / "slack" / "slack-api-ref") as slack,
        FakeStatusPage(clock=lambda: now[0]) as page,
        httpx.AsyncClient() as http,
    ):
        slack.workspace.bot_scopes |= {"channels:history", "groups:history", "channels:read", "users:read"}
        channels = [slack.workspace.add_channel(f"incidents-{i}").id for i in range(3)]
        rig = await build(slack, page, tmp_path / "doctor.db", http, now, channels)
        for channel in channels:
            rig.store.subscriptions.subscribe(
                channel, team_id=slack.team_id, filters=[], min_severity="minor", created_by="U1", now=0
            )
        await rig.poll()  # baseline: a quiet page says nothing
        yield rig
        rig.store.close()
        assert slack.contract_violations == []


def texts(messages: list[Any]) -> list[str]:
    return [m.text for m in messages]


async def test_incident_open_update_resolve_threaded(rig: Rig) -> None:
    """One root per channel; updates in its thread with the root edited; resolution closes it with its duration."""
    incident = rig.page.open_incident(
        "Elevated streaming errors",
        impact="major",
        components=("Streaming API",),
        component_status="partial_outage",
        body="Investigating failed connections.",
    )
    assert await rig.poll() == ["incident_opened"]
    for channel in rig.channels:
        (root,) = rig.alerts(channel)
        assert root.thread_ts is None and "Elevated streaming errors" in root.text
        assert root.metadata["event_payload"]["key"] == f"incident:{incident}:opened"
        assert "<!date^" in json.dumps(root.blocks) and f"https://stspg.io/{incident}" in json.dumps(root.blocks)
    rig.page.update_incident(incident, status="identified", body="A bad deploy; rolling back.")
    assert await rig.poll() == ["incident_updated"]
    rig.page.resolve_incident(incident, body="Rolled back; all good.")
    assert await rig.poll(minutes=40) == ["incident_resolved"]
    for channel in rig.channels:
        root, update, resolution = rig.alerts(channel)
        assert update.thread_ts == root.ts and resolution.thread_ts == root.ts
        assert "A bad deploy" in json.dumps(update.blocks)
        assert "Rolled back" in json.dumps(resolution.blocks)
        assert root.text.startswith("Resolved: Elevated streaming errors")  # the root was edited
        assert "Resolved" in json.dumps(root.blocks) and "lasted" in json.dumps(root.blocks)
    # Nothing new, nothing said.
    assert await rig.poll() == []
    assert sum(len(rig.alerts(c)) for c in rig.channels) == 9


async def test_short_incident_is_one_message(rig: Rig) -> None:
    """Opened and resolved between polls: a single "resolved, lasted N min" message, no orphan, no pair."""
    incident = rig.page.open_incident("Brief TTS errors", impact="minor", components=("TTS API",))
    rig.page.resolve_incident(incident, body="Recovered.")
    assert await rig.poll() == ["incident_resolved_on_sight"]
    for channel in rig.channels:
        (only,) = rig.alerts(channel)
        assert only.text.startswith("Resolved: Brief TTS errors") and only.thread_ts is None


async def test_flap_absorbed(rig: Rig) -> None:
    """A component that blips degraded for one poll and back says nothing at all."""
    rig.page.set_component("Batch API", "degraded_performance")
    assert await rig.poll() == []
    rig.page.set_component("Batch API", "operational")
    assert await rig.poll() == []
    assert all(rig.alerts(c) == [] for c in rig.channels)


async def test_filters_and_severity(rig: Rig) -> None:
    """A TTS-only channel hears nothing of streaming; a major-only channel skips a minor incident."""
    slack = rig.slack
    tts_only = slack.workspace.add_channel("tts-team").id
    majors = slack.workspace.add_channel("majors").id
    rig.store.subscriptions.subscribe(
        tts_only, team_id=slack.team_id, filters=["tts"], min_severity="minor", created_by="U", now=0
    )
    rig.store.subscriptions.subscribe(
        majors, team_id=slack.team_id, filters=[], min_severity="major", created_by="U", now=0
    )
    rig.page.open_incident("Streaming latency", impact="minor", components=("Streaming API",))
    await rig.poll()  # held one poll
    assert await rig.poll() == ["incident_opened"]
    assert rig.alerts(tts_only) == [] and rig.alerts(majors) == []
    assert all(len(rig.alerts(c)) == 1 for c in rig.channels)


async def test_maintenance(rig: Rig) -> None:
    """Scheduled → in progress → completed in one thread, times as <!date^> tokens."""
    window = rig.page.schedule_maintenance(
        "Database upgrade", starts_in=timedelta(hours=2), duration=timedelta(hours=1), components=("Batch API",)
    )
    assert await rig.poll() == ["maintenance_scheduled"]
    rig.page.start_maintenance(window)
    assert await rig.poll() == ["maintenance_started"]
    rig.page.complete_maintenance(window)
    assert await rig.poll() == ["maintenance_completed"]
    root, started, completed = rig.alerts(rig.channels[0])
    assert started.thread_ts == root.ts == completed.thread_ts
    assert "<!date^" in json.dumps(root.blocks)


async def test_deleted_incident_is_removed_not_resolved(rig: Rig) -> None:
    """An incident deleted from the page (gone from summary, incidents.json and its own JSON) closes its
    thread as "removed from the status page", never as "Resolved"."""
    incident = rig.page.open_incident(
        "Opened by mistake", impact="major", components=("Batch API",), component_status=None
    )
    assert await rig.poll() == ["incident_opened"]
    rig.page.delete_incident(incident)
    assert await rig.poll() == ["incident_removed"]
    assert (f"/api/v2/incidents/{incident}.json", 404) in [(r.path, r.status) for r in rig.page.requests]
    for channel in rig.channels:
        root, removed = rig.alerts(channel)
        assert removed.thread_ts == root.ts
        assert root.text == "Removed from the status page: Opened by mistake"
        assert "Resolved" not in json.dumps(root.blocks) + json.dumps(removed.blocks)
        assert "without marking it resolved" in json.dumps(removed.blocks)
    assert await rig.poll() == []


async def test_incident_left_out_of_the_summary_but_open_in_its_records(rig: Rig) -> None:
    """summary.json stops listing an incident that incidents.json still shows `identified`: not resolved."""
    incident = rig.page.open_incident("Streaming errors", impact="major", components=("Streaming API",))
    assert await rig.poll() == ["incident_opened"]
    rig.page.update_incident(incident, status="identified", body="Cause found.")
    stale = dict(rig.page.payload("summary.json"), incidents=[])
    rig.page.set_response(
        "summary.json", status=200, body=json.dumps(stale), headers={"Content-Type": "application/json"}, times=2
    )
    assert await rig.poll() == ["incident_updated"]  # followed from its record, as open
    assert await rig.poll() == []
    rig.page.resolve_incident(incident, body="Fixed.")
    assert await rig.poll() == ["incident_resolved"]
    for channel in rig.channels:
        root, update, resolution = rig.alerts(channel)
        assert "Cause found." in json.dumps(update.blocks) and root.text.startswith("Resolved: Streaming errors")
        assert resolution.thread_ts == root.ts


async def test_resolution_waits_for_readable_records(rig: Rig) -> None:
    """incidents.json failing when the incident leaves the summary: nothing is said; the next poll (a 304
    on the summary) asks the records again and confirms the resolution."""
    incident = rig.page.open_incident("TTS errors", impact="major", components=("TTS API",))
    assert await rig.poll() == ["incident_opened"]
    rig.page.resolve_incident(incident)
    rig.page.set_response("incidents.json", status=503, body="<html>down</html>")
    rig.page.set_response(f"incidents/{incident}.json", status=503, body="<html>down</html>")
    assert await rig.poll() == []
    assert await rig.poll() == ["incident_resolved"]
    assert [r.status for r in rig.page.requests if r.path == "/api/v2/summary.json"][-1] == 304


async def test_maintenance_cancelled_and_removed(rig: Rig) -> None:
    """A window gone while scheduled is "cancelled or removed"; one deleted while under way is "removed"."""
    called_off = rig.page.schedule_maintenance(
        "Database upgrade", starts_in=timedelta(hours=2), duration=timedelta(hours=1), components=("Batch API",)
    )
    assert await rig.poll() == ["maintenance_scheduled"]
    rig.page.cancel_maintenance(called_off)
    assert await rig.poll() == ["maintenance_cancelled"]
    root, cancelled = rig.alerts(rig.channels[0])
    assert cancelled.thread_ts == root.ts and root.text == "Cancelled or removed: Database upgrade"
    assert "Completed" not in json.dumps(root.blocks)
    running = rig.page.schedule_maintenance(
        "Network work", starts_in=timedelta(0), duration=timedelta(hours=1), components=("TTS API",)
    )
    rig.page.start_maintenance(running)
    assert await rig.poll() == ["maintenance_started"]
    rig.page.delete_maintenance(running)
    assert await rig.poll() == ["maintenance_removed"]
    assert rig.alerts(rig.channels[0])[2].text == "Removed from the status page: Network work"


async def test_downstream_providers_are_a_provider_behind_the_voice_agent(rig: Rig) -> None:
    """The Voice Agent's downstream providers down: told as a provider behind the Voice Agent, minor, so a
    major-only channel is not paged for a third party."""
    majors = rig.slack.workspace.add_channel("majors").id
    rig.store.subscriptions.subscribe(
        majors, team_id=rig.slack.team_id, filters=[], min_severity="major", created_by="U", now=0
    )
    rig.page.set_component("Voice Agent API: Downstream Providers", "major_outage")
    assert await rig.poll() == ["component_degraded"]
    (root,) = rig.alerts(rig.channels[0])
    blocks = json.dumps(root.blocks)
    assert "a provider behind the Voice Agent" in blocks and "not on Deepgram" in blocks
    assert rig.alerts(majors) == []


async def test_restart_mid_sequence(rig: Rig, tmp_path: Path) -> None:
    """A new monitor on the same database after a restart repeats nothing and misses nothing."""
    incident = rig.page.open_incident("API errors", impact="major", components=("Batch API",))
    assert await rig.poll() == ["incident_opened"]
    rig.store.close()
    async with httpx.AsyncClient() as http:
        again = await build(rig.slack, rig.page, tmp_path / "doctor.db", http, rig.now, rig.channels)
        assert await again.poll() == []
        rig.page.resolve_incident(incident)
        assert await again.poll() == ["incident_resolved"]
        again.store.close()
    for channel in rig.channels:
        root, resolution = rig.alerts(channel)
        assert resolution.thread_ts == root.ts
    rig.store = Store.open(tmp_path / "doctor.db")


async def test_slack_failures_are_retried_and_gone_channels_dropped(rig: Rig) -> None:
    """429s and 5xx are retried until delivered; an archived channel is deactivated, not retried forever."""
    gone = rig.slack.workspace.add_channel("old-incidents").id
    rig.store.subscriptions.subscribe(
        gone, team_id=rig.slack.team_id, filters=[], min_severity="minor", created_by="U", now=0
    )
    rig.slack.workspace.channel(gone).archived = True  # type: ignore[union-attr]
    rig.slack.fail_next("chat.postMessage", status=429, retry_after=0, count=2)
    rig.slack.fail_next("chat.postMessage", status=503, count=2)
    rig.page.open_incident("API errors", impact="major", components=("Batch API",))
    await rig.poll()
    assert all(len(rig.alerts(c)) == 1 for c in rig.channels)
    sub = rig.store.subscriptions.get(gone)
    assert sub is not None and not sub.active and sub.deactivated_reason == "is_archived"
    assert rig.store.outbox.counts().get("pending", 0) == 0


async def test_answer_lost_after_slack_accepted_is_not_reposted(rig: Rig) -> None:
    """Slack stored the message but its answer never came: the retry finds it by metadata, no second post."""
    rig.slack.fail_next("chat.postMessage", hold_answer=1.0)
    rig.courier.client.timeout = 0.3
    rig.page.open_incident("API errors", impact="major", components=("Batch API",))
    await rig.poll()
    for channel in rig.channels:
        assert len(rig.alerts(channel)) == 1
    methods = [c.method for c in rig.slack.calls]
    assert methods.count("chat.postMessage") == len(rig.channels)  # none posted twice
    assert methods.count("conversations.history") == 1  # the interrupted one was looked up


async def test_real_example_summaries_as_states(rig: Rig, reference_data: Path) -> None:
    """The shared real summaries, served as successive states, become incident and maintenance threads."""
    github = json.loads((reference_data / "statuspage" / "statuscheck_github_incident_summary.json").read_text())
    cloudamqp = json.loads(
        (reference_data / "statuspage" / "statuscheck_cloudamqp_maintenance_summary.json").read_text()
    )
    # Five threads per channel at once: Slack's 1 post/s/channel would make the courier wait out whole
    # seconds of Retry-After. Retry-After itself is covered by the failure test above.
    rig.slack.set_rate_limit(per_second=100, burst=20)
    rig.page.load_summary(github)
    kinds = await rig.poll()
    assert sorted(kinds) == [
        "component_degraded",
        "component_degraded",
        "incident_opened",
        "maintenance_scheduled",
        "maintenance_started",
    ]
    root = next(m for m in rig.alerts(rig.channels[0]) if "Unplanned Database Outage" in m.text)
    assert "http://stspg.co:5000/Q0E" in json.dumps(root.blocks)
    rig.page.load_summary(cloudamqp)
    kinds = await rig.poll()
    # GitHub's incident and windows left the page, and no record of them remains (the page now is
    # CloudAMQP's): the incident was removed, the windows cancelled (the scheduled one) or removed (the
    # one under way), never "resolved" / "completed". CloudAMQP's in-progress upgrade starts a new thread.
    assert sorted(kinds) == [
        "incident_removed",
        "maintenance_cancelled",
        "maintenance_removed",
        "maintenance_started",
    ]
    assert all(len(rig.alerts(c)) == len(rig.alerts(rig.channels[0])) for c in rig.channels)


async def test_pacing_per_channel(rig: Rig) -> None:
    """Two alerts for one channel are never posted closer together than the configured pace."""
    rig.courier.pace = 0.3
    incident = rig.page.open_incident("API errors", impact="major", components=("Batch API",))
    await rig.monitor.poll_status()
    rig.page.update_incident(incident, status="identified", body="Cause found.")
    await rig.monitor.poll_status()
    rig.page.resolve_incident(incident)
    await rig.monitor.poll_status()
    await rig.courier.drain()
    for channel in rig.channels:
        times = [c.at for c in rig.slack.calls if c.method == "chat.postMessage" and c.args.get("channel") == channel]
        assert len(times) == 3
        assert all(b - a >= 0.29 for a, b in zip(times, times[1:], strict=False)), times


async def test_own_probe_and_balance_alerts(rig: Rig, tmp_path: Path) -> None:
    """Two failed probe runs alert "degraded from here"; two good runs resolve it; low balance alerts once."""
    from simworld.deepgram import FakeDeepgram
    from simworld.world import probe_clip

    async with FakeDeepgram() as dg, httpx.AsyncClient() as http:
        dg.register_clip(probe_clip())
        env = {
            "DEEPGRAM_API_URL": dg.base_url,
            "DEEPGRAM_API_KEY": dg.api_key,
            "PROBE_STREAM_SPEED": "50",
            "PROBE_TIMEOUT_SECONDS": "2",
            "BALANCE_ALERT_USD": "500",
        }
        probing = await build(rig.slack, rig.page, tmp_path / "probes.db", http, rig.now, rig.channels, env)
        channel = rig.channels[0]
        probing.store.subscriptions.subscribe(
            channel, team_id=rig.slack.team_id, filters=["tts"], min_severity="major", created_by="U", now=0
        )
        dg.fail("speak", status=503, times=2)
        first = await probing.monitor.run_probes()
        assert [e.kind for e in first] == ["balance_low"]  # the default project holds less than $500
        second = await probing.monitor.run_probes()
        assert [e.kind for e in second] == ["probe_degraded"]
        assert [e.kind for e in await probing.monitor.run_probes()] == []
        assert [e.kind for e in await probing.monitor.run_probes()] == ["probe_recovered"]
        await probing.courier.drain()
        balance, degraded, recovered = [m for m in rig.slack.messages(channel) if (m.metadata or {}).get("event_type")]
        assert "Low Deepgram credit" in balance.text and "402" in json.dumps(balance.blocks)
        assert "Text-to-speech failing from here" in degraded.text
        assert "own probes" in json.dumps(degraded.blocks) and "not from Deepgram's status page" in json.dumps(
            degraded.blocks
        )
        assert recovered.thread_ts == degraded.ts
        probing.store.close()


async def test_the_monitor_feeds_what_deepgram_status_shows(rig: Rig, tmp_path: Path) -> None:
    """The poll keeps the official status for the first reply of `/deepgram status`; a periodic run that
    probed as much (MONITOR_AGENT_TURN) answers the command within STATUS_FRESH_SECONDS, one that did not
    (no Voice Agent turn) does not."""
    from bot.status.check import ask_status
    from simworld.deepgram import FakeDeepgram
    from simworld.world import probe_clip

    reading = rig.monitor.deps.status_runs.official  # the fixture's first poll
    assert reading is not None and reading.fetch.summary is not None
    async with FakeDeepgram() as dg, httpx.AsyncClient() as http:
        dg.register_clip(probe_clip())
        env = {
            "DEEPGRAM_API_URL": dg.base_url,
            "DEEPGRAM_API_KEY": dg.api_key,
            "DEEPGRAM_AGENT_URL": dg.agent_url,
            "PROBE_STREAM_SPEED": "50",
            "PROBE_TIMEOUT_SECONDS": "2",
            "BALANCE_ALERT_USD": "",
        }
        for turn, answers in (("false", "new"), ("true", "cached")):
            probing = await build(
                rig.slack, rig.page, tmp_path / f"turn-{turn}.db", http, rig.now, rig.channels,
                {**env, "MONITOR_AGENT_TURN": turn},
            )  # fmt: skip
            await probing.monitor.run_probes()
            ask = ask_status(probing.monitor.deps)
            assert ask.how == answers, turn
            assert (await ask.flight.result()).run_id is not None
            probing.store.close()


# -- health signals and a database that fails under the monitor ------------------------------------------


def monitor_health(rig: Rig) -> Health:
    health = Health(transport="socket", poll_every=60, poll_stale_after=180, reconnect_grace=60)
    rig.monitor.health = health
    return health


async def test_poll_outcomes_feed_health(rig: Rig) -> None:
    """A good poll, a failing page and a page with wrong types: the health model hears each, nothing raises."""
    health = monitor_health(rig)
    await rig.poll()
    assert health.report().parts["status_poll"].detail.startswith("last successful poll 0 s ago")
    rig.page.set_response("summary.json", status=503, body="<html>down</html>", times=None)
    assert await rig.poll() == []
    assert (
        health.report()
        .parts["status_poll"]
        .detail.endswith("the latest attempt failed: status page: answered HTTP 503")
    )
    rig.page.clear_responses()
    rig.page.set_response(
        "summary.json",
        status=200,
        body=json.dumps({"status": {"indicator": "none"}, "components": 5, "incidents": 7}),
        headers={"Content-Type": "application/json"},
    )
    assert await rig.poll() == []
    assert "failed" not in health.report().parts["status_poll"].detail


async def test_poll_with_the_database_deleted(rig: Rig) -> None:
    """The poll cannot save what it saw: it says so to the health model and raises nothing."""
    health = monitor_health(rig)
    assert rig.store.path
    Path(rig.store.path).unlink()
    rig.page.open_incident("Streaming errors", impact="major", components=("Streaming API",))
    assert await rig.poll() == []
    detail = health.report().parts["status_poll"].detail
    assert detail.endswith(
        "what it read could not be saved: the file was deleted while the bot was running "
        "(restart the bot to start a new one)"
    )
    assert rig.store.problem() is not None


async def test_courier_survives_a_read_only_database(rig: Rig) -> None:
    """While the outbox cannot be written the courier keeps turning and posts nothing; afterwards each
    alert goes out exactly once."""
    health = Health(transport="socket", poll_every=60, poll_stale_after=180, reconnect_grace=60)
    rig.courier.health, rig.courier.store_retry = health, 0.02
    rig.page.open_incident("Streaming errors", impact="major", components=("Streaming API",))
    assert [e.kind for e in await rig.monitor.poll_status()] == ["incident_opened"]  # queued, not yet sent
    assert rig.store.path
    with read_only(Path(rig.store.path)):
        running = asyncio.create_task(rig.courier.run())
        await asyncio.sleep(0.2)  # ten retry periods
        assert not running.done() and health.report().parts["courier"].ok
        assert all(rig.alerts(c) == [] for c in rig.channels)
        rig.courier.stop()
        await running
    await rig.courier.drain()
    assert all(len(rig.alerts(c)) == 1 for c in rig.channels)
