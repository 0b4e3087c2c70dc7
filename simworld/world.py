"""The whole simulated world in one object: fake Slack, fake Deepgram and fake status page.

Both the end-to-end tests and `deepgram-doctor sandbox` need the same thing: the three fakes on
loopback, set up the way the bot expects to find the real services (the workspace grants the
manifest's scopes, Deepgram knows what the bot's probe clip says), and an environment that points
`deepgram-doctor serve` at them. Keeping that here means the sandbox a newcomer runs is exactly
the world the tests check.

    async with World() as world:
        running = await world.start_bot(tmp_path / "doctor.db", "socket")
        await running.driver.slash_command("status")
        ...
        await running.process.stop()

Nothing here reads test data: the probe clip comes from the installed `bot` package, and the
Slack API reference (contract checks) is only used when a test passes `api_ref_dir`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Self

from bot.probes import Clip
from simworld.botproc import BotProcess, free_port
from simworld.deepgram import Clip as FakeClip
from simworld.deepgram import FakeDeepgram
from simworld.slack import FakeSlack, SlackDriver
from simworld.statuspage import FakeStatusPage

Transport = Literal["socket", "http"]

#: What the bot's probe clip (`bot/probes/data/probe-clip.wav`) says: the first seven words of the real
#: nova-3 transcript of the speech it is cut from, with their recorded timings and confidences
#: (python-sdk-v4 `listen/rest/c4e1…-a17f…-response.json`, copied here so nothing reads test data at run
#: time; see `bot/probes/data/README.md`). The recorded punctuation is kept: "States," goes on.
PROBE_WORDS: tuple[dict[str, Any], ...] = (
    {"word": "we", "start": 0.32, "end": 0.79999995, "confidence": 0.8624085, "punctuated_word": "We,"},
    {"word": "the", "start": 0.79999995, "end": 0.96, "confidence": 0.99879944, "punctuated_word": "the"},
    {"word": "people", "start": 0.96, "end": 1.1999999, "confidence": 0.9702684, "punctuated_word": "people"},
    {"word": "of", "start": 1.1999999, "end": 1.4399999, "confidence": 0.9261229, "punctuated_word": "of"},
    {"word": "the", "start": 1.4399999, "end": 1.5999999, "confidence": 0.9968953, "punctuated_word": "The"},
    {"word": "united", "start": 1.5999999, "end": 1.92, "confidence": 0.99693906, "punctuated_word": "United"},
    {"word": "states", "start": 1.92, "end": 2.56, "confidence": 0.98952234, "punctuated_word": "States,"},
)
PROBE_SENTENCE = " ".join(w["punctuated_word"] for w in PROBE_WORDS)


def probe_clip() -> FakeClip:
    """The bot's probe clip as the fake Deepgram knows it: the recorded real transcript and timings."""
    return FakeClip(audio=Clip.load().wav, transcript=PROBE_SENTENCE, words=[dict(w) for w in PROBE_WORDS])


#: The bot scopes `manifest.yml` asks for. The sandbox grants these without reading the manifest,
#: which an installed package does not ship; tests/packaging/test_manifest.py keeps the two equal.
MANIFEST_BOT_SCOPES: frozenset[str] = frozenset(
    {
        "commands",
        "chat:write",
        "chat:write.public",
        "channels:join",
        "channels:read",
        "groups:read",
        "channels:history",
        "groups:history",
        "files:write",
        "im:history",
        "im:read",
        "im:write",
        "users:read",
        "usergroups:read",
    }
)

#: Bot settings every simulated run shares: fast probes, short waits for the dead, no periodic
#: probes (they are switched on only where wanted, so alerts come from the status page alone).
BASE_ENV: dict[str, str] = {
    # Stream the 2.6-second probe clip 50x faster than real time.
    "PROBE_STREAM_SPEED": "50",
    "PROBE_TIMEOUT_SECONDS": "3",
    "PROBE_INTERVAL_SECONDS": "0",
}


@dataclass
class RunningBot:
    """`deepgram-doctor serve` running against a world, and the driver that talks to it as Slack."""

    process: BotProcess
    driver: SlackDriver
    transport: Transport
    env: dict[str, str]

    async def restart(self, world: World) -> None:
        """Start the bot again with the same environment (same database, same port)."""
        self.process = await BotProcess(self.env).start()
        if self.transport == "socket":
            await world.slack.socket.wait_connected(timeout=10)


class World:
    """Fake Slack, fake Deepgram and fake status page, started and stopped together."""

    def __init__(
        self,
        *,
        api_ref_dir: Path | None = None,
        bot_scopes: Iterable[str] = MANIFEST_BOT_SCOPES,
    ) -> None:
        """`api_ref_dir` turns on the fake Slack's contract checks; `bot_scopes` is what the install grants."""
        self.slack = FakeSlack(api_ref_dir=api_ref_dir)
        # The workspace grants exactly what the manifest asks for, so a missing scope shows up.
        self.slack.workspace.bot_scopes = set(bot_scopes)
        self.deepgram = FakeDeepgram()
        self.statuspage = FakeStatusPage()
        self._started: list[FakeSlack | FakeDeepgram | FakeStatusPage] = []

    async def start(self) -> Self:
        """Start the three servers on 127.0.0.1 (random ports); Deepgram learns the probe clip."""
        try:
            for server in (self.slack, self.deepgram, self.statuspage):
                await server.start()
                self._started.append(server)
        except BaseException:
            await self.stop()
            raise
        self.deepgram.register_clip(probe_clip())
        return self

    async def stop(self) -> None:
        """Stop whatever was started, last first."""
        while self._started:
            await self._started.pop().stop()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    def bot_env(self, db_path: Path | str, transport: Transport, **extra: str) -> dict[str, str]:
        """The environment that points `deepgram-doctor serve` at this world (`extra` wins)."""
        slack = self.slack
        env = {
            "SLACK_BOT_TOKEN": slack.bot_token,
            "SLACK_API_URL": slack.api_url,
            "DEEPGRAM_API_URL": self.deepgram.base_url,
            "DEEPGRAM_AGENT_URL": self.deepgram.agent_url,
            "DEEPGRAM_API_KEY": self.deepgram.api_key,
            "DEEPGRAM_STATUS_URL": self.statuspage.base_url,
            "DEEPGRAM_DOCTOR_DB": str(db_path),
            **BASE_ENV,
            **extra,
        }
        if transport == "socket":
            env["SLACK_APP_TOKEN"] = slack.app_token
        else:
            env["SLACK_SIGNING_SECRET"] = slack.signing_secret
            env.setdefault("PORT", str(free_port()))
        return env

    async def start_bot(
        self, db_path: Path | str, transport: Transport, *, tied_to_parent: bool = False, **extra: str
    ) -> RunningBot:
        """Start the real bot process against this world and wait until Slack can reach it.

        `tied_to_parent` terminates the bot if this process dies without cleaning up (Linux).
        """
        env = self.bot_env(db_path, transport, **extra)
        process = BotProcess(env, tied_to_parent=tied_to_parent)
        try:
            await process.start()
            if transport == "socket":
                await self.slack.socket.wait_connected(timeout=10)
        except BaseException:
            # Never leave a bot running behind a failed (or interrupted) start.
            if process.proc is not None:
                await process.stop()
            raise
        app_url = f"http://127.0.0.1:{env['PORT']}/slack/events" if transport == "http" else None
        return RunningBot(
            process=process, driver=SlackDriver(self.slack, app_url=app_url), transport=transport, env=env
        )
