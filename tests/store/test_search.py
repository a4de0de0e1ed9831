"""Full-text candidate retrieval on both dialects, kept in step with inserts and deletes."""

from sqlalchemy import Engine

from service.store import repository, search
from service.store.db import session_scope
from tests.factories import new_article as new


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
        assert search.search_articles(session, terms=["Schoigu", "Macron"], limit=10) == [call.id]
        assert search.search_articles(session, terms=["telefonat"], limit=10) == [call.id]
        assert search.search_articles(session, terms=["weselsky"], limit=10) == [strike.id]
        assert search.search_articles(session, terms=['"*', " "], limit=10) == []

    with session_scope(engine, write=True) as session:
        assert call.id is not None
        repository.delete_article(session, article_id=call.id)
        session.commit()

    with session_scope(engine) as session:
        assert search.search_articles(session, terms=["Schoigu"], limit=10) == []


def test_search_ranks_articles_sharing_more_terms_first(engine: Engine) -> None:
    with session_scope(engine, write=True) as session:
        one, _ = repository.add_article(session, article=new("a.example", "Lecornu in Paris."))
        both, _ = repository.add_article(
            session, article=new("b.example", "Lecornu und Schoigu, Lecornu und Schoigu.")
        )
        session.commit()

    with session_scope(engine) as session:
        found = search.search_articles(session, terms=["Lecornu", "Schoigu"], limit=10)

    assert found == [both.id, one.id]
