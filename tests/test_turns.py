"""Turns at CPU work: at most so many at once, first come, first served."""

import threading
import time
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from service import turns as turns_module
from service.deadline import Deadline
from service.errors import TimeBudgetExceeded
from service.turns import Turns
from tests.waiting import wait_until


def test_a_turn_given_back_goes_to_the_longest_waiter_not_to_the_giver() -> None:
    turns = Turns(1)
    order: list[str] = []
    turns.take()

    def one_turn(name: str) -> None:
        with turns:
            order.append(name)

    waiters = []
    for number, name in enumerate(("first", "second"), start=1):
        waiters.append(threading.Thread(target=one_turn, args=(name,)))
        waiters[-1].start()
        wait_until(lambda number=number: turns.waiting == number)
    turns.give_back()
    one_turn("giver, asking again at once")  # as a batch does between its items
    for waiter in waiters:
        waiter.join(5)

    assert order == ["first", "second", "giver, asking again at once"]


def test_at_most_size_hold_a_turn_at_once() -> None:
    turns = Turns(2)
    holding = 0
    most = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal holding, most
        with turns:
            with lock:
                holding += 1
                most = max(most, holding)
            time.sleep(0.002)
            with lock:
                holding -= 1

    threads = [threading.Thread(target=work) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)

    assert most == 2
    assert turns.take(timeout=0)  # every turn came back
    assert turns.take(timeout=0)


def test_a_wait_that_runs_out_leaves_no_place_in_the_queue() -> None:
    turns = Turns(1)
    turns.take()

    assert turns.take(timeout=0.01) is False
    assert turns.waiting == 0
    turns.give_back()
    assert turns.take(timeout=0) is True


def test_waiting_past_the_deadline_is_a_spent_time_budget() -> None:
    turns = Turns(1)
    turns.take()

    with pytest.raises(TimeBudgetExceeded) as raised, turns.within(Deadline.after(0.02)):
        pass

    assert raised.value.details["stage"] == "its turn to analyse"
    assert turns.waiting == 0
    turns.give_back()
    with turns.within(Deadline.after(1)):
        assert turns.take(timeout=0) is False  # held by this block
    assert turns.take(timeout=0) is True


def _waits_end(monkeypatch: pytest.MonkeyPatch, ending: Callable[[], bool]) -> None:
    """Every wait for a turn in `service.turns` ends at once, as `ending` says."""

    class Ending(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            return ending()

    fake = SimpleNamespace(Lock=threading.Lock, Event=Ending)
    monkeypatch.setattr(turns_module, "threading", fake)


def test_a_turn_handed_over_just_as_the_wait_runs_out_is_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    turns = Turns(1)
    turns.take()

    def handed_at_the_last_moment() -> bool:
        turns.give_back()  # the holder is done as the wait runs out
        return False

    _waits_end(monkeypatch, handed_at_the_last_moment)

    assert turns.take(timeout=0.01) is True
    assert turns.waiting == 0
    turns.give_back()
    assert turns.take(timeout=0) is True


def test_an_interrupted_wait_leaves_the_queue_and_loses_no_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    turns = Turns(1)
    turns.take()

    def interrupted() -> bool:
        raise KeyboardInterrupt

    _waits_end(monkeypatch, interrupted)

    with pytest.raises(KeyboardInterrupt):
        turns.take()
    assert turns.waiting == 0
    turns.give_back()
    assert turns.take(timeout=0) is True


def test_a_turn_not_taken_cannot_be_given_back() -> None:
    turns = Turns(1)

    with pytest.raises(ValueError, match="not taken"):
        turns.give_back()


def test_a_failing_observer_does_not_keep_the_turn() -> None:
    def broken(seconds: float) -> None:
        raise RuntimeError("metrics down")

    turns = Turns(1, observe=broken)

    with pytest.raises(RuntimeError):
        turns.take()
    with pytest.raises(ValueError, match="not taken"):
        turns.give_back()
