"""Sources: their article counts, priors and learned reliability."""

from fastapi import APIRouter

from service.api.deps import ReadSession
from service.api.errors import responses
from service.api.schemas import SourcePublic
from service.api.security import READ
from service.errors import NotFound
from service.ingest import normalize_source
from service.store import repository
from service.store.models import Source

router = APIRouter(prefix="/sources", tags=["sources"], dependencies=READ)


@router.get(
    "",
    response_model=list[SourcePublic],
    responses=responses(401, 403, 503),
    summary="List sources",
)
def list_sources(session: ReadSession) -> list[SourcePublic]:
    return [_public(source, articles) for source, articles in repository.list_sources(session)]


@router.get(
    "/{name}",
    response_model=SourcePublic,
    responses=responses(401, 403, 404, 503),
    summary="One source",
)
def get_source(name: str, session: ReadSession) -> SourcePublic:
    found = repository.get_source(session, name=normalize_source(name))
    if found is None:
        raise NotFound(f"no source named {name!r}", details={"name": name})
    return _public(*found)


def _public(source: Source, articles: int) -> SourcePublic:
    return SourcePublic(
        name=source.name,
        articles=articles,
        prior=source.prior,
        reliability=source.reliability,
        reliability_claims=source.reliability_claims,
        reliability_updated_at=source.reliability_updated_at,
    )
