"""The copied reference data is complete: every file a test reads is here, with where it came from."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REFERENCE_DATA, ROOT


def test_every_copied_folder_names_its_sources() -> None:
    """Each top-level source folder under tests/data keeps its SOURCES.md; the README lists every folder."""
    readme = (REFERENCE_DATA / "README.md").read_text()
    for group in ("deepgram/specs", "deepgram/recorded", "slack", "statuspage"):
        assert (REFERENCE_DATA / group / "SOURCES.md").is_file(), group
    for folder in sorted(p for p in REFERENCE_DATA.rglob("*") if p.is_dir()):
        top = folder.relative_to(REFERENCE_DATA).parts[:2]
        assert f"`{'/'.join(top[:1])}/" in readme, folder


def test_nothing_reads_outside_the_repository() -> None:
    """No test, fake or bench script points at a `../shared` folder beside the project."""
    offenders = []
    for folder in ("bot", "handlers", "simworld", "tests", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == Path(__file__):
                continue
            text = path.read_text()
            if '"shared"' in text or "'shared'" in text or "../shared" in text or 'parent / "shared' in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
