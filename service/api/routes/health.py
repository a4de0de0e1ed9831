"""Liveness, readiness and metrics: what a load balancer and Prometheus ask."""

import logging

from alembic.util.exc import CommandError
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy.exc import SQLAlchemyError

from service.api.errors import responses
from service.api.schemas import Health, Readiness
from service.api.security import can_see_metrics
from service.store import migrate

router = APIRouter(tags=["operations"])
log = logging.getLogger(__name__)


@router.get("/healthz", response_model=Health, summary="The process is alive")
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "Not ready"}},
    summary="The database is reachable and migrated to head",
)
def readyz(request: Request) -> JSONResponse:
    head = request.app.state.head_revision
    try:
        revision = migrate.current_revision(request.app.state.engine)
    except (SQLAlchemyError, CommandError) as exc:
        # CommandError: the database answered, but alembic_version names several revisions
        reachable = isinstance(exc, CommandError)
        log.warning(
            "readiness: " + ("revision unclear" if reachable else "database unreachable"),
            extra={"error": type(exc).__name__},
        )
        body = Readiness(
            status="unavailable", database=reachable, migrations="unknown", revision=None, head=head
        )
        return JSONResponse(body.model_dump(), status_code=503)
    at_head = revision == head
    body = Readiness(
        status="ready" if at_head else "unavailable",
        database=True,
        migrations="at_head" if at_head else migrate.state_of(revision),
        revision=revision,
        head=head,
    )
    return JSONResponse(body.model_dump(), status_code=200 if at_head else 503)


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"},
        **responses(401, 403),
    },
    dependencies=[Depends(can_see_metrics)],
    summary="Prometheus metrics (behind a `metrics` key when CROSSCHECK_METRICS_NEED_KEY)",
)
def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
