"""The soak run: `python -m bench.soak [--duration 600] [--rate 50] [--mix score=10,ingest=90]`.

Starts `crosscheck serve` with 2 workers on a SQLite copy of a generated corpus and drives it
open-loop: requests leave at a fixed rate whatever the server answers, so a slow server meets
the same offered load (and its queueing shows as latency or timeouts, not as a lower rate).
A mix of `POST /score` (corpus articles under another outlet) and `POST /articles` (new
generated articles). Reports requests, errors by status, latency per kind, the achieved rate
and the resident memory of the master and every worker over time. Writes
bench/results/soak-<time>.json, soak-latest.json and soak-latest.md; exits 1 on any error.
"""

import argparse
import asyncio
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import corpus, load
from bench.run import QUERY_SOURCE, RESULTS, _ingest, _machine, percentiles
from service.store import migrate

KINDS = ("score", "ingest")
SHUTDOWN_GRACE = 15


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str
    due: float  # seconds after the start at which the request was scheduled to leave
    latency_ms: float  # from its scheduled departure, so a late client does not hide queueing
    status: str  # the HTTP status, or "timeout" / the transport error's name


@dataclass
class MemorySeries:
    """Resident memory of the server's master and workers, sampled from /proc."""

    pid: int
    every: float
    samples: list[dict[str, Any]] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self, started: float) -> threading.Thread:
        thread = threading.Thread(target=self._loop, args=(started,), daemon=True)
        thread.start()
        return thread

    def stop(self, started: float) -> None:
        self._stop.set()
        self._sample(started)

    def _loop(self, started: float) -> None:
        while not self._stop.is_set():
            self._sample(started)
            self._stop.wait(self.every)

    def _sample(self, started: float) -> None:
        processes = {
            pid: round(load.rss_kb(pid) / 1024, 1) for pid in [self.pid, *load.children(self.pid)]
        }
        for pid in processes:
            self.roles.setdefault(str(pid), _role(pid, self.pid))
        self.samples.append(
            {
                "t": round(time.monotonic() - started, 1),
                "total_mb": round(sum(processes.values()), 1),
                "processes_mb": {str(pid): mb for pid, mb in processes.items() if mb},
            }
        )


def _role(pid: int, master: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return f"process {pid}"
    if pid == master:
        return "master"
    # uvicorn's workers are multiprocessing children; so is the resource tracker beside them.
    return f"resource tracker {pid}" if b"resource_tracker" in command else f"worker {pid}"


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    mix = _mix(args.mix)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    pristine = _corpus_database(work, args.articles)
    database = work / "soak-run.db"
    _copy_database(pristine, database)
    migrate.upgrade(f"sqlite:///{database}")  # a corpus kept from an earlier checkout
    articles = list(corpus.generate(args.articles))
    plan = _plan(args, mix, articles)
    print(
        f"soak: {len(plan)} requests at {args.rate}/s for {args.duration} s, mix {mix}, "
        f"{args.workers} workers, {args.articles} articles",
        file=sys.stderr,
    )
    outcomes, memory, seconds, shutdown = _run(args, f"sqlite:///{database}", plan)
    report = _report(args, mix, outcomes, memory, seconds)
    report["server_shutdown"] = shutdown
    _write(report, Path(args.results))
    return 1 if report["errors_total"] else 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=600, help="seconds of load")
    parser.add_argument("--rate", type=float, default=50, help="requests per second, offered")
    parser.add_argument(
        "--mix",
        default="score=10,ingest=90",
        help="shares of POST /score and POST /articles (an aggregator stores every article it "
        "receives and scores some)",
    )
    parser.add_argument("--articles", type=int, default=2000, help="articles in the corpus")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--timeout", type=float, default=10, help="client timeout per request")
    parser.add_argument(
        "--sample-every", type=float, default=5, help="seconds between memory samples"
    )
    parser.add_argument("--work", default=str(RESULTS / "work"), help="where the databases go")
    parser.add_argument("--seed", type=int, default=11, help="seed of the request order")
    parser.add_argument("--results", default=str(RESULTS), help="where the reports go")
    return parser.parse_args(argv)


