"""Full-text candidate retrieval on both dialects, kept in step with inserts and deletes."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, event, text

from service.settings import Settings
from service.store import migrate, repository, search
from service.store.db import create_db_engine, session_scope
from tests.factories import new_article as new
from tests.store.plans import query_plans, table_reads


def test_search_finds_by_shared_names_and_follows_deletes(engine: Engine) -> None:
    with session_scope(engine, write=True) as session:
        call, _ = repository.add_article(
            session,
            article=new("a.example", "Lecornu telefonierte mit Schoigu.", title="Telefonat"),
        )
        strike, _ = repository.add_article(
            session, article=new("b.example", "Die GDL streikt, sagte Weselsky.")
        )
        session.commit()

    with session_scope(engine) as session:
        assert search.search_articles(session, names=["Schoigu", "Macron"], words=(), limit=10) == [
            call.id
        ]
        assert search.search_articles(session, names=(), words=["telefonat"], limit=10) == [call.id]
        assert search.search_articles(session, names=(), words=["weselsky"], limit=10) == [
            strike.id
        ]
        assert search.search_articles(session, names=(), words=['"*', " "], limit=10) == []

    with session_scope(engine, write=True) as session:
        assert call.id is not None
        repository.delete_article(session, article_id=call.id)
        session.commit()

    with session_scope(engine) as session:
        assert search.search_articles(session, names=(), words=["Schoigu"], limit=10) == []


def test_words_with_an_accent_or_a_sharp_s_are_found_as_the_analysis_folds_them(
    engine: Engine,
) -> None:
    """The analysis folds its words ("Außenminister" -> "aussenminister", "Köln" -> "koln"),
    and both dialects' indexes fold the text so; a name as written is found too, in any script
    (the analysis's folding goes further than the indexes': "Шойгу" -> "шоигу")."""
    text_ = (
        "Der Außenminister sprach in Köln mit Sébastien Lecornu. Шойгу war in Київ, "
        "Μητσοτάκης in Łódź."
    )
    with session_scope(engine, write=True) as session:
        found, _ = repository.add_article(
            session, article=new("a.example", text_, title="Straßensperre")
        )
        repository.add_article(session, article=new("b.example", "Ein ganz anderes Thema."))
        session.commit()

    with session_scope(engine) as session:
        for names, words in [
            ([], ["aussenminister"]),
            ([], ["strassensperre"]),
            ([], ["koln"]),
            (["Köln"], []),
            (["Sebastien"], []),
            (["Außenminister"], []),
            (["AUSSENMINISTER"], []),
            (["Шойгу"], []),
            (["Київ"], []),
            (["Μητσοτάκης"], []),
            (["Łódź"], []),
        ]:
            hits = search.search_articles(session, names=names, words=words, limit=5)
            assert hits == [found.id], (names, words)


def test_on_sqlite_the_folded_index_stays_whole_through_deletes(engine: Engine) -> None:
    """The index is fed the folded text by triggers and reads it back through a view: a
    delete must give it the values it was given, or FTS5's own check fails."""
    if engine.dialect.name != "sqlite":
        pytest.skip("the SQLite index only")
    with session_scope(engine, write=True) as session:
        gone, _ = repository.add_article(
            session, article=new("a.example", "Die Straße in Gießen ist gesperrt.")
        )
        kept, _ = repository.add_article(session, article=new("b.example", "Gießen feiert."))
        session.commit()
    with session_scope(engine, write=True) as session:
        assert gone.id is not None
        repository.delete_article(session, article_id=gone.id)
        session.commit()

    with session_scope(engine) as session:
        session.execute(text("INSERT INTO article_fts(article_fts) VALUES ('integrity-check')"))
        assert search.search_articles(session, names=["Gießen"], words=["strasse"], limit=5) == [
            kept.id
        ]


