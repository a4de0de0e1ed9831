"""The repository's idempotency, including a writer that loses a race to another."""

import math
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, false, text

from service.analysis.pipeline import ANALYSIS_VERSION
from service.ingest import as_utc
from service.store import repository
from service.store.db import session_scope
from service.store.models import Article, Source
from service.store.repository import NewArticle
from tests.factories import new_article
from tests.store.plans import query_plans, table_reads

TEXT = "Der Stadtrat beschloss am Montag 12 neue Radwege."


def test_add_article_returns_existing_for_same_url_or_same_text(engine: Engine) -> None:
    article = new_article("a.example", TEXT, url="https://a.example/1")
    with session_scope(engine, write=True) as session:
        first, created = repository.add_article(session, article=article)
        by_url, url_created = repository.add_article(
            session, article=NewArticle(**{**_fields(article), "text": "x", "content_hash": "x"})
        )
        by_text, text_created = repository.add_article(
            session, article=NewArticle(**{**_fields(article), "url": None})
        )
        session.commit()

    assert (created, url_created, text_created) == (True, False, False)
    assert first.id == by_url.id == by_text.id


def test_losing_a_race_returns_the_winners_row(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two writers both see no duplicate; the second insert hits the unique key and recovers."""
    article = new_article("a.example", TEXT)
    winner = _store(engine, article)

    monkeypatch.setattr(repository, "find_duplicate", _blind_once(repository.find_duplicate))
    with session_scope(engine, write=True) as session:
        loser, created = repository.add_article(session, article=article)
        session.commit()

    assert created is False
    assert loser.id == winner.id
    with session_scope(engine) as session:
        assert repository.count_articles(session) == 1


def test_add_articles_stores_a_batch_as_one_by_one_would(engine: Engine) -> None:
    stored = new_article("a.example", TEXT, url="https://a.example/1")
    before = _store(engine, stored)
    other = "Die Polizei meldete am Dienstag 3 Festnahmen in Köln."
    batch = [
        NewArticle(**{**_fields(stored), "text": "x", "content_hash": "x"}),  # stored URL
        NewArticle(**{**_fields(stored), "url": None}),  # stored text, same source
        new_article("b.example", TEXT),  # same text, another source: new
        new_article("a.example", other, url="https://a.example/2"),  # new
        new_article("a.example", "y", url="https://a.example/2"),  # repeats the one before
        new_article("a.example", other),  # repeats its text
    ]
    with session_scope(engine, write=True) as session:
        results = repository.add_articles(session, articles=batch)
        session.commit()
        ids = [row.id for row, _ in results]

    assert [created for _, created in results] == [False, False, True, True, False, False]
    assert ids[:2] == [before.id, before.id]
    assert ids[4] == ids[5] == ids[3] != ids[2]
    with session_scope(engine) as session:
        assert repository.count_articles(session) == 3


def test_add_articles_losing_a_race_returns_the_winners_rows(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch sees no duplicate, its insert hits the unique key: one by one, each recovers."""
    article = new_article("a.example", TEXT)
    winner = _store(engine, article)

    monkeypatch.setattr(repository, "_stored_keys", lambda session, articles, sources: ({}, {}))
    with session_scope(engine, write=True) as session:
        results = repository.add_articles(
            session, articles=[new_article("b.example", TEXT), article]
        )
        session.commit()
        outcome = [(row.id, created) for row, created in results]

    assert outcome[1] == (winner.id, False)
    assert outcome[0][1] is True
    with session_scope(engine) as session:
        assert repository.count_articles(session) == 2


def test_sources_created_by_another_writer_meanwhile_are_taken_as_theirs(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch's look-up misses a source another writer created in between: the insert hits
    the unique name, and each source is then found or created one by one."""
    with session_scope(engine, write=True) as session:
        theirs = repository.get_or_create_source(session, name="b.example")
        session.commit()
    original = repository.select
    blind = {"first": True}

    def select_missing_the_first_time(*entities):  # type: ignore[no-untyped-def]
        query = original(*entities)
        if blind["first"] and entities == (Source,):
            blind["first"] = False
            return query.where(false())
        return query

    monkeypatch.setattr(repository, "select", select_missing_the_first_time)
    with session_scope(engine, write=True) as session:
        sources = repository.get_or_create_sources(session, names=["a.example", "b.example"])
        session.commit()

    assert not blind["first"]
    assert sources["b.example"].id == theirs.id
    assert sources["a.example"].id not in (None, theirs.id)
    with session_scope(engine) as session:
        assert repository.source_ratings(session, names=["a.example", "b.example"]).keys() == {
            "a.example",
            "b.example",
        }


def _store(engine: Engine, article: NewArticle) -> Article:
    with session_scope(engine, write=True) as session:
        row, _ = repository.add_article(session, article=article)
        session.commit()
    return row


def _blind_once(original):  # type: ignore[no-untyped-def]
    calls = {"n": 0}

    def find(session, *, article, source_id):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        return None if calls["n"] == 1 else original(session, article=article, source_id=source_id)

    return find


def _fields(article: NewArticle) -> dict[str, object]:
    return {name: getattr(article, name) for name in NewArticle.__slots__}


def test_save_analyses_replaces_them_and_leaves_out_articles_deleted_meanwhile(
    engine: Engine,
) -> None:
    kept, deleted = (_store(engine, new_article(s, TEXT)) for s in ("a.example", "b.example"))
    again = new_article("c.example", "Der Stadtrat tagte.").analysis
    with session_scope(engine, write=True) as session:
        repository.delete_article(session, article_id=deleted.id)
        repository.save_analyses(session, analyses={kept.id: again, deleted.id: again})
        session.commit()

    with session_scope(engine) as session:
        analyses = repository.stored_analyses(session, article_ids=[kept.id, deleted.id])
    assert set(analyses) == {kept.id}
    assert analyses[kept.id][1] == again.data


def test_stored_analyses_with_nan_or_infinity_are_still_read(engine: Engine) -> None:
    """The standard JSON encoder writes NaN and Infinity, which orjson refuses to read: a
    document an older version stored so (SQLite keeps it) is read all the same."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's json type refuses NaN and Infinity at the write")
    stored = _store(engine, new_article("a.example", TEXT))
    document = '{"names": [], "words": [], "numbers": [Infinity, NaN], "sketch": []}'
    with session_scope(engine, write=True) as session:
        session.execute(
            text("UPDATE article_features SET features = :doc WHERE article_id = :id"),
            {"doc": document, "id": stored.id},
        )
        session.commit()

    with session_scope(engine) as session:
        features = repository.stored_features(session, article_ids=[stored.id])

    (numbers,) = [f["numbers"] for f in features.values()]
    assert numbers[0] == math.inf
    assert math.isnan(numbers[1])


def test_analyses_are_stored_as_compact_json_and_read_back_whole(engine: Engine) -> None:
    article = new_article("a.example", "Der Bürgermeister von Köln, Jürgen Müller, tagte.")
    stored = _store(engine, article)
    cast = "data::text" if engine.dialect.name == "postgresql" else "data"
    with session_scope(engine) as session:
        raw = session.execute(
            text(f"SELECT {cast} FROM article_analysis WHERE article_id = :id"), {"id": stored.id}
        ).scalar_one()
        analyses = repository.stored_analyses(session, article_ids=[stored.id])

    assert ", " not in raw
    assert '": ' not in raw
    assert "Müller" in raw
    assert "\\u00fc" not in raw
    assert analyses[stored.id][1] == article.analysis.data


def test_candidates_are_read_with_what_choosing_peers_and_the_report_need(engine: Engine) -> None:
    published = datetime(2024, 4, 3, 16, 30, tzinfo=UTC)
    article = new_article(
        "a.example", TEXT, title="Radwege", url="https://a.example/1", published_at=published
    )
    bare = new_article("b.example", "Der Stadtrat vertagte die Radwege.")
    with session_scope(engine, write=True) as session:
        stored, _ = repository.add_article(session, article=article)
        stored_bare, _ = repository.add_article(session, article=bare)
        session.commit()
    assert stored.id is not None
    assert stored_bare.id is not None

    with session_scope(engine) as session:
        ids = [stored.id, stored_bare.id, stored_bare.id + 1]
        candidates = sorted(
            repository.load_candidates(session, article_ids=ids), key=lambda c: c.article_id
        )

    first, second = candidates
    assert (first.article_id, first.source, first.title, first.url) == (
        stored.id,
        "a.example",
        "Radwege",
        "https://a.example/1",
    )
    assert first.content_hash == article.content_hash
    assert as_utc(first.published_at) == published
    assert isinstance(first.ingested_at, datetime)
    assert first.analysis_version == ANALYSIS_VERSION
    assert (second.article_id, second.title, second.url, second.published_at) == (
        stored_bare.id,
        None,
        None,
        None,
    )


def test_on_sqlite_candidates_are_read_from_the_index_without_their_text(engine: Engine) -> None:
    """An SQLite row holds the text before the columns a candidate needs: read from the row,
    they are reached by walking the text's overflow pages (migration 0008)."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps long texts out of the row")
    with session_scope(engine) as session, query_plans(engine) as plans:
        repository.load_candidates(session, article_ids=[1, 2])

    assert table_reads(plans, "article") == [
        "SEARCH article USING COVERING INDEX ix_article_card (id=?)"
    ]
