"""Top-1 accuracy of the FAQ matcher on tests/data/faq_questions.tsv, per split, with every miss.

.venv/bin/python bench/faq_accuracy.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.playbooks.library import load_library  # noqa: E402
from tests.faq import evaluate, load_questions, report  # noqa: E402

if __name__ == "__main__":
    print(report(evaluate(load_questions(), load_library())))
