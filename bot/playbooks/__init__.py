"""Troubleshooting playbooks (Markdown files in `data/`), and matching questions and pasted errors to them."""

from bot.playbooks.library import Library, LiveCheck, Playbook, PlaybookError, Section, load_library, parse_playbook
from bot.playbooks.match import Candidate, Match, MatchKind, match

__all__ = [
    "Candidate",
    "Library",
    "LiveCheck",
    "Match",
    "MatchKind",
    "Playbook",
    "PlaybookError",
    "Section",
    "load_library",
    "match",
    "parse_playbook",
]
