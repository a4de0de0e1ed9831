"""SQLite's query plans of the statements a piece of code runs."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def query_plans(engine: Engine) -> Iterator[list[str]]:
    """The plans (their lines joined) of the statements run on `engine` inside the block,
    filled in as it ends."""
    executed: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        executed.append((statement, parameters))

    plans: list[str] = []
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield plans
    finally:
        event.remove(engine, "before_cursor_execute", record)
    with engine.connect() as connection:
        for statement, parameters in executed:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            plans.append("\n".join(row[-1] for row in rows))


def table_reads(plans: list[str], table: str) -> list[str]:
    """The lines of the plans that read `table` (SEARCH or SCAN, by itself or an index)."""
    return [line for plan in plans for line in plan.splitlines() if line.split()[1:2] == [table]]
