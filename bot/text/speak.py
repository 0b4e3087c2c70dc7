"""`deepgram-doctor speak` in a terminal: the voice list, and what was written."""

from __future__ import annotations

from bot.speak.service import PRICING_URL, Speech
from bot.speak.voices import VoiceCatalog, catalog_footer
from bot.text.prose import plain

__all__ = ["voices_text", "written_text"]


def voices_text(catalog: VoiceCatalog) -> str:
    """The voice list for a terminal: one line per family and language, then where it came from."""
    lines = [f"{g.family} · {g.language} ({len(g.models)}): " + " ".join(g.models) for g in catalog.groups()]
    lines += [plain(catalog.source()), plain(catalog_footer())]
    return "\n".join(lines)


def written_text(speech: Speech, where: str, seconds: float) -> str:
    """The line after the MP3 is written to `where` (a path, or `stdout`), `seconds` long."""
    return (
        f"Wrote {where}: {speech.chars:,} characters with {speech.voice} in {speech.pieces} request(s), "
        f"{len(speech.audio):,} bytes, {seconds:.1f} s of audio; "
        f"{speech.cost} (rough pay-as-you-go estimate, see {PRICING_URL})."
    )
