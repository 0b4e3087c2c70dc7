"""What the terminal commands that read the running bot's database share (`history`, `digest`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["bot_database"]


def bot_database(command: str) -> str | None:
    """DEEPGRAM_DOCTOR_DB, when it names an existing file (these commands never create one); else None,
    after saying on stderr what is wrong (the caller exits with the configuration status, 2)."""
    path = os.environ.get("DEEPGRAM_DOCTOR_DB", "").strip()
    if path and Path(path).is_file():
        return path
    where = f"there is no database at {path!r}" if path else "DEEPGRAM_DOCTOR_DB is not set"
    print(f"deepgram-doctor {command}: {where}; point DEEPGRAM_DOCTOR_DB at the bot's database.", file=sys.stderr)
    return None
