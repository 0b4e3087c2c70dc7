"""`deepgram-doctor sandbox`: every command, offline, in the terminal, against the simulated world.

The fake Slack, fake Deepgram and fake status page start on loopback, the real bot starts
against them (`deepgram-doctor serve`, the production code path), and the terminal becomes a
Slack client: type `/deepgram status`, a DM, a button's number, or a scenario command such as
`:outage streaming`. `--script FILE` runs inputs from a file and prints the transcript.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from simworld.sandbox.console import Console, TerminalState, prompt_reader, script_lines, stream_reader
from simworld.sandbox.session import GREETING, Options, Sandbox, banner
from simworld.world import Transport

__all__ = ["Options", "Sandbox", "main", "run"]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

#: Where inputs come from: the next line, or None at the end.
LineSource = Callable[[Sandbox, Console], Callable[[], Awaitable[str | None]]]


def wants_color(stream: TextIO) -> bool:
    """Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def from_prompt(sandbox: Sandbox, console: Console) -> Callable[[], Awaitable[str | None]]:
    """Inputs typed at the prompt (`#general> `)."""
    return prompt_reader(console, lambda: sandbox.prompt).get


def from_lines(lines: Sequence[str]) -> LineSource:
    """Inputs from a script already read."""

    def source(sandbox: Sandbox, console: Console) -> Callable[[], Awaitable[str | None]]:
        pending = iter(lines)

        async def next_line() -> str | None:
            return next(pending, None)

        return next_line

    return source


def from_stream(stream: TextIO) -> LineSource:
    """Inputs from a stream (standard input), read as they come."""

    def source(sandbox: Sandbox, console: Console) -> Callable[[], Awaitable[str | None]]:
        return stream_reader(stream).get

    return source


async def run(options: Options, source: LineSource, stdout: TextIO, *, echo: bool) -> int:
    """Run one session on the inputs `source` gives; `echo` prints each input after its prompt
    (a script's transcript). Returns the exit status."""
    console = Console(stdout)
    sandbox = Sandbox(options, console)
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    interrupted = False

    def interrupt() -> None:
        # The first Ctrl-C (or hang-up, or SIGTERM) ends the session; later ones must not cut the
        # clean-up short.
        nonlocal interrupted
        if not interrupted:
            interrupted = True
            task.cancel()

    for sig in _SIGNALS:
        loop.add_signal_handler(sig, interrupt)
    watcher: asyncio.Task[None] | None = None
    failed: str | None = None
    console.write(banner(options.transport))
    try:
        try:
            console.write("Starting the simulated services and the bot…")
            try:
                await sandbox.start()
            except (AssertionError, OSError, TimeoutError) as exc:
                failed = f"The bot did not start: {exc}"
                return EXIT_FAILURE
            ws = sandbox.world.slack.workspace
            console.write(f'Ready. You are @{sandbox.user.name} in #{sandbox.channel.name} of "{ws.team_name}".')
            console.write(GREETING)
            console.write()
            if not echo:
                watcher = asyncio.create_task(sandbox.watch(), name="sandbox-watch")
            next_line = source(sandbox, console)
            while (line := await next_line()) is not None:
                if echo:
                    console.write(f"{sandbox.prompt}{line}")
                if not await sandbox.handle(line):
                    break
            else:
                if not echo:
                    console.write()  # Ctrl-D leaves the cursor after the prompt
        except asyncio.CancelledError:
            if not interrupted:
                raise
            task.uncancel()
            # A reader thread may still wait in `input()`: stop redrawing its prompt.
            console.prompt_shown = None
            console.write("\nInterrupted.")
    finally:
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        if failed:
            console.write(failed)
        console.write("Stopping the bot and the simulated services…")
        bot_process = sandbox.bot.process if sandbox.bot is not None else None
        status = await sandbox.stop()
        for sig in _SIGNALS:
            loop.remove_signal_handler(sig)
    # A signal that ended the session may have reached the bot too (Ctrl-C goes to the whole
    # process group, a hang-up to the terminal's): its exit status then says nothing.
    if status not in (None, 0) and bot_process is not None and not interrupted:
        console.write(f"The bot exited with status {status}. Its last log lines:")
        console.write("\n".join(bot_process.lines[-20:]))
        return EXIT_FAILURE
    console.write("Done: nothing is left running.")
    return EXIT_OK


def main(
    *,
    script: str | None,
    transport: Transport = "socket",
    files_dir: str = "sandbox-files",
    poll_seconds: float = 1.0,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """`deepgram-doctor sandbox`: the prompt on a terminal, else a script (`-` or a pipe: standard input)."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    options = Options(transport=transport, files_dir=Path(files_dir), poll_seconds=poll_seconds)
    options = replace(options, color=wants_color(stdout))
    interactive = script is None and stdin.isatty()
    source: LineSource
    if interactive:
        source = from_prompt
    elif script is None or script == "-":
        source = from_stream(stdin)
    else:
        try:
            with open(script, encoding="utf-8") as f:
                source = from_lines(list(script_lines(f)))
        except OSError as exc:
            print(f"deepgram-doctor sandbox: cannot read {script}: {exc.strerror}", file=sys.stderr)
            return EXIT_USAGE
    terminal = TerminalState(stdin) if interactive else None
    if interactive:
        # Line editing and history at the prompt, where the platform has it.
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401
    try:
        return asyncio.run(run(options, source, stdout, echo=not interactive))
    finally:
        if terminal is not None:
            terminal.restore()
