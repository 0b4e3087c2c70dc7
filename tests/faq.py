"""The FAQ question table (`tests/data/faq_questions.tsv`) and how well the matcher answers it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.playbooks.library import Library
from bot.playbooks.match import match

QUESTIONS = Path(__file__).parent / "data" / "faq_questions.tsv"


@dataclass(frozen=True)
class Question:
    split: str
    #: The topic id that should answer it, or None when no playbook should.
    expected: str | None
    text: str


@dataclass(frozen=True)
class Outcome:
    question: Question
    got: str | None

    @property
    def right(self) -> bool:
        return self.got == self.question.expected


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        split, expected, text = line.split("\t")
        questions.append(Question(split, None if expected == "-" else expected, text))
    return questions


def evaluate(questions: Sequence[Question], library: Library) -> list[Outcome]:
    """The matcher's top-1 answer to each question."""
    outcomes = []
    for q in questions:
        found = match(q.text, library)
        outcomes.append(Outcome(q, found.best.value if found.best else None))
    return outcomes


def accuracy(outcomes: Sequence[Outcome]) -> float:
    return sum(o.right for o in outcomes) / len(outcomes) if outcomes else 0.0


def report(outcomes: Sequence[Outcome]) -> str:
    """Per-split top-1 accuracy, then every miss."""
    lines = []
    splits = dict.fromkeys(o.question.split for o in outcomes)
    answerable = [o for o in outcomes if o.question.expected is not None]
    for split in splits:
        part = [o for o in outcomes if o.question.split == split]
        lines.append(f"{split:8} top-1 {sum(o.right for o in part)}/{len(part)} = {accuracy(part):.1%}")
    lines.append(
        f"{'all':8} top-1 {sum(o.right for o in answerable)}/{len(answerable)} = {accuracy(answerable):.1%} "
        "(questions with a topic)"
    )
    for o in outcomes:
        if not o.right:
            lines.append(f"  miss [{o.question.split}] want {o.question.expected} got {o.got}: {o.question.text}")
    return "\n".join(lines)
