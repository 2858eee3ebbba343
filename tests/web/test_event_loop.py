"""The event loop of each server worker takes a few waiting connections per wake-up."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from uvicorn.importer import import_from_string

from backstride.cli.serve import server_options
from backstride.web.event_loop import ACCEPTS_PER_WAKE, FewAtATimeLoop, new_event_loop

WAITING = 10


class _Counted(asyncio.Protocol):
    """Counts the connections it is given, and closes each at once."""

    def __init__(self, made: list[int], all_made: asyncio.Event, expected: int) -> None:
        self.made, self.all_made, self.expected = made, all_made, expected

    def connection_made(self, transport: Any) -> None:
        self.made.append(1)
        transport.close()
        if len(self.made) == self.expected:
            self.all_made.set()


def test_one_wake_takes_a_few_of_the_connections_waiting_and_leaves_the_rest():
    loop = new_event_loop()
    assert isinstance(loop, FewAtATimeLoop)  # this Python's loop is the one it expects
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.setblocking(False)
        clients = [socket.create_connection(listener.getsockname()) for _ in range(WAITING)]
        try:

            async def wake_once() -> int:
                made: list[int] = []
                all_made = asyncio.Event()
                loop._accept_connection(  # what the loop calls when the socket is ready
                    lambda: _Counted(made, all_made, ACCEPTS_PER_WAKE), listener
                )
                await all_made.wait()
                return len(made)

            assert loop.run_until_complete(wake_once()) == ACCEPTS_PER_WAKE
            left = 0
            while True:
                try:
                    taken, _ = listener.accept()
                except BlockingIOError:
                    break
                taken.close()
                left += 1
            # The others stay for the next wake-up, this worker's or another's.
            assert left == WAITING - ACCEPTS_PER_WAKE
        finally:
            for client in clients:
                client.close()
            loop.close()


def test_the_server_runs_its_workers_on_that_loop():
    for team in (False, True):
        factory = import_from_string(server_options(team)["loop"])
        loop = factory()
        try:
            assert isinstance(loop, FewAtATimeLoop)
        finally:
            loop.close()
