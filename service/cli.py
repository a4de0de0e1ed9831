"""The `crosscheck` command: serve, migrate, ingest, openapi."""

import logging
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn
import yaml
from rich.console import Console
from rich.progress import Progress

from service import demo, files, ingest
from service.logs import configure_logging, logging_config
from service.main import create_app
from service.settings import Settings
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
    source: Annotated[str | None, typer.Option(help="Source for items that name none.")] = None,
    language: Annotated[str | None, typer.Option(help="Language for items that give none.")] = None,
    batch_size: Annotated[
        int | None, typer.Option(min=1, help="Articles per transaction (default: the batch limit).")
    ] = None,
) -> None:
    """Store articles from files, through the same code path as `POST /articles/batch`."""
    settings = Settings()
    configure_logging("warning")
    _migrate_embedded(settings)
    defaults = {key: value for key, value in (("source", source), ("language", language)) if value}
    items = [
        item for path in files.expand(paths) for item in files.read_items(path, defaults=defaults)
    ]
    size = min(batch_size or settings.max_batch_items, settings.max_batch_items)
    counts = {"created": 0, "existing": 0, "rejected": 0}
    problems: dict[int, tuple[str, Any]] = {
        position: (item.origin, item.error) for position, item in enumerate(items) if item.error
    }
    counts["rejected"] = len(problems)
    readable = [(position, item) for position, item in enumerate(items) if item.data is not None]
    engine = create_db_engine(settings)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("ingesting", total=len(readable))
        for batch in ingest.chunks(readable, size):
            with session_scope(engine, write=True) as session:
                results = ingest.store_batch(session, [item.data for _, item in batch], settings)
            for (position, item), result in zip(batch, results, strict=True):
                counts[result.status] += 1
                if result.error:
                    problems[position] = (item.origin, result.error)
            progress.advance(task, len(batch))
    engine.dispose()
    for origin, error in (problems[position] for position in sorted(problems)):
        console.print(f"[red]rejected[/red] {origin}: {_reason(error)}")
    created, existing, rejected = counts["created"], counts["existing"], counts["rejected"]
    console.print(f"{created} created, {existing} already stored, {rejected} rejected")
    if counts["rejected"]:
        raise typer.Exit(code=1)


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


def _migrate_embedded(settings: Settings) -> None:
    if settings.is_sqlite:
        migrations.upgrade(settings.database_url)


def _load_demo(settings: Settings) -> None:
    engine = create_db_engine(settings)
    with session_scope(engine, write=True) as session:
        results = demo.load_demo(session, settings)
    engine.dispose()
    if results is None:
        log.info("demo corpus not loaded: the store already has articles")
    else:
        log.info(
            "demo corpus loaded", extra={"articles": sum(r.status == "created" for r in results)}
        )


def _reason(error: Any) -> str:
    if isinstance(error, dict):
        details = error.get("details")
        if isinstance(details, list) and details:
            return "; ".join(
                f"{'.'.join(map(str, d['loc'])) or 'item'}: {d['message']}" for d in details
            )
        return str(error.get("message"))
    return str(error)
