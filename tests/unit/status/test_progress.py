"""The partial status report (core) and its Slack view: the official status as last read, the probes so far."""

from __future__ import annotations

import json

from bot.probes import ProbeResult
from bot.slack.views.progress import PROBING, PROGRESS_BLOCK_ID, progress_reply, reused_note
from bot.status.progress import build_partial
from bot.statuspage.client import SummaryFetch
from bot.statuspage.model import Incident, Summary
from bot.surfaces import SURFACE_IDS, surface

GREEN = Summary("Deepgram", "https://status.deepgram.com", None, "none", "All Systems Operational")
INCIDENT = Incident("inc1", "Elevated <streaming> errors", "investigating", "major", "https://stspg.io/abc", None, None)
RED = Summary("Deepgram", "https://status.deepgram.com", None, "major", "Partial System Outage", (), (INCIDENT,))
URL = "https://status.deepgram.com"


def ok(surface_id: str) -> ProbeResult:
    return ProbeResult(surface_id, "ok", "Fine", elapsed_ms=120.0)


def texts(blocks: list[dict[str, object]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_nothing_done_yet_no_verdict_every_surface_probing() -> None:
    partial = build_partial(SummaryFetch("fresh", GREEN, 10.0), 12.0, {}, key_configured=True, status_url=URL)
    assert partial.pending == SURFACE_IDS and partial.done == {}
    assert partial.verdict is None  # nothing shows a problem yet (and "no probe ran" would be untrue)
    reply = progress_reply(partial)
    blocks = reply.blocks or []
    assert blocks[0]["text"]["text"] == ":hourglass_flowing_sand: Checking Deepgram…"
    assert blocks[0]["block_id"] == PROGRESS_BLOCK_ID  # tells a partial report from the answer
    rows = [b["text"]["text"] for b in blocks if b["type"] == "section"][1:]
    assert len(rows) == len(SURFACE_IDS) and all(r.endswith(PROBING) for r in rows)
    assert "(read 12 s ago): :large_green_circle: All Systems Operational" in texts(blocks)
    assert reply.text.startswith("Checking Deepgram: 0 of")
    assert not any(b["type"] == "actions" for b in blocks)  # the buttons come with the finished report


def test_done_surfaces_show_their_result_in_table_order() -> None:
    first, last = SURFACE_IDS[0], SURFACE_IDS[-1]
    partial = build_partial(
        SummaryFetch("fresh", GREEN, 10.0), 1.0, {last: ok(last), first: ok(first)}, key_configured=True, status_url=URL
    )
    assert list(partial.done) == [first, last]
    assert partial.pending == SURFACE_IDS[1:-1]
    sections = [b["text"]["text"] for b in progress_reply(partial).blocks or [] if b["type"] == "section"]
    assert f"No problem so far: 2 of {len(SURFACE_IDS)} probes done" in sections[0]
    rows = sections[1:]
    assert rows[0].startswith(f"*{surface(first).label.replace('&', '&amp;')}*\n:large_green_circle: Fine")
    assert rows[1].endswith(PROBING)


def test_a_reported_incident_is_the_verdict_so_far_with_its_link() -> None:
    partial = build_partial(SummaryFetch("fresh", RED, 10.0), 30.0, {}, key_configured=True, status_url=URL)
    assert partial.verdict is not None and not partial.verdict.healthy
    blocks = progress_reply(partial).blocks or []
    assert blocks[0]["text"]["text"].endswith("(so far)")
    shown = texts(blocks)
    assert "<https://stspg.io/abc|Elevated &lt;streaming&gt; errors>" in shown
    assert ":large_orange_circle: Partial System Outage" in shown


def test_a_failing_probe_is_the_verdict_so_far() -> None:
    auth = SURFACE_IDS[0]
    failed = ProbeResult(auth, "failed", "Deepgram rejected the key (401)", http_status=401)
    partial = build_partial(
        SummaryFetch("fresh", GREEN, 10.0), 1.0, {auth: failed}, key_configured=True, status_url=URL
    )
    assert partial.verdict is not None and partial.verdict.kind == "key_rejected"


def test_status_page_not_read_yet() -> None:
    partial = build_partial(None, None, {}, key_configured=True, status_url=URL)
    assert partial.summary is None and partial.verdict is None
    assert f"<{URL}|Deepgram status page>: not read yet" in texts(progress_reply(partial).blocks or [])


def test_reused_note_says_how_old() -> None:
    assert "finished 8.0 s ago" in reused_note(8.0) and "*Run again*" in reused_note(8.0)
