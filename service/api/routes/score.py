"""Scoring: an article against the other outlets' reports of the same story."""

from typing import Any

import orjson
from fastapi import APIRouter, Depends, Request, Response

from service import fetch, scoring
from service.analysis.records import ClaimResult, Conflict, Evidence, Flag, Peer, Voice
from service.api.deps import FetcherDep, SettingsDep, scoring_slot
from service.api.errors import FETCH_STATUSES, responses
from service.api.schemas import FetchedOut, ScoreResponse
from service.api.security import CallerDep, identify
from service.deadline import Deadline
from service.ingest import ItemResult
from service.scoring import Scored, ScoreRequest
from service.store.db import session_scope

router = APIRouter(tags=["scoring"])


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
    fetched = (
        FetchedOut(text=scored.text, title=body.title, published_at=body.published_at)
        if by_url
        else None
    )
    # Rendered here, in the worker thread: returned as a model, FastAPI would validate it again
    # in a second hop to the thread pool and then serialise it on the event loop. The route's
    # `response_model` only documents the body.
    return Response(render(scored, fetched), media_type="application/json")


def to_response(scored: Scored) -> ScoreResponse:
    """The response as a model (for the command line's report)."""
    return ScoreResponse.model_validate_json(render(scored))


def render(scored: Scored, fetched: FetchedOut | None = None) -> bytes:
    """The response body: `ScoreResponse` as JSON, byte for byte as its `model_dump_json` writes
    it (the tests check that), from plain data: validating a model for each of a response's
    hundred or so evidence items cost more than the rest of the response."""
    report = scored.report
    claims = [_claim(scored, result) for result in report.claims]
    body = {
        "score": float(report.score),
        "language": report.language,
        "source": {
            "name": scored.source.name,
            "reliability": _optional_float(scored.source.reliability),
            "prior": _optional_float(scored.source.prior),
        },
        "peers": [_peer(scored, peer) for peer in report.peers],
        "voices": [_voice(voice) for voice in report.voices],
        "claims": claims,
        "claims_total": max(scored.claims_total, len(claims)),
        "claims_truncated": scored.claims_total > len(claims),
        "flags": [_flag(scored, flag) for flag in report.flags],
        "stored": _stored(scored.stored),
        "fetched": fetched.model_dump(mode="json") if fetched is not None else None,
    }
    return orjson.dumps(body)


def _claim(scored: Scored, result: ClaimResult) -> dict[str, Any]:
    start, end = scored.original_span(result.claim.start, result.claim.end)
    return {
        "text": scored.text[start:end],
        "start": start,
        "end": end,
        "verdict": result.verdict,
        "agreement": float(result.agreement),
        "evidence": [_evidence(evidence) for evidence in result.evidence],
        "conflicts": [_conflict(conflict) for conflict in result.conflicts],
    }


def _evidence(evidence: Evidence) -> dict[str, Any]:
    return {
        "article_id": evidence.article_id,
        "source": evidence.source,
        "voice": evidence.voice,
        "text": evidence.text,
        "start": evidence.start,
        "end": evidence.end,
        "similarity": float(evidence.similarity),
        "stance": evidence.stance,
    }


def _conflict(conflict: Conflict) -> dict[str, Any]:
    return {
        "kind": conflict.kind,
        "found": conflict.found,
        "expected": conflict.expected,
        "sources": conflict.sources,
    }


def _peer(scored: Scored, peer: Peer) -> dict[str, Any]:
    candidate = scored.peers[peer.article_id]
    return {
        "article_id": peer.article_id,
        "source": peer.source,
        "title": candidate.title,
        "url": candidate.url,
        "similarity": float(peer.similarity),
        "voice": peer.voice,
    }


def _voice(voice: Voice) -> dict[str, Any]:
    return {
        "id": voice.id,
        "sources": voice.sources,
        "article_ids": voice.article_ids,
        "weight": float(voice.weight),
    }


def _flag(scored: Scored, flag: Flag) -> dict[str, Any]:
    start, end = scored.original_span(flag.start, flag.end)
    return {
        "type": flag.type,
        "subtype": flag.subtype,
        "start": start,
        "end": end,
        "found": scored.text[start:end],
        "expected": flag.expected,
        "confidence": float(flag.confidence),
        "message": flag.message,
        "evidence": {"count": len(flag.sources), "sources": flag.sources},
    }


def _stored(stored: ItemResult | None) -> dict[str, Any] | None:
    return {"article_id": stored.article_id, "status": stored.status} if stored else None


def _optional_float(value: float | None) -> float | None:
    return None if value is None else float(value)
