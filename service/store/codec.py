"""Stored analyses: compact JSON without the texts, which are sliced from the article on load.

Two documents per article: `features` (small; read for every candidate) and the analysis
itself (claims, mentions, and the statements a peer is judged by; read only for the few peers
chosen)."""

from typing import Any

from service.analysis.records import (
    Analysis,
    Claim,
    DateRef,
    Mention,
    Quantity,
    Sentence,
    StoryFeatures,
)
from service.analysis.similarity import claim_sets
from service.analysis.statements import (
    PeerAnalysis,
    Statements,
    anchor_keys,
    article_names,
    phrases,
    running_total,
)

MentionKey = tuple[int, int, str]  # start, end, key


def dump_analysis(analysis: Analysis) -> dict[str, Any]:
    return {
        "language": analysis.language,
        "sentences": [[s.start, s.end] for s in analysis.sentences],
        "claims": [_dump_claim(claim) for claim in analysis.claims],
        "names": list(analysis.name_keys),
        "mentions": [[m.start, m.end, m.key] for m in analysis.mentions],
        "statements": _dump_statements(analysis),
    }


def dump_features(features: StoryFeatures) -> dict[str, Any]:
    return {
        "names": list(features.names),
        "words": [list(pair) for pair in features.words],
        "numbers": list(features.numbers),
        "sketch": list(features.sketch),
    }


def load_features(data: dict[str, Any]) -> StoryFeatures:
    return StoryFeatures(
        tuple(data["names"]),
        tuple((term, weight) for term, weight in data["words"]),
        tuple(data["numbers"]),
        tuple(data["sketch"]),
    )


def load_analysis(
    data: dict[str, Any], text: str, features: StoryFeatures | None = None
) -> Analysis:
    sentences = tuple(
        Sentence(index, start, end, text[start:end])
        for index, (start, end) in enumerate(data["sentences"])
    )
    mentions = tuple(Mention(s, e, text[s:e], key) for s, e, key in data.get("mentions", ()))
    # A claim's mentions are mentions of the text too, and most claims are whole sentences:
    # share those rather than decode (and keep) them twice.
    known = {(m.start, m.end, m.key): m for m in mentions}
    spans = {(s.start, s.end): s.text for s in sentences}
    claims = tuple(
        _load_claim(index, raw, text, known, spans) for index, raw in enumerate(data["claims"])
    )
    return Analysis(
        data["language"],
        sentences,
        claims,
        tuple(data["names"]),
        (),
        mentions,
        features or StoryFeatures(),
    )


def load_peer(
    data: dict[str, Any], text: str, features: StoryFeatures | None = None
) -> PeerAnalysis:
    """A stored analysis as a peer is judged: its claims and the statements stored with them.
    A document stored without statements (before analysis version 4) is decoded whole to
    derive them."""
    stored = data.get("statements")
    if stored is None:
        return PeerAnalysis.of(load_analysis(data, text, features))
    # A claim's index is its position: analyze() numbers them so.
    claims = tuple(_load_claim(index, raw, text) for index, raw in enumerate(data["claims"]))
    written = {text[s:e] for s, e, _ in data["mentions"]}
    return PeerAnalysis(
        data["language"],
        claims,
        _load_statements(stored, claims, written),
        features or StoryFeatures(),
    )


def _dump_statements(analysis: Analysis) -> dict[str, Any]:
    """The statements that cannot be read off the stored claims and mentions, compactly: the
    anchors as positions in the article's name stems, the running totals as claim positions."""
    stems = sorted(article_names(analysis))
    position = {stem: i for i, stem in enumerate(stems)}
    return {
        "name_stems": stems,
        "anchors": [[position[stem] for stem in anchor] for anchor in anchor_keys(analysis)],
        "running_totals": [i for i, claim in enumerate(analysis.claims) if running_total(claim)],
        "phrases": sorted(phrases(analysis)),
    }


def _load_statements(
    data: dict[str, Any], claims: tuple[Claim, ...], written: set[str]
) -> Statements:
    stems, running = data["name_stems"], set(data["running_totals"])
    return Statements(
        claim_sets(claims),
        tuple(tuple(stems[i] for i in anchor) for anchor in data["anchors"]),
        tuple(i in running for i in range(len(claims))),
        frozenset(stems),
        frozenset(written.union(data["phrases"])),
    )


def _dump_claim(claim: Claim) -> list[Any]:
    return [
        claim.start,
        claim.end,
        claim.negated,
        claim.attribution,
        claim.quoted,
        [[m.start, m.end, m.key] for m in claim.mentions],
        [[q.start, q.end, q.value, q.unit, q.approximate] for q in claim.quantities],
        [[d.start, d.end, d.year, d.month, d.day] for d in claim.dates],
        list(claim.stems),
    ]


def _load_claim(
    index: int,
    raw: list[Any],
    text: str,
    known: dict[MentionKey, Mention] | None = None,
    spans: dict[tuple[int, int], str] | None = None,
) -> Claim:
    start, end, negated, attribution, quoted, mentions, quantities, dates, *rest = raw
    return Claim(
        index=index,
        start=start,
        end=end,
        text=(spans.get((start, end)) if spans else None) or text[start:end],
        mentions=tuple(_mention(known, text, s, e, key) for s, e, key in mentions),
        quantities=tuple(
            Quantity(s, e, text[s:e], value, unit, approximate)
            for s, e, value, unit, approximate in quantities
        ),
        dates=tuple(DateRef(s, e, text[s:e], y, m, d) for s, e, y, m, d in dates),
        negated=negated,
        attribution=attribution,
        quoted=quoted,
        stems=tuple(rest[0]) if rest else (),
    )


def _mention(
    known: dict[MentionKey, Mention] | None, text: str, s: int, e: int, key: str
) -> Mention:
    found = known.get((s, e, key)) if known else None
    return found if found is not None else Mention(s, e, text[s:e], key)
