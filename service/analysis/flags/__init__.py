"""Flaggers: each one is `flag(text, analysis, consensus) -> tuple[Flag, ...]`.

Adding a flagger is one module and one line in FLAGGERS. Order does not matter for results;
flags are sorted by position at the end.
"""

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
    users: dict[tuple[str, str], list[int]] = {}
    for index, peer in enumerate(peers):
        language = peer.language or ""
        for surface in peer.statements.spellings:
            key = (surface, language)
            if key in users:
                users[key].append(index)
            else:
                users[key] = [index]
    # Most spellings are one peer's: their voices and sources are shared, not built anew.
    alone = [(frozenset({p.voice}), (p.source,)) for p in peers]
    names = []
    for key in sorted(users):
        surface, language = key
        group = users[key]
        voices, sources = (
            alone[group[0]]
            if len(group) == 1
            else (
                frozenset(peers[i].voice for i in group),
                tuple(sorted({peers[i].source for i in group})),
            )
        )
        names.append(NameUse(surface, voices, sources, language or None))
    return Consensus(tuple(names))
