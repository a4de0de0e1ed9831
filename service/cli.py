"""The `crosscheck` command: serve, migrate, ingest, score, upkeep, openapi."""

import hashlib
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
import uvicorn
import yaml
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from sqlalchemy.exc import DBAPIError

from service import demo, files, ingest, report, scoring
from service import reliability as sources_reliability
from service.api.routes.score import to_response
from service.errors import ServiceError
from service.evaluation import run as evaluation
from service.fetch import Fetcher
from service.logs import configure_logging, logging_config
from service.main import create_app
from service.scoring import ScoreRequest
from service.settings import Settings
from service.store import maintenance, repository
from service.store import migrate as migrations
from service.store.db import create_db_engine, session_scope

app = typer.Typer(
    help="crosscheck: source-reliability scoring for newsrooms.",
    no_args_is_help=True,
    # Tracebacks with local variables would print database URLs and article texts.
    pretty_exceptions_show_locals=False,
)
console = Console(stderr=True, soft_wrap=True)
log = logging.getLogger("crosscheck.cli")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Overrides CROSSCHECK_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides CROSSCHECK_PORT.")] = None,
    workers: Annotated[int | None, typer.Option(help="Overrides CROSSCHECK_WORKERS.")] = None,
    demo_corpus: Annotated[
        bool, typer.Option("--demo", help="Load the demo corpus into an empty store.")
    ] = False,
    run_migrations: Annotated[
        bool | None,
        typer.Option(
            "--migrate/--no-migrate",
            help="Migrate before serving. Default: yes on SQLite, no on PostgreSQL "
            "(run `crosscheck migrate` as a deploy step there).",
        ),
    ] = None,
) -> None:
    """Run the HTTP service."""
    overrides = {"host": host, "port": port, "workers": workers}
    for name, value in overrides.items():
        if value is not None:
            # Workers build their own Settings from the environment; hand the flags on that way.
            os.environ[f"CROSSCHECK_{name.upper()}"] = str(value)
    settings = Settings()
    configure_logging(settings.log_level)
    if run_migrations if run_migrations is not None else settings.is_sqlite:
        migrations.upgrade(settings.database_url)
    if demo_corpus:
        _load_demo(settings)
    elif settings.source_priors_file:
        try:
            _apply_priors(settings)
        except ServiceError as exc:
            _fail(exc.message)
    if settings.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several workers share their metrics through files; each start gets a clean folder.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="crosscheck-metrics-")
    uvicorn.run(
        "service.main:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=logging_config(settings.log_level),
        access_log=False,
        server_header=False,
    )


@app.command()
def migrate(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    down: Annotated[bool, typer.Option("--down", help="Downgrade to REVISION instead.")] = False,
) -> None:
    """Bring the database schema to a revision (default: the newest)."""
    settings = Settings()
    configure_logging(settings.log_level)
    if down:
        migrations.downgrade(settings.database_url, revision)
    else:
        migrations.upgrade(settings.database_url, revision)
    console.print(f"database at revision {revision}")


@app.command(name="ingest")
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="JSON Lines / JSON / .txt files or folders.")],
    url_lists: Annotated[
        bool,
        typer.Option(
            "--urls", help="Every file is a list of URLs, one per line: fetch and store each page."
        ),
    ] = False,
    source: Annotated[str | None, typer.Option(help="Source for items that name none.")] = None,
    language: Annotated[str | None, typer.Option(help="Language for items that give none.")] = None,
    batch_size: Annotated[
        int | None, typer.Option(min=1, help="Articles per transaction (default: the batch limit).")
    ] = None,
    learn: Annotated[
        bool,
        typer.Option(
            "--reliability/--no-reliability",
            help="Relearn source reliability afterwards (slow on very large stores).",
        ),
    ] = True,
) -> None:
    """Store articles from files, through the same code path as `POST /articles/batch`.
    Items with a `url` and no `text` are fetched."""
    settings = Settings()
    configure_logging("warning")
    _migrate_embedded(settings)
    defaults = {key: value for key, value in (("source", source), ("language", language)) if value}
    read = files.read_urls if url_lists else files.read_items
    items = [item for path in files.expand(paths) for item in read(path, defaults=defaults)]
    size = min(batch_size or settings.max_batch_items, settings.max_batch_items)
    counts = {"created": 0, "existing": 0, "rejected": 0}
    problems: dict[int, tuple[str, Any]] = {
        position: (item.origin, item.error) for position, item in enumerate(items) if item.error
    }
    counts["rejected"] = len(problems)
    readable = [(position, item) for position, item in enumerate(items) if item.data is not None]
    engine = create_db_engine(settings)
    fetcher = Fetcher(settings)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("ingesting", total=len(readable))
        for batch in ingest.chunks(readable, size):
            data = [item.data for _, item in batch]
            results = ingest.store_batch(engine, data, settings, fetcher)
            for (position, item), result in zip(batch, results, strict=True):
                counts[result.status] += 1
                if result.error:
                    problems[position] = (item.origin, result.error)
            progress.advance(task, len(batch))
    fetcher.close()
    if learn and counts["created"]:
        sources_reliability.recompute(engine, settings)
    engine.dispose()
    for origin, error in (problems[position] for position in sorted(problems)):
        console.print(f"[red]rejected[/red] {escape(origin)}: {escape(_reason(error))}")
    created, existing, rejected = counts["created"], counts["existing"], counts["rejected"]
    console.print(f"{created} created, {existing} already stored, {rejected} rejected")
    if counts["rejected"]:
        raise typer.Exit(code=1)