def _mix(text: str) -> dict[str, float]:
    shares = {}
    for part in text.split(","):
        kind, _, share = part.partition("=")
        if kind.strip() not in KINDS:
            raise SystemExit(f"--mix: unknown kind {kind!r}; use {', '.join(KINDS)}")
        shares[kind.strip()] = float(share)
    total = sum(shares.values())
    if total <= 0:
        raise SystemExit("--mix: the shares must add up to more than 0")
    return {kind: share / total for kind, share in shares.items()}


def _corpus_database(work: Path, articles: int) -> Path:
    """The generated corpus, ingested once and kept for later runs (it is never written to)."""
    path = work / f"soak-corpus-{articles}.db"
    if not path.exists():
        building = path.with_suffix(".building")
        for stale in work.glob(building.name + "*"):
            stale.unlink()
        url = f"sqlite:///{building}"
        migrate.upgrade(url)
        rate = _ingest(url, list(corpus.generate(articles)), processes=2)
        print(f"soak: corpus of {articles} ingested at {rate:.0f} articles/s", file=sys.stderr)
        _copy_database(building, path)
        for stale in work.glob(building.name + "*"):
            stale.unlink()
    return path


def _copy_database(source: Path, target: Path) -> None:
    for stale in target.parent.glob(target.name + "*"):
        stale.unlink()
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)  # consistent even with a -wal file beside the source


def _plan(
    args: argparse.Namespace, mix: dict[str, float], articles: list[dict[str, Any]]
) -> list[tuple[str, dict[str, Any]]]:
    """Every request of the run, in order: its kind and body."""
    rng = random.Random(args.seed)
    count = int(args.rate * args.duration)
    kinds = rng.choices(list(mix), weights=list(mix.values()), k=count)
    fresh = corpus.generate(kinds.count("ingest"), seed=args.seed + 1000)
    tag = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    plan = []
    for number, kind in enumerate(kinds):
        if kind == "score":
            chosen = articles[rng.randrange(len(articles))]
            body = {"text": chosen["text"], "source": QUERY_SOURCE, "language": chosen["language"]}
        else:
            body = next(fresh)
            body["url"] = f"{body['url']}/soak-{tag}-{number}"  # new, never a duplicate
        plan.append((kind, body))
    return plan


def _run(
    args: argparse.Namespace, url: str, plan: list[tuple[str, dict[str, Any]]]
) -> tuple[list[Outcome], MemorySeries, float, str]:
    port = load.free_port()
    environment = {
        **os.environ,
        "CROSSCHECK_DATABASE_URL": url,
        "CROSSCHECK_LOG_LEVEL": "warning",
        "CROSSCHECK_PORT": str(port),
    }
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-m", "service", "serve", "--no-migrate"]
    command += ["--workers", str(args.workers)]
    with (Path(args.work) / "soak-server.log").open("w") as log:
        server = subprocess.Popen(
            command,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so that the whole server can be stopped, workers included
        )
    memory = MemorySeries(server.pid, args.sample_every)
    try:
        base = f"http://127.0.0.1:{port}"
        load.wait_ready(base, server)
        started = time.monotonic()
        memory.start(started)
        outcomes = asyncio.run(_drive(base, plan, args.rate, args.timeout))
        seconds = time.monotonic() - started
        memory.stop(started)
    finally:
        shutdown = _stop(server)
    return outcomes, memory, seconds, shutdown


def _stop(server: subprocess.Popen[bytes]) -> str:
    """Stop the server; an overloaded one still works through requests its clients gave up
    on, so it gets SHUTDOWN_GRACE seconds and is then killed (and the report says so)."""
    server.terminate()
    try:
        server.wait(timeout=SHUTDOWN_GRACE)
        return "clean"
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        return f"killed: still busy {SHUTDOWN_GRACE} s after SIGTERM"


