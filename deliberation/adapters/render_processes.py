"""Rendering a large fan-out of invitations in worker processes.

``ProcessRenderer`` is the service layer's ``InvitationRenderer``. Its workers are
started with ``spawn``: a fresh interpreter that inherits none of the parent's threads,
locks or database connections. Each builds the application once, through the ``start``
function the composition root hands over (it calls ``serve`` with how to render a
part), and then renders one part after another, reading the meeting and the people
itself. The parts come back in their order; at most two per worker are rendered ahead,
so memory stays bounded however large the fan-out.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import fields
from datetime import datetime

from deliberation.domain.outbox import OutboxMessage
from deliberation.service_layer.ports import RenderedInvitation

#: How a worker renders one part: meeting id, participant ids and the parent's time to
#: invitations.
PartRenderer = Callable[[int, Sequence[int], datetime], list[RenderedInvitation]]
#: What crosses the process boundary: the participant's id and the message's fields
#: (plain values, not an instance of a mapped class).
_Shipped = list[tuple[int, tuple[object, ...]]]

_FIELDS = tuple(f.name for f in fields(OutboxMessage))

#: Parts rendered ahead of the one being stored, per worker.
AHEAD_PER_WORKER = 2

_render_part: PartRenderer | None = None  # in a worker process: set by its start function


def serve(render: PartRenderer) -> None:
    """Called once in each worker by the start function: how this worker renders a part."""
    global _render_part
    _render_part = render


def _render(meeting_id: int, part: list[int], now: datetime) -> _Shipped:
    assert _render_part is not None, "the worker's start function did not call serve()"
    return [
        (person, tuple(getattr(message, name) for name in _FIELDS))
        for person, message in _render_part(meeting_id, part, now)
    ]


def _message(values: tuple[object, ...]) -> OutboxMessage:
    return OutboxMessage(**dict(zip(_FIELDS, values, strict=True)))  # type: ignore[arg-type]


class ProcessRenderer:
    """Renders parts in ``processes`` worker processes, each started once with
    ``start(*start_args)`` when the first run needs it and kept for the next runs (the
    scheduler's later ticks); ``close`` ends them."""

    def __init__(
        self, processes: int, start: Callable[..., None], start_args: tuple[object, ...]
    ) -> None:
        self.processes = max(1, processes)
        self.start = start
        self.start_args = start_args
        self._pool: ProcessPoolExecutor | None = None

    def render(
        self, parts: Sequence[tuple[int, Sequence[int]]], now: datetime
    ) -> Iterator[list[RenderedInvitation]]:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=self.start,
                initargs=self.start_args,
            )
        pool = self._pool
        waiting = iter(parts)
        ahead: deque[Future[_Shipped]] = deque()

        def submit_next() -> None:
            job = next(waiting, None)
            if job is not None:
                meeting_id, people = job
                ahead.append(pool.submit(_render, meeting_id, list(people), now))

        try:
            for _ in range(self.processes * AHEAD_PER_WORKER):
                submit_next()
            while ahead:
                shipped = ahead.popleft().result()  # a worker's error is raised here
                submit_next()
                yield [(person, _message(values)) for person, values in shipped]
        except BrokenProcessPool:
            self.close()  # a worker died (killed, out of memory): the next run starts anew
            raise
        finally:
            for future in ahead:  # the caller stopped early, or a part failed
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
