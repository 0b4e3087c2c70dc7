"""`Responder`: interim replies then the answer through one response_url, each replacing the last, 3 posts at most."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.slack.kit import Reply
from bot.slack.listeners import MAX_POSTS, Responder


@dataclass
class Answer:
    status_code: int = 200
    body: str = ""


class FakeRespond:
    """Records what `respond()` was called with; answers 200 unless told otherwise."""

    def __init__(self, *statuses: int) -> None:
        self.calls: list[dict[str, Any]] = []
        self.statuses = list(statuses)

    async def __call__(self, **kwargs: Any) -> Answer:
        self.calls.append(kwargs)
        return Answer(self.statuses.pop(0) if self.statuses else 200)


async def test_a_command_posts_then_replaces_and_keeps_the_last_post_for_the_answer() -> None:
    respond = FakeRespond()
    responder = Responder(respond, what="status")  # type: ignore[arg-type]
    for i in range(4):
        await responder.show(Reply(text=f"partial {i}"))
    await responder.answer(Reply(text="report"))
    assert MAX_POSTS == 3
    assert [c["text"] for c in respond.calls] == ["partial 0", "partial 1", "report"]
    assert [c["replace_original"] for c in respond.calls] == [None, True, True]
    assert responder.posts == 3


async def test_an_answer_alone_is_one_plain_post() -> None:
    respond = FakeRespond()
    await Responder(respond, what="help").answer(Reply(text="help"))  # type: ignore[arg-type]
    assert respond.calls == [{"text": "help", "blocks": None, "response_type": "ephemeral", "replace_original": None}]


async def test_a_refused_interim_reply_is_not_replaced() -> None:
    """When Slack refused the partial report, the answer is a new message, not a replacement."""
    respond = FakeRespond(404)
    responder = Responder(respond, what="status")  # type: ignore[arg-type]
    await responder.show(Reply(text="partial"))
    await responder.answer(Reply(text="report"))
    assert [c["replace_original"] for c in respond.calls] == [None, None]


async def test_a_button_that_replaces_its_message_replaces_it_every_time() -> None:
    respond = FakeRespond()
    responder = Responder(respond, what="status_rerun", replace_original=True)  # type: ignore[arg-type]
    await responder.show(Reply(text="partial"))
    await responder.answer(Reply(text="report"))
    assert [c["replace_original"] for c in respond.calls] == [True, True]