@app.command()
def score(
    path: Annotated[Path, typer.Argument(help="A text file, or - for standard input.")],
    source: Annotated[str | None, typer.Option(help="The article's outlet.")] = None,
    language: Annotated[str | None, typer.Option(help="Language code; detected if absent.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON report.")] = False,
) -> None:
    """Score an article against the store and print the report."""
    settings = Settings()
    configure_logging("warning")
    _migrate_embedded(settings)
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8-sig")
        request = ScoreRequest(text=text, source=source, language=language)
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read {path}: {exc}")
    except ValidationError as exc:
        _fail(_reason({"details": ingest.errors_of(exc)}))
    engine = create_db_engine(settings)
    with session_scope(engine) as session:
        response = to_response(scoring.score_text(session, request, settings))
    engine.dispose()
    if as_json:
        typer.echo(response.model_dump_json(indent=2))
    else:
        report.print_report(response, Console(soft_wrap=True))


@app.command()
def reanalyse(
    everything: Annotated[
        bool, typer.Option("--all", help="Also articles already analysed by this version.")
    ] = False,
) -> None:
    """Analyse stored articles again (after the analysis changed); by default only outdated ones."""
    settings = Settings()
    configure_logging("warning")
    _migrate_embedded(settings)
    engine = create_db_engine(settings)
    done = 0
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("analysing", total=None)
        after = 0
        while True:
            ids = ingest.reanalyse(
                engine, after_id=after, limit=settings.max_batch_items, everything=everything
            )
            if not ids:
                break
            after, done = ids[-1], done + len(ids)
            progress.advance(task, len(ids))
    engine.dispose()
    console.print(f"{done} articles analysed")


@app.command(name="optimize-index")
def optimize_index(
    pages: Annotated[
        int,
        typer.Option(
            min=1,
            help="Pages (4 KB) merged per write transaction on SQLite; other writers take "
            "their turns in between.",
        ),
    ] = maintenance.DEFAULT_PAGES_PER_STEP,
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="On SQLite, write the index anew in one transaction (writers wait): when "
            "the merge asks for it.",
        ),
    ] = False,
) -> None:
    """Merge the SQLite full-text index into one segment, which makes every search faster (run
    it after a bulk load, and daily); on PostgreSQL, flush and ANALYZE the index (as the
    owner of the table)."""
    settings = Settings()
    configure_logging("warning")
    _migrate_embedded(settings)
    engine = create_db_engine(settings)
    started = time.perf_counter()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("optimizing the index", total=None)
        try:
            result = maintenance.optimize_index(
                engine,
                pages_per_step=pages,
                rebuild=rebuild,
                progress=lambda steps: progress.update(task, completed=steps),
            )
        except maintenance.IndexNeedsRebuild as exc:
            _fail(str(exc))
        except ServiceError as exc:  # the writers' turn not taken in time
            _fail(f"{exc.message}; what was merged so far stays merged")
        except DBAPIError as exc:  # not migrated, or (PostgreSQL) the table not this user's
            _fail(f"the database refused: {exc.orig}")
        finally:
            engine.dispose()
    _print_optimized(result, rebuild, time.perf_counter() - started)


