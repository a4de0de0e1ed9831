"""Migrations build the schema on an empty database, match the models, and come down again."""

import json
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

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


def test_features_move_to_their_own_table_and_back(fresh_database_url: str) -> None:
    migrate.upgrade(fresh_database_url, "0004")
    engine = create_engine(fresh_database_url)
    features = {"names": ["lecornu"], "words": [["telefonat", 1.0]], "numbers": [], "sketch": []}
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO source (id, name, created_at, reliability_claims) "
                    "VALUES (1, 'a.example', '2026-12-03', 0)"
                )
            )
            for article_id in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO article (id, source_id, text, ingested_at, content_hash) "
                        "VALUES (:id, 1, 'Lecornu telefonierte.', '2026-12-03', :hash)"
                    ),
                    {"id": article_id, "hash": f"hash-{article_id}"},
                )
            # Article 2 was analysed before story features were stored.
            connection.execute(
                text(
                    "INSERT INTO article_analysis (article_id, version, data, features) VALUES "
                    "(1, 4, :data, :features), (2, 2, :data, NULL)"
                ),
                {"data": json.dumps({"claims": []}), "features": json.dumps(features)},
            )

        migrate.upgrade(fresh_database_url)
        with engine.connect() as connection:
            moved = connection.execute(
                text("SELECT article_id, version, features FROM article_features")
            ).all()
            analyses = connection.execute(text("SELECT count(*) FROM article_analysis")).scalar()
        assert [(a, v, _json(f)) for a, v, f in moved] == [(1, 4, features)]
        assert analyses == 2
        columns = {column["name"] for column in inspect(engine).get_columns("article_analysis")}
        assert "features" not in columns

        migrate.downgrade(fresh_database_url, "0004")
        with engine.connect() as connection:
            back = connection.execute(
                text("SELECT article_id, features FROM article_analysis ORDER BY article_id")
            ).all()
        assert [(a, _json(f)) for a, f in back] == [(1, features), (2, None)]
    finally:
        engine.dispose()


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def test_the_index_is_built_anew_with_folded_words_and_back(fresh_database_url: str) -> None:
    migrate.upgrade(fresh_database_url, "0006")
    engine = create_engine(fresh_database_url)
    try:
        _store_one(engine, "Der Außenminister sprach in Köln.")
        assert _matches(engine, "aussenminister", "simple") == []

        migrate.upgrade(fresh_database_url)
        assert _matches(engine, "aussenminister", "crosscheck_folded") == [1]
        assert _matches(engine, "koln", "crosscheck_folded") == [1]
        if engine.dialect.name == "postgresql":  # the topic words' statistics are there again
            with engine.connect() as connection:
                assert connection.execute(text(_PG_INDEX_STATISTICS)).scalar() == 1

        migrate.downgrade(fresh_database_url, "0006")
        assert _matches(engine, "außenminister", "simple") == [1]
        assert _matches(engine, "aussenminister", "simple") == []
    finally:
        engine.dispose()


def _store_one(engine: Any, article_text: str) -> None:
    """Article 1 of source 1, written as the schema of any revision takes it."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO source (id, name, created_at, reliability_claims) "
                "VALUES (1, 'a.example', '2026-12-03', 0)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO article (id, source_id, text, ingested_at, content_hash) "
                "VALUES (1, 1, :text, '2026-12-03', 'h')"
            ),
            {"text": article_text},
        )


_PG_INDEX_STATISTICS = (
    "SELECT count(*) FROM pg_stats WHERE tablename = 'article' AND attname = 'search_vector'"
)


def test_on_postgresql_the_index_is_built_with_unaccent_from_another_schema(
    backend: str, fresh_database_url: str
) -> None:
    """Where the database has unaccent already, in a schema off the search path (as managed
    services install extensions), the migration finds it there."""
    if backend != "postgresql":
        pytest.skip("the PostgreSQL index only")
    engine = create_engine(fresh_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE SCHEMA extensions"))
            connection.execute(text("CREATE EXTENSION unaccent SCHEMA extensions"))
        migrate.upgrade(fresh_database_url)
        _store_one(engine, "Die Straße in Köln.")
        assert _matches(engine, "strasse & koln", "crosscheck_folded") == [1]
    finally:
        engine.dispose()


def _matches(engine: Any, word: str, configuration: str) -> list[int]:
    """The articles the index finds by `word`; on SQLite, after FTS5 has checked the index
    against the text it reads back."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(
                text("INSERT INTO article_fts(article_fts) VALUES ('integrity-check')")
            )
            query = "SELECT rowid FROM article_fts WHERE article_fts MATCH :word"
            return list(connection.execute(text(query), {"word": f'"{word}"'}).scalars())
        query = (
            f"SELECT id FROM article WHERE search_vector @@ to_tsquery('{configuration}', :word)"
        )
        return list(connection.execute(text(query), {"word": word}).scalars())


def test_on_sqlite_the_card_index_comes_and_goes(backend: str, fresh_database_url: str) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL keeps long texts out of the row and needs no such index")
    migrate.upgrade(fresh_database_url, "0007")
    engine = create_engine(fresh_database_url)
    try:
        _store_one(engine, "Lecornu telefonierte mit Schoigu.")
        migrate.upgrade(fresh_database_url)
        with engine.connect() as connection:  # it holds the rows stored before it
            held = connection.exec_driver_sql(
                "SELECT id, content_hash FROM article INDEXED BY ix_article_card WHERE id = 1"
            ).all()
        assert held == [(1, "h")]

        migrate.downgrade(fresh_database_url, "0007")
        assert "ix_article_card" not in {i["name"] for i in inspect(engine).get_indexes("article")}
    finally:
        engine.dispose()
