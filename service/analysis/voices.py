"""Independence: peers that copy one another (syndicated wire copy) or share a source speak once."""

from service.analysis.params import Thresholds
from service.analysis.peers import StoryFeatures
from service.analysis.records import Candidate, Peer, Voice


def group_voices(
    peers: list[tuple[Candidate, float, StoryFeatures]],
    weights: dict[str, float],
    thresholds: Thresholds,
) -> tuple[tuple[Peer, ...], tuple[Voice, ...]]:
    """Assign every peer to a voice; a voice weighs as much as its most reliable rated source.

    `weights` holds only sources with a learned or given rating. Unrated sources count only in
    a voice of unrated sources: ten unknown sites reprinting a dispatch must not lend it more
    weight than its rated publisher has."""
    parent = list(range(len(peers)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for i, (first, _, first_features) in enumerate(peers):
        for j in range(i + 1, len(peers)):
            second, _, second_features = peers[j]
            if first.source == second.source or _copies(
                first_features, second_features, thresholds.duplicate_similarity
            ):
                parent[root(j)] = root(i)

    roots = sorted({root(i) for i in range(len(peers))})
    voice_of = {r: number for number, r in enumerate(roots)}
    grouped = [
        Peer(c.article_id, c.source, round(similarity, 4), voice_of[root(i)], c.analysis)
        for i, (c, similarity, _) in enumerate(peers)
    ]
    voices = tuple(
        _voice(number, [p for p in grouped if p.voice == number], weights, thresholds)
        for number in range(len(roots))
    )
    return tuple(grouped), voices


def _copies(first: StoryFeatures, second: StoryFeatures, threshold: float) -> bool:
    """Containment of word trigrams: a trimmed or extended copy still contains the original."""
    if not first.shingles or not second.shingles:
        return False
    shared = len(first.shingles & second.shingles)
    return shared / min(len(first.shingles), len(second.shingles)) >= threshold


def _voice(
    number: int, members: list[Peer], weights: dict[str, float], thresholds: Thresholds
) -> Voice:
    sources = tuple(sorted({p.source for p in members}))
    rated = [weights[source] for source in sources if source in weights]
    weight = max(rated) if rated else thresholds.default_reliability
    return Voice(number, tuple(p.article_id for p in members), sources, round(weight, 4))
