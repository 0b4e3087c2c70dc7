"""The README, the docs and the CI script say what the code does: commands, environment, test command, links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import Settings
from handlers import SUBCOMMANDS
from tests.conftest import ROOT

README_PATH = ROOT / "README.md"
README = README_PATH.read_text()
DOCS = sorted((ROOT / "docs").glob("*.md"))
#: Every Markdown page a reader of the repository is pointed to.
PAGES = [README_PATH, *DOCS]
#: The pages that carry the generated `/deepgram` command table.
COMMAND_TABLES = [README_PATH, ROOT / "docs" / "commands.md"]

_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT))


def _block(text: str, start: str, end: str, where: str) -> str:
    match = re.search(re.escape(start) + r".*?\n(.*?)" + re.escape(end), text, re.S)
    assert match, f"{where} lacks the {start!r} … {end!r} block"
    return match.group(1)


def _section(text: str, heading: str) -> str:
    """The text under a `## heading`, up to the next `## ` heading."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no '## {heading}' section"
    return match.group(1)


def _without_code(text: str) -> str:
    """The text without fenced code blocks: their `#` lines are not headings, their brackets not links."""
    return _FENCE.sub("", text)


def _anchors(text: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered."""
    seen: dict[str, int] = {}
    anchors = set()
    for heading in _HEADING.findall(_without_code(text)):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


@pytest.mark.parametrize("page", COMMAND_TABLES, ids=_name)
def test_command_table_matches_router(page: Path) -> None:
    """The command table lists exactly the router's subcommands, in order, with their help."""
    block = _block(page.read_text(), "<!-- commands:start", "<!-- commands:end -->", _name(page))
    rows = [line for line in block.splitlines() if line.startswith("| `")]
    expected = [f"| `{sub.full_usage}` | {sub.summary} |" for sub in SUBCOMMANDS]
    assert rows == expected


def test_readme_lists_every_environment_variable() -> None:
    """The README's configuration table has a row for every variable the settings read, and no other."""
    source = (ROOT / "bot" / "config.py").read_text()
    read = set(re.findall(r'(?:\btext|\b_number|\b_url|\benviron\.get)\((?:environ,\s*)?"([A-Z][A-Z0-9_]*)"', source))
    assert {"SLACK_BOT_TOKEN", "DEEPGRAM_API_KEY", "PORT"} <= read, "variable names not found in bot/config.py"
    table = _section(README, "Configure")
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", table, re.M))
    assert sorted(read - documented) == [], "read by bot/config.py but missing from the README's table"
    assert sorted(documented - read) == [], "in the README's table but not read by bot/config.py"
    assert Settings.__doc__


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run executes the README's fresh-machine test command verbatim."""
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    test_command = next(c for c in commands if "pytest" in c)
    assert test_command in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_relative_links_point_to_existing_files(page: Path) -> None:
    """Every relative link (and its #anchor, for a Markdown target) leads somewhere that exists."""
    text = page.read_text()
    broken = []
    for target in _LINK.findall(_without_code(text)):
        if _SCHEME.match(target):
            continue  # https:, mailto: and the like
        path_part, _, anchor = target.partition("#")
        resolved = (page.parent / path_part).resolve() if path_part else page
        if not resolved.is_relative_to(ROOT) or not resolved.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved.read_text()):
            broken.append(f"{target} (no such heading)")
    assert broken == []


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_docs_do_not_send_readers_outside_the_repository(page: Path) -> None:
    """A plain clone stands alone: no page asks for a reference folder beside the project."""
    assert not re.search(r"\.\./shared\b", page.read_text())


def test_readme_links_every_docs_page() -> None:
    """Nothing in docs/ is orphaned: the README links each page."""
    assert DOCS, "docs/ has no pages"
    for page in DOCS:
        assert f"(docs/{page.name}" in README, page.name
