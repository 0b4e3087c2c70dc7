"""The README and CI script say what the code does: commands, environment, test command."""

from __future__ import annotations

import re

from bot.config import Settings
from handlers import SUBCOMMANDS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def _block(start: str, end: str) -> str:
    match = re.search(re.escape(start) + r".*?\n(.*?)" + re.escape(end), README, re.S)
    assert match, f"README lacks the {start!r} … {end!r} block"
    return match.group(1)


def test_readme_command_table_matches_router() -> None:
    """The README's command table lists exactly the router's subcommands, in order, with their help."""
    rows = [
        line for line in _block("<!-- commands:start", "<!-- commands:end -->").splitlines() if line.startswith("| `")
    ]
    expected = [f"| `{sub.full_usage}` | {sub.summary} |" for sub in SUBCOMMANDS]
    assert rows == expected


def test_readme_lists_every_environment_variable() -> None:
    """Every variable the settings read is documented in the README's table."""
    source = (ROOT / "bot" / "config.py").read_text()
    names = set(re.findall(r'"((?:SLACK|DEEPGRAM|STATUS|PORT|PROBE|BALANCE|ALERT|SPEAK)[A-Z_]*)"', source))
    assert names, "no variable names found in bot/config.py"
    for name in names:
        assert f"| `{name}` |" in README, name
    assert Settings.__doc__


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run executes the README's fresh-machine test command verbatim."""
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    test_command = next(c for c in commands if "pytest" in c)
    assert test_command in (ROOT / ".ci" / "run").read_text()
