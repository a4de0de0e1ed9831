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
        """`observe` is given the seconds each wait for a turn took (zero when one was free)."""
        self._lock = threading.Lock()
        self._free = size
        self._waiting: deque[threading.Event] = deque()
        self._observe = observe or (lambda seconds: None)

    def take(self, timeout: float | None = None) -> bool:
        """Wait for a turn, at most `timeout` seconds (None: as long as it takes); whether taken."""
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                self._observe(0.0)
                return True
            handed = threading.Event()
            self._waiting.append(handed)
        started = time.monotonic()
        taken = self._wait(handed, timeout)
        self._observe(time.monotonic() - started)
        return taken

    def _wait(self, handed: threading.Event, timeout: float | None) -> bool:
        if handed.wait(timeout):
            return True
        with self._lock:
            if handed.is_set():  # handed over just as the wait ran out
                return True
            self._waiting.remove(handed)
            return False

    def give_back(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._free += 1

    def __enter__(self) -> None:
        self.take()

    def __exit__(self, *exc_info: object) -> None:
        self.give_back()

    @contextmanager
    def within(self, deadline: Deadline = NO_DEADLINE) -> Iterator[None]:
        """A turn taken before `deadline`, or `TimeBudgetExceeded` without one."""
        if not self.take(deadline.remaining()):
            raise deadline.exceeded("its turn to analyse")
        try:
            yield
        finally:
            self.give_back()

    @property
    def waiting(self) -> int:
        return len(self._waiting)
