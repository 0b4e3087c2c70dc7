"""Text to speech, the use case's settings: the rough cost per family and the SPEAK_MAX_CHARS ceiling."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.errors import ConfigError
from bot.speak.service import estimate_cost, format_cost


def test_cost_estimates_are_rough_and_per_family() -> None:
    """Aura-2 costs about twice Aura-1 per character; tiny amounts read as "under $0.01"."""
    assert estimate_cost(1000, "aura-2-thalia-en") == pytest.approx(2 * estimate_cost(1000, "aura-asteria-en"))
    assert format_cost(estimate_cost(13, "aura-2-thalia-en")) == "under $0.01"
    assert format_cost(estimate_cost(4000, "aura-2-thalia-en")).startswith("about $0.")


def test_speak_max_chars_setting() -> None:
    """SPEAK_MAX_CHARS defaults to 5000, takes a whole number, and is validated with the rest."""
    assert Settings.from_env({}, slack=False).speak_max_chars == 5000
    assert Settings.from_env({"SPEAK_MAX_CHARS": "1200"}, slack=False).speak_max_chars == 1200
    for bad in ("0", "lots", "2.5", "1000000"):
        with pytest.raises(ConfigError) as info:
            Settings.from_env({"SPEAK_MAX_CHARS": bad}, slack=False)
        assert any("SPEAK_MAX_CHARS" in p for p in info.value.problems)
