"""One error shape everywhere: {"error": {"code", "message", "details"}}."""

import logging
from http import HTTPStatus
from typing import Any

from alembic.util.exc import CommandError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DatabaseError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.api.schemas import ErrorResponse
from service.errors import DatabaseUnavailable, ServiceError
from service.store import migrate

log = logging.getLogger(__name__)

# SQLite's "file is not a database" and "database disk image is malformed": the file at the
# path is not (or no longer) ours, which the caller cannot fix by changing the request.
_SQLITE_NOT_A_DATABASE = frozenset({11, 26})
_SQLITE_BUSY = 5
# What a database not migrated to this release says when a query names what it lacks: SQLite's
# messages, and PostgreSQL's undefined table, column, object (a text search configuration) and
# function (unaccent's). A bug says the same on a migrated database: the revision tells them apart.
_SQLITE_MISSING = ("no such table", "no such column", "no such index")
_PG_MISSING = frozenset({"42P01", "42703", "42704", "42883"})

_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details}}
    return JSONResponse(body, status_code=status_code, headers=headers)


def responses(*status_codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: each listed status documented with the error shape."""
    return {
        code: {"model": ErrorResponse, "description": HTTPStatus(code).phrase}
        for code in status_codes
    }


# What a request by `url` may add: blocked or not an article (422), too large (413),
# unreachable or failing upstream (502), upstream timeout (504).
FETCH_STATUSES = (413, 422, 502, 504)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # Connection-level failures only: the database is away, not the request wrong.
    for unavailable in (OperationalError, InterfaceError, PoolTimeout):
        app.add_exception_handler(unavailable, _database_error)
    app.add_exception_handler(DatabaseError, _other_database_error)
    app.add_exception_handler(Exception, _unexpected_error)


async def _service_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers())


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {
            "loc": list(error.get("loc", ())),
            "message": error.get("msg", ""),
            "type": error.get("type"),
        }
        for error in exc.errors()
    ]
    return error_response(422, "validation_error", "the request is not valid", details)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _CODES.get(exc.status_code, HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_"))
    return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    if _names_something_missing(exc):
        return await _something_missing(request, exc)
    _count_database_error(request)
    log.error("database error", exc_info=exc)
    if getattr(getattr(exc, "orig", None), "sqlite_errorcode", None) == _SQLITE_BUSY:
        # SQLite's own busy timeout ran out: overload, or a writer that does not take turns.
        unavailable = DatabaseUnavailable.busy()
    else:
        unavailable = DatabaseUnavailable("the database is not reachable; try again shortly")
    return await _service_error(request, unavailable)


async def _other_database_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DatabaseError)
    if getattr(exc.orig, "sqlite_errorcode", None) in _SQLITE_NOT_A_DATABASE:
        return await _database_error(request, exc)
    if _names_something_missing(exc):
        return await _something_missing(request, exc)
    return await _unexpected_error(request, exc)


def _count_database_error(request: Request) -> None:
    metrics = getattr(request.app.state, "metrics", None)
    if metrics is not None:
        metrics.database_errors.inc()


def _names_something_missing(exc: Exception) -> bool:
    """Whether the error says the schema lacks something a statement names."""
    error = getattr(exc, "orig", None)
    if getattr(error, "sqlstate", None) in _PG_MISSING:
        return True
    return hasattr(error, "sqlite_errorcode") and str(error).startswith(_SQLITE_MISSING)


async def _something_missing(request: Request, exc: Exception) -> JSONResponse:
    """503 not_migrated when the database is at another revision than this release's; at its
    revision, what is missing is a bug or damage: 500, with the traceback."""
    app = request.app.state
    try:  # in a worker thread: it connects, and reads the migrations
        revision, state = await run_in_threadpool(migrate.schema_state, app.engine)
    except (SQLAlchemyError, CommandError):
        revision, state = None, "at_head"  # unknown: nothing says the schema is behind
    if state == "at_head":
        return await _unexpected_error(request, exc)
    _count_database_error(request)
    log.error(
        migrate.MISMATCH[state],
        extra={"revision": revision, "head": app.head_revision, "error": str(exc).split("\n")[0]},
    )
    return await _service_error(request, DatabaseUnavailable.not_migrated(newer=state == "newer"))


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", "an unexpected error occurred")
