"""A real aiohttp server on loopback: the common base of every fake in the simulated world."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, Self

from aiohttp import web


class LoopbackServer(ABC):
    """Serve an aiohttp application on 127.0.0.1 (port 0 unless told otherwise).

    Subclasses build their routes in `build_app()`. The server runs on the event loop that
    calls `start()`; use it as an async context manager in tests.
    """

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self.port: int = 0
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []

    @abstractmethod
    def build_app(self) -> web.Application:
        """The aiohttp application with the fake's routes."""

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>` without a trailing slash."""
        if not self.port:
            raise RuntimeError("server not started")
        return f"http://127.0.0.1:{self.port}"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> Self:
        self._runner = web.AppRunner(self.build_app(), handle_signals=False, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, host, port)
        await self._site.start()
        server = self._site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    # -- waiting for something to happen, without sleeping ------------------------------------

    def notify(self) -> None:
        """Call after every state change: wakes `wait_until` callers whose condition now holds."""
        for cond, fut in list(self._waiters):
            if not fut.done() and cond():
                fut.set_result(None)

    async def wait_until(self, cond: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until `cond()` is true (checked now and after every `notify()`)."""
        if cond():
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (cond, fut)
        self._waiters.append(entry)
        try:
            await asyncio.wait_for(fut, timeout)
        finally:
            self._waiters.remove(entry)


async def padded_response(
    request: web.Request,
    *,
    status: int,
    headers: dict[str, str],
    head: bytes,
    filler: bytes,
    size: int,
    declare_length: bool,
) -> web.StreamResponse:
    """An oversized answer: `head` then `filler` repeated, `size` bytes in all, written in 64 KB pieces
    (never held whole).

    With `declare_length` the answer says its size in `Content-Length`, else it is chunked. A client that
    stops reading and closes the connection just ends the answer early.
    """
    resp = web.StreamResponse(status=status, headers=headers)
    if declare_length:
        resp.content_length = size
    else:
        resp.enable_chunked_encoding()
    await resp.prepare(request)
    piece = 64 * 1024
    pad = filler * (piece // len(filler) + 1)
    try:
        first = head[:size]
        await resp.write(first)
        left = size - len(first)
        while left > 0:
            await resp.write(pad[: min(piece, left)])
            left -= min(piece, left)
        await resp.write_eof()
    except (ConnectionError, RuntimeError):
        pass  # the client had read enough and hung up
    return resp
