"""Run `deepgram-doctor serve` as a real subprocess, the way a user starts it.

Used by the end-to-end tests and the benchmarks: the bot under test is the installed console
script, started with an environment that points it at the simulated world.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

CONSOLE_SCRIPT = Path(sys.executable).with_name("deepgram-doctor")
#: prctl(2) option: the signal the kernel sends a process when its parent dies.
PR_SET_PDEATHSIG = 1


def bot_command() -> list[str]:
    """How to start the bot: the console script beside this Python, as a user would, or, where the
    installer put scripts elsewhere (`pip install --user`), `python -m bot`, which is the same entry point."""
    if CONSOLE_SCRIPT.exists():
        return [str(CONSOLE_SCRIPT)]
    return [sys.executable, "-m", "bot"]


def die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` asking Linux to SIGTERM the child when its parent dies (`PR_SET_PDEATHSIG`),
    so a parent killed without a chance to clean up leaves no bot behind; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here, not between fork and exec
    except (OSError, AttributeError):
        return None

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    return preexec


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


WARM_SCRIPT = Path(__file__).with_name("warmbot.py")


class _Spares:
    """One `simworld/warmbot.py` process kept ready (its imports done), replaced as soon as it is taken."""

    def __init__(self) -> None:
        self.spare: subprocess.Popen[bytes] | None = None

    def take(self) -> subprocess.Popen[bytes]:
        spare = self.spare if self.spare is not None and self.spare.poll() is None else self._spawn()
        self.spare = self._spawn()
        return spare

    def close(self) -> None:
        if self.spare is not None and self.spare.poll() is None:
            self.spare.kill()
            self.spare.wait()
        self.spare = None

    @staticmethod
    def _spawn() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, str(WARM_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={"PATH": os.environ.get("PATH", ""), "PYTHONUNBUFFERED": "1"},
            preexec_fn=die_with_parent(),
        )


_SPARES = _Spares()
atexit.register(_SPARES.close)


class _Warm:
    """A spare that became the bot: the calls `BotProcess` makes of an `asyncio.subprocess.Process`."""

    def __init__(self, popen: subprocess.Popen[bytes], stdout: asyncio.StreamReader) -> None:
        self.popen = popen
        self.pid = popen.pid
        self.stdout = stdout

    @property
    def returncode(self) -> int | None:
        return self.popen.poll()

    def kill(self) -> None:
        self.popen.kill()

    def send_signal(self, sig: int) -> None:
        self.popen.send_signal(sig)

    async def wait(self) -> int:
        while (code := self.popen.poll()) is None:
            await asyncio.sleep(0.01)
        return code


class BotProcess:
    """The bot in a child process; its JSON log lines are collected as they arrive.

    `warm` (the end-to-end tests turn it on): the process is a spare started ahead of time with its
    imports done (`simworld/warmbot.py`), handed its environment and arguments, and then the same
    `deepgram-doctor` entry point; it saves each test about a second. Off for a `PYTHONPATH`
    override (another copy of the code) and by default.
    """

    warm = False

    def __init__(self, env: Mapping[str, str], *args: str, tied_to_parent: bool = False) -> None:
        """`tied_to_parent`: the bot is terminated if this process dies (Linux), for interactive tools."""
        self.env = {"PATH": os.environ.get("PATH", ""), "PYTHONUNBUFFERED": "1", **env}
        self.args = ["serve", *args]
        self.tied_to_parent = tied_to_parent
        self.proc: asyncio.subprocess.Process | _Warm | None = None
        self.lines: list[str] = []
        self._reader: asyncio.Task[None] | None = None
        self._new_line = asyncio.Event()

    @property
    def logs(self) -> list[dict[str, Any]]:
        entries = []
        for line in self.lines:
            with contextlib.suppress(ValueError):
                entries.append(json.loads(line))
        return entries

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    async def start(self, *, ready_timeout: float = 20.0) -> BotProcess:
        if self.warm and "PYTHONPATH" not in self.env:
            self.proc = await self._take_spare()
        else:
            self.proc = await self._spawn()
        self._reader = asyncio.create_task(self._read())
        await self.wait_for_log("ready", timeout=ready_timeout)
        return self

    async def _take_spare(self) -> _Warm:
        popen = _SPARES.take()
        assert popen.stdin is not None and popen.stdout is not None
        popen.stdin.write(json.dumps({"env": self.env, "args": self.args}).encode() + b"\n")
        popen.stdin.close()
        reader = asyncio.StreamReader()
        loop = asyncio.get_running_loop()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), popen.stdout)
        return _Warm(popen, reader)

    async def _spawn(self) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            *bot_command(),
            *self.args,
            env=self.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            preexec_fn=die_with_parent() if self.tied_to_parent else None,
        )

    async def _read(self) -> None:
        assert self.proc and self.proc.stdout
        async for raw in self.proc.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))
            self._new_line.set()
        self._new_line.set()

    async def wait_for_log(self, event: str, *, timeout: float = 10.0) -> dict[str, Any]:
        """Wait until the bot logs `event`; fail with its output if it exits or times out first."""
        assert self.proc

        async def find() -> dict[str, Any]:
            while True:
                for entry in self.logs:
                    if entry.get("event") == event:
                        return entry
                if self.proc is not None and self.proc.returncode is not None and self._reader and self._reader.done():
                    raise AssertionError(
                        f"bot exited ({self.proc.returncode}) before logging {event!r}:\n{self.output}"
                    )
                self._new_line.clear()
                await self._new_line.wait()

        try:
            return await asyncio.wait_for(find(), timeout)
        except TimeoutError:
            raise AssertionError(f"bot did not log {event!r} within {timeout}s:\n{self.output}") from None

    async def kill(self) -> int:
        """SIGKILL: the process dies wherever it is, as in a crash or an OOM kill."""
        assert self.proc
        self.proc.kill()
        await self.proc.wait()
        return await self._reaped()

    async def _reaped(self) -> int:
        """Wait for the output reader to see the end; return the exit status."""
        assert self.proc is not None
        if self._reader:
            await self._reader
        assert self.proc.returncode is not None
        return self.proc.returncode

    async def stop(self) -> int:
        """SIGTERM, as a container runtime would; returns the exit status."""
        assert self.proc
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        return await self._reaped()


async def run_to_exit(env: Mapping[str, str], *args: str, timeout: float = 20.0) -> tuple[int, str]:
    """Run the console script to completion; returns (exit status, combined output)."""
    proc = await asyncio.create_subprocess_exec(
        str(CONSOLE_SCRIPT),
        *args,
        env={"PATH": os.environ.get("PATH", ""), **env},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    assert proc.returncode is not None
    return proc.returncode, out.decode()
