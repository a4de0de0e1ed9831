"""A small demo corpus written for crosscheck: a few stories, several outlets each."""

import json
from importlib import resources
from typing import Any

from sqlalchemy import Engine

from service.ingest import ItemResult, store_batch
from service.settings import Settings
from service.store import repository
from service.store.db import session_scope


def demo_articles() -> list[dict[str, Any]]:
    lines = resources.files(__package__).joinpath("articles.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def load_demo(engine: Engine, settings: Settings) -> list[ItemResult] | None:
    """Store the demo corpus into an empty store; leave a store that has articles alone."""
    with session_scope(engine) as session:
        if repository.count_articles(session) > 0:
            return None
    return store_batch(engine, demo_articles(), settings)
