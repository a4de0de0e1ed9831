"""Builders for test data."""

from pathlib import Path
from typing import Any

from service.analysis.normalize import content_hash
from service.analysis.pipeline import analyze
from service.api.schemas import ScoreResponse
from service.store.repository import EncodedAnalysis, NewArticle


def new_article(source: str, text: str, language: str = "de", **fields: Any) -> NewArticle:
    """An article ready for the repository, analysed as ingest would."""
    return NewArticle(
        source=source,
        text=text,
        content_hash=content_hash(text),
        analysis=EncodedAnalysis.of(analyze(text, language)),
        language=language,
        **fields,
    )


PAGES = Path(__file__).parent / "fetch" / "pages"


def page(name: str) -> str:
    """A news-like HTML page written for the tests (tests/fetch/pages)."""
    return (PAGES / name).read_text(encoding="utf-8")


def as_documented(body: bytes) -> bytes:
    """A /score body as its documented model writes it: the route renders it from plain data,
    and it must come out the same, field for field and byte for byte."""
    return ScoreResponse.model_validate_json(body).model_dump_json(by_alias=True).encode()
