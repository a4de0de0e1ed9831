"""Builders for test data."""

from pathlib import Path
from typing import Any

from service.analysis.normalize import content_hash
from service.analysis.pipeline import analyze
from service.analysis.records import Flag
from service.api.schemas import (
    ClaimOut,
    ConflictOut,
    EvidenceOut,
    FetchedOut,
    FlagEvidence,
    FlagOut,
    PeerOut,
    ScoreResponse,
    SourceRatingOut,
    StoredOut,
    VoiceOut,
)
from service.scoring import Scored
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


def written_by_the_models(scored: Scored, fetched: FetchedOut | None = None) -> bytes:
    """What the route wrote before it rendered plain data: each part of the report validated into
    its response model by attribute name, then the whole serialised by pydantic."""
    report = scored.report
    claims = []
    for result in report.claims:
        start, end = scored.original_span(result.claim.start, result.claim.end)
        claims.append(
            ClaimOut(
                text=scored.text[start:end],
                start=start,
                end=end,
                verdict=result.verdict,
                agreement=result.agreement,
                evidence=[_validated(EvidenceOut, e) for e in result.evidence],
                conflicts=[_validated(ConflictOut, c) for c in result.conflicts],
            )
        )
    response = ScoreResponse(
        score=report.score,
        language=report.language,
        source=_validated(SourceRatingOut, scored.source),
        peers=[
            PeerOut(
                article_id=peer.article_id,
                source=peer.source,
                title=scored.peers[peer.article_id].title,
                url=scored.peers[peer.article_id].url,
                similarity=peer.similarity,
                voice=peer.voice,
            )
            for peer in report.peers
        ],
        voices=[_validated(VoiceOut, v) for v in report.voices],
        claims=claims,
        claims_total=max(scored.claims_total, len(claims)),
        claims_truncated=scored.claims_total > len(claims),
        flags=[_flag_out(scored, flag) for flag in report.flags],
        stored=_validated(StoredOut, scored.stored) if scored.stored else None,
        fetched=fetched,
    )
    return response.model_dump_json(by_alias=True).encode()


def _flag_out(scored: Scored, flag: Flag) -> FlagOut:
    start, end = scored.original_span(flag.start, flag.end)
    return FlagOut(
        type=flag.type,
        subtype=flag.subtype,
        start=start,
        end=end,
        found=scored.text[start:end],
        expected=flag.expected,
        confidence=flag.confidence,
        message=flag.message,
        evidence=FlagEvidence(count=len(flag.sources), sources=list(flag.sources)),
    )


def _validated(model: Any, record: Any) -> Any:
    return model.model_validate(record, from_attributes=True)
