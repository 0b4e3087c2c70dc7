"""`/deepgram why` and DM questions count the topic they answered, for the weekly digest: the topic and the
UTC day only, never who asked or what they wrote; and a database that fails never costs the answer."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.config import Settings
from bot.digest import DigestParams, period_ending, read_digest
from bot.playbooks import load_library, match
from bot.runtime.deps import Deps
from bot.slack.commands import Invocation
from bot.slack.views.digest import digest_message
from bot.store import Store
from bot.text.digest import digest_text
from handlers import SUBCOMMANDS, dm, why

NOW = datetime(2026, 12, 2, 23, 59, tzinfo=UTC)
QUESTION = "why does my websocket keep closing <@U0BOSS> sorry"


def _topic_of(question: str) -> str:
    """The playbook a DM with `question` is answered with."""
    found = match(dm.message_text(question), load_library())
    assert found.best is not None
    return found.best.value


@pytest.fixture
async def deps(tmp_path: Path) -> AsyncIterator[Deps]:
    settings = Settings.from_env({"DEEPGRAM_DOCTOR_DB": str(tmp_path / "dd.db")}, slack=False)
    store = Store.open(settings.db_path)
    async with httpx.AsyncClient() as http:
        deps = Deps.build(settings, store, http)
        deps.clock = lambda: NOW
        yield deps
    store.close()


def _invocation(args: str) -> Invocation:
    return Invocation(name="why", args=args, user_id="U0SECRET", channel_id="C1", team_id="T1", table=SUBCOMMANDS)


async def _dm(deps: Deps, text: str) -> dict[str, Any]:
    said: dict[str, Any] = {}

    async def say(**kwargs: Any) -> None:
        said.update(kwargs)

    listener = dm.make_dm_listener(deps)
    await listener({"user": "U0SECRET", "channel": "D1", "text": text, "ts": "1.0", "channel_type": "im"}, say)  # type: ignore[arg-type]
    return said


async def test_answers_count_their_topic_per_day(deps: Deps) -> None:
    await why.run(_invocation("401"), deps)
    await why.run(_invocation("401"), deps)
    await why.run(_invocation(""), deps)  # the topic list: no topic answered
    await why.run(_invocation("zzzz qqqq"), deps)  # did you mean: no topic answered
    said = await _dm(deps, QUESTION)
    assert said["blocks"]
    await _dm(deps, "hello")  # small talk
    rows = deps.store.db.execute("SELECT day, topic, count FROM topic_asks ORDER BY count DESC").fetchall()
    assert rows == [("2026-12-02", "401", 2), ("2026-12-02", _topic_of(QUESTION), 1)]


async def test_the_digest_shows_counts_never_people_or_questions(deps: Deps) -> None:
    await why.run(_invocation("net-0001 from <@U0BOSS> in #secret-project"), deps)
    await _dm(deps, QUESTION)
    params = DigestParams(clip_seconds=2.0)
    digest = read_digest(deps.store, period_ending(NOW.date().replace(day=7), tz="UTC"), params=params)
    assert sorted((t.topic, t.count) for t in digest.topics) == sorted([("net-0001", 1), (_topic_of(QUESTION), 1)])
    assert all(t.title and t.title != t.topic for t in digest.topics)
    _, blocks = digest_message(digest)
    shown = json.dumps(blocks) + digest_text(digest) + json.dumps(digest.to_json())
    for private in ("U0SECRET", "U0BOSS", "secret-project", "keep closing", "sorry"):
        assert private not in shown
    dumped = "\n".join(deps.store.db.iterdump())
    assert "U0SECRET" not in dumped and "keep closing" not in dumped


async def test_a_database_that_fails_does_not_cost_the_answer(deps: Deps, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    Path(deps.settings.db_path).unlink()  # deleted under the running bot: every write now fails
    reply = await why.run(_invocation("401"), deps)
    assert reply.blocks and reply.text.startswith("401")
    said = await _dm(deps, QUESTION)
    assert said["blocks"] and said["thread_ts"] == "1.0"
    assert "topic ask not counted" in caplog.text
