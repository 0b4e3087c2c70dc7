"""The PNG itself: its size and that there is something in it (the pixels are not compared)."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib

import pytest

from bot.charts import Chart, NothingToDraw, draw_chart, latency_chart, plan, read_chart_data
from bot.store import Store
from tests.conftest import ROOT
from tests.history_fixture import NOW, record_history

T = NOW.timestamp()
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which follows the signature."""
    assert png[:8] == PNG_SIGNATURE and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def png_colours(png: bytes, width: int, height: int, rows: int = 40) -> set[bytes]:
    """Distinct 4-byte groups in some rows of the middle of the (filtered, 8-bit RGBA) image data: a blank
    card has a handful, a drawing many. Enough to tell them apart without comparing pixels."""
    assert png[24:26] == bytes([8, 6])  # bit depth 8, colour type 6 (RGBA)
    chunks, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        if kind == b"IDAT":
            chunks.append(png[pos + 8 : pos + 8 + length])
        pos += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    stride = 1 + width * 4
    start = (height // 2) * stride
    pixels = set()
    for row in range(rows):
        line = raw[start + row * stride + 1 : start + (row + 1) * stride]
        pixels.update(line[i : i + 4] for i in range(0, len(line), 4))
    return pixels


def test_the_chart_is_a_png_of_the_planned_size() -> None:
    store = Store.open(":memory:")
    record_history(store)
    chart = latency_chart(store, now=T, days=7, with_day=True)
    spec = plan(read_chart_data(store, now=T, days=7, with_day=True))
    assert isinstance(chart, Chart)
    width, height = png_size(chart.png)
    assert (width, height) == (spec.width_px, spec.height_px) == (1600, 1650)
    assert len(chart.png) > 50_000
    assert len(png_colours(chart.png, width, height)) > 20  # lines, markers, text: not a blank card
    assert chart.filename == "deepgram-latency-20261207-1200.png"
    assert chart.title == "Deepgram latency from our probes, last 24 h and 7 days (to 2026-12-07 12:00 UTC)"
    assert "p50 820 ms" in chart.alt_text


def test_a_week_alone() -> None:
    """What a weekly digest draws: `latency_chart(store, now=…, days=7)`."""
    store = Store.open(":memory:")
    record_history(store, days=3)
    chart = latency_chart(store, now=T, days=7)
    assert png_size(chart.png) == (1600, 190 + 130 + 7 * 190)
    assert "last 7 days" in chart.title and "24 h" not in chart.title


def test_nothing_to_draw() -> None:
    with pytest.raises(NothingToDraw):
        latency_chart(Store.open(":memory:"), now=T)
    with pytest.raises(NothingToDraw):
        draw_chart(read_chart_data(Store.open(":memory:"), now=T))


def test_importing_the_bot_does_not_import_matplotlib() -> None:
    """matplotlib is loaded by the first chart only: not by `bot.charts`, the app or the CLI."""
    code = (
        "import sys\n"
        "import bot.charts, bot.cli, bot.runtime.app, handlers\n"
        "from bot.charts import chart_data, plan\n"
        "plan(chart_data([('rest', 100.0, 'ok', 5.0, None)], [], now=200.0, windows=[('24 h', 86400)]))\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'PIL'))\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)
