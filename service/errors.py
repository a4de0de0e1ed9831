"""Errors raised outside the HTTP layer; the API renders each as one JSON shape."""

from typing import Any


class ServiceError(Exception):
    """Base error: carries the HTTP status, a stable machine-readable code, and for errors
    worth retrying the seconds to wait (sent as `Retry-After`)."""

    status_code: int = 500
    code: str = "internal_error"
    retry_after: int | None = None

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else None


class NotFound(ServiceError):
    status_code = 404
    code = "not_found"


class InvalidInput(ServiceError):
    status_code = 422
    code = "invalid_input"


class TextTooLong(InvalidInput):
    code = "text_too_long"


class BatchTooLarge(InvalidInput):
    code = "batch_too_large"


class TooManySentences(InvalidInput):
    code = "too_many_sentences"


class InvalidCursor(InvalidInput):
    code = "invalid_cursor"


class Unauthorized(ServiceError):
    status_code = 401
    code = "unauthorized"

    def headers(self) -> dict[str, str] | None:
        return {"WWW-Authenticate": 'Bearer realm="crosscheck"'}


class Forbidden(ServiceError):
    status_code = 403
    code = "forbidden"


class PayloadTooLarge(ServiceError):
    status_code = 413
    code = "payload_too_large"


class DatabaseUnavailable(ServiceError):
    status_code = 503
    code = "database_unavailable"
    retry_after = 5

    @classmethod
    def busy(cls) -> "DatabaseUnavailable":
        """Writers queued longer than CROSSCHECK_DB_TIMEOUT_SECONDS: overload."""
        return cls("the database is busy; try again shortly", details={"reason": "busy"})

    @classmethod
    def not_migrated(cls, *, newer: bool = False) -> "DatabaseUnavailable":
        """A table, column or index this release reads is missing: the database has not been
        migrated to it (or was migrated by a newer release, and then changed). Retried, the
        request succeeds once the operator has migrated."""
        message = (
            "the database was migrated by a newer release than this one"
            if newer
            else "the database is not migrated to this release; the operator runs "
            "`crosscheck migrate`"
        )
        return cls(message, details={"reason": "not_migrated"})


class TooManyRequests(ServiceError):
    status_code = 429
    code = "too_many_requests"
    retry_after = 1


class TimeBudgetExceeded(ServiceError):
    status_code = 503
    code = "time_budget_exceeded"
    retry_after = 5


class FetchFailed(ServiceError):
    """Fetching the page at a submitted `url` failed; subclasses say how."""

    status_code = 502
    code = "upstream_error"


class UrlBlocked(FetchFailed):
    status_code = 422
    code = "url_blocked"


class UpstreamUnreachable(FetchFailed):
    code = "upstream_unreachable"


class UpstreamError(FetchFailed):
    code = "upstream_error"


class UpstreamTimeout(FetchFailed):
    status_code = 504
    code = "upstream_timeout"


class UpstreamNotFound(FetchFailed):
    # The link is dead: retrying will not help and the client has to fix the URL.
    status_code = 422
    code = "upstream_not_found"


class UpstreamTooLarge(FetchFailed):
    status_code = 413
    code = "upstream_too_large"


class UnsupportedContent(FetchFailed):
    # 422, not 415: 415 would say the client's own request body has the wrong media type.
    status_code = 422
    code = "unsupported_content_type"


class NotAnArticle(FetchFailed):
    status_code = 422
    code = "not_an_article"
