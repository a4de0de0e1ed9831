"""Migrations build the schema on an empty database, match the models, and come down again."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from service.store import migrate, models
from service.store.search import include_object


def test_upgrade_matches_models_and_downgrade_empties(fresh_database_url: str) -> None:
    migrate.upgrade(fresh_database_url)
    engine = create_engine(fresh_database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": include_object, "compare_type": True}
            )
            assert compare_metadata(context, models.metadata) == []
            assert context.get_current_revision() == migrate.head_revision()
        assert {"article", "source"} <= set(inspect(engine).get_table_names())

        migrate.downgrade(fresh_database_url, "base")

        leftover = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert leftover == set()
    finally:
        engine.dispose()


def test_upgrade_twice_is_harmless(fresh_database_url: str) -> None:
    migrate.upgrade(fresh_database_url)
    migrate.upgrade(fresh_database_url)
