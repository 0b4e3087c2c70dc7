"""`deepgram-doctor sandbox` as a user runs it: the scripted tour, and the interactive prompt under a pty."""

from __future__ import annotations

import os
import pty
import re
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from simworld.botproc import CONSOLE_SCRIPT, run_to_exit
from tests.conftest import ROOT

TOUR = ROOT / "examples" / "sandbox-tour.txt"
PROMPT = re.compile(r"^#[a-z0-9-]+> ", re.M)
# Slack wire markup a reader must never see: link, mention and date tokens, entities, shortcodes.
MARKUP = re.compile(r"<[@#!]|<https?:|<mailto:|&lt;|&gt;|&amp;|:[a-z]+_[a-z_]+:")
# Terminal control sequences (readline's bracketed paste, line clearing) and carriage returns.
CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


def answers(transcript: str) -> list[tuple[str, str]]:
    """The transcript as (input, everything printed until the next input)."""
    marks = list(PROMPT.finditer(transcript))
    pairs = []
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        line_end = transcript.index("\n", mark.end())
        end = following.start() if following else len(transcript)
        pairs.append((transcript[mark.end() : line_end], transcript[line_end + 1 : end]))
    return pairs


def port_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def addresses(transcript: str) -> set[int]:
    """Loopback ports the transcript shows (the fake status page, the fake Deepgram)."""
    return {int(p) for p in re.findall(r"http://127\.0\.0\.1:(\d+)", transcript)}


async def test_scripted_tour(tmp_path: Path) -> None:
    """The README's tour runs every subcommand, a DM, a button and an outage with its resolution, readably."""
    files = tmp_path / "files"
    status, transcript = await run_to_exit(
        {}, "sandbox", "--script", str(TOUR), "--files", str(files), "--poll", "0.5", timeout=90
    )
    assert status == 0, transcript
    assert "everything here is SIMULATED" in transcript and "nothing leaves this machine" in transcript
    assert transcript.rstrip().endswith("Done: nothing is left running.")
    assert not MARKUP.search(transcript), MARKUP.search(transcript)
    steps = answers(transcript)
    said = {line: output for line, output in steps}
    subcommands = {line.split()[1] for line, _ in steps if line.startswith("/deepgram")}
    assert subcommands == {
        "help", "status", "why", "check-key", "subscribe", "subscriptions", "history", "speak", "unsubscribe",
    }  # fmt: skip

    assert "`/deepgram status`  Is it Deepgram or us?" in said["/deepgram help"]
    first_status = next(out for line, out in steps if line == "/deepgram status")
    assert "[only you] Checking Deepgram" in first_status and "✅ All good" in first_status
    assert "[1] Post to channel  [2] Run again" in first_status

    dm = said["my websocket closes after 10 seconds"]
    assert dm.startswith('[DM › thread "my websocket closes after 10 seconds"]') and "NET-0001" in dm

    assert "401 Unauthorized: Deepgram rejected the credentials" in said["/deepgram why 401"]
    assert "[4] Check our key" in said["/deepgram why 401"]
    pressed = said["4"]
    assert pressed.startswith('[you pressed "Check our key"]') and "Rejected (Deepgram answered 401" in pressed
    assert "✅ All checks pass." in said["/deepgram check-key"]

    subscribed = said["/deepgram subscribe"]
    assert "[#incidents] @deepgram-doctor has joined the channel" in subscribed
    assert (
        "[#incidents]\n  📡 @alice subscribed this channel" in subscribed and "[only you] ✅ Subscribed" in subscribed
    )
    assert "This channel: everything on Deepgram's status page" in said["/deepgram subscriptions"]

    # The outage reaches the subscribed channel once, and its resolution lands in the alert's thread.
    outage_index = [line for line, _ in steps].index(":outage streaming")
    (_, alert), (_, report), (_, _), (_, resolution) = steps[outage_index + 1 : outage_index + 5]
    assert alert.startswith("[#incidents]\n  🚨 Investigating · Streaming API outage")
    assert "🚨 Deepgram reports a problem" in report and "🔴 Major outage" in report
    assert resolution.startswith('[#incidents › thread "Streaming API outage: investigating"]\n  ✅ Resolved')
    assert "[#incidents · edited]\n  ✅ Resolved, lasted" in resolution
    assert transcript.count("🚨 Investigating · Streaming API outage") == 1

    history = said["/deepgram history"]
    assert "Recent Deepgram incidents" in history
    assert "[image: Line chart of Deepgram latency (p50 and p95)" in history
    assert "Only you can see this chart" in history
    (chart,) = files.glob("deepgram-latency-*.png")  # shared into the DM, saved like any file
    assert chart.read_bytes().startswith(b"\x89PNG")
    speak = said["/deepgram speak Streaming is back. Thanks for your patience!"]
    (saved,) = files.glob("*.mp3")
    assert f"[file] deepgram-aura-2-thalia-en.mp3 ({saved.stat().st_size:,} bytes) saved to {saved.resolve()}" in speak
    audio = saved.read_bytes()
    assert audio[:3] == b"ID3" or audio[0] == 0xFF  # an MP3: ID3 tag or frame sync
    assert "🔕 Unsubscribed" in said["/deepgram unsubscribe"]

    assert all(port_closed(port) for port in addresses(transcript))


