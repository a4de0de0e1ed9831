"""A peer's statements as judging compares them, derived once from its analysis.

Every request that takes a stored article as a peer compares the same things of it: the stems,
names and numbers of its claims (similarity), the names around each claim, whether a claim
gives a running total, the names of the whole article, and the spellings it uses (drift). They
depend on the peer alone, so they are derived at ingest and stored with the analysis; a peer is
then read as its claims and statements (`PeerAnalysis`), not as a whole analysis to derive them
from again. What `statements_of` derives is stored: a change to it, or to the name stems and
folding it uses, needs ANALYSIS_VERSION raised (tests/store/test_codec.py fails until it is).
"""

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from service.analysis.names import name_stem
from service.analysis.normalize import fold
from service.analysis.records import Analysis, Claim, Peer, StoryFeatures
from service.analysis.similarity import ClaimSets, claim_sets

# Running totals ("seit Kriegsbeginn 200 Tote") are not the toll of one event. Not "seit"
# alone: "der tödlichste Angriff seit Jahrzehnten" qualifies the attack, not the count.
_CUMULATIVE = (
    "seit beginn",
    "seit dem beginn",
    "seit kriegsbeginn",
    "seit anfang",
    "seit ausbruch",
    "insgesamt",
    "bislang",
    "bisher",
    "since the start",
    "since the beginning",
    "since the war",
    "since the invasion",
    "in total",
    "so far",
    "a total of",
    "depuis le debut",
    "au total",
)
_PHRASE = re.compile(r"(?<=\s)[A-ZÄÖÜ][\w-]+(?: [A-ZÄÖÜ][\w-]+)+")


@dataclass(frozen=True, slots=True)
class Statements:
    """What judging compares of an article's claims (one entry per claim) and of its names."""

    sets: ClaimSets
    # Name stems of the claim's sentence and the one before (tuples: a frozenset of a few
    # strings takes five times the memory, and a worker keeps a thousand peers' statements).
    anchors: tuple[tuple[str, ...], ...]
    cumulative: tuple[bool, ...]  # the claim's figures are running totals
    names: frozenset[str]  # name stems of the whole article
    spellings: frozenset[str]  # names as written, and runs of them ("Crocus City Hall")


@dataclass(frozen=True, slots=True)
class PeerAnalysis:
    """What judging reads of a stored article: its language, claims and statements, and its
    story features (for copy detection). What judging needs of its sentences and mentions, and
    of its claims' mentions and stems, is in the statements: the claims come without those
    (`as_statement`), which a peer read from the store need not decode. Built from an analysis
    (`of`) or read from the store (`codec.load_peer`, whose claims are each decoded when first
    read: judging reads those with figures or dates, `figured`, and those close to a claim of
    the article, about a fifth of them)."""

    language: str | None
    claims: Sequence[Claim]
    statements: Statements
    features: StoryFeatures
    figured: tuple[int, ...]  # positions of the claims that give figures or dates

    @classmethod
    def of(cls, analysis: Analysis) -> "PeerAnalysis":
        statements = statements_of(analysis)
        claims = tuple(as_statement(claim) for claim in analysis.claims)
        return cls(
            analysis.language, claims, statements, analysis.features, positions_with_figures(claims)
        )

    def peer(
        self,
        article_id: int,
        source: str,
        similarity: float,
        voice: int,
        features: StoryFeatures | None = None,
    ) -> Peer:
        return Peer(
            article_id,
            source,
            similarity,
            voice,
            self.language,
            self.claims,
            self.statements,
            self.figured,
            features or self.features,
        )


def positions_with_figures(claims: Sequence[Claim]) -> tuple[int, ...]:
    """The positions of the claims that give figures or dates (`codec.load_peer` reads them
    off the stored claims)."""
    return tuple(i for i, claim in enumerate(claims) if claim.quantities or claim.dates)


def as_statement(claim: Claim) -> Claim:
    """The claim as a peer's statement: without its mentions and stems (in the sets)."""
    return replace(claim, mentions=(), stems=())


def statements_of(analysis: Analysis) -> Statements:
    return Statements(
        claim_sets(analysis.claims),
        tuple(anchor_keys(analysis)),
        tuple(running_total(claim) for claim in analysis.claims),
        article_names(analysis),
        spellings(analysis),
    )


def spellings(analysis: Analysis) -> frozenset[str]:
    """Names as written, and runs of them ("Crocus City Hall")."""
    return frozenset({m.text for m in analysis.mentions}) | phrases(analysis)


def phrases(analysis: Analysis) -> frozenset[str]:
    """Runs of capitalised words in the article's sentences."""
    return frozenset(p for s in analysis.sentences for p in _phrases(s.text))


def article_names(analysis: Analysis) -> frozenset[str]:
    return frozenset(name_stem(key) for key in {m.key for m in analysis.mentions})


def anchor_keys(analysis: Analysis) -> list[tuple[str, ...]]:
    """For each claim, the name stems of its sentence and the sentence before it."""
    sentence_starts = [s.start for s in analysis.sentences]
    mention_starts = [m.start for m in analysis.mentions]
    stems = [name_stem(m.key) for m in analysis.mentions]
    anchors = []
    for claim in analysis.claims:
        index = max(0, bisect_right(sentence_starts, claim.start) - 2)
        begin = analysis.sentences[index].start if analysis.sentences else claim.start
        first, last = bisect_left(mention_starts, begin), bisect_left(mention_starts, claim.end)
        anchors.append(tuple(dict.fromkeys(stems[first:last])))
    return anchors


def running_total(claim: Claim) -> bool:
    """Whether the claim's figures are running totals (only asked of claims with figures)."""
    if not claim.quantities:
        return False
    folded = f" {fold(claim.text)} "
    return any(cue in folded for cue in _CUMULATIVE)


@lru_cache(maxsize=1 << 14)  # sentences recur across the copies of a dispatch
def _phrases(sentence: str) -> tuple[str, ...]:
    """Runs of capitalised words inside a sentence: "Crocus City Hall", "Le Monde"."""
    return tuple(match.group() for match in _PHRASE.finditer(sentence))
