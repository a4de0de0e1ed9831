"""Alembic, driven from code: upgrade, downgrade, and "is this database at head?"."""

import logging
from pathlib import Path
from typing import Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

import service
from service.store.db import ensure_sqlite_folder


def migrations_dir() -> Path:
    """The migrations: inside the package when installed as a wheel, beside it in a checkout."""
    package = Path(service.__file__).resolve().parent
    for candidate in (package / "migrations", package.parent / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("no migrations directory found beside or inside the service package")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    # Alembic's ini interpolation would read "%" in a URL-encoded password as a placeholder.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


log = logging.getLogger(__name__)


def upgrade(database_url: str, revision: str = "head") -> None:
    ensure_sqlite_folder(database_url)
    command.upgrade(alembic_config(database_url), revision)
    log.info("database migrated", extra={"revision": revision})


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
    log.info("database downgraded", extra={"revision": revision})


def head_revision() -> str | None:
    return _scripts().get_current_head()


SchemaState = Literal["at_head", "behind", "newer"]
# What the log says of a database not at this release's schema, at start and at a request.
MISMATCH = {
    "behind": "the database is not migrated to this release: run `crosscheck migrate`",
    "newer": "the database is newer than this release: run the release that migrated it",
}


def schema_state(engine: Engine) -> tuple[str | None, SchemaState]:
    """The database's revision, and where it stands against this release's head: behind it
    (none at all included), or newer (a revision this release does not know)."""
    revision = current_revision(engine)
    return revision, state_of(revision)


def state_of(revision: str | None) -> SchemaState:
    """Where `revision` stands against this release's head."""
    scripts = _scripts()
    if revision == scripts.get_current_head():
        return "at_head"
    known = revision is None or revision in {s.revision for s in scripts.walk_revisions()}
    return "behind" if known else "newer"


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