def test_search_ranks_articles_sharing_more_terms_first(engine: Engine) -> None:
    with session_scope(engine, write=True) as session:
        one, _ = repository.add_article(session, article=new("a.example", "Lecornu in Paris."))
        both, _ = repository.add_article(
            session, article=new("b.example", "Lecornu und Schoigu, Lecornu und Schoigu.")
        )
        session.commit()

    with session_scope(engine) as session:
        found = search.search_articles(session, names=(), words=["Lecornu", "Schoigu"], limit=10)

    assert found == [both.id, one.id]


def test_copies_of_one_text_take_one_place_the_first_stored_standing_for_them(
    engine: Engine,
) -> None:
    """A wire story under three sources must not crowd out an independent report."""
    wire = "Lecornu telefonierte mit Schoigu, meldet die Agentur."
    with session_scope(engine, write=True) as session:
        first, _ = repository.add_article(session, article=new("a.example", wire))
        for source in ("b.example", "c.example"):
            repository.add_article(session, article=new(source, wire))
        own, _ = repository.add_article(
            session, article=new("d.example", "Schoigu und Lecornu sprachen eine Stunde.")
        )
        session.commit()

    with session_scope(engine) as session:
        found = search.search_articles(session, names=["Lecornu", "Schoigu"], words=(), limit=10)

    assert sorted(found) == [first.id, own.id]


