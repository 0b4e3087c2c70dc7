"""Every subcommand reads its text the same whether Slack escaped it (`should_escape: true`, what
manifest.yml asks for) or not: pasted URLs, keys, error bodies, mentions and `&<>` give the same answer.

Each case is typed once and sent in two forms through the real router (`create_app`) against the fake
Slack: as Slack sends it without `should_escape` (only `&`, `<`, `>` as entities, slack.md §7) and with
it (mentions, channels and links as markup with IDs, slack.md §1.1). A fresh bot answers each form;
the answers, what was spoken and what was stored must be the same.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mutagen.id3
import pytest

from simworld.slack.escaping import escape_command_text, escape_entities
from simworld.world import World
from tests.integration.handlers.inprocess import running_bot

#: A Deepgram-shaped key the fake Deepgram does not know (its own key is added per case).
UNKNOWN_KEY = "3f8a1c9e2b7d4f6a8c0e1b3d5f7a9c2e4b6d8f1e"


@dataclass(frozen=True)
class Case:
    typed: str
    #: Slack's escaped form written out, where the fake's escaping is minimal (bare domains are links).
    escaped: str | None = None


CASES = {
    "help": Case("help @alice #general https://x.io/?a=1&b=2"),
    "unknown": Case("hlep @alice & <b>"),
    "status": Case("status #general @alice"),
    "why 401 & 403": Case("why 401 & 403"),
    "why pasted body": Case(
        'why {{"err_code":"INVALID_AUTH","err_msg":"Invalid credentials.","request_id":"5d1f"}} '
        "from https://api.deepgram.com/v1/listen?model=nova-3&smart_format=true"
    ),
    "why bare domain": Case(
        "why websocket closed with NET-0001 see dpgr.am/net0001 &quot;",
        escaped="why websocket closed with NET-0001 see <http://dpgr.am/net0001|dpgr.am/net0001> &amp;quot;",
    ),
    "check-key": Case("check-key {key}"),
    "check-key curl": Case("check-key -H 'Authorization: Token {key}'"),
    "check-key json": Case('check-key {{"Authorization": "Token {key}"}}'),
    "check-key brackets": Case("check-key Token <{key}>"),
    "check-key unknown": Case("check-key Token {unknown}"),
    "speak": Case("speak Hello @alice, read https://x.io/a?b=1&c=2 & <b>this</b> in #general"),
    "subscribe": Case('subscribe streaming "voice agent" --min major'),
    "subscriptions": Case("subscriptions @alice"),
    "unsubscribe": Case("unsubscribe #general"),
    "history": Case("history @alice https://x.io"),
}


@pytest.fixture
async def world(reference_data: Path) -> AsyncIterator[World]:
    async with World(api_ref_dir=reference_data / "slack" / "slack-api-ref") as world:
        world.slack.workspace.default_user.is_admin = True  # `subscriptions` lists every channel
        yield world
        assert world.slack.contract_violations == []


def _same(value: Any) -> str:
    """An answer with what varies between two runs (timings, counts of ms, dates, ids) blanked."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = re.sub(r"<!date\^\d+\^[^>]*>", "<date>", text)
    return re.sub(r"\d+(?:\.\d+)?", "#", text)


def _spoken(world: World, start: int) -> list[str]:
    return [str(mutagen.id3.ID3(io.BytesIO(mp3))["TIT2"].text[0]) for mp3 in world.deepgram.speak_outputs[start:]]


async def _outcome(world: World, text: str) -> dict[str, Any]:
    """A fresh bot's answer to `text` (sent exactly as given), what it spoke, and what it stored."""
    spoken_before = len(world.deepgram.speak_outputs)
    channel = world.slack.workspace.default_channel.id
    async with running_bot(world) as bot:
        if text.startswith("unsubscribe"):
            await bot.ask("subscribe", escape=False)
        answer = await bot.ask(text, escape=False, n=2 if text.startswith("status") else 1)
        sub = bot.store.subscriptions.get(channel)
        stored = (sub.filters, sub.min_severity, sub.mention, sub.digest) if sub else None
    return {"answer": _same(answer), "spoken": _spoken(world, spoken_before), "stored": stored, "text": answer["text"]}


@pytest.mark.parametrize("name", CASES, ids=list(CASES))
async def test_the_same_answer_with_and_without_slack_escaping(world: World, name: str) -> None:
    case = CASES[name]
    typed = case.typed.format(key=world.deepgram.api_key, unknown=UNKNOWN_KEY)
    plain = escape_entities(typed)
    escaped = case.escaped or escape_command_text(typed, world.slack.workspace)
    without = await _outcome(world, plain)
    with_escaping = await _outcome(world, escaped)
    assert _same(with_escaping.pop("text")) == _same(text := without.pop("text"))
    assert with_escaping == without
    if name == "speak":
        # What Slack shows is spoken: the mention's name, the link's address, `&` and `<b>` as typed.
        assert without["spoken"] == ["Hello @alice, read https://x.io/a?b=1&c=2 & <b>this</b> in #general"]
    if name.startswith("check-key") and name != "check-key unknown":
        assert text.startswith(f"Key check …{world.deepgram.api_key[-4:]}: 0 problems")
    if name == "subscribe":
        assert without["stored"] == (("streaming", "Voice Agent API"), "major", None, None)
