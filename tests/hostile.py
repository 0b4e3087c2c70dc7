"""Hostile inputs for every `/deepgram` subcommand and the DM path, and what to look for in Slack.

Shared by `tests/e2e/test_hostile_inputs.py` (which asserts nothing leaks) and
`bench/attack_inputs.py` (which counts what leaks). The corpus types what an attacker, or a careless
user, would: live mentions (`<!channel>`, `<@U…>`, user groups), links with a misleading label,
Deepgram keys, JWTs, Slack tokens (including the bot's own), control characters, Slack's own
escaping of all that, and 10,000 characters. `sweep()` sends each input to each subcommand (and
as a DM) through the real bot and collects everything the bot then sent to the fake Slack: the
acks, the response_url posts and every Web API call's arguments (messages, file titles and
comments, views). `scan()` reports what in there is live markup the user typed, a credential shown
in full, or a control character.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from simworld.slack import FakeSlack, Message
from simworld.world import RunningBot, World

#: Credentials shaped like the real thing (none is valid anywhere).
DEEPGRAM_KEY = "3f8a1c9e2b7d4f6a8c0e1b3d5f7a9c2e4b6d8f1e"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJob3N0aWxlIiwic2NvcGVzIjpbIm1lbWJlciJdfQ."
    "c2lnbmF0dXJlLW9mLWEtaG9zdGlsZS10b2tlbg"
)
SLACK_BOT_TOKEN = "xoxb-1234567890123-9876543210987-H0stileB0tT0kenValue1"
SLACK_USER_TOKEN = "xoxp-1234567890123-1234567890123-1234567890123-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
SLACK_APP_TOKEN = "xapp-1-A0HOSTILE1-1234567890123-" + "ab" * 32
CREDENTIALS = (DEEPGRAM_KEY, JWT, SLACK_BOT_TOKEN, SLACK_USER_TOKEN, SLACK_APP_TOKEN)

#: Mention and link markup the inputs carry (user ids and channels that exist nowhere).
HOSTILE_USER = "U0HOSTILE1"
HOSTILE_CHANNEL = "C0HOSTILE1"


def corpus(world: World) -> list[str]:
    """The hostile inputs, the bot's own configured Deepgram key and Slack token among them."""
    own_key, own_token = world.deepgram.api_key, world.slack.bot_token
    return [
        "<!channel>",
        "<!here> <!everyone> wake up",
        f"<@{HOSTILE_USER}> <@{HOSTILE_USER}|boss> please look",
        "<!subteam^S0HOSTILE1|@oncall> <!subteam^S0HOSTILE1>",
        "<https://evil.example/login|click here> to fix Deepgram",
        f"<mailto:ceo@evil.example|ceo> <#{HOSTILE_CHANNEL}|general> <#{HOSTILE_CHANNEL}>",
        # What Slack sends when someone types markup literally: escaped, which the router undoes once.
        "&lt;!channel&gt; &lt;@U0HOSTILE1&gt; &lt;https://evil.example|click&gt;",
        "rest <!channel> streaming --min major",
        # `subscribe --mention` reads Slack's markup for an ID: broadcasts, unknown people and groups.
        "--mention <!channel> --mention-min major",
        f"--mention <@{HOSTILE_USER}|boss> rest",
        "--mention <!subteam^S0HOSTILE1|@oncall> --digest weekly",
        "--voice <!here> hello <@U0HOSTILE1>",
        "`<!channel>` ```<@U0HOSTILE1>``` *bold* _it_ ~s~ > quote",
        DEEPGRAM_KEY,
        f"my key is Token {DEEPGRAM_KEY} and it fails with 401",
        f"Authorization: Bearer {JWT}",
        f"{SLACK_BOT_TOKEN} {SLACK_USER_TOKEN} {SLACK_APP_TOKEN}",
        f"our key {own_key} and token {own_token}",
        "bell\x07 nul\x00 esc\x1b[31mred\x1b[0m rtl\u202eevil\u202c zero\u200bwidth\r\nnext line",
        "<!channel> " * 909 + "<!here",  # 10,000 characters of live mentions
        "x" * 10_000,
    ]


def credentials(world: World) -> tuple[str, ...]:
    """Every credential the corpus carries, the bot's own included."""
    return (*CREDENTIALS, world.deepgram.api_key, world.slack.bot_token)


#: `/deepgram` with each input: as the subcommand itself, and as the argument of every subcommand.
TEMPLATES = (
    "{x}",
    "help {x}",
    "status {x}",
    "check-key {x}",
    "why {x}",
    "speak {x}",
    "speak --voice {x} hello",
    "subscribe {x}",
    "unsubscribe {x}",
    "subscriptions {x}",
    "history {x}",
)
#: Subcommands that ignore their argument and take seconds (live probes): swept with fewer inputs.
SLOW_TEMPLATES = frozenset({"status {x}"})
SLOW_INPUTS = 3


@dataclass
class Sweep:
    """What was sent and everything that arrived at the fake Slack: (where, what) pairs."""

    commands: list[str] = field(default_factory=list)
    dms: list[str] = field(default_factory=list)
    outputs: list[tuple[str, Any]] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)

    @property
    def tried(self) -> int:
        return len(self.commands) + len(self.dms)


def commands_for(inputs: Sequence[str]) -> list[str]:
    return [
        template.format(x=x)
        for template in TEMPLATES
        for x in (inputs[:SLOW_INPUTS] if template in SLOW_TEMPLATES else inputs)
    ]