def test_on_sqlite_the_copies_are_told_apart_by_an_index_without_the_text(engine: Engine) -> None:
    """Reading `content_hash` from the row walked the text's overflow pages, for each of a
    query's hits (migration 0008)."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps long texts out of the row")
    with session_scope(engine, write=True) as session:
        repository.add_article(session, article=new("a.example", "Lecornu telefonierte."))
        session.commit()

    with session_scope(engine) as session, query_plans(engine) as plans:
        assert search.search_articles(session, names=["Lecornu"], words=(), limit=10)

    assert table_reads(plans, "article") == [
        "SEARCH article USING COVERING INDEX ix_article_card (id=?)"
    ]


@pytest.fixture
def term_statistics_kept(engine: Engine) -> None:
    """The test runs on SQLite only, where term statistics are kept."""
    if engine.dialect.name != "sqlite":
        pytest.skip("term statistics are kept on SQLite only")


@pytest.mark.usefixtures("term_statistics_kept")
def test_on_sqlite_terms_no_article_holds_are_skipped(engine: Engine) -> None:
    with session_scope(engine, write=True) as session:
        found, _ = repository.add_article(
            session,
            article=new("x.example", "Der Stadtrat tagte mit Bürgermeisterin Ottilie Quast."),
        )
        session.commit()

    with session_scope(engine) as session:
        words = [*(f"unbekannt{n}" for n in range(40)), "quast"]
        hits = search.search_articles(session, names=[], words=words, limit=5)

    assert hits == [found.id]


@pytest.mark.usefixtures("term_statistics_kept")
def test_on_sqlite_a_word_with_an_accent_is_counted_as_the_index_holds_it(engine: Engine) -> None:
    """The index folds accents ("kölner" is held as "kolner"): the word is counted, and
    queried, under the spelling an article gives it."""
    with session_scope(engine, write=True) as session:
        found, _ = repository.add_article(
            session, article=new("x.example", "Der Kölner Stadtrat tagte.")
        )
        session.commit()

    with session_scope(engine) as session:
        hits = search.search_articles(session, names=[], words=["kölner"], limit=5)

    assert hits == [found.id]


@pytest.mark.usefixtures("term_statistics_kept")
def test_on_sqlite_words_in_too_many_articles_are_passed_over_for_later_ones(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "MAX_TERM_DOCUMENTS", 1)
    with session_scope(engine, write=True) as session:
        repository.add_article(session, article=new("a.example", "Weltweit berichtet Alpha."))
        found, _ = repository.add_article(session, article=new("b.example", "Weltweit Omega."))
        session.commit()

    with session_scope(engine) as session:
        # "weltweit" is in both (too many here); the counts are read a few words at a time.
        words = ["weltweit", *(f"unbekannt{n}" for n in range(40)), "omega"]
        hits = search.search_articles(session, names=[], words=words, limit=5)

    assert hits == [found.id]


@pytest.mark.usefixtures("term_statistics_kept")
def test_on_sqlite_a_term_first_stored_after_a_search_is_found(engine: Engine) -> None:
    """A story's first names are in no article when its first draft is scored; the article
    stored next holds them, and the next search finds it by them."""
    with session_scope(engine) as session:
        assert search.search_articles(session, names=["Quast"], words=[], limit=5) == []
    with session_scope(engine, write=True) as session:
        found, _ = repository.add_article(
            session, article=new("x.example", "Bürgermeisterin Ottilie Quast trat zurück.")
        )
        session.commit()

    with session_scope(engine) as session:
        assert search.search_articles(session, names=["Quast"], words=[], limit=5) == [found.id]


@contextmanager
def term_counts(engine: Engine) -> Iterator[list[str]]:
    """The statements that count terms in the index, run while the block runs."""
    counted: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        if f"LIMIT {search.MAX_TERM_DOCUMENTS + 1}" in statement:
            counted.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.usefixtures("term_statistics_kept")
def test_on_sqlite_a_term_in_no_article_is_counted_once_while_the_index_is_unchanged(
    engine: Engine,
) -> None:
    with term_counts(engine) as counted:
        for _ in range(3):
            with session_scope(engine) as session:
                search.search_articles(session, names=["Pfiffelbach"], words=[], limit=5)

    assert len(counted) == 1


def stored(engine: Engine, *articles: tuple[str, str]) -> list[int]:
    """The ids of these (source, text) articles, stored in one committed transaction."""
    with session_scope(engine, write=True) as session:
        added = [repository.add_article(session, article=new(*article))[0] for article in articles]
        session.commit()
        return [article.id for article in added if article.id is not None]


@pytest.mark.usefixtures("term_statistics_kept", "two_articles_are_many")
def test_on_sqlite_the_terms_a_scan_found_common_are_not_counted(engine: Engine) -> None:
    stored(
        engine,
        ("a.example", "Weltweit berichtet Alpha."),
        ("b.example", "Weltweit berichtet Omega."),
    )

    assert search.scan_common_terms(engine) == 2
    with term_counts(engine) as counted, session_scope(engine) as session:
        topic = search.topic_words(session, ["weltweit", "berichtet"])

    assert topic == {"weltweit", "berichtet"}
    assert counted == []


@pytest.mark.usefixtures("term_statistics_kept", "two_articles_are_many")
def test_on_sqlite_a_term_common_since_the_last_scan_is_counted(engine: Engine) -> None:
    stored(engine, ("a.example", "Weltweit berichtet Alpha."))
    assert search.scan_common_terms(engine) == 0
    stored(engine, ("b.example", "Weltweit berichtet Omega."))

    with term_counts(engine) as counted, session_scope(engine) as session:
        topic = search.topic_words(session, ["weltweit", "alpha"])

    assert topic == {"weltweit"}
    assert len(counted) == 1


@pytest.mark.usefixtures("term_statistics_kept", "two_articles_are_many")
def test_on_sqlite_a_term_no_longer_common_at_the_next_scan_is_counted_at_once(
    engine: Engine,
) -> None:
    _, gone = stored(engine, ("a.example", "Weltweit Alpha."), ("b.example", "Weltweit Omega."))
    search.scan_common_terms(engine)
    with session_scope(engine) as session:
        assert search.topic_words(session, ["weltweit"]) == {"weltweit"}

    with session_scope(engine, write=True) as session:
        assert repository.delete_article(session, article_id=gone)
        session.commit()
    assert search.scan_common_terms(engine) == 0

    with session_scope(engine) as session:
        assert search.topic_words(session, ["weltweit"]) == set()


@pytest.mark.usefixtures("term_statistics_kept", "two_articles_are_many")
def test_on_sqlite_a_sessions_next_transaction_takes_the_latest_scan(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a transaction's look-ups start from is read once a transaction, not once a
    session: a scan that ends in between counts from the session's next transaction on."""
    stored(engine, ("a.example", "Weltweit Alpha."), ("b.example", "Weltweit Omega."))
    with session_scope(engine) as session:
        with term_counts(engine) as counted:
            assert search.topic_words(session, ["weltweit"]) == {"weltweit"}
        assert len(counted) == 1
        session.commit()
        assert search.scan_common_terms(engine) == 1
        monkeypatch.setattr(search, "_TERM_COUNTS", search._TermCounts())  # only the scan

        with term_counts(engine) as counted:
            assert search.topic_words(session, ["weltweit"]) == {"weltweit"}

    assert counted == []


