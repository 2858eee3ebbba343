"""The event loop `backstride serve` runs each worker on: the standard library's, taking new
connections a few at a time.

With several workers, every worker waits on the one listening socket, and the standard loop
takes every connection waiting there each time it wakes (up to the listen backlog). When a
client opens many connections at once, as a coach's reverse proxy or a load test does, the
first worker to wake took all of them: 50 of 50 in a load test, the other worker idle. Taking
a few per turn of the loop shares them out by how busy each worker is: an idle worker turns
often and takes more, a busy one takes fewer. How many (`ACCEPTS_PER_WAKE`), measured with 2
workers, 50 connections opened at once, GET /today, 3 runs each: one at a time shared them
25/25 to 32/18, but the last connections waited many turns for their first answer (p99
71-144 ms, the slowest 190-310 ms); four at a time 24/26 to 10/40, p99 74-96 ms, the slowest
97-144 ms; eight 3/47 to 32/18; sixteen 50/0 to 16/34.

uvloop is not used: it holds back a small write until the loop's next turn (MagicStack/uvloop
issue 631), and under load some requests then waited ten times longer than the rest (one
worker, 25 clients, Today: p50 42 ms with either loop, p99 210-300 ms with uvloop and 51-65 ms
with the standard one).
"""

from __future__ import annotations

import asyncio
import inspect
import socket
from typing import Any

__all__ = ["FewAtATimeLoop", "new_event_loop"]


#: Connections one worker takes each time the listening socket wakes it.
ACCEPTS_PER_WAKE = 4


class FewAtATimeLoop(asyncio.SelectorEventLoop):
    """A selector event loop that accepts at most `ACCEPTS_PER_WAKE` waiting connections each
    time the listening socket is ready, instead of every one waiting."""

    def _accept_connection(
        self,
        protocol_factory: Any,
        sock: socket.socket,
        sslcontext: Any = None,
        server: Any = None,
        backlog: int = 100,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        # `backlog` here is only how many connections one wake-up takes; the listening
        # socket's own backlog was set by listen() and stays as it is.
        super()._accept_connection(  # type: ignore[misc]
            protocol_factory, sock, sslcontext, server, ACCEPTS_PER_WAKE, *args, **kwargs
        )


def _takes_a_count() -> bool:
    """Whether this Python's loop takes connections as `FewAtATimeLoop` expects (a private
    method: if it ever changes, the plain loop is used)."""
    method = getattr(asyncio.SelectorEventLoop, "_accept_connection", None)
    if method is None:
        return False
    names = list(inspect.signature(method).parameters)
    return names[:6] == ["self", "protocol_factory", "sock", "sslcontext", "server", "backlog"]


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A new loop: what uvicorn's `loop` setting names (`backstride serve` does)."""
    return FewAtATimeLoop() if _takes_a_count() else asyncio.SelectorEventLoop()
