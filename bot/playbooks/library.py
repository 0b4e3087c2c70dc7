"""Troubleshooting playbooks: reading them from the package into a `Library`.

One Markdown file per `Topic` in `bot/playbooks/data/<topic id>.md`: a small front matter
(`title`, `summary`, `group`, `aliases`, `keywords`, optional `live_check`) and five sections
(Symptom, Likely causes, How to check, Fix, Docs). Writing them as data keeps the knowledge
reviewable by people who don't read Python, and lets tests check every one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, get_args

from bot.playbooks.search import Field, Index
from bot.topics import Topic

#: The live check a playbook's button runs. `agent`, `flux` and `tts_stream` name surfaces whose probes
#: do not exist yet; until they do, the Slack view gives those playbooks the status-report button.
LiveCheck = Literal["key", "streaming", "status", "agent", "flux", "tts_stream"]

PLAYBOOK_DIR = "data"

# Section keys in the order every playbook has them, with the heading each must use.
SECTIONS: Mapping[str, str] = {
    "symptom": "Symptom",
    "causes": "Likely causes",
    "check": "How to check",
    "fix": "Fix",
    "docs": "Docs",
}

# How much a word counts by where it appears in a playbook (see `bot.textsearch.Index`).
FIELD_WEIGHTS: Mapping[str, float] = {
    "title": 3.0,
    "aliases": 3.0,
    "keywords": 2.0,
    "summary": 2.0,
    "symptom": 1.5,
    "causes": 1.0,
    "check": 0.3,
    "fix": 0.3,
}


class PlaybookError(ValueError):
    """A playbook file is malformed: missing front matter, field or section."""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    #: The section's Markdown, as written in the file (not yet Slack mrkdwn).
    body: str


@dataclass(frozen=True)
class Playbook:
    topic: Topic
    title: str
    summary: str
    group: str
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    live_check: LiveCheck | None
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    @property
    def text(self) -> str:
        """Everything a reader sees, for "does this playbook mention X?" checks."""
        return "\n".join([self.title, self.summary, *(s.body for s in self.sections)])


# -- parsing ---------------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)
_HEADING = re.compile(r"^## (.+)$", re.M)


def parse_playbook(topic: Topic, text: str) -> Playbook:
    """Parse one playbook file; raises `PlaybookError` naming what is wrong."""
    found = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not found:
        raise PlaybookError(f"{topic.value}: no front matter between --- lines")
    meta = _front_matter(topic, found.group(1))
    for required in ("title", "summary", "group"):
        if not meta.get(required):
            raise PlaybookError(f"{topic.value}: front matter lacks {required!r}")
    live_check = meta.get("live_check") or None
    if live_check is not None and live_check not in get_args(LiveCheck):
        raise PlaybookError(f"{topic.value}: unknown live_check {live_check!r}")
    return Playbook(
        topic=topic,
        title=meta["title"],
        summary=meta["summary"],
        group=meta["group"],
        aliases=_list(meta.get("aliases", "")),
        keywords=_list(meta.get("keywords", "")),
        live_check=live_check,  # type: ignore[arg-type]  # checked against LiveCheck above
        sections=_sections(topic, found.group(2)),
    )


def _front_matter(topic: Topic, block: str) -> dict[str, str]:
    meta: dict[str, str] = {}
    for line in block.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise PlaybookError(f"{topic.value}: front matter line without a colon: {line!r}")
        meta[key.strip()] = value.strip()
    return meta


def _list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def _sections(topic: Topic, body: str) -> tuple[Section, ...]:
    headings = list(_HEADING.finditer(body))
    titles = [h.group(1).strip() for h in headings]
    if titles != list(SECTIONS.values()):
        raise PlaybookError(f"{topic.value}: sections must be {list(SECTIONS.values())}, found {titles}")
    sections = []
    for (key, title), heading, following in zip(SECTIONS.items(), headings, [*headings[1:], None], strict=True):
        text = body[heading.end() : following.start() if following else len(body)].strip()
        if not text:
            raise PlaybookError(f"{topic.value}: section {title!r} is empty")
        sections.append(Section(key, title, text))
    return tuple(sections)


# -- the library -----------------------------------------------------------------------------------


def squash(text: str) -> str:
    """The form ids and aliases are compared in: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


class Library:
    """Every playbook, with the alias table and the search index built from them."""

    def __init__(self, playbooks: Sequence[Playbook]) -> None:
        self._by_topic = {p.topic: p for p in playbooks}
        self.aliases: dict[str, Topic] = {}
        for p in playbooks:
            for name in (p.topic.value, *p.aliases):
                key = squash(name)
                owner = self.aliases.setdefault(key, p.topic)
                if owner is not p.topic:
                    raise PlaybookError(f"alias {name!r} is used by both {owner.value} and {p.topic.value}")
        self.index = Index({p.topic.value: _fields(p) for p in playbooks})

    def __getitem__(self, topic: Topic) -> Playbook:
        return self._by_topic[topic]

    def __iter__(self) -> Iterator[Playbook]:
        """Playbooks in `Topic` order."""
        return (self._by_topic[t] for t in Topic if t in self._by_topic)

    def __len__(self) -> int:
        return len(self._by_topic)

    def groups(self) -> dict[str, list[Playbook]]:
        """Playbooks by group, groups in order of first appearance."""
        grouped: dict[str, list[Playbook]] = {}
        for p in self:
            grouped.setdefault(p.group, []).append(p)
        return grouped


def _fields(p: Playbook) -> list[Field]:
    fields = [
        Field(p.title, FIELD_WEIGHTS["title"]),
        Field(" ".join(p.aliases), FIELD_WEIGHTS["aliases"]),
        Field(" ".join(p.keywords), FIELD_WEIGHTS["keywords"]),
        Field(p.summary, FIELD_WEIGHTS["summary"]),
    ]
    fields += [Field(s.body, FIELD_WEIGHTS[s.key]) for s in p.sections if s.key in FIELD_WEIGHTS]
    return fields


def read_playbook(topic: Topic) -> Playbook:
    """Read and parse the packaged playbook of `topic`."""
    path = resources.files("bot.playbooks").joinpath(f"{PLAYBOOK_DIR}/{topic.value}.md")
    return parse_playbook(topic, path.read_text(encoding="utf-8"))


@cache
def load_library() -> Library:
    """Every packaged playbook, parsed once per process."""
    return Library([read_playbook(topic) for topic in Topic])
