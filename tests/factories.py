"""Builders for test data."""

from typing import Any

from service.analysis.normalize import content_hash
from service.analysis.pipeline import analyze
from service.store.repository import NewArticle


def new_article(source: str, text: str, language: str = "de", **fields: Any) -> NewArticle:
    """An article ready for the repository, analysed as ingest would."""
    return NewArticle(
        source=source,
        text=text,
        content_hash=content_hash(text),
        analysis=analyze(text, language),
        language=language,
        **fields,
    )
