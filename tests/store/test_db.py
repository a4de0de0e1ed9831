import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from service.errors import DatabaseUnavailable
from service.settings import Settings
from service.store.db import WriterTurns, create_db_engine, session_scope


def test_writers_of_two_processes_take_turns_on_the_lock_file(tmp_path: Path) -> None:
    # Two WriterTurns on one file are what two worker processes hold: only the file separates them.
    lock_file = tmp_path / "store.db-writers"
    first, second = WriterTurns(lock_file, timeout=5), WriterTurns(lock_file, timeout=5)
    second_has_turn = threading.Event()

    def take_second_turn() -> None:
        with second.turn():
            second_has_turn.set()

    with first.turn():
        waiting = threading.Thread(target=take_second_turn)
        waiting.start()
        assert not second_has_turn.wait(0.3)
    assert second_has_turn.wait(5)
    waiting.join()


def test_a_writer_that_waits_longer_than_the_timeout_gets_busy(tmp_path: Path) -> None:
    turns = WriterTurns(tmp_path / "store.db-writers", timeout=0.2)
    errors: list[DatabaseUnavailable] = []

    def take_turn() -> None:
        try:
            with turns.turn():
                pass
        except DatabaseUnavailable as exc:
            errors.append(exc)

    with turns.turn():
        waiting = threading.Thread(target=take_turn)
        waiting.start()
        waiting.join(5)
    assert [error.details for error in errors] == [{"reason": "busy"}]
    with turns.turn():  # the turn was given back
        pass


def test_a_writer_waiting_for_another_process_gets_busy_after_the_timeout(
    tmp_path: Path,
) -> None:
    lock_file = tmp_path / "store.db-writers"
    other_process, this_process = WriterTurns(lock_file, timeout=5), WriterTurns(lock_file, 0.2)
    with other_process.turn(), pytest.raises(DatabaseUnavailable) as busy, this_process.turn():
        pass
    assert busy.value.details == {"reason": "busy"}
    with this_process.turn():  # both locks were given back
        pass


def test_a_sqlite_store_keeps_its_writers_lock_file_beside_the_database(tmp_path: Path) -> None:
    database = tmp_path / "data" / "store.db"
    engine = create_db_engine(Settings(database_url=f"sqlite:///{database}"))
    try:
        with session_scope(engine, write=True) as session:
            session.execute(text("SELECT 1"))
        assert (tmp_path / "data" / "store.db-writers").exists()
    finally:
        engine.dispose()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_store_writes_without_a_lock_file(url: str, tmp_path: Path) -> None:
    engine = create_db_engine(Settings(database_url=url))
    try:
        for _ in range(2):
            with session_scope(engine, write=True) as session:
                session.execute(text("SELECT 1"))
    finally:
        engine.dispose()
