"""Flaggers: each one is `flag(text, analysis, consensus) -> tuple[Flag, ...]`.

Adding a flagger is one module and one line in FLAGGERS. Order does not matter for results;
flags are sorted by position at the end.
"""

from collections import defaultdict
from collections.abc import Callable

from service.analysis.flags import (
    dates,
    drift,
    fragments,
    residue,
    translated_names,
    transliteration,
    typography,
)
from service.analysis.records import Analysis, Consensus, Flag, NameUse, Peer

Flagger = Callable[[str, Analysis, Consensus], tuple[Flag, ...]]

FLAGGERS: tuple[Flagger, ...] = (
    drift.flag,
    transliteration.flag,
    dates.flag,
    typography.flag,
    translated_names.flag,
    fragments.flag,
    residue.flag,
)

# How much a flag of each kind lowers the article score, per unit of confidence.
PENALTY = {"spelling_drift": 0.05, "translation_artifact": 0.04, "scraping_residue": 0.02}
MAX_PENALTY = 0.5


def find_flags(text: str, analysis: Analysis, consensus: Consensus) -> tuple[Flag, ...]:
    flags = [flag for flagger in FLAGGERS for flag in flagger(text, analysis, consensus)]
    return tuple(sorted(flags, key=lambda f: (f.start, f.end, f.type, f.subtype)))


def penalised(score: float, flags: tuple[Flag, ...]) -> float:
    """The article score lowered by its flags, by kind and confidence (at most MAX_PENALTY)."""
    penalty = sum(PENALTY[flag.type] * flag.confidence for flag in flags)
    return round(max(0.0, score - min(MAX_PENALTY, penalty)), 4)


def consensus_of(peers: tuple[Peer, ...]) -> Consensus:
    """The spellings of names (and multi-word names) the peers use, with who uses each."""
    # Keyed by language too: spelling conventions are per language ("Schoigu", "Shoigu").
    voices: dict[tuple[str, str], set[int]] = defaultdict(set)
    sources: dict[tuple[str, str], set[str]] = defaultdict(set)
    for peer in peers:
        language = peer.analysis.language or ""
        for surface in peer.statements.spellings:
            voices[(surface, language)].add(peer.voice)
            sources[(surface, language)].add(peer.source)
    names = tuple(
        NameUse(surface, frozenset(voices[key]), tuple(sorted(sources[key])), language or None)
        for key in sorted(voices)
        for surface, language in [key]
    )
    return Consensus(names)
