"""What handlers and jobs are given to work with, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.store import Store


@dataclass
class Deps:
    settings: Settings
    store: Store
