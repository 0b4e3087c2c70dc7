"""One sandbox session: the simulated world, the real bot connected to it, and a person typing.

Every input is turned into what Slack would send the bot: `/deepgram …` becomes a slash command,
plain text a DM (`message.im`), a number a click on that button (a `block_actions` payload with a
fresh response_url). Each one waits for its own answer (the command's response_url post, the
reply in the DM thread, the click's response) rather than for a fixed time, then prints
everything new in the fake Slack: ephemeral replies, channel posts, thread replies, edits and
uploaded files.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bot.slack.views.progress import PROGRESS_BLOCK_ID
from bot.store import Store
from simworld.render import ANSI, PLAIN, Button, Style, render_message
from simworld.sandbox.console import Console
from simworld.sandbox.feed import Feed, FeedItem
from simworld.sandbox.scenario import HELP, Scenario, ScenarioError
from simworld.slack import File
from simworld.slack.workspace import Channel, Workspace
from simworld.world import RunningBot, Transport, World

COMMAND = "/deepgram"
SUMMARY_PATH = "/api/v2/summary.json"
#: How often the outbox is looked at while waiting for alerts (a database has no change events).
OUTBOX_CHECK_SECONDS = 0.05


@dataclass(frozen=True)
class Options:
    """How the sandbox runs; the defaults are what `deepgram-doctor sandbox` uses."""

    transport: Transport = "socket"
    files_dir: Path = Path("sandbox-files")
    #: Status page poll interval: fast enough that alerts feel live.
    poll_seconds: float = 1.0
    #: Streaming probe pace: the 3-second clip in about 0.8 s, so `/deepgram status` takes about a second.
    stream_speed: float = 4.0
    #: The longest any input waits for its answer.
    timeout: float = 30.0
    color: bool = False

    def bot_settings(self) -> dict[str, str]:
        """The bot's settings beyond where the fakes are (see the README's configuration table)."""
        return {
            "STATUS_POLL_SECONDS": f"{self.poll_seconds:g}",
            "PROBE_STREAM_SPEED": f"{self.stream_speed:g}",
            "PROBE_TIMEOUT_SECONDS": "5",
            # Alerts come from the status page; periodic probes would add alerts at random moments.
            "PROBE_INTERVAL_SECONDS": "0",
            "ALERT_HOLD_POLLS": "1",
            # Scenario commands change the world at will: every /deepgram status probes afresh.
            "STATUS_FRESH_SECONDS": "0",
        }


@dataclass(frozen=True)
class Choice:
    """A numbered button on screen and where it is, so pressing it sends what Slack would."""

    button: Button
    channel: str | None
    ts: str
    stored: bool


class WorkspaceNames:
    """Display names straight from the fake workspace (users and channels created later included)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def user(self, user_id: str) -> str | None:
        user = self.workspace.user(user_id)
        return user.name if user is not None else None

    def channel(self, channel_id: str) -> str | None:
        channel = self.workspace.channel(channel_id)
        if channel is None:
            return None
        return "DM" if channel.kind == "im" else channel.name


def banner(transport: Transport) -> str:
    """What the sandbox says first: that nothing in it is real."""
    how = "Socket Mode" if transport == "socket" else "HTTP mode"
    return (
        "Deepgram Doctor sandbox: everything here is SIMULATED.\n"
        "No real Slack, no real Deepgram, nothing leaves this machine: a fake Slack workspace, a fake\n"
        "Deepgram API and a fake Deepgram status page run on 127.0.0.1, and the real bot\n"
        f"(`deepgram-doctor serve`, {how}) is connected to them."
    )


GREETING = (
    "Type what you would type in Slack: /deepgram help, /deepgram status, /deepgram why 401,\n"
    "or a question for the bot (sent as a DM). A button's number presses it. :outage streaming\n"
    "breaks things, :help lists every command, Ctrl-D leaves."
)


