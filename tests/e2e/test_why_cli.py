"""`deepgram-doctor why` in a terminal: the playbook as text, the topic list, exit 1 for no match."""

from __future__ import annotations

from simworld.botproc import run_to_exit


async def test_prints_the_playbook_of_a_pasted_close_reason() -> None:
    """A close code finds its playbook; the terminal gets no Slack syntax and names CLI commands."""
    status, output = await run_to_exit({}, "why", "1011", "NET-0001")
    assert status == 0, output
    assert output.startswith("NET-0001 (close 1011)")
    assert "Likely causes" in output and "/deepgram why" not in output
    assert "<!" not in output and ":warning:" not in output


async def test_no_topic_lists_them_and_nonsense_exits_1() -> None:
    status, output = await run_to_exit({}, "why")
    assert status == 0 and "Troubleshooting topics" in output and "deepgram-doctor why <topic>" in output
    status, output = await run_to_exit({}, "why", "xyzzy", "plugh")
    assert status == 1 and "No playbook matches" in output
