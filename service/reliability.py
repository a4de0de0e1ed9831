"""Learning source reliability from the store: score every stored article against the rest,
collect how independent voices judged its claims, and run truth discovery over those checks."""

import csv
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from service.analysis.reliability import Check, Estimate, estimate_reliability
from service.errors import InvalidInput
from service.ingest import normalize_source
from service.scoring import Submitted, score_against_store, timestamp
from service.settings import Settings
from service.store import repository
from service.store.cache import PeerCache
from service.store.codec import load_analysis, load_features
from service.store.db import session_scope

_PAGE = 200


def recompute(
    engine: Engine, settings: Settings, *, progress: Callable[[int], None] | None = None
) -> dict[str, Estimate]:
    """Recompute and store every source's learned reliability.

    The corpus is scored in read transactions; only loading the priors and saving the results
    write, each briefly, so that ingest and scoring go on meanwhile."""
    if settings.source_priors_file:
        priors = load_priors(settings.source_priors_file)
        with session_scope(engine, write=True) as session:
            repository.set_priors(session, priors=priors)
            session.commit()
    with session_scope(engine) as session:
        sources = repository.list_sources(session)
        stored_priors = {s.name: s.prior for s, _ in sources if s.prior is not None}
        checks = collect_checks(session, settings, progress=progress)
    estimates = estimate_reliability(
        checks, stored_priors, default=settings.thresholds.default_reliability
    )
    with session_scope(engine, write=True) as session:
        repository.save_reliability(
            session,
            # A source none of whose claims could be checked has learned nothing.
            estimates={n: (e.reliability, e.claims) for n, e in estimates.items() if e.claims > 0},
            at=datetime.now(UTC),
        )
        session.commit()
    return estimates


def collect_checks(
    session: Session, settings: Settings, *, progress: Callable[[int], None] | None = None
) -> list[Check]:
    """Every stored claim that independent voices took a side on, with their votes."""
    checks: list[Check] = []
    # A story's articles are one another's peers: each is read and decoded once.
    cache = PeerCache.of_size(settings.analysis_cache_size)
    after = 0
    while ids := repository.article_ids(session, after_id=after, limit=_PAGE, outdated_only=False):
        for article in repository.load_peers(session, article_ids=ids):
            checks.extend(_checks_of(session, article, settings, cache))
        after = ids[-1]
        if progress:
            progress(len(ids))
    return checks


def _checks_of(
    session: Session, article: repository.StoredPeer, settings: Settings, cache: PeerCache
) -> list[Check]:
    submitted = Submitted(
        text=article.text,
        analysis=load_analysis(article.analysis, article.text, load_features(article.features)),
        source=article.source,
        content_hash=article.content_hash,
        url=article.url,
        published_at=timestamp(article.published_at),
    )
    report, _, _ = score_against_store(session, submitted, settings, cache=cache)
    sources = {voice.id: voice.sources for voice in report.voices}
    checks = []
    for result in report.claims:
        votes = {
            e.voice: +1 if e.stance == "supports" else -1
            for e in result.evidence
            if e.stance in ("supports", "contradicts")
        }
        if votes:
            ballot = tuple((sources[voice], stance) for voice, stance in sorted(votes.items()))
            checks.append(Check(article.source, ballot))
    return checks


def load_priors(path: Path) -> dict[str, float]:
    """Operator ratings from CSV (`source,prior` rows, header optional) or JSON."""
    try:
        content = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput(f"cannot read the priors file {path}: {exc}") from exc
    try:
        pairs = _json_pairs(content) if path.suffix == ".json" else _csv_pairs(content)
        priors = {normalize_source(str(name)): float(value) for name, value in pairs}
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(f"cannot read the priors in {path}: {exc}") from exc
    for name, prior in priors.items():
        if not 0 <= prior <= 1:
            raise InvalidInput(f"prior of {name!r} is {prior}; priors lie in [0, 1]")
    return priors


def _json_pairs(content: str) -> list[tuple[str, float]]:
    data = json.loads(content)
    if isinstance(data, dict):
        return list(data.items())
    return [(row["source"], row["prior"]) for row in data]


def _csv_pairs(content: str) -> list[tuple[str, str]]:
    rows = [row for row in csv.reader(content.splitlines()) if len(row) >= 2 and row[0].strip()]
    if rows and rows[0][0].strip().lower() == "source":
        rows = rows[1:]
    return [(row[0], row[1]) for row in rows]
