"""Spelling drift: a name spelled unlike the independent peers (same language) spell it, or two
ways inside the article. Accents, inflections ("Lecornus"), transliteration conventions (left to
`transliteration`) and spellings the peers also use are not drift."""

from collections import Counter

from rapidfuzz import fuzz

from service.analysis.flags import residue, transliteration
from service.analysis.names import accepted_alike, cologne_phonetic, is_inflection, name_key
from service.analysis.normalize import fold
from service.analysis.records import Analysis, Consensus, Flag, Mention, NameUse

MIN_LENGTH = 4
# rapidfuzz scores (0-100) from which two spellings are variants of one name.
SPELLING_SIMILARITY = 80.0
KEY_SIMILARITY = 85.0
# ...or, when they sound alike by the Cologne code, from this letter similarity.
SOUND_LETTERS = 70.0


def flag(text: str, analysis: Analysis, consensus: Consensus) -> tuple[Flag, ...]:
    peers = [
        u
        for u in consensus.names
        if (u.language == analysis.language or not analysis.language)
        and " " not in u.surface
        and not transliteration.is_foreign(u.surface, analysis.language)
    ]
    mentions = [m for m in analysis.mentions if not residue.within_residue(text, m.start)]
    own = Counter(m.text for m in mentions)
    flags = []
    for mention in mentions:
        found = mention.text
        if len(found) < MIN_LENGTH or found.isupper() or _used_by(found, peers):
            continue
        if transliteration.is_foreign(found, analysis.language):
            continue  # the transliteration flagger says what is wrong with it
        expected = _expected_by_peers(found, peers, analysis.language)
        if expected is not None:
            flags.append(_peer_flag(mention, expected))
            continue
        majority = _expected_in_article(found, own, analysis.language)
        if majority is not None:
            flags.append(_article_flag(mention, majority, own[majority]))
    return tuple(flags)


def variants(first: str, second: str) -> bool:
    """Two spellings of one name: same initial, alike in sound and letters, or in their keys;
    not merely inflected or accented. (Sound alone is too loose: "Wolodymyr" and "Wladimir"
    share a Cologne code and are two people.)"""
    a, b = fold(first), fold(second)
    if a == b or a[:1] != b[:1] or is_inflection(first, second) or accepted_alike(first, second):
        return False
    letters = fuzz.ratio(a, b, processor=None)
    keys = fuzz.ratio(name_key(first), name_key(second), processor=None)
    code = cologne_phonetic(first)
    sound = len(code) >= 2 and code == cologne_phonetic(second)
    if keys >= KEY_SIMILARITY or letters >= SPELLING_SIMILARITY:
        return True
    return sound and letters >= SOUND_LETTERS


def _used_by(found: str, peers: list[NameUse]) -> bool:
    folded = fold(found)
    return any(fold(u.surface) == folded or is_inflection(u.surface, found) for u in peers)


def _expected_by_peers(found: str, peers: list[NameUse], language: str | None) -> NameUse | None:
    """The variant of `found` that most independent voices use (uninflected form first)."""
    similar = [
        u
        for u in peers
        if u.surface[:1].isupper()
        and variants(found, u.surface)
        and not transliteration.explains(found, u.surface, language)
    ]
    if not similar:
        return None
    return max(similar, key=lambda u: (len(_voices_of_group(u, peers)), -len(u.surface), u.surface))


def _voices_of_group(use: NameUse, peers: list[NameUse]) -> frozenset[int]:
    """Voices using this spelling in any inflection ("Lecornu", "Lecornus")."""
    group = [u for u in peers if u.surface == use.surface or is_inflection(u.surface, use.surface)]
    return frozenset().union(*(u.voices for u in group))


def _expected_in_article(found: str, own: Counter[str], language: str | None) -> str | None:
    """A more frequent spelling of the same name elsewhere in the article."""
    rivals = [
        (count, surface)
        for surface, count in own.items()
        if count > own[found]
        and variants(found, surface)
        and not transliteration.explains(found, surface, language)
    ]
    return max(rivals)[1] if rivals else None


def _peer_flag(mention: Mention, expected: NameUse) -> Flag:
    voices = len(expected.voices)
    confidence = min(0.95, 0.55 + 0.1 * voices)
    return Flag(
        "spelling_drift",
        "peers",
        mention.start,
        mention.end,
        mention.text,
        expected.surface,
        round(confidence, 2),
        f"“{mention.text}” is spelled “{expected.surface}” by {voices} independent "
        f"source{'s' if voices != 1 else ''} reporting this story.",
        expected.sources,
    )


def _article_flag(mention: Mention, expected: str, count: int) -> Flag:
    return Flag(
        "spelling_drift",
        "inconsistent",
        mention.start,
        mention.end,
        mention.text,
        expected,
        0.6,
        f"“{mention.text}” is spelled “{expected}” {count} times elsewhere in this article.",
    )
