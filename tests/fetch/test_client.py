"""The fetcher: redirects checked hop by hop, limits, and upstream failures (respx)."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import respx

from service.errors import (
    FetchFailed,
    UpstreamError,
    UpstreamNotFound,
    UpstreamTimeout,
    UpstreamTooLarge,
    UpstreamUnreachable,
    UrlBlocked,
)
from service.fetch import Fetcher
from service.settings import Settings

HTML = {"content-type": "text/html; charset=utf-8"}
PAGE = "<html><body><p>Hello</p></body></html>"


def test_follows_redirects_and_sends_its_user_agent(
    fetcher: Fetcher, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get("http://short.example/x").respond(
        301, headers={"location": "https://news.example/a"}
    )
    respx_mock.get("https://news.example/a").respond(302, headers={"location": "/b?id=1"})
    final = respx_mock.get("https://news.example/b?id=1").respond(200, headers=HTML, text=PAGE)

    page = fetcher.get("http://short.example/x")

    assert page.url == "https://news.example/b?id=1"
    assert page.content_type == "text/html"
    assert page.charset == "utf-8"
    assert page.body == PAGE.encode()
    assert final.calls.last.request.headers["user-agent"].startswith("crosscheck/")


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.5/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:80/",
        "http://internal.example/",
        "ftp://news.example/file",
        "http://user:pw@news.example/",
        "http://news.example:8080/",
    ],
)
def test_a_redirect_is_checked_like_the_first_url(
    fetcher: Fetcher,
    respx_mock: respx.MockRouter,
    dns: dict[str, list[str]],
    location: str,
) -> None:
    dns["internal.example"] = ["10.0.0.5"]
    respx_mock.get("https://news.example/a").respond(302, headers={"location": location})
    inside = respx_mock.route(url__regex=r".*(10\.0\.0\.5|169\.254|127\.0|internal|8080|ftp).*")

    with pytest.raises(UrlBlocked):
        fetcher.get("https://news.example/a")
    assert not inside.called


def test_too_many_redirects(fetcher: Fetcher, respx_mock: respx.MockRouter) -> None:
    respx_mock.get(url__regex=r"https://news\.example/loop/\d+").mock(
        side_effect=lambda request: httpx.Response(
            302, headers={"location": f"/loop/{int(request.url.path.split('/')[-1]) + 1}"}
        )
    )
    with pytest.raises(UpstreamError) as raised:
        fetcher.get("https://news.example/loop/0")
    assert raised.value.details["limit"] == 3
    assert len(respx_mock.calls) == 4


@pytest.mark.parametrize(
    ("status", "error", "code"),
    [
        (404, UpstreamNotFound, "upstream_not_found"),
        (410, UpstreamNotFound, "upstream_not_found"),
        (500, UpstreamError, "upstream_error"),
        (503, UpstreamError, "upstream_error"),
        (403, UpstreamError, "upstream_error"),
    ],
)
def test_upstream_statuses(
    fetcher: Fetcher,
    respx_mock: respx.MockRouter,
    status: int,
    error: type[FetchFailed],
    code: str,
) -> None:
    respx_mock.get("https://news.example/a").respond(status, headers=HTML, text="oops")
    with pytest.raises(error) as raised:
        fetcher.get("https://news.example/a")
    assert raised.value.code == code
    assert raised.value.details["status"] == status


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (httpx.ConnectTimeout("slow"), UpstreamTimeout),
        (httpx.ReadTimeout("slow"), UpstreamTimeout),
        (httpx.ConnectError("refused"), UpstreamUnreachable),
        (httpx.RemoteProtocolError("garbage"), UpstreamUnreachable),
    ],
)
def test_transport_failures(
    fetcher: Fetcher, respx_mock: respx.MockRouter, failure: Exception, error: type
) -> None:
    respx_mock.get("https://news.example/a").mock(side_effect=failure)
    with pytest.raises(error):
        fetcher.get("https://news.example/a")


def test_a_name_that_does_not_resolve_is_unreachable(fetcher: Fetcher) -> None:
    with pytest.raises(UpstreamUnreachable):
        fetcher.get("https://no-such-host.invalid/")


def test_oversized_bodies_are_stopped(fetcher: Fetcher, respx_mock: respx.MockRouter) -> None:
    big = "<p>" + "x" * 30_000 + "</p>"
    respx_mock.get("https://news.example/declared").respond(200, headers=HTML, text=big)
    # No Content-Length: counted while streaming.
    respx_mock.get("https://news.example/streamed").respond(200, headers=HTML, stream=Chunked(big))
    for path in ("declared", "streamed"):
        with pytest.raises(UpstreamTooLarge) as raised:
            fetcher.get(f"https://news.example/{path}")
        assert raised.value.details["limit"] == 20_000


def test_a_slow_drip_hits_the_total_deadline(respx_mock: respx.MockRouter) -> None:
    respx_mock.get("https://news.example/a").respond(200, headers=HTML, stream=Chunked(PAGE * 10))
    fetcher = Fetcher(Settings(fetch_total_timeout_seconds=1e-9))
    try:
        with pytest.raises(UpstreamTimeout):
            fetcher.get("https://news.example/a")
    finally:
        fetcher.close()


class Chunked(httpx.SyncByteStream):
    """A body sent in 1000-byte chunks without a Content-Length."""

    def __init__(self, text: str) -> None:
        self.data = text.encode()

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.data), 1000):
            yield self.data[start : start + 1000]


# Without respx: the connection itself goes through the guard.


@pytest.fixture
def local_server() -> Iterator[int]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_connects_to_the_address_the_guard_resolved(
    local_server: int, dns: dict[str, list[str]]
) -> None:
    # page.test exists in no DNS: only the guard's resolver knows it, so the connection
    # can only have gone to the address the guard checked.
    dns["page.test"] = ["127.0.0.1"]
    settings = Settings(fetch_allowed_hosts=["page.test"], fetch_allowed_ports=[local_server])
    fetcher = Fetcher(settings)
    try:
        page = fetcher.get(f"http://page.test:{local_server}/")
    finally:
        fetcher.close()
    assert page.body == PAGE.encode()


def test_a_name_rebound_to_a_private_address_after_the_check_is_refused(
    local_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.fetch import guard

    answers = iter([["93.184.216.34"], ["127.0.0.1"]])  # the check, then the connection
    monkeypatch.setattr(guard, "resolve", lambda host, port: next(answers))
    fetcher = Fetcher(Settings(fetch_allowed_ports=[local_server]))
    try:
        with pytest.raises(UrlBlocked):
            fetcher.get(f"http://rebind.example:{local_server}/")
    finally:
        fetcher.close()


def test_a_redirect_to_an_overlong_url_is_a_bad_gateway(
    fetcher: Fetcher, respx_mock: respx.MockRouter
) -> None:
    location = "https://news.example/" + "p" * 65_600
    respx_mock.get("https://news.example/a").respond(302, headers={"location": location})

    with pytest.raises(FetchFailed) as raised:
        fetcher.get("https://news.example/a")
    assert raised.value.status_code == 502
