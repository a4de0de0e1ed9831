"""Independence: peers that copy one another (syndicated wire copy) or share a source speak once."""

from collections.abc import Mapping

from service.analysis.params import Thresholds
from service.analysis.peers import copies
from service.analysis.records import Candidate, Peer, Voice
from service.analysis.statements import PeerAnalysis


def group_voices(
    chosen: list[tuple[Candidate, float]],
    analyses: Mapping[int, PeerAnalysis],
    weights: dict[str, float],
    thresholds: Thresholds,
) -> tuple[tuple[Peer, ...], tuple[Voice, ...]]:
    """Assign every chosen peer (with its loaded analysis) to a voice; a voice weighs as much
    as its most reliable rated source.

    `weights` holds only sources with a learned or given rating. Unrated sources count only in
    a voice of unrated sources: ten unknown sites reprinting a dispatch must not lend it more
    weight than its rated publisher has."""
    peers = [(c, s) for c, s in chosen if c.article_id in analyses]
    parent = list(range(len(peers)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for i, (first, _) in enumerate(peers):
        for j in range(i + 1, len(peers)):
            second = peers[j][0]
            if first.source == second.source or copies(
                first.features, second.features, thresholds.duplicate_similarity
            ):
                parent[root(j)] = root(i)

    voice_of = {r: number for number, r in enumerate(sorted({root(i) for i in range(len(peers))}))}
    grouped = tuple(
        analyses[c.article_id].peer(
            c.article_id, c.source, round(s, 4), voice_of[root(i)], c.features
        )
        for i, (c, s) in enumerate(peers)
    )
    voices = tuple(
        _voice(number, [p for p in grouped if p.voice == number], weights, thresholds)
        for number in range(len(voice_of))
    )
    return grouped, voices


def _voice(
    number: int, members: list[Peer], weights: dict[str, float], thresholds: Thresholds
) -> Voice:
    sources = tuple(sorted({p.source for p in members}))
    rated = [weights[source] for source in sources if source in weights]
    weight = max(rated) if rated else thresholds.default_reliability
    return Voice(number, tuple(p.article_id for p in members), sources, round(weight, 4))