class Sandbox:
    """The world, the bot, and the transcript of one session."""

    def __init__(self, options: Options, console: Console) -> None:
        self.options = options
        self.console = console
        self.style: Style = ANSI if options.color else PLAIN
        self.world = World()
        self.bot: RunningBot | None = None
        self.store: Store | None = None
        self._state_dir = tempfile.TemporaryDirectory(prefix="deepgram-doctor-sandbox-")
        ws = self.world.slack.workspace
        self.user = ws.default_user
        self.channel: Channel = ws.default_channel
        self.names = WorkspaceNames(ws)
        self.feed = Feed(self.world.slack, self.user.id, self.names)
        self.scenario = Scenario(self.world.deepgram, self.world.statuspage)
        self.choices: dict[int, Choice] = {}
        self._next_number = 1
        #: Status page requests already served when the world or the bot last did something; `:wait`
        #: counts the monitor's polls after it.
        self._settled_at = 0
        #: False while an input is being handled: its answer is printed by the handler, in order.
        self.idle = asyncio.Event()

    # -- life cycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the fakes, then the bot against them, and wait until Slack can reach it."""
        await self.world.start()
        db = Path(self._state_dir.name) / "deepgram-doctor.db"
        # Tied to this process: even a sandbox killed with SIGKILL leaves no bot behind.
        self.bot = await self.world.start_bot(
            db, self.options.transport, tied_to_parent=True, **self.options.bot_settings()
        )
        self.store = Store.open(db)
        self.idle.set()

    async def stop(self) -> int | None:
        """Stop the bot (SIGTERM, as in production), then the fakes; returns the bot's exit status."""
        status = None
        self.idle.clear()
        if self.store is not None:
            self.store.close()
            self.store = None
        if self.bot is not None:
            status = await self.bot.process.stop()
            self.bot = None
        await self.world.stop()
        self._state_dir.cleanup()
        return status

    @property
    def prompt(self) -> str:
        return f"#{self.channel.name}> "

    @property
    def hold_polls(self) -> int:
        return int(self.options.bot_settings()["ALERT_HOLD_POLLS"])

    # -- inputs ---------------------------------------------------------------------------------

    async def handle(self, line: str) -> bool:
        """Act on one input; False when it asks to leave."""
        line = line.strip()
        if not line:
            return True
        if self.bot is not None and self.bot.process.proc is not None and self.bot.process.proc.returncode is not None:
            self.console.write(
                f"[sandbox] the bot has exited ({self.bot.process.proc.returncode}); its last log lines:"
            )
            self.console.write("\n".join(self.bot.process.lines[-20:]))
            return False
        self.idle.clear()
        try:
            if line.startswith(":"):
                return await self._sandbox_command(line)
            if line.startswith("/"):
                await self.slash_command(line)
            elif line.isdigit() and 0 < int(line) < self._next_number:
                await self.press(int(line))
            else:
                await self.direct_message(line)
            return True
        except (aiohttp.ClientError, OSError) as exc:
            # Slack's side of the conversation failed (the bot's socket went away…): say so, carry on.
            self.console.write(f"[sandbox] could not deliver that to the bot: {type(exc).__name__}: {exc}")
            return True
        finally:
            self._settled_at = len(self.world.statuspage.requests)
            self.show_new()
            self.idle.set()

    async def _sandbox_command(self, line: str) -> bool:
        word, _, rest = line[1:].strip().partition(" ")
        word = word.lower()
        if word in ("quit", "exit", "q"):
            return False
        if word in ("help", "h", "?"):
            self.console.write(HELP)
        elif word == "wait":
            await self.wait_for_alerts()
        elif word == "channel":
            self.switch_channel(rest)
        elif word == "dm":
            await self.direct_message(rest)
        else:
            try:
                changes = self.scenario.apply(line)
            except ScenarioError as exc:
                self.console.write(f"[sandbox] {exc}")
            else:
                for change in changes:
                    self.console.write(f"[world] {change}")
        return True

    def switch_channel(self, name: str) -> None:
        """Type the next commands in #name; a new public channel is created with just the user in it."""
        words = name.replace("#", " ").lower().split()
        name = words[0] if len(words) == 1 else ""
        if not name:
            self.console.write("[sandbox] usage: :channel <name>, e.g. :channel incidents")
            return
        ws = self.world.slack.workspace
        channel = ws.channel_by_name(name)
        if channel is None:
            channel = ws.add_channel(name, kind="public", members=(self.user,), bot_member=False)
            self.console.write(f"[sandbox] created #{name} (public; the bot is not in it yet); you are in #{name}")
        else:
            channel.members.add(self.user.id)
            self.console.write(f"[sandbox] you are in #{name}")
        self.channel = channel

    async def slash_command(self, line: str) -> None:
        """`/deepgram …` typed in the current channel: ack, then the answer through the response_url."""
        command, _, text = line.partition(" ")
        if command != COMMAND:
            # What Slack itself answers for a command no app in the workspace registered.
            self.console.write(f"[Slack] {command} is not a valid command. This workspace has {COMMAND}.")
            return
        assert self.bot is not None
        driver = self.bot.driver
        result = await driver.slash_command(text.strip(), channel=self.channel, via=self.bot.transport)
        if result.timed_out:
            self.console.write(f'[Slack] {COMMAND} failed with the error "operation_timeout"')
            return
        ack = _message_body(result.body)
        if ack and ack.get("response_type") != "in_channel" and (ack.get("text") or ack.get("blocks")):
            ts = self.world.slack.workspace.ts_clock.next()
            self.show(FeedItem(0.0, "only you", ack.get("text"), ack.get("blocks"), self.channel.id, ts, stored=False))
        await self._final_answer(result.response_url, "no answer from the bot")

    async def direct_message(self, text: str) -> None:
        """Plain text: a message to the bot in its DM (the Messages tab); it answers in the thread."""
        if not text.strip():
            self.console.write("[sandbox] usage: :dm <text>")
            return
        assert self.bot is not None
        result = await self.bot.driver.message_im(text, via=self.bot.transport)
        asked = str(result.payload["event"]["ts"])
        dm = self.world.slack.workspace.app_dm(self.user.id)
        assert dm is not None

        def answered() -> bool:
            return any(m.bot_id and m.thread_ts == asked for m in dm.messages)

        await self._until(answered, "no answer to the DM")

    async def press(self, number: int) -> None:
        """Click button `number`: a `block_actions` payload with a fresh response_url, as Slack sends."""
        assert self.bot is not None
        choice = self.choices.get(number)
        if choice is None:
            on_screen = " ".join(f"[{n}]" for n in sorted(self.choices)) or "none"
            self.console.write(f"[sandbox] button [{number}] is gone (its message was replaced); buttons: {on_screen}")
            return
        button = choice.button
        self.console.write(f'[you pressed "{button.label}"]')
        slack = self.world.slack
        url = slack.new_response_url(
            kind="actions", channel_id=choice.channel, user_id=self.user.id, message_ts=choice.ts
        )
        # An ephemeral message is named by its own ts, which no stored message has: Slack marks the
        # click `is_ephemeral` and `replace_original` can only replace that ephemeral.
        result = await self.bot.driver.block_action(
            button.action_id,
            value=button.value,
            channel=choice.channel,
            message_ts=choice.ts,
            response_url=url,
            via=self.bot.transport,
        )
        if result.status is None:
            self.console.write("[Slack] the bot did not acknowledge the click within 3 s")
            return
        await self._final_answer(url, "no answer to the click")

    async def _final_answer(self, response_url: str, what: str) -> None:
        """Wait for the last answer through `response_url`: a progressive status report is posted
        first with "probing…" rows, then replaced by the final one."""

        def final() -> bool:
            posts = [r for r in self.world.slack.responses if r.url == response_url]
            return bool(posts) and not _is_partial(posts[-1].body)

        await self._until(final, what)

    async def _until(self, condition: Callable[[], bool], what: str) -> None:
        try:
            await self.world.slack.wait_until(condition, timeout=self.options.timeout)
        except TimeoutError:
            self.console.write(f"[sandbox] {what} within {self.options.timeout:g} s")

    async def wait_for_alerts(self) -> None:
        """Wait until the bot has seen the world as it is now and delivered every alert it queued.

        The monitor polls the status page one job at a time, and holds a new minor incident for
        `ALERT_HOLD_POLLS` polls. So once `hold + 2` polls were served after the last change (or
        the last command), the poll that queued the alerts has finished; then the alerts are
        delivered when the bot's outbox has nothing pending or in flight.
        """
        page = self.world.statuspage
        since = self._settled_at
        needed = self.hold_polls + 2

        def polls() -> int:
            return sum(1 for r in page.requests[since:] if r.path == SUMMARY_PATH)

        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.options.timeout
        try:
            await page.wait_until(lambda: polls() >= needed, timeout=self.options.timeout)
            while self._outbox_busy():
                if loop.time() > deadline:
                    raise TimeoutError
                await asyncio.sleep(OUTBOX_CHECK_SECONDS)
        except TimeoutError:
            self.console.write(f"[sandbox] the bot had not caught up after {self.options.timeout:g} s")
            return
        self.show_new()
        self.console.write("[sandbox] the bot has caught up with the world; no alert is on its way")

    def _outbox_busy(self) -> bool:
        assert self.store is not None
        counts = self.store.outbox.counts()
        return bool(counts.get("pending") or counts.get("inflight"))

    # -- output ---------------------------------------------------------------------------------

    def show_new(self) -> None:
        """Print everything new in the fake Slack."""
        for item in self.feed.collect():
            self.show(item)

    async def watch(self) -> None:
        """Interactive sessions: print what arrives (alerts, thread replies) while the prompt waits."""
        slack = self.world.slack
        while True:
            await self.idle.wait()
            try:
                await slack.wait_until(self.feed.pending, timeout=3600)
            except TimeoutError:
                continue
            if self.idle.is_set():
                self.show_new()

    def show(self, item: FeedItem) -> None:
        """Print one message with its label; number its buttons; save its files."""
        rendered = render_message(
            item.text, item.blocks, names=self.names, style=self.style, first_number=self._next_number
        )
        # A replaced or edited message loses its old buttons, as in Slack.
        for number, old in list(self.choices.items()):
            if old.ts == item.ts and old.channel == item.channel:
                del self.choices[number]
        for button in rendered.buttons:
            self.choices[button.number] = Choice(button, item.channel, item.ts, item.stored)
        self._next_number += len(rendered.buttons)
        lines = rendered.lines + [self._save(f) for f in item.files]
        label = self.style.bold(f"[{item.label}]")
        if len(lines) <= 1:
            self.console.write(f"{label} {lines[0] if lines else ''}".rstrip())
            return
        # One write: an alert printed while the prompt waits must not have the prompt redrawn inside it.
        self.console.write("\n".join([label, *(f"  {line}" if line else "" for line in lines)]))

    def _save(self, file: File) -> str:
        """Write an uploaded file to the files folder; the line that says where it is."""
        if file.content is None:
            return f"[file] {file.name} (its upload never completed)"
        folder = self.options.files_dir
        size = f"{len(file.content):,} bytes"
        path = folder / file.name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            stem, suffix, n = path.stem, path.suffix, 1
            while path.exists():  # never overwrite an earlier clip
                n += 1
                path = folder / f"{stem}-{n}{suffix}"
            path.write_bytes(file.content)
        except OSError as exc:
            return f"[file] {file.name} ({size}) could not be saved to {folder}: {exc.strerror or exc}"
        return f"[file] {file.name} ({size}) saved to {_shown_path(path)}"


def _shown_path(path: Path) -> str:
    """`path` relative to the working directory when it is inside it (shorter, and the same on every machine)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


def _message_body(body: Any) -> dict[str, Any] | None:
    """An ack's message: a dict over Socket Mode; over HTTP the response body (JSON, or plain text)."""
    if isinstance(body, dict):
        return body
    if isinstance(body, str) and body.strip():
        try:
            decoded = json.loads(body)
        except ValueError:
            return {"text": body}
        return decoded if isinstance(decoded, dict) else None
    return None


def _is_partial(body: object) -> bool:
    """A progressive report still probing: its header block carries `PROGRESS_BLOCK_ID`."""
    blocks = body.get("blocks") if isinstance(body, dict) else None
    return any(isinstance(b, dict) and b.get("block_id") == PROGRESS_BLOCK_ID for b in blocks or [])
