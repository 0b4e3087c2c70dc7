"""Which playbook answers a question: `match()`, pure.

`match()` is pure and answers "which playbook?" in three steps, strongest first:

1. the exact topic id or one of its aliases (`401`, `bearer`, `NET-0001`, `1011`, `ws`, `tts`…),
   typed with any case and punctuation, or one edit away from it;
2. recognised error material: a JSON error body, a close reason, a `dg-error` header line, a
   refused handshake, an HTTP status (`bot.playbooks.errortext`);
3. ranked free-text search over the playbooks' text (`bot.playbooks.search`).

Below the confidence threshold the caller gets suggestions ("did you mean") instead of an answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import bot.playbooks.errortext as errortext
from bot.playbooks.library import Library, squash
from bot.playbooks.search import Hit, edit_distance
from bot.topics import Topic

MatchKind = Literal["id", "alias", "error", "search"]

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
