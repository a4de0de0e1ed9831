"""The real server (`crosscheck serve`) as a child process, for tests that need real processes."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench import load
from bench.load import free_port


@dataclass(frozen=True)
class LiveServer:
    base: str
    process: subprocess.Popen[bytes]

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a crash or `kill -9` of the group."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@contextmanager
def live_server(
    database_url: str, log: Path, *, workers: int = 2, settings: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    """`crosscheck serve` on an already migrated database, ready when this yields; `settings`
    are further CROSSCHECK_* variables."""
    port = free_port()
    env = {
        **os.environ,
        "CROSSCHECK_DATABASE_URL": database_url,
        "CROSSCHECK_PORT": str(port),
        "CROSSCHECK_LOG_LEVEL": "warning",
        **(settings or {}),
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-m", "service", "serve", "--no-migrate", "--workers", str(workers)]
    with log.open("a") as output:
        # A session of its own, so that the whole server (master and workers) can be killed.
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process)
    try:
        wait_ready(server.base, process, log)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    try:
        load.wait_ready(base, process, seconds=30)
    except RuntimeError as exc:
        pytest.fail(f"{exc}:\n{log.read_text()}")
