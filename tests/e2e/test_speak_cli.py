"""`deepgram-doctor speak` in a terminal: the same splitting and joining as in Slack, written to a file."""

from __future__ import annotations

import asyncio
import io
import os
from pathlib import Path

import mutagen.id3

from bot.speak.mp3 import join_mp3
from simworld.botproc import CONSOLE_SCRIPT, run_to_exit
from tests.e2e.conftest import World


def env(world: World, **extra: str) -> dict[str, str]:
    return {"DEEPGRAM_API_URL": world.deepgram.base_url, "DEEPGRAM_API_KEY": world.deepgram.api_key, **extra}


def spoken_text(mp3: bytes) -> str:
    return str(mutagen.id3.ID3(io.BytesIO(mp3))["TIT2"].text[0])


async def test_writes_the_joined_mp3(world: World, tmp_path: Path) -> None:
    """Only DEEPGRAM_* needed; long text becomes several requests joined in order into the output file."""
    text = " ".join(f"Line {i} of the command line test, spoken by an Aura voice." for i in range(45))
    out = tmp_path / "out.mp3"
    status, output = await run_to_exit(env(world), "speak", text, "--voice", "aura-2-luna-en", "-o", str(out))
    assert status == 0, output
    outputs = sorted(world.deepgram.speak_outputs, key=lambda o: text.index(spoken_text(o)))
    assert len(outputs) == 3
    assert out.read_bytes() == join_mp3(outputs)
    billed = sum(len(spoken_text(o)) for o in outputs)  # whitespace at the cuts is not sent
    assert f"Wrote {out}: {billed:,} characters with aura-2-luna-en in 3 request(s)" in output
    assert "deepgram.com/pricing" in output and world.deepgram.api_key not in output


async def test_stdin_in_and_stdout_out(world: World) -> None:
    """`-` reads the text from standard input and writes the MP3 bytes to standard output."""
    proc = await asyncio.create_subprocess_exec(
        str(CONSOLE_SCRIPT),
        "speak",
        "-",
        "-o",
        "-",
        env={"PATH": os.environ.get("PATH", ""), **env(world)},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    audio, err = await asyncio.wait_for(proc.communicate(b"Piped in from a file.\n"), 20)
    assert proc.returncode == 0, err
    assert world.deepgram.speak_outputs == [audio]
    assert b"Wrote stdout: 21 characters" in err


async def test_failures_and_bad_input_set_the_exit_status(world: World, tmp_path: Path) -> None:
    """Deepgram failing exits 1 with the reason; bad input or configuration exits 2; no file is written."""
    out = tmp_path / "never.mp3"
    world.deepgram.exhaust_credits()
    status, output = await run_to_exit(env(world), "speak", "Hello.", "-o", str(out))
    assert status == 1 and "out of credits (402)" in output and "/deepgram why credits" in output
    status, output = await run_to_exit(env(world), "speak", ":tada:", "-o", str(out))
    assert status == 2 and "only emoji" in output
    status, output = await run_to_exit(env(world, SPEAK_MAX_CHARS="5"), "speak", "Too long.", "-o", str(out))
    assert status == 2 and "I speak at most 5" in output
    status, output = await run_to_exit({"DEEPGRAM_API_URL": world.deepgram.base_url}, "speak", "Hi", "-o", str(out))
    assert status == 2 and "No DEEPGRAM_API_KEY" in output
    status, output = await run_to_exit(env(world, SPEAK_MAX_CHARS="zero"), "speak", "Hi")
    assert status == 2 and "SPEAK_MAX_CHARS must be a whole number" in output
    assert not out.exists()


async def test_voices_list(world: World) -> None:
    """`--voices` prints the key's voices, one line per family and language."""
    status, output = await run_to_exit(env(world), "speak", "--voices")
    assert status == 0, output
    assert output.startswith("Aura-2 · English (")
    assert "aura-2-thalia-en" in output and "From Deepgram's model list" in output