@pytest.mark.usefixtures("term_statistics_kept", "two_articles_are_many")
def test_on_sqlite_the_scanner_scans_at_once_and_stops_when_closed(engine: Engine) -> None:
    stored(engine, ("a.example", "Weltweit berichtet Alpha."), ("b.example", "Weltweit Omega."))
    scans: list[float] = []

    scanner = search.CommonTermScanner(engine, interval=3600, observe=scans.append)
    assert scanner.scanned.wait(10)
    scanner.close()

    assert len(scans) == 1
    assert not scanner._thread.is_alive()
    with term_counts(engine) as counted, session_scope(engine) as session:
        assert search.topic_words(session, ["weltweit"]) == {"weltweit"}
    assert counted == []


@pytest.mark.usefixtures("term_statistics_kept")
def test_on_sqlite_a_scan_that_fails_leaves_the_terms_to_be_counted(
    fresh_database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    unmigrated = create_db_engine(Settings(database_url=fresh_database_url))
    scans: list[float] = []

    scanner = search.CommonTermScanner(unmigrated, interval=3600, observe=scans.append)
    assert scanner.scanned.wait(10)
    scanner.close()

    assert scans == []
    assert "cannot scan the index's vocabulary" in caplog.text
    migrate.upgrade(fresh_database_url)
    with term_counts(unmigrated) as counted, session_scope(unmigrated) as session:
        search.topic_words(session, ["weltweit"])
    assert len(counted) == 1
    unmigrated.dispose()


@pytest.mark.usefixtures("term_statistics_kept")
def test_on_sqlite_a_term_is_found_in_an_article_stored_under_a_deleted_ones_id(
    engine: Engine,
) -> None:
    """SQLite gives the largest id again once its article is deleted: the index, not the
    ids, says whether a term counted in no article may be in one now."""
    with session_scope(engine, write=True) as session:
        first, _ = repository.add_article(session, article=new("x.example", "Der Rat tagte."))
        session.commit()
    with session_scope(engine) as session:
        assert search.search_articles(session, names=["Quirrenbach"], words=[], limit=5) == []
    with session_scope(engine, write=True) as session:
        assert first.id is not None
        repository.delete_article(session, article_id=first.id)
        second, _ = repository.add_article(
            session, article=new("y.example", "Landrat Quirrenbach trat zurück.")
        )
        session.commit()

    with session_scope(engine) as session:
        found = search.search_articles(session, names=["Quirrenbach"], words=[], limit=5)

    assert second.id == first.id
    assert found == [second.id]


@pytest.mark.usefixtures("term_statistics_kept")
def test_on_sqlite_a_sessions_next_transaction_sees_the_index_anew(engine: Engine) -> None:
    """The index's state is read once a transaction: a session's next transaction finds a
    term that an article stored in between holds, though its last one counted none."""
    with session_scope(engine) as reader:
        assert search.search_articles(reader, names=["Quastenhof"], words=[], limit=5) == []
        reader.commit()
        with session_scope(engine, write=True) as writer:
            stored, _ = repository.add_article(
                writer, article=new("z.example", "Bürgermeister Quastenhof trat zurück.")
            )
            writer.commit()

        found = search.search_articles(reader, names=["Quastenhof"], words=[], limit=5)

    assert found == [stored.id]


@pytest.mark.usefixtures("term_statistics_kept")
def test_on_sqlite_the_index_state_read_outside_a_transaction_is_not_kept(
    engine: Engine,
) -> None:
    """Asked with no transaction open, the state belongs to the one the read begins."""
    with session_scope(engine) as reader:
        before = search._index_state(reader)
        reader.commit()
        with session_scope(engine, write=True) as writer:
            repository.add_article(writer, article=new("w.example", "Landrätin Quendel sprach."))
            writer.commit()

        after = search._index_state(reader)

    assert after != before


@pytest.mark.usefixtures("term_statistics_kept")
def test_on_sqlite_what_a_writing_transaction_counts_in_no_article_is_not_remembered(
    engine: Engine,
) -> None:
    """A writing transaction sees its own new articles before the index's structure record
    changes: its counts of none must not outlive it."""
    with session_scope(engine, write=True) as session:
        assert search.search_articles(session, names=["Pfannholz"], words=[], limit=5) == []
    with term_counts(engine) as counted, session_scope(engine) as session:
        search.search_articles(session, names=["Pfannholz"], words=[], limit=5)

    assert len(counted) == 1


@pytest.fixture
def two_articles_are_many(monkeypatch: pytest.MonkeyPatch) -> None:
    """A term in two articles is in too many."""
    monkeypatch.setattr(search, "MAX_TERM_DOCUMENTS", 1)


@pytest.mark.usefixtures("two_articles_are_many")
def test_topic_words_are_those_in_too_many_articles(engine: Engine) -> None:
    """Counted on SQLite; on PostgreSQL, estimated by ANALYZE (autovacuum runs it as the table
    grows; here it is run by hand)."""
    with session_scope(engine, write=True) as session:
        repository.add_article(
            session,
            article=new(
                "a.example", "Kölner Haushaltsdebatte, Hauptstraße Łódź, Шойгу, Gnarrenburg."
            ),
        )
        repository.add_article(
            session,
            article=new("b.example", "Kölner Haushaltsdebatte, Hauptstraße Łódź, Шойгу, Zeven."),
        )
        session.commit()
    _analyze(engine)

    with session_scope(engine) as session:
        # Story features hold their words folded ("kolner", "hauptstrasse"); names are asked for
        # by their `index_form` ("łódź", "шойгу"), which PostgreSQL's unaccent folds further.
        words = ["haushaltsdebatte", "kolner", "hauptstrasse", "gnarrenburg", "nirgendwo"]
        names = ["łódź", "шойгу", "zeven"]
        topic = search.topic_words(session, [*words, *names])

    assert topic == {"haushaltsdebatte", "kolner", "hauptstrasse", "łódź", "шойгу"}


@pytest.mark.usefixtures("two_articles_are_many")
def test_on_postgresql_no_word_is_a_topic_word_before_its_statistics_are_gathered(
    backend: str, fresh_database_url: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite counts the terms as they are stored")
    migrate.upgrade(fresh_database_url)
    engine = create_db_engine(Settings(database_url=fresh_database_url))
    try:
        with session_scope(engine, write=True) as session:
            for source in ("a.example", "b.example"):
                repository.add_article(session, article=new(source, f"Haushaltsdebatte {source}"))
            session.commit()

        with session_scope(engine) as session:
            assert search.topic_words(session, ["haushaltsdebatte"]) == frozenset()
    finally:
        engine.dispose()


@pytest.mark.usefixtures("two_articles_are_many")
def test_on_postgresql_lexemes_in_too_many_articles_are_left_out_of_the_query(
    engine: Engine,
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's counts are tested above")
    with session_scope(engine, write=True) as session:
        repository.add_article(session, article=new("a.example", "Weltweit berichtet Alpha."))
        found, _ = repository.add_article(session, article=new("b.example", "Weltweit Omega."))
        session.commit()
    _analyze(engine)

    with session_scope(engine) as session:
        hits = search.search_articles(session, names=[], words=["weltweit", "omega"], limit=5)

    assert hits == [found.id]


def _analyze(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE article"))
