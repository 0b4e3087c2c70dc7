"""`/deepgram history`'s reply with the chart: an image block naming the uploaded file, and where it went."""

from __future__ import annotations

from bot.slack.views.history import CHART_COMING, CHART_SENT, NO_CHART, ChartImage, chart_block, history_reply
from bot.slack.views.progress import PROGRESS_BLOCK_ID
from bot.status.history import History, SurfaceStats
from bot.surfaces import SURFACES

HISTORY = History({spec.id: {"24 h": SurfaceStats(0, 0, None, None)} for spec in SURFACES}, ())


def test_the_image_block_names_the_file_by_id_only() -> None:
    block = chart_block(ChartImage("F0123456789", "a" * 2500, "Deepgram latency"))
    assert block["type"] == "image" and block["slack_file"] == {"id": "F0123456789"}
    assert "image_url" not in block and len(block["alt_text"]) == 2000
    assert block["title"] == {"type": "plain_text", "text": "Deepgram latency", "emoji": False}


def test_the_reply_keeps_the_text_and_adds_the_chart_and_a_note() -> None:
    plain = history_reply(HISTORY).blocks or []
    shown = history_reply(HISTORY, chart=ChartImage("F0123456789", "alt", "t"), note=CHART_SENT).blocks or []
    assert shown[:3] == plain[:3] and shown[-1] == plain[-1]
    assert [b["type"] for b in shown[3:5]] == ["image", "context"] and shown[4]["elements"][0]["text"] == CHART_SENT
    interim = history_reply(HISTORY, note=CHART_COMING, interim=True).blocks or []
    assert interim[3]["block_id"] == PROGRESS_BLOCK_ID  # replaced by the answer, as a partial status report is
    assert "block_id" not in (history_reply(HISTORY, note=NO_CHART).blocks or [])[3]
