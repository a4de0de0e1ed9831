"""Waiting in tests for what another thread is doing, without sleeping a fixed time."""

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], bool], seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)
