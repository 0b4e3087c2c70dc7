"""Troubleshooting playbooks: loading them from the package, and matching a question to one.

One Markdown file per `Topic` in `bot/data/playbooks/<topic id>.md`: a small front matter
(`title`, `summary`, `group`, `aliases`, `keywords`, optional `live_check`) and five sections
(Symptom, Likely causes, How to check, Fix, Docs). Writing them as data keeps the knowledge
reviewable by people who don't read Python, and lets tests check every one of them.

`match()` is pure and answers "which playbook?" in three steps, strongest first:

1. the exact topic id or one of its aliases (`401`, `bearer`, `NET-0001`, `1011`, `ws`, `tts`…),
   typed with any case and punctuation, or one edit away from it;
2. recognised error material: a JSON error body, a close reason, a `dg-error` header line, a
   refused handshake, an HTTP status (`bot.errortext`);
3. ranked free-text search over the playbooks' text (`bot.textsearch`).

Below the confidence threshold the caller gets suggestions ("did you mean") instead of an answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, get_args

from bot.playbooks import errortext
from bot.playbooks.search import Field, Hit, Index, edit_distance
from bot.topics import Topic

LiveCheck = Literal["key", "streaming", "status"]
MatchKind = Literal["id", "alias", "error", "search"]

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

# Confidence needed to answer with a playbook rather than "did you mean".
ERROR_THRESHOLD = 0.75
SEARCH_THRESHOLD = 0.3
# Candidates weaker than this are not worth suggesting.
SUGGEST_THRESHOLD = 0.12
# How much the words around recognised error material count: enough to pick between playbooks that
# explain the same error, never enough to overrule a clearly stronger clue.
CONTEXT_WEIGHT = 0.5
# A playbook that merely quotes an error starts this far behind the error's own playbook.
QUOTE_PENALTY = 0.1
# A BM25 score at which a match counts as strong (about two good words in a title or keywords).
STRONG_SCORE = 4.0
MAX_RUNNER_UPS = 3


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


# -- matching --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    topic: Topic
    score: float


@dataclass(frozen=True)
class Match:
    """What `match()` made of a query: the answer if confident, and the other candidates."""

    query: str
    best: Topic | None
    kind: MatchKind | None
    score: float
    #: Other plausible topics, best first (when `best` is None: the suggestions).
    runner_ups: tuple[Candidate, ...] = ()
    #: What was recognised in the query, e.g. "err_code INVALID_AUTH" (raw text: escape to show).
    evidence: str | None = None

    @property
    def empty(self) -> bool:
        return not self.query

    @property
    def found(self) -> bool:
        return self.best is not None


_LEADING_WORDS = re.compile(r"^\s*(?:/deepgram\s+)?(?:why\b\s*)+", re.I)


def match(query: str, library: Library) -> Match:
    """Find the playbook that answers `query` (a topic, an alias, pasted error text or a question)."""
    query = _LEADING_WORDS.sub("", query).strip().strip("`'\"").strip()
    if not query:
        return Match(query="", best=None, kind=None, score=0.0)
    exact = _exact(query, library)
    if exact is not None:
        return exact
    confidence = search_confidence(library.index.search(query))
    clues = errortext.recognise(query)
    strong = [c for c in clues if c.weight >= ERROR_THRESHOLD]
    if strong:
        return _error_match(query, library, strong[0], clues, confidence)
    ranked = list(confidence)  # in the order of the search's scores
    candidates = [Candidate(t, confidence[t]) for t in ranked if confidence[t] >= SUGGEST_THRESHOLD]
    if ranked and confidence[ranked[0]] >= SEARCH_THRESHOLD:
        return Match(query, ranked[0], "search", confidence[ranked[0]], tuple(candidates[1 : MAX_RUNNER_UPS + 1]))
    # Weak clues still make good suggestions, after the search's own ranking.
    for clue in clues:
        if clue.topic not in {c.topic for c in candidates}:
            candidates.append(Candidate(clue.topic, round(clue.weight, 3)))
    top = max((c.score for c in candidates), default=0.0)
    return Match(query, None, None, top, tuple(candidates[:MAX_RUNNER_UPS]))


def _error_match(
    query: str,
    library: Library,
    clue: errortext.Clue,
    clues: Sequence[errortext.Clue],
    confidence: Mapping[Topic, float],
) -> Match:
    """Answer recognised error material. A playbook whose symptom quotes the very error (the
    temporary-token playbook quotes `Insufficient permissions.`, the models playbook quotes 400)
    competes with the error's own playbook: it starts `QUOTE_PENALTY` behind, and the words around
    the error decide between them."""
    contenders = {clue.topic: clue.weight + CONTEXT_WEIGHT * confidence.get(clue.topic, 0.0)}
    for p in library:
        if p.topic is not clue.topic and clue.needle and _quotes(p.section("symptom").body, clue.needle):
            contenders[p.topic] = clue.weight - QUOTE_PENALTY + CONTEXT_WEIGHT * confidence.get(p.topic, 0.0)
    for other in clues:
        contenders.setdefault(other.topic, other.weight + CONTEXT_WEIGHT * confidence.get(other.topic, 0.0))
    ranked = sorted(contenders, key=lambda t: (-contenders[t], t.value))
    best = ranked[0]
    # Name what was recognised for the chosen playbook (a code and its message, say), strongest first.
    evidence = "; ".join(dict.fromkeys(c.evidence for c in clues if c.topic is best)) or clue.evidence
    others = [Candidate(t, round(min(1.0, contenders[t]), 3)) for t in ranked[1:]]
    others += [Candidate(t, confidence[t]) for t in confidence if t not in contenders]
    others = [c for c in others if c.score >= SUGGEST_THRESHOLD]
    return Match(query, best, "error", round(min(1.0, contenders[best]), 3), tuple(others[:MAX_RUNNER_UPS]), evidence)


def _quotes(text: str, needle: str) -> bool:
    """Does `text` quote `needle` (numbers as whole words, anything else case-insensitively)?"""
    if needle.isdigit():
        return re.search(rf"(?<![\w.]){needle}(?![\w])", text) is not None
    return needle.lower() in text.lower()


def search_confidence(hits: Sequence[Hit]) -> dict[Topic, float]:
    """Each hit's confidence, 0..1, in the hits' order: how much of the query it matched
    (coverage), how far it is ahead of the best other playbook (share), and whether the match is
    strong at all (strength)."""
    confidence: dict[Topic, float] = {}
    for i, hit in enumerate(hits):
        rival = hits[1].score if i == 0 and len(hits) > 1 else hits[0].score if i else 0.0
        share = hit.score / (hit.score + rival)
        strength = min(1.0, hit.score / STRONG_SCORE)
        confidence[Topic(hit.key)] = round(hit.coverage * share * strength, 3)
    return confidence


def _exact(query: str, library: Library) -> Match | None:
    key = squash(query)
    if not key or len(query) > 60:
        return None
    topic = library.aliases.get(key)
    if topic is not None:
        kind: MatchKind = "id" if key == squash(topic.value) else "alias"
        return Match(query, topic, kind, 1.0)
    # One typo away from a single-word id or alias ("calback", "emtpy", "net-001").
    if len(key) >= 5 and " " not in query.strip():
        near = sorted((edit_distance(key, alias, 1), alias) for alias in library.aliases if len(alias) >= 5)
        if near and near[0][0] <= 1:
            return Match(query, library.aliases[near[0][1]], "alias", 0.9)
    return None
