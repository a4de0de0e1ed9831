"""Turns at CPU work: how many of a worker's requests analyse at the same moment.

A worker runs Python on one core at a time, so requests analysing side by side only make each
other slower and keep the worker's database writer waiting for the GIL. They take turns instead,
first come, first served."""

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from service.deadline import NO_DEADLINE, Deadline

# Where nothing limits how many analyse at once (the CLI, the benchmark's ingest, tests).
NO_TURN: AbstractContextManager[Any] = nullcontext()


class Turns:
    """At most `size` holders at once. A turn given back goes to the longest waiter, so a
    request that gives its turn back and asks again (a batch, item by item) queues behind the
    requests already waiting instead of taking it straight back."""

    def __init__(self, size: int, observe: Callable[[float], None] | None = None) -> None:
        """`observe` is given the seconds of each wait for a turn (zero when one was free)."""
        self._lock = threading.Lock()
        self._size, self._held = size, 0
        self._waiting: deque[threading.Event] = deque()
        self._observe = observe or (lambda seconds: None)

    def take(self, timeout: float | None = None) -> bool:
        """Wait for a turn, at most `timeout` seconds (None: as long as it takes); whether taken."""
        started = time.monotonic()
        taken = self._take(timeout)
        try:
            self._observe(time.monotonic() - started)
        except BaseException:
            if taken:
                self.give_back()
            raise
        return taken

    def give_back(self) -> None:
        with self._lock:
            if not self._held:
                raise ValueError("a turn given back that was not taken")
            if self._waiting:
                self._waiting.popleft().set()  # still held, by the waiter now
            else:
                self._held -= 1

    def _take(self, timeout: float | None) -> bool:
        with self._lock:
            if self._held < self._size and not self._waiting:
                self._held += 1
                return True
            handed = threading.Event()
            self._waiting.append(handed)
        try:
            handed.wait(timeout)
        except BaseException:  # an interrupt: out of the queue, and any turn handed over back
            if self._leave(handed):
                self.give_back()
            raise
        return self._leave(handed)

    def _leave(self, handed: threading.Event) -> bool:
        """Out of the queue; whether a turn was handed over (perhaps just as the wait ran out)."""
        with self._lock:
            if handed.is_set():
                return True
            self._waiting.remove(handed)
            return False

    def __enter__(self) -> None:
        self.take()

    def __exit__(self, *exc_info: object) -> None:
        self.give_back()

    @contextmanager
    def within(self, deadline: Deadline = NO_DEADLINE) -> Iterator[None]:
        """A turn taken before `deadline`, or `TimeBudgetExceeded` without one."""
        if not self.take(deadline.remaining()):
            raise deadline.error("its turn to analyse")
        try:
            yield
        finally:
            self.give_back()

    @property
    def waiting(self) -> int:
        """Requests waiting for a turn now."""
        return len(self._waiting)
