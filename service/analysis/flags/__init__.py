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
    voices: dict[str, set[int]] = defaultdict(set)
    sources: dict[str, set[str]] = defaultdict(set)
    languages: dict[str, str | None] = {}
    for peer in peers:
        mentions = peer.analysis.mentions
        for mention in mentions:
            voices[mention.text].add(peer.voice)
            sources[mention.text].add(peer.source)
            languages.setdefault(mention.text, peer.analysis.language)
        for phrase in _phrases(mentions):
            voices[phrase].add(peer.voice)
            sources[phrase].add(peer.source)
            languages.setdefault(phrase, peer.analysis.language)
    names = tuple(
        NameUse(
            surface, frozenset(voices[surface]), tuple(sorted(sources[surface])), languages[surface]
        )
        for surface in sorted(voices)
    )
    return Consensus(names)


def _phrases(mentions: tuple) -> set[str]:  # type: ignore[type-arg]
    phrases, current = set(), []
    for mention in mentions:
        if current and mention.start == current[-1].end + 1:
            current.append(mention)
            continue
        if len(current) > 1:
            phrases.add(" ".join(m.text for m in current))
        current = [mention]
    if len(current) > 1:
        phrases.add(" ".join(m.text for m in current))
    return phrases
