"""Alembic environment: the SQLModel metadata, batch mode on SQLite, the FTS objects ignored."""

from typing import Any

from alembic import context
from sqlalchemy import create_engine, pool

from service.settings import Settings
from service.store import models, search

target_metadata = models.metadata

# Created by hand in the migrations, per dialect; autogenerate cannot see them in the models.
_UNMODELLED = {search.SQLITE_FTS_TABLE, search.PG_SEARCH_COLUMN, search.PG_SEARCH_INDEX}


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    if name is None:
        return True
    return not (name in _UNMODELLED or name.startswith(f"{search.SQLITE_FTS_TABLE}_"))


def database_url() -> str:
    return context.config.get_main_option("sqlalchemy.url") or Settings().database_url


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=database_url().startswith("sqlite"),
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            include_object=include_object,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