async def _drive(
    base: str, plan: list[tuple[str, dict[str, Any]]], rate: float, timeout: float
) -> list[Outcome]:
    """Open loop: request n leaves at n / rate seconds, whether or not earlier ones returned."""
    loop = asyncio.get_running_loop()
    address = httpx.URL(base)
    started = loop.time()
    tasks = []
    for number, (kind, body) in enumerate(plan):
        due = started + number / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        request = _request(kind, address.host, body)
        send = _send(address.host, address.port or 80, request, timeout)
        tasks.append(asyncio.create_task(_timed(kind, send, due, started)))
        if number % int(rate * 10) == 0 and number:
            print(f"soak: {number} sent", file=sys.stderr)
    return list(await asyncio.gather(*tasks))


def _request(kind: str, host: str, body: dict[str, Any]) -> bytes:
    payload = json.dumps(body).encode()
    path = "/score" if kind == "score" else "/articles"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + payload


async def _timed(kind: str, send: Any, due: float, started: float) -> Outcome:
    loop = asyncio.get_running_loop()
    status = await send
    return Outcome(kind, due - started, (loop.time() - due) * 1000, status)


async def _send(host: str, port: int, request: bytes, timeout: float) -> str:
    """One request on a connection of its own; the status, "timeout" or the error's name.
    A plain asyncio client: a pooled HTTP client spends quadratic time on hundreds of waiting
    requests, and the load generator must not be what saturates."""
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            await writer.drain()
            status_line = await reader.readline()
            await reader.read()  # the server closes after the body (Connection: close)
        return status_line.split()[1].decode() if status_line else "empty_response"
    except TimeoutError:
        return "timeout"
    except OSError as exc:
        return type(exc).__name__
    finally:
        if writer is not None:
            writer.close()


def _ok(outcome: Outcome) -> bool:
    return outcome.status in ("200", "201")


def _report(
    args: argparse.Namespace,
    mix: dict[str, float],
    outcomes: list[Outcome],
    memory: MemorySeries,
    seconds: float,
) -> dict[str, Any]:
    errors: dict[str, int] = {}
    for outcome in outcomes:
        if not _ok(outcome):
            errors[outcome.status] = errors.get(outcome.status, 0) + 1
    kinds = {}
    for kind in mix:
        mine = [o for o in outcomes if o.kind == kind]
        ok = [o.latency_ms for o in mine if _ok(o)]
        kinds[kind] = {
            "sent": len(mine),
            "ok": len(ok),
            "errors": len(mine) - len(ok),
            "latency_ok_ms": _latency(ok),
            "latency_all_ms": _latency([o.latency_ms for o in mine]),
        }
    sent_span = max((o.due for o in outcomes), default=0) or 1
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "settings": {
            "duration_s": args.duration,
            "rate_per_s": args.rate,
            "mix": mix,
            "workers": args.workers,
            "articles": args.articles,
            "client_timeout_s": args.timeout,
        },
        "requests": len(outcomes),
        "errors_total": sum(errors.values()),
        "errors_by_status": errors,
        "achieved_send_rate_per_s": round(len(outcomes) / sent_span, 1),
        "completed_ok_per_s": round(sum(map(_ok, outcomes)) / seconds, 1),
        "wall_seconds": round(seconds, 1),
        "kinds": kinds,
        "timeline": _timeline(outcomes, window=10),
        "memory": _memory_summary(memory),
    }


def _latency(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"n": 0}
    result = percentiles(samples)
    return {"n": len(samples), "p50": result["median"], "p95": result["p95"], "p99": result["p99"]}


