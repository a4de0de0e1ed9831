"""The benchmark: `python -m bench.run [--quick] [--sizes 1000,10000,100000] [--processes 3]
[--http-runs 3]`.

For each corpus size it generates story clusters (bench/corpus.py), ingests them through the
code path of `POST /articles/batch`, then measures `POST /score`: in-process through the ASGI
app (in several worker processes, one after another, their requests pooled), over real HTTP
against `crosscheck serve` with 1 and 2 workers under a concurrent load (several load runs, each
against a fresh server, their rates' median reported), and against a brute-force baseline
(every stored article re-read and re-analysed, no index, no stored analysis) in the same run.
Writes bench/results/latest.json and latest.md.
"""

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import sys
import sysconfig
import time
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from bench import corpus, load
from service import ingest
from service.analysis.pipeline import analyze
from service.settings import Settings
from service.store import maintenance, migrate
from service.store.db import create_db_engine

RESULTS = Path(__file__).resolve().parent / "results"
QUERY_SOURCE = "bench-query.example"


@dataclass
class SizeResult:
    articles: int
    generate_seconds: float
    ingest_per_second: float
    inprocess_ms: dict[str, float] = field(default_factory=dict)  # each story's first request
    inprocess_again_ms: dict[str, float] = field(default_factory=dict)  # the same, peers cached
    inprocess_cold_ms: dict[str, float] = field(default_factory=dict)  # first, not read through
    inprocess_medians_ms: list[float] = field(default_factory=list)  # first, each process's
    baseline_ms: dict[str, float] = field(default_factory=dict)
    http: dict[str, dict[str, Any]] = field(default_factory=dict)
    machine_speed_ms: float = 0.0  # `machine_speed` just before the in-process requests
    index_merge_seconds: float = 0.0  # `crosscheck optimize-index` after the bulk load

    @property
    def speedup(self) -> float:
        return self.baseline_ms["median"] / self.inprocess_ms["median"]


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    sizes = [1000] if args.quick else [int(n) for n in args.sizes.split(",")]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    results = [_run_size(n, args, work) for n in sizes]
    report = {
        "machine": _machine(),
        "quick": args.quick,
        "inprocess_processes": args.processes,
        "http_runs": args.http_runs,
        "sizes": [_as_dict(r) for r in results],
    }
    RESULTS.mkdir(exist_ok=True)
    name = "quick" if args.quick else "latest"
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    table = markdown(report)
    (RESULTS / f"{name}.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="1k articles only, a few requests (under 2 min)"
    )
    parser.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes to measure")
    parser.add_argument(
        "--queries", type=int, default=60, help="in-process /score requests per size"
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=None,
        help="worker processes the in-process requests are pooled from, one after another "
        "(default 3, 1 with --quick): one process's median moved by up to a half between "
        "processes here, the code unchanged",
    )
    parser.add_argument("--http-requests", type=int, default=400, help="requests per HTTP load run")
    parser.add_argument(
        "--http-runs",
        type=int,
        default=None,
        help="HTTP load runs per worker count, each against a fresh server; the rates' median is "
        "reported (default 3, 1 with --quick): one run's rate moved by up to a third between "
        "runs here",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument(
        "--baseline-queries", type=int, default=3, help="brute-force requests per size"
    )
    parser.add_argument("--ingest-processes", type=int, default=2, help="processes posting batches")
    parser.add_argument("--work", default=str(RESULTS / "work"), help="where the databases go")
    args = parser.parse_args(argv)
    if args.quick:
        args.queries, args.http_requests, args.baseline_queries = 20, 80, 2
    if args.processes is None:
        args.processes = 1 if args.quick else 3
    if args.http_runs is None:
        args.http_runs = 1 if args.quick else 3
    if args.processes < 1 or args.http_runs < 1:
        parser.error("--processes and --http-runs must be at least 1")
    return args


def _run_size(n: int, args: argparse.Namespace, work: Path) -> SizeResult:
    database = work / f"bench-{n}.db"
    for stale in work.glob(f"bench-{n}.db*"):
        stale.unlink()
    url = f"sqlite:///{database}"
    started = time.perf_counter()
    articles = list(corpus.generate(n))
    generated = time.perf_counter() - started
    print(f"[{n}] generated in {generated:.1f} s", file=sys.stderr)
    migrate.upgrade(url)
    rate = _ingest(url, articles, args.ingest_processes)
    print(f"[{n}] ingested at {rate:.0f} articles/s", file=sys.stderr)
    merge_seconds = optimize_index(url)
    print(f"[{n}] index merged in {merge_seconds:.1f} s", file=sys.stderr)
    queries = _queries(articles, args.queries)
    result = SizeResult(n, round(generated, 1), round(rate, 1))
    result.index_merge_seconds = round(merge_seconds, 2)
    result.machine_speed_ms = machine_speed(articles[0])
    cold, _ = _in_process_alone(url, queries)
    result.inprocess_cold_ms = percentiles(cold)
    read_through(database)
    runs = [_in_process_alone(url, queries) for _ in range(args.processes)]
    result.inprocess_ms = percentiles([ms for first, _ in runs for ms in first])
    result.inprocess_again_ms = percentiles([ms for _, again in runs for ms in again])
    result.inprocess_medians_ms = [round(statistics.median(first), 2) for first, _ in runs]
    print(
        f"[{n}] in-process median {result.inprocess_ms['median']:.1f} ms "
        f"(each process: {', '.join(f'{ms:.1f}' for ms in result.inprocess_medians_ms)}), "
        f"again {result.inprocess_again_ms['median']:.1f} ms, "
        f"before the database was read through {result.inprocess_cold_ms['median']:.1f} ms "
        f"(machine speed {result.machine_speed_ms:.2f} ms)",
        file=sys.stderr,
    )
    # Brute force re-analyses the whole store per request: one request at the largest sizes.
    baseline_queries = args.baseline_queries if n < 50_000 else 1
    result.baseline_ms = load.brute_force(url, queries[:baseline_queries])
    print(f"[{n}] brute force median {result.baseline_ms['median']:.0f} ms", file=sys.stderr)
    for workers in (1, 2):
        runs = [
            load.over_http(
                url,
                queries,
                workers=workers,
                requests=args.http_requests,
                concurrency=args.concurrency,
            )
            for _ in range(args.http_runs)
        ]
        result.http[f"{workers}"] = http = pooled_http(runs)
        print(
            f"[{n}] http {workers} worker(s): {http['rps']:.0f} req/s "
            f"(each run: {', '.join(f'{rps:.0f}' for rps in http['rps_runs'])})",
            file=sys.stderr,
        )
    return result


def pooled_http(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Load runs (`load.over_http`) against fresh servers as one: the median of their rates (and
    each run's), latency percentiles over all their requests, their errors summed, the highest
    memory."""
    latency = percentiles([ms for run in runs for ms in run["samples_ms"]])
    return {
        "workers": runs[0]["workers"],
        "concurrency": runs[0]["concurrency"],
        **latency,
        "p50": latency["median"],
        "rps": round(statistics.median(run["rps"] for run in runs), 1),
        "rps_runs": [run["rps"] for run in runs],
        "errors": sum(run["errors"] for run in runs),
        "peak_rss_mb_per_worker": max(run["peak_rss_mb_per_worker"] for run in runs),
        "client_cpu_ms_per_request": round(
            statistics.median(run["client_cpu_ms_per_request"] for run in runs), 2
        ),
    }


def _in_process_alone(url: str, queries: list[dict[str, Any]]) -> tuple[list[float], list[float]]:
    """`load.in_process` in a process of its own, as in a worker: only its own objects on the
    heap, and its memoised work on names and sentences not left over from another run."""
    with get_context("spawn").Pool(1) as pool:
        return pool.apply(load.in_process, (url, queries))


def read_through(database: Path) -> None:
    """Read the database's files once, into the OS page cache, where a server that has run a
    while holds them. At 100k articles (2.6 GB) ingest left part of them out of it here, and a
    story's first requests waited on the disk for their peers: 22-25 ms medians against 19."""
    for path in database.parent.glob(f"{database.name}*"):
        with path.open("rb") as file:
            while file.read(1 << 20):
                pass


def machine_speed(article: dict[str, Any], rounds: int = 7) -> float:
    """Milliseconds this machine takes now to analyse one article (the least of `rounds`): the
    same work at every size and in every run. The shared machines here run the same code up to
    half again as fast in one hour as in another. It reads the minute before the in-process
    requests only, and readings in one process vary by about a sixth: a difference beyond that
    says the machine was slower for that size."""
    text, language = article["text"], article["language"]
    samples = []
    collecting = gc.isenabled()
    gc.disable()  # the in-process runs leave the collector tuned: every size alike without it
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            analyze(text, language)
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        if collecting:
            gc.enable()
    return round(min(samples), 3)


def _ingest(url: str, articles: list[dict[str, Any]], processes: int) -> float:
    """Articles per second through ingest.store_batch (the batch endpoint's code path), with
    `processes` clients at once, as several API workers would take batches. The processes
    start (imports, engine) before the clock does, as the workers of a running service have."""
    batches = [articles[i : i + 100] for i in range(0, len(articles), 100)]
    with get_context("spawn").Pool(processes) as pool:
        pool.map(_start, [url] * processes, chunksize=1)
        started = time.perf_counter()
        pool.starmap(_store, [(url, batch) for batch in batches], chunksize=1)
        return len(articles) / (time.perf_counter() - started)


def optimize_index(url: str) -> float:
    """Seconds `crosscheck optimize-index` takes after the bulk load, as the README asks of a
    deployment (ingest leaves the index in a dozen or two segments, which every search reads)."""
    started = time.perf_counter()
    maintenance.optimize_index(_engine(Settings(database_url=url)))
    return time.perf_counter() - started


def _start(url: str) -> None:
    _engine(Settings(database_url=url))
    time.sleep(0.5)  # so that every process of the pool takes one of these


def _store(url: str, batch: list[dict[str, Any]]) -> None:
    settings = Settings(database_url=url)
    engine = _engine(settings)
    results = ingest.store_batch(engine, batch, settings)
    assert all(r.status != "rejected" for r in results), [r.error for r in results if r.error][:1]


_ENGINES: dict[str, Any] = {}


def _engine(settings: Settings) -> Any:
    # One engine per worker process, kept across the batches it handles.
    if settings.database_url not in _ENGINES:
        _ENGINES[settings.database_url] = create_db_engine(settings)
    return _ENGINES[settings.database_url]


def _queries(articles: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """Stored articles re-submitted under another outlet: the stored copy itself is excluded
    (same text), the other articles of its story are the peers to find."""
    return [
        {"text": a["text"], "source": QUERY_SOURCE, "language": a["language"]}
        for a in queried(articles, count)
    ]


def queried(articles: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """The `count` stored articles the queries re-submit, spread over the corpus."""
    step = max(1, len(articles) // count)
    return articles[::step][:count]


def parser_on_results(description: str | None) -> argparse.ArgumentParser:
    """The arguments of a command that reads a database this benchmark left: --size, --queries
    and --work (see `results_database`)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--size", type=int, default=10_000, help="the corpus size to read")
    parser.add_argument("--queries", type=int, default=60, help="requests to score")
    parser.add_argument("--work", default=str(RESULTS / "work"), help="where bench.run left them")
    return parser


def results_database(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Path:
    """The database of `args.size` in `args.work`, migrated (an earlier checkout may have left
    it); a usage error when it is missing."""
    database = Path(args.work) / f"bench-{args.size}.db"
    if not database.exists():
        parser.error(f"{database} is missing: run `python -m bench.run --sizes {args.size}` first")
    migrate.upgrade(f"sqlite:///{database}")
    return database


def markdown(report: dict[str, Any]) -> str:
    machine = report["machine"]
    lines = [
        f"Machine: {machine['cpus']} cores, {machine['python']}, {_interpreter_label(machine)}, "
        f"{machine['system']}; "
        f"SQLite {machine['sqlite']}. Medians unless marked; ratios against the brute-force "
        "baseline measured in the same run. Machine speed: the analysis of one fixed article "
        "just before each size's in-process requests (the least of seven; readings vary by "
        "about a sixth), to tell a slower minute from a cost that grew. In-process requests "
        f"run in {_processes(report)}, after the database's files were read once into the OS "
        "page cache, as a server that has run a while holds them; the column after them, "
        "before that (one process), with the pages as ingest and the index's merge left "
        "them. After ingest, the index is merged (`crosscheck optimize-index`, as after any "
        "bulk load); its seconds follow the ingest rate, which does not count them. HTTP: "
        f"{_http_runs(report)}; latency over all their requests.",
        "",
        "| articles | ingest/s | score in-process median / p95 / p99 ms "
        "| before read-through: median / p99 ms | again, peers cached: median / p99 ms "
        "| brute force median ms | speed-up | HTTP 1 worker req/s (p50 ms) "
        "| HTTP 2 workers req/s (p50 ms) | errors | peak RSS per worker MB | machine speed ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size in report["sizes"]:
        ms, again, http = size["inprocess_ms"], size["inprocess_again_ms"], size["http"]
        errors = sum(run["errors"] for run in http.values())
        rss = max(run["peak_rss_mb_per_worker"] for run in http.values())
        lines.append(
            f"| {size['articles']:,} | {size['ingest_per_second']:.0f}{_merge(size)} "
            f"| {ms['median']:.1f} / {ms['p95']:.1f} / {ms['p99']:.1f} | {_cold(size)} "
            f"| {again['median']:.1f} / {again['p99']:.1f} "
            f"| {size['baseline_ms']['median']:.0f} | {size['speedup']:.0f}x "
            f"| {http['1']['rps']:.0f} ({http['1']['p50']:.0f}) "
            f"| {http['2']['rps']:.0f} ({http['2']['p50']:.0f}) | {errors} | {rss:.0f} "
            f"| {_speed(size)} |"
        )
    return "\n".join(lines) + "\n"


def _cold(size: dict[str, Any]) -> str:
    cold = size.get("inprocess_cold_ms")  # reports before this column have none
    return f"{cold['median']:.1f} / {cold['p99']:.1f}" if cold else "n/a"


def _merge(size: dict[str, Any]) -> str:
    seconds = size.get("index_merge_seconds")  # reports before the index was merged have none
    return f" (merge {seconds:.1f} s)" if seconds is not None else ""


def _speed(size: dict[str, Any]) -> str:
    speed = size.get("machine_speed_ms")  # reports before 403aca3 have none
    return f"{speed:.2f}" if speed else "n/a"


def _processes(report: dict[str, Any]) -> str:
    processes = report.get("inprocess_processes", 1)  # reports before this field had one
    return "one worker process" if processes == 1 else f"{processes} worker processes, pooled"


def _http_runs(report: dict[str, Any]) -> str:
    runs = report.get("http_runs", 1)  # reports before this field had one
    if runs == 1:
        return "one load run"
    return f"the median rate of {runs} load runs, each server fresh"


def _interpreter_label(machine: dict[str, Any]) -> str:
    interpreter = machine.get("interpreter")  # reports before this field have none
    return f"interpreter {interpreter}" if interpreter else "interpreter not recorded"


def _as_dict(result: SizeResult) -> dict[str, Any]:
    return {**asdict(result), "speedup": round(result.speedup, 1)}


def _machine() -> dict[str, Any]:
    import sqlite3

    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "interpreter": interpreter(),
        "system": f"{platform.system()} {platform.machine()}",
        "sqlite": sqlite3.sqlite_version,
        "date": time.strftime("%Y-%m-%d"),
    }


def interpreter() -> str:
    """The Python that ran the benchmark: its executable (through the venv's links), with the
    build options its configuration records ("--enable-optimizations", "--with-lto") and how
    libpython is linked. The build matters as much as many changes to the code (the README):
    the same code ran about a tenth slower on pyenv's build here than on Debian's. Debian's
    configuration records neither option though its build uses both, so an option missing
    here proves nothing."""
    executable = os.path.realpath(sys.executable) if sys.executable else "unknown"
    configured = str(sysconfig.get_config_var("CONFIG_ARGS") or "")
    details = [flag for flag in ("--enable-optimizations", "--with-lto") if flag in configured]
    try:
        maps = Path("/proc/self/maps").read_bytes().splitlines()
    except OSError:
        pass  # not Linux: the linkage is not told
    else:
        shared = any(line.rsplit(b"/", 1)[-1].startswith(b"libpython") for line in maps)
        details.append("shared libpython" if shared else "libpython linked in")
    return f"{executable} ({', '.join(details)})" if details else executable


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    quantiles = (
        statistics.quantiles(ordered, n=100, method="inclusive")
        if len(ordered) > 1
        else ordered * 99
    )
    return {
        "median": round(statistics.median(ordered), 2),
        "p95": round(quantiles[94], 2),
        "p99": round(quantiles[98], 2),
        "n": len(ordered),
    }


if __name__ == "__main__":
    shutil.rmtree(RESULTS / "work" / "tmp", ignore_errors=True)
    sys.exit(main())
