"""Translated names: a proper name translated word by word ("Crocus-Rathaus" where the peers
say "Crocus City Hall")."""

import re
from types import MappingProxyType

from service.analysis.normalize import fold
from service.analysis.records import Analysis, Consensus, Flag

# German words a translation may put in place of the English words of a name.
TRANSLATIONS = MappingProxyType(
    {
        "rathaus": ("city hall",),
        "stadthalle": ("city hall",),
        "halle": ("hall",),
        "konzerthalle": ("concert hall", "hall"),
        "platz": ("square",),
        "straße": ("street",),
        "turm": ("tower",),
        "haus": ("house",),
        "palast": ("palace",),
        "flughafen": ("airport",),
        "bahnhof": ("station",),
        "zentrum": ("center", "centre"),
        "brücke": ("bridge",),
        "markt": ("market",),
        "stadion": ("stadium",),
        "kathedrale": ("cathedral",),
        "krankenhaus": ("hospital",),
        "einkaufszentrum": ("mall", "shopping center", "shopping centre"),
    }
)
# A lookahead, so that overlapping pairs are all seen ("Am Trafalgar-Platz").
_NAME_AND_WORD = re.compile(r"(?=\b(([A-ZÄÖÜ]\w+)[- ]([A-ZÄÖÜ][a-zäöüß]+))\b)")
# What every such pair holds: a translatable word after a hyphen or a space. The lookahead is
# tried at every position of the text, this at its hyphens and spaces only (0.18 and 0.02 ms
# for an article of 3-4 KB), and many texts hold no such word.
_TRANSLATABLE = re.compile("[- ](?:" + "|".join(w.capitalize() for w in TRANSLATIONS) + r")\b")


def flag(text: str, analysis: Analysis, consensus: Consensus) -> tuple[Flag, ...]:
    # Most texts have no name joined to a translatable word: then the peers' names are not read.
    if not _TRANSLATABLE.search(text):
        return ()
    matches = [m for m in _NAME_AND_WORD.finditer(text) if m.group(3).lower() in TRANSLATIONS]
    if not matches:
        return ()
    phrases = {}
    for use in consensus.names:
        head, _, rest = use.surface.partition(" ")
        if rest:
            phrases.setdefault(fold(head), []).append((use, fold(rest)))
    flags = []
    for match in matches:
        _, head, word = match.groups()
        translated = TRANSLATIONS[word.lower()]
        for use, rest in phrases.get(fold(head), ()):
            if rest in translated:
                flags.append(_flag(match, use.surface, use.sources))
                break
    return tuple(flags)


def _flag(match: re.Match[str], expected: str, sources: tuple[str, ...]) -> Flag:
    found = match.group(1)
    return Flag(
        "translation_artifact",
        "translated_name",
        match.start(1),
        match.end(1),
        found,
        expected,
        0.85,
        f"“{found}” looks like a word-by-word translation of the name “{expected}”.",
        sources,
    )