def _print_optimized(result: maintenance.Optimized, rebuilt: bool, seconds: float) -> None:
    if result.segments is None or result.levels is None:
        console.print(f"index flushed and analysed in {seconds:.1f} s")
        return
    (segments, segments_after), (_, levels) = result.segments, result.levels
    done = "rebuilt" if rebuilt else "merged"
    console.print(
        f"index {done} from {segments} segment(s) into {segments_after} in {seconds:.1f} s "
        f"({result.steps} transactions); its structure has {levels} levels "
        f"(a rebuild is due past {maintenance.MAX_LEVELS})"
    )


@app.command()
def reliability() -> None:
    """Learn every source's reliability from the stored corpus (truth discovery) and store it."""
    settings = Settings()
    configure_logging("warning")
    _migrate_embedded(settings)
    engine = create_db_engine(settings)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("scoring the corpus", total=None)
        try:
            estimates = sources_reliability.recompute(
                engine, settings, progress=lambda n: progress.advance(task, n)
            )
        except ServiceError as exc:
            _fail(exc.message)
    engine.dispose()
    for name, estimate in estimates.items():
        console.print(f"{estimate.reliability:5.2f}  {estimate.claims:5d} claims  {name}")


@app.command(name="eval")
def evaluate_flags(
    write_set: Annotated[
        bool, typer.Option("--write-set", help="Regenerate the labelled set from the stories.")
    ] = False,
    labelled: Annotated[
        Path | None, typer.Option(help="A labelled set other than the shipped one.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Precision and recall of each flag type on the labelled set (stories with injected errors)."""
    stories = evaluation.load_stories()
    if write_set:
        target = labelled or evaluation.packaged("labelled.jsonl")
        evaluation.write_cases(evaluation.build_cases(stories), target)
    cases = evaluation.load_cases(labelled)
    tallies = evaluation.evaluate(cases, stories)
    if as_json:
        typer.echo(json.dumps(evaluation.figures(cases, tallies), indent=2))
        return
    clean = sum(case.perturbation is None for case in cases)
    console.print(f"{len(cases)} cases ({clean} without injected errors)")
    for key, tally in tallies.items():
        style = "bold" if "/" not in key else "dim"
        console.print(
            f"[{style}]{key:<46} precision {tally.precision:.3f}  recall {tally.recall:.3f}  "
            f"(tp {tally.tp}, fp {tally.fp}, fn {tally.fn})[/{style}]"
        )


@app.command()
def openapi(
    output: Annotated[
        Path | None, typer.Option(help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Print the OpenAPI document of the service as YAML."""
    document = yaml.safe_dump(
        create_app(Settings()).openapi(), sort_keys=False, allow_unicode=True, width=100
    )
    if output is None:
        typer.echo(document, nl=False)
    else:
        output.write_text(document, encoding="utf-8")


@app.command(name="hash-key")
def hash_key() -> None:
    """Read an API key from standard input; print the SHA-256 to put in CROSSCHECK_API_KEYS."""
    key = sys.stdin.readline().rstrip("\r\n")
    if not key.strip():
        _fail('no key on standard input (e.g. `printf %s "$KEY" | crosscheck hash-key`)')
    typer.echo(hashlib.sha256(key.encode("utf-8")).hexdigest())


def _migrate_embedded(settings: Settings) -> None:
    if settings.is_sqlite:
        migrations.upgrade(settings.database_url)


def _load_demo(settings: Settings) -> None:
    engine = create_db_engine(settings)
    results = demo.load_demo(engine, settings)
    if results is not None:
        sources_reliability.recompute(engine, settings)
    engine.dispose()
    if results is None:
        log.info("demo corpus not loaded: the store already has articles")
    else:
        log.info(
            "demo corpus loaded", extra={"articles": sum(r.status == "created" for r in results)}
        )


def _apply_priors(settings: Settings) -> None:
    assert settings.source_priors_file is not None
    priors = sources_reliability.load_priors(settings.source_priors_file)
    engine = create_db_engine(settings)
    with session_scope(engine, write=True) as session:
        repository.set_priors(session, priors=priors)
        session.commit()
    engine.dispose()
    log.info("source priors loaded", extra={"sources": len(priors)})


def _fail(message: str) -> NoReturn:
    console.print(f"[red]error:[/red] {escape(message)}")
    raise typer.Exit(code=2)


def _reason(error: Any) -> str:
    if isinstance(error, dict):
        details = error.get("details")
        if isinstance(details, list) and details:
            return "; ".join(
                f"{'.'.join(map(str, d['loc'])) or 'item'}: {d['message']}" for d in details
            )
        return str(error.get("message"))
    return str(error)
