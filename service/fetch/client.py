"""The outbound HTTP client: bounded, redirect-checking, connecting only to checked addresses."""

import logging
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

import certifi
import httpcore
import httpx

from service.errors import (
    FetchFailed,
    UpstreamError,
    UpstreamNotFound,
    UpstreamTimeout,
    UpstreamTooLarge,
    UpstreamUnreachable,
    UrlBlocked,
)
from service.fetch.guard import Guard, HostNotFound, redacted
from service.settings import Settings

log = logging.getLogger(__name__)

_REDIRECTS = {301, 302, 303, 307, 308}
_GONE = {404, 410}


@dataclass(frozen=True, slots=True)
class Page:
    """The raw answer for a URL, after redirects."""

    url: str
    content_type: str  # media type in lower case, without parameters; "" when not sent
    charset: str | None  # as declared in the Content-Type header
    body: bytes


class Fetcher:
    """Fetch pages within the limits of `settings`; one per process, closed with `close()`."""

    def __init__(self, settings: Settings) -> None:
        self.guard = Guard(
            allowed_hosts=frozenset(
                host.lower().strip("[]").rstrip(".") for host in settings.fetch_allowed_hosts
            ),
            allowed_ports=frozenset(settings.fetch_allowed_ports),
        )
        self.max_bytes = settings.fetch_max_bytes
        self.max_redirects = settings.fetch_max_redirects
        self.deadline_seconds = settings.fetch_total_timeout_seconds
        self.client = httpx.Client(
            transport=_GuardedTransport(self.guard),
            timeout=httpx.Timeout(
                settings.fetch_read_timeout_seconds, connect=settings.fetch_connect_timeout_seconds
            ),
            headers={
                "User-Agent": settings.fetch_user_agent,
                "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
            },
            follow_redirects=False,  # each hop is checked by the guard first
            trust_env=False,  # a proxy from the environment would bypass the address checks
        )

    def close(self) -> None:
        self.client.close()

    def get(self, url: str) -> Page:
        """The page at `url`, or a FetchFailed saying why not."""
        started = time.monotonic()
        try:
            page = self._fetch(url, started + self.deadline_seconds)
        except FetchFailed as exc:
            facts = {"url": redacted(url), "code": exc.code, "reason": exc.message}
            log.info("fetch failed", extra=facts)
            raise
        elapsed_ms = round((time.monotonic() - started) * 1000)
        facts = {"url": url, "final_url": page.url, "bytes": len(page.body), "ms": elapsed_ms}
        log.info("fetched", extra=facts)
        return page

    def _fetch(self, url: str, deadline: float) -> Page:
        try:
            return self._follow(url, deadline)
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout(f"{_host(url)} did not answer in time", details=_at(url)) from exc
        except (httpx.TransportError, HostNotFound) as exc:
            raise UpstreamUnreachable(f"{_host(url)} cannot be reached", details=_at(url)) from exc
        except httpx.InvalidURL as exc:
            # A redirect to a URL httpx will not request (too long, malformed).
            raise UpstreamError(f"{_host(url)} led to an invalid URL", details=_at(url)) from exc

    def _follow(self, url: str, deadline: float) -> Page:
        for _ in range(self.max_redirects + 1):
            self._check(url)
            with self.client.stream("GET", url) as response:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                _raise_for_status(url, response)
                return Page(
                    url=url,
                    content_type=response.headers.get("content-type", "")
                    .split(";")[0]
                    .strip()
                    .lower(),
                    charset=response.charset_encoding,
                    body=self._read(url, response, deadline),
                )
        raise UpstreamError(
            f"more than {self.max_redirects} redirects",
            details={**_at(url), "limit": self.max_redirects},
        )

    def _check(self, url: str) -> None:
        target = urlsplit(url)
        try:
            self.guard.check_url(target)
            self.guard.public_addresses(target.hostname or "", _port(target))
        except UrlBlocked as exc:
            exc.details = {"url": redacted(url), **(exc.details or {})}
            raise

    def _read(self, url: str, response: httpx.Response, deadline: float) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise _too_large(url, self.max_bytes)
        body = bytearray()
        # Decoded bytes are counted, so a small gzip bomb is stopped as early as a large page.
        for chunk in response.iter_bytes():
            body.extend(chunk)
            if len(body) > self.max_bytes:
                raise _too_large(url, self.max_bytes)
            if time.monotonic() > deadline:
                raise UpstreamTimeout(f"{_host(url)} sent the page too slowly", details=_at(url))
        return bytes(body)


def _raise_for_status(url: str, response: httpx.Response) -> None:
    status = response.status_code
    if status in _GONE:
        raise UpstreamNotFound(
            f"{_host(url)} has no page at this URL ({status})",
            details={**_at(url), "status": status},
        )
    if not 200 <= status < 300:
        raise UpstreamError(
            f"{_host(url)} answered {status}", details={**_at(url), "status": status}
        )


def _too_large(url: str, limit: int) -> FetchFailed:
    return UpstreamTooLarge(
        f"the page is larger than {limit} bytes", details={**_at(url), "limit": limit}
    )


def _port(url: SplitResult) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def _at(url: str) -> dict[str, Any]:
    return {"url": url}


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves through the guard and connects to a checked address, so a name that resolves
    to a public address for the check and to a private one for the connection (DNS
    rebinding) cannot reach the private one."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self.guard.public_addresses(host, port)
        except HostNotFound as exc:
            raise httpcore.ConnectError(f"{host} does not resolve") from exc
        failure: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with the guarded network backend (httpx offers no argument for it).
    TLS still verifies the certificate against the host name, not the address."""

    def __init__(self, guard: Guard) -> None:
        super().__init__()
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl.create_default_context(cafile=certifi.where()),
            max_connections=20,
            max_keepalive_connections=10,
            network_backend=_GuardedBackend(guard),
        )
