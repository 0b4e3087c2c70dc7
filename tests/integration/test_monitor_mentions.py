"""Mentions on root only, end to end in-process: the monitor queues who is mentioned, the courier posts it.

Three channels follow one incident: one mentions a user group, one a person from `major` only, one
nobody. The root of each alert mentions (where the severity allows), updates in the thread do not
mention again, and the resolution does once more; a story that reaches a channel's threshold only
later mentions on the update that takes it there.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from simworld.slack import FakeSlack
from simworld.statuspage import FakeStatusPage
from tests.integration.test_monitor import Rig, build


@dataclass
class Mentions:
    rig: Rig
    group: str
    person: str
    channels: list[str]  # mentions the group; the person from major; nobody

    def queued(self) -> list[tuple[str, str, str | None]]:
        """(channel, kind, mention) of every outbox row, oldest first."""
        rows = self.rig.store.db.execute("SELECT channel_id, event FROM outbox ORDER BY id").fetchall()
        return [(channel, json.loads(event)["kind"], json.loads(event).get("mention")) for channel, event in rows]

    def posts(self, channel: str) -> list[dict[str, Any]]:
        """What the bot asked Slack to post in `channel` (roots and replies, as sent; edits left out)."""
        return [
            c.args
            for c in self.rig.slack.calls
            if c.method == "chat.postMessage" and c.ok and c.args.get("channel") == channel
        ]


@pytest.fixture
async def mentions(reference_data: Path, tmp_path: Path) -> AsyncIterator[Mentions]:
    now = [datetime(2026, 11, 24, 10, 0, tzinfo=UTC)]
    async with (
        FakeSlack(api_ref_dir=reference_data / "slack" / "slack-api-ref") as slack,
        FakeStatusPage(clock=lambda: now[0]) as page,
        httpx.AsyncClient() as http,
    ):
        ws = slack.workspace
        ws.bot_scopes |= {"channels:history", "groups:history", "channels:read", "users:read"}
        group = ws.add_usergroup("oncall", users=[ws.default_user]).id
        person = ws.add_user("ana").id
        channels = [ws.add_channel(f"incidents-{i}").id for i in range(3)]
        rig = await build(slack, page, tmp_path / "doctor.db", http, now, channels)
        options: list[dict[str, Any]] = [
            {"mention": group, "mention_label": "@oncall"},
            {"mention": person, "mention_label": "@ana", "mention_min": "major"},
            {},
        ]
        for channel, extra in zip(channels, options, strict=True):
            rig.store.subscriptions.subscribe(
                channel, team_id=slack.team_id, filters=[], min_severity="minor", created_by="U1", now=0, **extra
            )
        await rig.poll()  # baseline: a quiet page says nothing
        yield Mentions(rig, group, person, channels)
        rig.store.close()
        assert slack.contract_violations == []


async def open_update_resolve(rig: Rig, impact: str) -> None:
    # A minor incident leaves the component alone: held a poll, a component outage would be its own story.
    status = "major_outage" if impact == "major" else None
    incident = rig.page.open_incident(
        f"Streaming errors ({impact})", impact=impact, components=("Streaming API",), component_status=status
    )
    await rig.poll()
    await rig.poll()  # a minor one is held for a poll first
    rig.page.update_incident(incident, status="identified", body="Rolling back.")
    await rig.poll()
    rig.page.resolve_incident(incident, body="All good.")
    await rig.poll(minutes=30)


async def test_the_monitor_queues_mentions_on_root_only(mentions: Mentions) -> None:
    """Root and resolution carry the channel's mention in the outbox row; updates none; below
    `mention_min` nothing."""
    group_channel, person_channel, quiet_channel = mentions.channels
    await open_update_resolve(mentions.rig, "major")
    queued = mentions.queued()
    assert [(kind, mention) for channel, kind, mention in queued if channel == group_channel] == [
        ("incident_opened", mentions.group),
        ("incident_updated", None),
        ("incident_resolved", mentions.group),
    ]
    assert [m for c, _, m in queued if c == person_channel] == [mentions.person, None, mentions.person]
    assert [m for c, _, m in queued if c == quiet_channel] == [None, None, None]
    await open_update_resolve(mentions.rig, "minor")
    minor = mentions.queued()[len(queued) :]
    assert [m for c, _, m in minor if c == group_channel] == [mentions.group, None, mentions.group]
    assert [m for c, _, m in minor if c == person_channel] == [None, None, None]  # `--mention-min major`


async def test_mentions_on_root_only_reach_slack(mentions: Mentions) -> None:
    """The root arrives with the mention first, the update without it, the resolution with it, once."""
    group_channel, person_channel, quiet_channel = mentions.channels
    await open_update_resolve(mentions.rig, "major")
    for channel, markup in ((group_channel, f"<!subteam^{mentions.group}>"), (person_channel, f"<@{mentions.person}>")):
        root, update, resolution = mentions.posts(channel)
        assert "thread_ts" not in root and root["text"].startswith(markup + " ")
        blocks = root["blocks"] if isinstance(root["blocks"], list) else json.loads(root["blocks"])
        assert blocks[0]["text"]["text"].startswith(markup + " ")
        assert update["thread_ts"] and markup not in json.dumps(update)
        assert resolution["thread_ts"] and resolution["text"].startswith(markup + " ")
    assert all("<!subteam" not in json.dumps(p) and "<@" not in json.dumps(p) for p in mentions.posts(quiet_channel))
    # The root's later edits do not repeat the mention.
    edits = [c.args for c in mentions.rig.slack.calls if c.method == "chat.update" and c.ok]
    assert edits and not any("<!subteam" in json.dumps(e) or f"<@{mentions.person}>" in json.dumps(e) for e in edits)


async def test_an_incident_that_turns_major_mentions_the_major_only_channel_once(mentions: Mentions) -> None:
    """The page raises a minor incident's impact to major (its component goes down): the channel that
    mentions from `major` gets the mention on that update, in the thread; then on the resolution."""
    group_channel, person_channel, _ = mentions.channels
    rig = mentions.rig
    incident = rig.page.open_incident(
        "Streaming errors", impact=None, components=("Streaming API",), component_status="degraded_performance"
    )
    await rig.poll()
    await rig.poll()  # a minor one is held for a poll first
    rig.page.update_incident(incident, status="identified", body="Worse.", component_status="major_outage")
    await rig.poll()
    rig.page.update_incident(incident, status="monitoring", body="Fix deployed.")
    await rig.poll()
    rig.page.resolve_incident(incident, body="All good.")
    await rig.poll(minutes=30)
    markup = f"<@{mentions.person}>"
    root, escalated, monitoring, resolution = mentions.posts(person_channel)
    assert markup not in json.dumps(root)
    assert escalated["thread_ts"] and escalated["text"].startswith(markup + " ")
    assert monitoring["thread_ts"] and markup not in json.dumps(monitoring)
    assert resolution["thread_ts"] and resolution["text"].startswith(markup + " ")
    # The channel mentioned from the start is not mentioned again by the escalation.
    assert [m for c, _, m in mentions.queued() if c == group_channel] == [
        mentions.group,
        None,
        None,
        mentions.group,
    ]
