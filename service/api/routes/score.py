"""Scoring: an article against the other outlets' reports of the same story."""

from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel

from service import fetch, scoring
from service.analysis.records import Flag
from service.api.deps import FetcherDep, SettingsDep, scoring_slot
from service.api.errors import FETCH_STATUSES, responses
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
from service.api.security import CallerDep, identify
from service.deadline import Deadline
from service.scoring import Scored, ScoreRequest
from service.store.db import session_scope

router = APIRouter(tags=["scoring"])
Model = TypeVar("Model", bound=BaseModel)


@router.post(
    "/score",
    response_model=ScoreResponse,
    responses=responses(400, 401, 403, 413, 422, 429, 503, *FETCH_STATUSES),
    # Who is asking before a slot is taken: unknown callers never crowd out known ones. The slot
    # is given back before the response is sent, so that a client's next request finds it free.
    dependencies=[Depends(identify), Depends(scoring_slot, scope="function")],
    summary="Score an article against its story peers",
)
def score(
    body: ScoreRequest,
    request: Request,
    settings: SettingsDep,
    caller: CallerDep,
    fetcher: FetcherDep,
) -> Response:
    """Find the stored articles of other outlets that report the same story and judge each claim
    of the article against them. Nothing is stored unless `store` is true (which needs a
    `write` key where keys are configured; scoring alone needs `read`). Without `text`, the
    page at `url` is fetched and its article extracted; `fetched` then holds what was scored."""
    caller.require("write" if body.store else "read")
    by_url = body.text is None
    state = request.app.state
    turns = state.analysis_turns
    body = fetch.fill_from_url(body, fetcher, min_chars=settings.fetch_min_text_chars, turn=turns)
    # The budget is for scoring, the wait for a turn included; fetching has timeouts of its own.
    deadline = Deadline.after(settings.score_time_budget_seconds)
    with turns.within(deadline), session_scope(state.engine) as session:
        scored = scoring.score_text(session, body, settings, deadline, state.peer_cache)
    if body.store:
        # Stored after scoring, with what other requests store: the lock is held for inserts only.
        scored = scoring.store_scored(state.group_commit, body, scored, settings, turns)
    response = to_response(scored)
    if by_url:
        response.fetched = FetchedOut(
            text=scored.text, title=body.title, published_at=body.published_at
        )
    # Rendered here, in the worker thread: returned as a model, FastAPI would validate it again
    # in a second hop to the thread pool and then serialise it on the event loop. The route's
    # `response_model` now only documents it: render as FastAPI would (by alias).
    return Response(response.model_dump_json(by_alias=True), media_type="application/json")


def to_response(scored: Scored) -> ScoreResponse:
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
                evidence=[_out(EvidenceOut, e) for e in result.evidence],
                conflicts=[_out(ConflictOut, c) for c in result.conflicts],
            )
        )
    return ScoreResponse(
        score=report.score,
        language=report.language,
        source=_out(SourceRatingOut, scored.source),
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
        voices=[_out(VoiceOut, v) for v in report.voices],
        claims=claims,
        claims_total=max(scored.claims_total, len(claims)),
        claims_truncated=scored.claims_total > len(claims),
        flags=[_flag(scored, flag) for flag in report.flags],
        stored=_out(StoredOut, scored.stored) if scored.stored else None,
    )


def _flag(scored: Scored, flag: Flag) -> FlagOut:
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


def _out(model: type[Model], record: Any) -> Model:
    return model.model_validate(record, from_attributes=True)
