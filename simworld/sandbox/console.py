"""The terminal side of the sandbox: writing the transcript, reading the prompt, reading a script.

The prompt is read by `input()` in a daemon thread so the event loop stays free to print alerts
the moment they arrive, and so Ctrl-C can end the sandbox without waiting for the user to press
Enter (a daemon thread blocked in `input()` does not hold the process open).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

#: Clear the current terminal line (carriage return, erase to end of line).
CLEAR_LINE = "\r\x1b[K"


def _typed_so_far() -> str:
    """What the user has typed at the prompt (readline's buffer), to redraw it after an alert."""
    readline = sys.modules.get("readline")
    if readline is None:
        return ""
    try:
        return str(readline.get_line_buffer())
    except Exception:
        return ""


class Console:
    """Writes the transcript; when a prompt is on screen, output goes above it and the prompt is redrawn."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        #: The prompt currently waiting for input, set by the reader thread (None: no prompt shown).
        self.prompt_shown: str | None = None
        #: True once writing failed (hung-up terminal, closed pipe): later output is dropped.
        self.closed = False
        self._lock = threading.Lock()

    def write(self, text: str = "") -> None:
        """Print `text` (one or more lines). Never raises: a closed terminal must not stop the clean-up."""
        with self._lock:
            if self.closed:
                return
            prompt = self.prompt_shown
            try:
                if prompt is not None:
                    self.stream.write(CLEAR_LINE)
                self.stream.write(text + "\n")
                if prompt is not None:
                    self.stream.write(prompt + _typed_so_far())
                self.stream.flush()
            except (OSError, ValueError):
                # The terminal hung up or the pipe's reader left: nobody is reading any more.
                self.closed = True


class LineReader:
    """Reads lines in a background thread, one each time `get()` asks for it.

    Reading on the event loop's thread would freeze the fakes (they share the loop with the
    sandbox) while the user thinks, so the bot's status page polls would time out.
    """

    def __init__(self, read: Callable[[], str | None]) -> None:
        """`read` returns the next line, or None at the end of the input."""
        self._read = read
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._wanted = threading.Event()
        self._thread: threading.Thread | None = None

    async def get(self) -> str | None:
        """The next line, or None at the end of the input (Ctrl-D, end of the pipe)."""
        if self._thread is None:
            self._loop = asyncio.get_running_loop()
            self._thread = threading.Thread(target=self._run, name="sandbox-input", daemon=True)
            self._thread.start()
        # The next line is read (and its prompt shown) only once the previous answer was printed.
        self._wanted.set()
        return await self._lines.get()

    def _run(self) -> None:
        assert self._loop is not None
        while True:
            self._wanted.wait()
            self._wanted.clear()
            line = self._read()
            with contextlib.suppress(RuntimeError):  # the loop is gone: the sandbox is exiting
                self._loop.call_soon_threadsafe(self._lines.put_nowait, line)
            if line is None:
                return


def prompt_reader(console: Console, prompt: Callable[[], str]) -> LineReader:
    """Lines typed at `prompt()` (with readline's editing and history where the platform has it)."""

    def read() -> str | None:
        text = prompt()
        console.prompt_shown = text
        try:
            return input(text)
        except EOFError:
            return None
        finally:
            console.prompt_shown = None

    return LineReader(read)


def stream_reader(stream: TextIO) -> LineReader:
    """Lines of a script read from `stream` as they come (a pipe may still be writing them)."""

    def read() -> str | None:
        while True:
            raw = stream.readline()
            if not raw:
                return None
            line = script_line(raw)
            if line is not None:
                return line

    return LineReader(read)


def script_line(raw: str) -> str | None:
    """One line of a script as an input: trimmed; None for a blank line or a `#` comment."""
    line = raw.strip()
    return line if line and not line.startswith("#") else None


def script_lines(lines: Iterable[str]) -> Iterator[str]:
    """The inputs of a script: one per line, blank lines and `#` comments skipped."""
    for raw in lines:
        line = script_line(raw)
        if line is not None:
            yield line


class TerminalState:
    """Saves the terminal's settings and puts them back: `input()` with readline changes them, and a
    Ctrl-C while it waits would otherwise leave the terminal without echo."""

    def __init__(self, stream: TextIO) -> None:
        self._fd: int | None = None
        self._saved: list[Any] | None = None
        try:
            import termios
        except ImportError:  # not a POSIX terminal: nothing to save
            return
        try:
            self._fd = stream.fileno()
            self._saved = termios.tcgetattr(self._fd)
        except (OSError, ValueError, termios.error):
            self._saved = None

    def restore(self) -> None:
        if self._saved is None or self._fd is None:
            return
        import termios

        with contextlib.suppress(OSError, termios.error):  # the terminal may be gone (hang-up)
            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
