"""Stored analyses: compact JSON without the texts, which are sliced from the article on load
(a peer's claims when they are first read: `StoredClaims`).

Two documents per article: `features` (small; read for every candidate) and the analysis
itself (claims, mentions, and the statements a peer is judged by; read only for the few peers
chosen)."""

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import Any, cast, overload

from service.analysis.records import (
    Analysis,
    Claim,
    DateRef,
    Mention,
    Quantity,
    Sentence,
    StoryFeatures,
)
from service.analysis.similarity import ClaimSets, Sets
from service.analysis.statements import PeerAnalysis, Statements, phrases, statements_of


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
        tuple(map(tuple, data["words"])),
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
    # Most claims are whole sentences: share their texts rather than slice them twice.
    spans = {(s.start, s.end): s.text for s in sentences}
    sets = data.get("statements", {}).get("sets")
    if sets is None:  # before version 5, each claim held its mentions and stems
        claims = _claims_holding_mentions(data["claims"], text, mentions, spans)
    else:
        # A claim's mentions are the text's within its span; its stems are its row of the sets.
        starts = [m.start for m in mentions]
        stems = _rows(*sets["stems"])
        claims = tuple(
            _load_claim(
                index,
                raw,
                text,
                spans,
                mentions[bisect_left(starts, raw[0]) : bisect_left(starts, raw[1])],
                stems[index],
            )
            for index, raw in enumerate(data["claims"])
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
    """A stored analysis as a peer is judged: its claims as statements and the statements'
    data stored with them. A document stored before analysis version 5 is decoded whole to
    derive what it lacks."""
    stored = data.get("statements")
    if stored is None or "sets" not in stored:
        return PeerAnalysis.of(load_analysis(data, text, features))
    raw = data["claims"]
    written = {text[s:e] for s, e, _ in data["mentions"]}
    return PeerAnalysis(
        data["language"],
        StoredClaims(raw, text),
        _load_statements(stored, len(raw), written),
        features or StoryFeatures(),
        # What `statements.positions_with_figures` gives of the decoded claims.
        tuple(i for i, (*_, quantities, dates) in enumerate(raw) if quantities or dates),
    )


class StoredClaims(Sequence[Claim]):
    """A stored peer's claims, each decoded the first time it is read (and its stored form then
    let go). Judging reads a fifth of a peer's claims (those with figures or dates, and those
    close to a claim of the article), and decoding them all took half of decoding a peer."""

    __slots__ = ("_decoded", "_raw", "_text")

    def __init__(self, raw: list[list[Any]], text: str) -> None:
        self._raw: list[list[Any] | None] = list(raw)
        self._text = text
        self._decoded: list[Claim | None] = [None] * len(raw)

    def __len__(self) -> int:
        return len(self._decoded)

    @overload
    def __getitem__(self, index: int) -> Claim: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Claim, ...]: ...

    def __getitem__(self, index: int | slice) -> Claim | tuple[Claim, ...]:
        if isinstance(index, slice):
            return tuple(map(self.__getitem__, range(len(self))[index]))
        claim = self._decoded[index]
        if claim is not None:
            return claim
        position = range(len(self))[index]  # a claim's index is its position (analyze())
        raw = self._raw[position]
        if raw is None:  # another thread decoded it since: it set the claim first
            return cast(Claim, self._decoded[position])
        claim = _load_claim(position, raw, self._text)
        self._decoded[position] = claim
        self._raw[position] = None
        return claim

    def __iter__(self) -> Iterator[Claim]:
        return map(self.__getitem__, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if isinstance(other, StoredClaims | tuple):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StoredClaims({len(self)} claims)"


def _dump_statements(analysis: Analysis) -> dict[str, Any]:
    """The statements (`statements_of`) that cannot be read off the stored claims and
    mentions, compactly: the anchors as positions in the article's name stems, the running
    totals as claim positions, the phrases without the names, and the claims' sets flattened
    (`Sets.flat`)."""
    statements = statements_of(analysis)
    stems = sorted(statements.names)
    position = {stem: i for i, stem in enumerate(stems)}
    return {
        "name_stems": stems,
        "anchors": [[position[stem] for stem in anchor] for anchor in statements.anchors],
        "running_totals": [i for i, total in enumerate(statements.cumulative) if total],
        "phrases": sorted(phrases(analysis)),
        "sets": {part: _flat(getattr(statements.sets, part)) for part in _SET_PARTS},
    }


_SET_PARTS = ("stems", "names", "numbers")


def _flat(sets: Sets) -> list[list[int]]:
    return [sets.values.tolist(), sets.sizes.tolist()]


def _load_statements(data: dict[str, Any], claims: int, written: set[str]) -> Statements:
    stems, running = data["name_stems"], set(data["running_totals"])
    stem_at = stems.__getitem__  # a peer has an anchor per claim: no generator for each
    return Statements(
        ClaimSets(*(Sets.flat(*data["sets"][part]) for part in _SET_PARTS)),
        tuple([tuple(map(stem_at, anchor)) for anchor in data["anchors"]]),
        tuple(map(running.__contains__, range(claims))),
        frozenset(stems),
        frozenset(written.union(data["phrases"])),
    )


def _rows(values: list[int], sizes: list[int]) -> list[tuple[int, ...]]:
    ends = list(accumulate(sizes))
    return [tuple(values[end - size : end]) for size, end in zip(sizes, ends, strict=True)]


def _dump_claim(claim: Claim) -> list[Any]:
    # Its mentions are the text's within its span, and its stems are in the statements' sets.
    return [
        claim.start,
        claim.end,
        claim.negated,
        claim.attribution,
        claim.quoted,
        [[q.start, q.end, q.value, q.unit, q.approximate] for q in claim.quantities],
        [[d.start, d.end, d.year, d.month, d.day] for d in claim.dates],
    ]


def _load_claim(
    index: int,
    raw: list[Any],
    text: str,
    spans: dict[tuple[int, int], str] | None = None,
    mentions: tuple[Mention, ...] = (),
    stems: tuple[int, ...] = (),
) -> Claim:
    start, end, negated, attribution, quoted, quantities, dates = raw
    # No generator for the many claims without figures or dates: a request decodes its peers'
    # claims by the hundred.
    return Claim(
        index=index,
        start=start,
        end=end,
        text=(spans.get((start, end)) if spans else None) or text[start:end],
        mentions=mentions,
        quantities=tuple(
            Quantity(s, e, text[s:e], value, unit, approximate)
            for s, e, value, unit, approximate in quantities
        )
        if quantities
        else (),
        dates=tuple(DateRef(s, e, text[s:e], y, m, d) for s, e, y, m, d in dates) if dates else (),
        negated=negated,
        attribution=attribution,
        quoted=quoted,
        stems=stems,
    )


def _claims_holding_mentions(
    raws: list[list[Any]],
    text: str,
    mentions: tuple[Mention, ...],
    spans: dict[tuple[int, int], str],
) -> tuple[Claim, ...]:
    """Claims stored before version 5: each with its mentions (shared with the text's) and
    stems."""
    known = {(m.start, m.end, m.key): m for m in mentions}

    def mention(s: int, e: int, key: str) -> Mention:
        found = known.get((s, e, key))
        return found if found is not None else Mention(s, e, text[s:e], key)

    return tuple(
        _load_claim(
            index,
            [start, end, negated, attribution, quoted, quantities, dates],
            text,
            spans,
            tuple(mention(s, e, key) for s, e, key in held),
            tuple(rest[0]) if rest else (),
        )
        for index, (start, end, negated, attribution, quoted, held, quantities, dates, *rest) in (
            enumerate(raws)
        )
    )