def _timeline(outcomes: list[Outcome], window: float) -> list[dict[str, Any]]:
    """Per window of scheduled departure: requests, errors and the median latency."""
    slots: dict[int, list[Outcome]] = {}
    for outcome in outcomes:
        slots.setdefault(int(outcome.due // window), []).append(outcome)
    return [
        {
            "from_s": slot * window,
            "sent": len(group),
            "errors": sum(not _ok(o) for o in group),
            "p50_ms": round(sorted(o.latency_ms for o in group)[len(group) // 2], 1),
        }
        for slot, group in sorted(slots.items())
    ]


def _memory_summary(memory: MemorySeries) -> dict[str, Any]:
    totals = [sample["total_mb"] for sample in memory.samples]
    if not totals:
        return {"samples": []}
    processes: dict[str, list[float]] = {}
    for sample in memory.samples:
        for pid, mb in sample["processes_mb"].items():
            processes.setdefault(pid, []).append(mb)
    return {
        "total_mb": {"start": totals[0], "end": totals[-1], "peak": max(totals)},
        "processes_mb": {
            pid: {"start": series[0], "end": series[-1], "peak": max(series)}
            for pid, series in processes.items()
        },
        "master_pid": str(memory.pid),
        "roles": memory.roles,
        "every_s": memory.every,
        "samples": memory.samples,
    }


def markdown(report: dict[str, Any]) -> str:
    settings = report["settings"]
    mix = ", ".join(f"{kind} {share:.0%}" for kind, share in settings["mix"].items())
    lines = [
        f"Soak {report['when']}: {settings['rate_per_s']:g} requests/s offered (open loop) for "
        f"{settings['duration_s']:g} s, {mix}, {settings['workers']} workers, "
        f"{settings['articles']:,} articles, client timeout {settings['client_timeout_s']:g} s; "
        f"{report['machine']['cpus']} cores.",
        "",
        f"Requests {report['requests']:,}; errors {report['errors_total']:,} "
        f"({_errors(report['errors_by_status'])}); sent at "
        f"{report['achieved_send_rate_per_s']:g}/s, answered without error at "
        f"{report['completed_ok_per_s']:g}/s.",
        "",
        "| kind | sent | ok | errors | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, result in report["kinds"].items():
        latency = result["latency_ok_ms"]
        figures = [f"{latency.get(p, float('nan')):.0f}" for p in ("p50", "p95", "p99")]
        lines.append(
            f"| {kind} | {result['sent']:,} | {result['ok']:,} | {result['errors']:,} | "
            + " | ".join(figures)
            + " |"
        )
    lines += ["", "Latency of the requests answered without error, from their scheduled departure."]
    memory = report["memory"]
    if "total_mb" in memory:
        total = memory["total_mb"]
        lines += [
            "",
            f"Server RSS (master + workers): start {total['start']:.0f} MB, end "
            f"{total['end']:.0f} MB, peak {total['peak']:.0f} MB.",
            "",
            "| process | start MB | end MB | peak MB |",
            "|---|---|---|---|",
        ]
        for pid, series in memory["processes_mb"].items():
            name = memory["roles"].get(pid, f"process {pid}")
            lines.append(
                f"| {name} | {series['start']:.0f} | {series['end']:.0f} | {series['peak']:.0f} |"
            )
    lines += ["", f"Server shutdown: {report.get('server_shutdown', 'unknown')}."]
    return "\n".join(lines) + "\n"


def _errors(by_status: dict[str, int]) -> str:
    return ", ".join(f"{status}: {count}" for status, count in sorted(by_status.items())) or "none"


def _write(report: dict[str, Any], results: Path) -> None:
    results.mkdir(parents=True, exist_ok=True)
    stamp = report["when"].replace(":", "").replace("-", "")[:15]
    text = json.dumps(report, indent=2)
    (results / f"soak-{stamp}.json").write_text(text, encoding="utf-8")
    (results / "soak-latest.json").write_text(text, encoding="utf-8")
    summary = markdown(report)
    (results / "soak-latest.md").write_text(summary, encoding="utf-8")
    print(summary)


if __name__ == "__main__":
    sys.exit(main())