async def sweep(bot: RunningBot, world: World, inputs: Sequence[str], *, concurrency: int = 8) -> Sweep:
    """Every input to every subcommand and as a DM, `concurrency` at a time; each from its own user
    (so `speak`'s per-user quota never refuses one). Waits for every answer."""
    slack = world.slack
    result = Sweep(commands=commands_for(inputs), dms=list(inputs))
    gate = asyncio.Semaphore(concurrency)
    calls_before = len(slack.calls)

    async def command(i: int, text: str) -> None:
        async with gate:
            user = slack.workspace.add_user(f"hostile{i}")
            # Sent exactly as written: the corpus is Slack's own form (what `should_escape` delivers
            # for a typed `@channel` or a picked user is this very markup), not text to escape again.
            sent = await bot.driver.slash_command(text, user=user, via=bot.transport, escape=False)
            result.outputs.append((f"ack (/deepgram {text[:40]!r})", sent.body))
            try:
                await bot.driver.wait_responses(sent.response_url, n=1, timeout=30)
            except TimeoutError:
                result.unanswered.append(text)

    async def dm(i: int, text: str) -> None:
        async with gate:
            user = slack.workspace.add_user(f"writer{i}")
            sent = await bot.driver.message_im(text, user=user, via=bot.transport)
            channel = slack.workspace.app_dm(user.id)
            assert channel is not None
            ts = sent.payload["event"]["ts"]

            def answered() -> list[Message]:
                return [m for m in slack.messages(channel.id) if m.bot_id and m.thread_ts == ts]

            try:
                await slack.wait_until(lambda: bool(answered()), 30)
            except TimeoutError:
                result.unanswered.append(f"DM {text[:40]!r}")

    await asyncio.gather(
        *(command(i, text) for i, text in enumerate(result.commands)),
        *(dm(i, text) for i, text in enumerate(result.dms)),
    )
    result.outputs += [(f"response_url post ({r.url[-12:]})", r.body) for r in slack.responses]
    result.outputs += [(f"Web API {c.method}", c.args) for c in slack.calls[calls_before:]]
    return result


# Markup that is live in Slack: mentions of anyone but real members, broadcasts, user groups,
# channels and links the user typed. Our own `<!date^…>` tokens and `<@member>` mentions are fine.
_LIVE = re.compile(
    rf"<(?:!(?!date\^)[^>]*|@{HOSTILE_USER}[^>]*|#{HOSTILE_CHANNEL}[^>]*|(?:https?://evil|mailto:)[^>]*)>?"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def strings(value: Any) -> Iterator[str]:
    """Every string inside a decoded JSON value (JSON kept in a string, like `files=`, is read too)."""
    if isinstance(value, str):
        yield value
        if value.startswith(("[", "{")):
            yield from strings(_json(value))
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


@dataclass
class Findings:
    """What leaked, as (where, snippet) pairs."""

    live_markup: list[tuple[str, str]] = field(default_factory=list)
    credentials: list[tuple[str, str]] = field(default_factory=list)
    control: list[tuple[str, str]] = field(default_factory=list)

    @property
    def outputs_with_live_markup(self) -> int:
        return len({where for where, _ in self.live_markup})

    @property
    def outputs_with_credentials(self) -> int:
        return len({where for where, _ in self.credentials})


#: Showing this many characters of a credential in a row (besides its last 4) is a leak.
LEAK_CHARS = 16


def _windows(secret: str) -> set[str]:
    """Every `LEAK_CHARS` run of `secret` but its last 4 (for a JWT, past its standard header)."""
    body = secret[secret.index(".") + 1 : -4] if secret.startswith("eyJ") else secret[:-4]
    return {body[i : i + LEAK_CHARS] for i in range(max(1, len(body) - LEAK_CHARS + 1))}


def scan(outputs: Sequence[tuple[str, Any]], secrets: Sequence[str]) -> Findings:
    """Live markup the user typed, credentials shown in full or in part (more than their last 4
    characters), control characters."""
    found = Findings()
    windows = {secret: _windows(secret) for secret in secrets}
    for index, (where, value) in enumerate(outputs):
        label = f"{index}: {where}"
        for text in strings(value):
            found.live_markup += [(label, m.group(0)[:60]) for m in _LIVE.finditer(text)]
            found.credentials += [
                (label, secret[:8] + "…") for secret, runs in windows.items() if any(r in text for r in runs)
            ]
            found.control += [(label, repr(m.group(0))) for m in _CONTROL.finditer(text)]
    return found


def replies(outputs: Sequence[tuple[str, Any]]) -> list[str]:
    """The text of every output, for a human to read."""
    return ["\n".join(strings(value)) for _, value in outputs]


def internal_errors(outputs: Sequence[tuple[str, Any]]) -> list[str]:
    """Outputs saying "Something went wrong on my side": a hostile input broke a listener."""
    return [where for where, value in outputs if any("went wrong on my side" in s for s in strings(value))]


#: Answers that are the reply to a question, not a refusal of what the bot sent: `subscribe --mention`
#: looks the typed user up, and a user that exists nowhere is `user_not_found`.
LOOKUPS = frozenset({("users.info", "user_not_found")})


def slack_refusals(slack: FakeSlack) -> list[str]:
    """Web API calls and response_url posts the fake refused (blocks too long, invalid arguments…)."""
    refused = [
        f"{c.method}: {c.error}"
        for c in slack.calls
        if not c.ok and not c.injected and (c.method, c.error) not in LOOKUPS
    ]
    return refused + [f"response_url {r.status}: {r.response_body[:80]}" for r in slack.responses if r.status != 200]
