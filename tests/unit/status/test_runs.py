"""`StatusRuns`: one run for many askers, the last run reused while fresh, a bound on runs in flight.

The runs are fake coroutines that wait for the test to release them; the clock is a number the test
moves. No test sleeps.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.probes import ProbeResult
from bot.status.probing import OnResult
from bot.status.runs import Runner, StatusRuns
from bot.statuspage.client import SummaryFetch
from bot.statuspage.model import Summary


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Runs:
    """Fake runs: each records that it started, reports one probe, then waits for `release()`."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.gate = asyncio.Event()

    def runner(self, name: str, *, fail: bool = False) -> Runner[str]:
        async def run(on_result: OnResult) -> str:
            self.started.append(name)
            on_result("auth", ProbeResult("auth", "ok", "Fine"))
            await self.gate.wait()
            if fail:
                raise RuntimeError("the run broke")
            return name

        return run

    def release(self) -> None:
        self.gate.set()


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_concurrent_askers_share_one_run() -> None:
    clock, fake = Clock(), Runs()
    runs: StatusRuns[str] = StatusRuns(clock=clock)
    asks = [runs.ask(fake.runner(f"run{i}")) for i in range(20)]
    assert [a.how for a in asks] == ["new"] + ["joined"] * 19
    await settle()
    assert asks[0].flight.done.keys() == {"auth"}  # progress is visible to every asker
    fake.release()
    assert await asyncio.gather(*(a.flight.result() for a in asks)) == ["run0"] * 20
    assert fake.started == ["run0"] and runs.started == 1
    assert asks[0].flight.askers == 20


async def test_a_finished_run_is_reused_while_fresh_then_not() -> None:
    clock, fake = Clock(), Runs()
    fake.release()
    runs: StatusRuns[str] = StatusRuns(fresh_seconds=15, clock=clock)
    first = runs.ask(fake.runner("first"))
    assert await first.flight.result() == "first"
    clock.now += 14.9
    again = runs.ask(fake.runner("second"))
    assert again.how == "cached" and again.flight is first.flight
    assert again.flight.age(clock()) == pytest.approx(14.9)
    assert await again.flight.result() == "first"
    clock.now += 0.1
    later = runs.ask(fake.runner("third"))
    assert later.how == "new" and await later.flight.result() == "third"
    assert fake.started == ["first", "third"]


async def test_no_reuse_when_fresh_seconds_is_zero() -> None:
    clock, fake = Clock(), Runs()
    fake.release()
    runs: StatusRuns[str] = StatusRuns(fresh_seconds=0, clock=clock)
    await runs.ask(fake.runner("a")).flight.result()
    assert runs.ask(fake.runner("b")).how == "new"


async def test_force_skips_the_cache_and_runs_under_way_but_joins_a_queued_run() -> None:
    clock, fake = Clock(), Runs()
    runs: StatusRuns[str] = StatusRuns(max_concurrent=1, clock=clock)
    running = runs.ask(fake.runner("running"))
    await settle()  # it has started: it may have probed before the click
    clock.now += 1
    click = runs.ask(fake.runner("click"), force=True)
    assert click.how == "new"
    another_click = runs.ask(fake.runner("another click"), force=True)
    assert another_click.how == "joined" and another_click.flight is click.flight  # queued: starts later
    plain = runs.ask(fake.runner("plain"))
    assert plain.flight is running.flight  # not forced: the run closest to its end
    await settle()
    assert fake.started == ["running"]  # one slot: the click's run waits for it
    assert runs.in_flight == 2
    fake.release()
    assert await click.flight.result() == "click"
    assert fake.started == ["running", "click"]
    clock.now += 1
    assert runs.ask(fake.runner("x")).how == "cached"
    assert runs.ask(fake.runner("y"), force=True).how == "new"


async def test_at_most_max_concurrent_runs_in_flight() -> None:
    clock, fake = Clock(), Runs()
    runs: StatusRuns[str] = StatusRuns(max_concurrent=2, clock=clock)
    asks = []
    for i in range(6):
        asks.append(runs.ask(fake.runner(f"r{i}"), force=True))
        await settle()
        clock.now += 1
    assert fake.started == ["r0", "r1"]  # two running; every later click joined the one queued run
    assert len({id(a.flight) for a in asks}) == 3
    fake.release()
    await asyncio.gather(*(a.flight.result() for a in asks))
    assert fake.started == ["r0", "r1", "r2"]


async def test_a_shallower_run_does_not_answer_a_deeper_asker() -> None:
    """The monitor's run without a Voice Agent turn (depth 0) cannot answer /deepgram status (depth 1);
    the command's run answers the monitor."""
    clock, fake = Clock(), Runs()
    fake.release()
    runs: StatusRuns[str] = StatusRuns(clock=clock)
    await runs.ask(fake.runner("monitor"), depth=0).flight.result()
    clock.now += 1
    command = runs.ask(fake.runner("command"), depth=1)
    assert command.how == "new"
    await command.flight.result()
    assert runs.ask(fake.runner("monitor again"), depth=0).flight is command.flight
    assert runs.last(1) is command.flight


async def test_a_failed_run_reaches_its_askers_and_is_not_reused() -> None:
    clock, fake = Clock(), Runs()
    runs: StatusRuns[str] = StatusRuns(clock=clock)
    first, second = runs.ask(fake.runner("bad", fail=True)), runs.ask(fake.runner("unused"))
    fake.release()
    for ask in (first, second):
        with pytest.raises(RuntimeError, match="the run broke"):
            await ask.flight.result()
    assert runs.ask(fake.runner("good")).how == "new"


async def test_an_asker_who_goes_away_does_not_cancel_the_run() -> None:
    clock, fake = Clock(), Runs()
    runs: StatusRuns[str] = StatusRuns(clock=clock)
    leaving, staying = runs.ask(fake.runner("run")), runs.ask(fake.runner("unused"))
    waiter = asyncio.create_task(leaving.flight.result())
    await settle()
    waiter.cancel()
    fake.release()
    assert await staying.flight.result() == "run"


async def test_wait_says_whether_the_run_finished() -> None:
    clock, fake = Clock(), Runs()
    runs: StatusRuns[str] = StatusRuns(clock=clock)
    ask = runs.ask(fake.runner("run"))
    assert await ask.flight.wait(0) is False
    fake.release()
    assert await ask.flight.wait(5) is True


def test_the_last_good_reading_of_the_status_page_is_kept() -> None:
    clock = Clock()
    runs: StatusRuns[str] = StatusRuns(clock=clock)
    assert runs.official is None
    summary = Summary("Deepgram", "https://status.deepgram.com", None, "none", "All Systems Operational")
    runs.note_official(SummaryFetch("fresh", summary, 10.0))
    clock.now += 5
    runs.note_official(SummaryFetch("error", summary, 10.0, problem="timed out"))  # keeps the good one
    reading = runs.official
    assert reading is not None and reading.fetch.state == "fresh" and clock() - reading.read_at == 5
    runs.note_official(SummaryFetch("unchanged", summary, 10.0, 304))  # a 304 is a reading too
    assert runs.official is not None and runs.official.read_at == clock()
