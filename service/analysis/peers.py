"""Story peers: which candidate articles report the same story as the scored one.

Candidates carry only their stored story features, so that dozens can be compared without
reading their texts; the few chosen are then loaded whole.
"""

import zlib
from collections import Counter
from math import log, sqrt

from service.analysis.names import name_stem
from service.analysis.normalize import index_form
from service.analysis.params import Thresholds
from service.analysis.records import Analysis, Candidate, Claim, StoryFeatures

# How many content words and trigram hashes an article keeps for comparison.
TOP_WORDS = 80
SKETCH_SIZE = 64


def story_features(
    terms: tuple[str, ...], claims: tuple[Claim, ...], names: tuple[str, ...]
) -> StoryFeatures:
    """The features of an article from its content words, claims and name keys."""
    counts = Counter(terms)
    top = counts.most_common(TOP_WORDS)
    norm = sqrt(sum((1 + log(n)) ** 2 for _, n in top)) or 1.0
    words = tuple((term, round((1 + log(n)) / norm, 4)) for term, n in top)
    numbers = {q.value for claim in claims for q in claim.quantities}
    numbers |= {float(d.year) for claim in claims for d in claim.dates if d.year}
    trigrams = zip(terms, terms[1:], terms[2:], strict=False)  # each run of three words
    shingles = {zlib.crc32(f"{a} {b} {c}".encode()) for a, b, c in trigrams}
    stems = tuple(sorted({name_stem(name) for name in names}))
    sketch = tuple(sorted(shingles)[:SKETCH_SIZE])
    return StoryFeatures(stems, words, tuple(sorted(numbers)), sketch)


def story_similarity(first: StoryFeatures, second: StoryFeatures) -> float:
    """Same-language wording, or (across languages) shared names and numbers."""
    return _Story(first).similarity(second)


class _Story:
    """An article's story features as look-ups, made once to compare it with many others.

    Its topic words and topic names (words and names the store holds in too many articles to
    tell one story from another: a topic's vocabulary, a capital, a head of state) do not count,
    on either side: without that, two reports of different stories on one topic share most of
    their frequent words and the names of the topic, and pass for one story. Which of another
    article's own names are common is not known here; they are taken to be as common as the
    article's, so each counts at the share of its names that tell the story (all of them, when
    the store knows no topic names)."""

    __slots__ = ("names", "numbers", "telling_share", "topic_names", "words")

    def __init__(
        self,
        features: StoryFeatures,
        topic_words: frozenset[str] = frozenset(),
        topic_names: frozenset[str] = frozenset(),
    ) -> None:
        self.words = {term: w for term, w in features.words if term not in topic_words}
        self.topic_names = topic_names
        self.names = set(features.names) - topic_names
        self.telling_share = len(self.names) / len(features.names) if features.names else 1.0
        self.numbers = set(features.numbers)

    def similarity(self, other: StoryFeatures) -> float:
        ours = self.words  # a look-up built once; the other's words are only walked
        # A list, not a generator: forty candidates of eighty words each a request.
        words = sum([weight * ours[term] for term, weight in other.words if term in ours], 0.0)
        theirs_names = set(other.names) - self.topic_names
        names = _dice(self.names, theirs_names, others=self.telling_share)
        numbers = set(other.numbers)
        either = self.numbers | numbers
        shared = len(self.numbers & numbers) / len(either) if either else 0.0
        return max(words, 0.45 * names + 0.35 * words + 0.2 * shared)


def _dice(first: set[str], second: set[str], others: float = 1.0) -> float:
    """Dice overlap of two sets of name stems, the names only `second` holds counted at
    `others` each."""
    if not first or not second:
        return 0.0
    shared = len(first & second)
    return 2 * shared / (len(first) + shared + others * (len(second) - shared))


def copies(first: StoryFeatures, second: StoryFeatures, threshold: float) -> bool:
    """Near-copies (one trimmed or extended): the sketches of their word trigrams overlap
    almost wholly (bottom-k estimate of containment)."""
    if not first.sketch or not second.sketch:
        return False
    shared = len(set(first.sketch) & set(second.sketch))
    return shared / min(len(first.sketch), len(second.sketch)) >= threshold


def choose_peers(
    article: Analysis,
    candidates: list[Candidate],
    *,
    own_source: str | None,
    own_hash: str | None,
    published_at: float | None,
    thresholds: Thresholds,
    topic_words: frozenset[str] = frozenset(),
) -> list[tuple[Candidate, float]]:
    """The candidates of other sources, within the time window, that report the same story:
    the `max_peers` most similar, best first. The article's `topic_words` (the caller knows
    which of its words, folded, and of its names, by `index_form`, too many stored articles
    hold) are not evidence of the same story.

    The article itself (same content) and every article of its own source are left out: a source
    cannot corroborate itself.
    """
    found = eligible(
        candidates,
        own_source=own_source,
        own_hash=own_hash,
        published_at=published_at,
        thresholds=thresholds,
    )
    return most_similar(article, found, thresholds=thresholds, topic_words=topic_words)


def most_similar(
    article: Analysis,
    candidates: list[Candidate],
    *,
    thresholds: Thresholds,
    topic_words: frozenset[str] = frozenset(),
) -> list[tuple[Candidate, float]]:
    """The `max_peers` of the candidates, already `eligible`, that report the article's story,
    best first; `topic_words` as for `choose_peers`."""
    written = {index_form(mention.text): mention.key for mention in article.mentions}
    topic_names = frozenset(name_stem(key) for word, key in written.items() if word in topic_words)
    story = _Story(article.features, topic_words, topic_names)
    peers = []
    for candidate in candidates:
        similarity = story.similarity(candidate.features)
        if similarity >= thresholds.story_similarity:
            peers.append((candidate, similarity))
    peers.sort(key=lambda peer: (-peer[1], peer[0].article_id))
    return peers[: thresholds.max_peers]


def eligible(
    candidates: list[Candidate],
    *,
    own_source: str | None,
    own_hash: str | None,
    published_at: float | None,
    thresholds: Thresholds,
) -> list[Candidate]:
    """The candidates that may be peers: of other sources, of another text, and (where both
    times are known) published within the story window."""
    window = thresholds.story_window_days * 86400
    return [
        candidate
        for candidate in candidates
        if candidate.source != own_source
        and candidate.content_hash != own_hash
        and not (
            published_at
            and candidate.published_at
            and abs(candidate.published_at - published_at) > window
        )
    ]


def story_terms(article: Analysis, candidates: list[Candidate]) -> list[str]:
    """The terms whose being topic words (`choose_peers`) can change which of the `candidates`
    are peers: the article's words (folded) that some candidate holds too, since a word no
    candidate holds adds nothing to any similarity, and all its names (`index_form`), since
    how many of them tell the story weighs every comparison."""
    held = {term for candidate in candidates for term, _ in candidate.features.words}
    words = [term for term, _ in article.features.words if term in held]
    return list(dict.fromkeys([*words, *(index_form(m.text) for m in article.mentions)]))
