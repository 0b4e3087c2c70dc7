"""The FAQ matcher against the question table: how often the first answer is the right playbook."""

from __future__ import annotations

import pytest

from bot.playbooks.library import load_library
from bot.topics import Topic
from tests.faq import accuracy, evaluate, load_questions, report

QUESTIONS = load_questions()
OUTCOMES = evaluate(QUESTIONS, load_library())


def test_the_table_is_big_and_well_formed() -> None:
    """At least 60 questions with a topic, a held-out part, and only real topic ids."""
    with_topic = [q for q in QUESTIONS if q.expected is not None]
    assert len(with_topic) >= 60
    assert len([q for q in with_topic if q.split == "holdout"]) >= 20
    assert {q.split for q in QUESTIONS} == {"dev", "holdout", "none"}
    assert {q.expected for q in with_topic} <= {t.value for t in Topic}
    assert len({q.text for q in QUESTIONS}) == len(QUESTIONS), "no duplicate questions"


def test_top1_accuracy_is_at_least_90_percent(capsys: pytest.CaptureFixture[str]) -> None:
    """≥90% of all questions get the right playbook first, ≥85% of the held-out ones alone."""
    answerable = [o for o in OUTCOMES if o.question.expected is not None]
    holdout = [o for o in answerable if o.question.split == "holdout"]
    with capsys.disabled():
        print("\n" + report(OUTCOMES))
    assert accuracy(answerable) >= 0.90
    assert accuracy(holdout) >= 0.85


def test_small_talk_matches_no_playbook() -> None:
    """Greetings and off-topic chatter get no playbook at all."""
    assert all(o.right for o in OUTCOMES if o.question.split == "none")