# -- the interactive prompt, in a pseudo-terminal ------------------------------------------------

# Run the sandbox with the pty as its controlling terminal (so Ctrl-C raises SIGINT as in a real
# terminal): a tiny Python makes it so, then execs the console script in its place (same pid).
TAKE_TERMINAL = (
    "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); os.execv(sys.argv[1], sys.argv[1:])"
)


class Terminal:
    """The master side of a pty running `deepgram-doctor sandbox`; reads until a pattern shows."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        self.master, slave = pty.openpty()
        env = {"PATH": os.environ.get("PATH", ""), "NO_COLOR": "1", "TERM": "xterm", "HOME": str(tmp_path)}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", TAKE_TERMINAL, str(CONSOLE_SCRIPT), "sandbox", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=tmp_path,
            start_new_session=True,
        )
        os.close(slave)
        self.seen = ""

    def expect(self, pattern: str, timeout: float = 20.0) -> str:
        """Read until `pattern` (a regex) appears in what was printed; returns the text up to it."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            found = regex.search(self.seen)
            if found:
                before, self.seen = self.seen[: found.end()], self.seen[found.end() :]
                return before
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {pattern!r} within {timeout} s; the screen shows:\n{self.seen}")
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the other side closed: the sandbox has exited
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"the sandbox exited before {pattern!r}; the screen shows:\n{self.seen}")
                self.seen += CONTROL.sub("", chunk.decode(errors="replace"))

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def children(self) -> list[int]:
        """Processes whose parent is the sandbox (the bot)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    found.append(int(entry.name))
        return found

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """The sandbox at its prompt in a pseudo-terminal, in HTTP mode (the tour covers Socket Mode)."""
    term = Terminal(tmp_path, "--http")
    try:
        term.expect(r"#general> ")
        yield term
    finally:
        term.close()


def gone(pid: int, timeout: float = 5.0) -> bool:
    """Wait (briefly) until process `pid` no longer exists."""
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the bot process")
def test_prompt_answers_presses_a_button_shows_alerts_and_exits_on_ctrl_d(terminal: Terminal) -> None:
    """Type a command, see the report, press its button by number, see an alert arrive while the
    prompt waits, Ctrl-D: exit 0 and the bot is gone."""
    (bot,) = terminal.children()
    terminal.type("/deepgram status\r")
    report = terminal.expect(r"\[2\] Run again\n#general> ")
    assert "[only you] Checking Deepgram" in report and "✅ All good" in report
    terminal.type("2\r")
    rerun = terminal.expect(r"\[4\] Run again\n#general> ")
    assert '[you pressed "Run again"]' in rerun and "[only you · replaces the message it was pressed on]" in rerun
    terminal.type("/deepgram subscribe\r")
    assert "Subscribed" in terminal.expect(r"#general> ")
    terminal.type(":outage tts\r")
    assert "TTS API outage" in terminal.expect(r"#general> ")
    # Nothing typed: the alert is printed as it arrives, above a redrawn prompt.
    terminal.expect(r"\[#general\]\n  🚨 Investigating · TTS API outage(.|\n)*\n#general> ")
    terminal.type("\x04")
    terminal.expect(r"Done: nothing is left running\.")
    assert terminal.proc.wait(timeout=20) == 0
    assert gone(bot)
    assert all(port_closed(port) for port in addresses(report))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the bot process")
def test_ctrl_c_at_the_prompt_exits_cleanly(terminal: Terminal) -> None:
    """Ctrl-C at the prompt stops the bot and the fakes and exits 0, leaving nothing behind."""
    (bot,) = terminal.children()
    terminal.type("\x03")
    terminal.expect(r"Interrupted\.(.|\n)*Done: nothing is left running\.")
    assert terminal.proc.wait(timeout=20) == 0
    assert gone(bot)
