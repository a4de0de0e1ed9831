"""Story peers: which candidate articles report the same story as the scored one."""

from collections import Counter
from dataclasses import dataclass
from math import log, sqrt

from service.analysis.params import Thresholds
from service.analysis.records import Analysis, Candidate
from service.analysis.similarity import name_overlap


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """What story similarity compares: names, content words and the numbers of an article."""

    names: frozenset[str]
    words: dict[str, float]
    numbers: frozenset[float]
    shingles: frozenset[tuple[str, str, str]]


def story_features(analysis: Analysis) -> StoryFeatures:
    counts = Counter(analysis.terms)
    norm = sqrt(sum((1 + log(n)) ** 2 for n in counts.values())) or 1.0
    words = {term: (1 + log(n)) / norm for term, n in counts.items()}
    numbers = {q.value for claim in analysis.claims for q in claim.quantities}
    numbers |= {float(d.year) for claim in analysis.claims for d in claim.dates if d.year}
    terms = analysis.terms
    shingles = frozenset(zip(terms, terms[1:], terms[2:], strict=False))
    return StoryFeatures(frozenset(analysis.name_keys), words, frozenset(numbers), shingles)


def story_similarity(first: StoryFeatures, second: StoryFeatures) -> float:
    """Same-language wording, or (across languages) shared names and numbers."""
    small, large = sorted((first.words, second.words), key=len)
    words = sum(weight * large.get(term, 0.0) for term, weight in small.items())
    names = name_overlap(first.names, second.names)
    union = first.numbers | second.numbers
    numbers = len(first.numbers & second.numbers) / len(union) if union else 0.0
    return max(words, 0.45 * names + 0.35 * words + 0.2 * numbers)


def select_peers(
    article: Analysis,
    candidates: list[Candidate],
    *,
    own_source: str | None,
    own_hash: str | None,
    published_at: float | None,
    thresholds: Thresholds,
) -> list[tuple[Candidate, float, StoryFeatures]]:
    """Candidates of other sources within the time window that report the same story, best first.

    The article itself (same content) and every article of its own source are left out: a source
    cannot corroborate itself.
    """
    features = story_features(article)
    window = thresholds.story_window_days * 86400
    peers = []
    for candidate in candidates:
        if candidate.source == own_source or candidate.content_hash == own_hash:
            continue
        if (
            published_at
            and candidate.published_at
            and abs(candidate.published_at - published_at) > window
        ):
            continue
        theirs = story_features(candidate.analysis)
        similarity = story_similarity(features, theirs)
        if similarity >= thresholds.story_similarity:
            peers.append((candidate, similarity, theirs))
    return sorted(peers, key=lambda peer: (-peer[1], peer[0].article_id))
