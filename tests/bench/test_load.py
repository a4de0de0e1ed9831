"""The benchmark's HTTP client against small servers that answer well or badly."""

import asyncio
import json
import os
import signal
import subprocess
import time
from collections.abc import Awaitable, Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from bench import load
from service.main import create_app
from service.settings import Settings

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def asked(handler: Handler) -> int | None:
    async def run() -> int | None:
        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            return await load._ask(port, load._request(port, {"text": "x"}), timeout=5)

    return asyncio.run(run())


def answering(response: bytes) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(response)
        await writer.drain()
        writer.close()

    return handler


def test_a_whole_response_gives_its_status() -> None:
    ok = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}"
    refused = b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n"

    assert asked(answering(ok)) == 200
    assert asked(answering(refused)) == 413


@pytest.mark.parametrize(
    "response",
    [
        b"",  # closed without a word
        b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n{}",  # cut short
        b"HTTP/1.1 200 OK\r\ncontent-le",  # cut in the head
        b"HTTP/1.1 200 OK\r\ncontent-length: two\r\n\r\n{}",
        b"garbage\r\n\r\n",
    ],
)
def test_no_whole_response_is_a_failure(response: bytes) -> None:
    assert asked(answering(response)) is None


def test_a_refused_connection_is_a_failure() -> None:
    port = load.free_port()

    assert asyncio.run(load._ask(port, load._request(port, {}), timeout=5)) is None


def test_the_children_of_a_process_are_found_either_way() -> None:
    parent = subprocess.Popen(["sh", "-c", "sleep 30 & sleep 30 & wait"])
    try:
        deadline = time.monotonic() + 5
        while len(load.children(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)

        assert len(load.children(parent.pid)) == 2
        assert sorted(load.children(parent.pid)) == sorted(load._children_by_parent(parent.pid))
    finally:
        for child in load.children(parent.pid):
            os.kill(child, signal.SIGKILL)
        parent.kill()
        parent.wait()


def test_the_in_process_driver_gets_what_a_client_gets(
    settings: Settings, engine: Engine, client: TestClient
) -> None:
    """`asgi_request` hands requests to the app as a server does: the same statuses and bodies
    as Starlette's TestClient, errors included."""
    article = {"source": "a.example", "text": "Lecornu telefonierte am Mittwoch mit Schoigu."}
    assert client.post("/articles", json=article).status_code == 201
    query = json.dumps({"text": "Schoigu telefonierte am Mittwoch mit Lecornu.", "source": "b"})
    app = create_app(settings)

    async def run() -> list[tuple[int, bytes]]:
        async with app.router.lifespan_context(app):
            return [
                await load.asgi_request(app, "POST", "/score", query.encode()),
                await load.asgi_request(app, "POST", "/score", b"{"),
                await load.asgi_request(app, "GET", "/healthz"),
            ]

    scored, malformed, health = asyncio.run(run())

    expected = client.post("/score", content=query, headers={"content-type": "application/json"})
    assert scored == (200, expected.content)
    assert json.loads(scored[1])["peers"]
    assert malformed[0] == 422
    assert json.loads(malformed[1])["error"]["code"] == "validation_error"
    assert health == (200, client.get("/healthz").content)
