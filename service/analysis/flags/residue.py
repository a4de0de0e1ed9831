"""Scraping residue: audio players, newsletter boxes, injected related links, credits and
teaser boilerplate left in the text by the page it was taken from."""

import bisect
import math
import re
from collections.abc import Iterable

from service.analysis.records import Analysis, Consensus, Flag

_LINE = re.compile(r"[^\n]+")
# (subtype, pattern on the lower-cased line); the first that matches names the residue.
KINDS = (
    (
        "audio_player",
        r"^\d{1,2}:\d{2}$|diese audioversion|audioversion wurde|^listen to this article"
        r"|^audio is generated",
    ),
    (
        "newsletter",
        r"abonnieren sie unseren newsletter|zum newsletter anmelden|^newsletter$"
        r"|ich möchte .* per e-mail erhalten|^nicht mehr anzeigen$"
        r"|sign up for (our|the) .*newsletter",
    ),
    (
        "related_link",
        r"^siehe auch\b|^mehr zum thema(?:$|\s*:)|^lesen sie auch\b|^read more\b|^see also\b"
        r"|^weitere nachrichten|^related:",
    ),
    (
        "credit",
        r"^\(?(fotos?|bild|bildquelle|titelbild|photo|image|image credit|picture|quelle|source"
        r"|credit)\s*:",
    ),
    (
        "boilerplate",
        r"finden sie alle .* informationen|wählen sie die themen|^mehr infos$|^anzeige$"
        r"|^werbung$|^advertisement$",
    ),
)
# A short line that opens with a player or paywall word is a button or a teaser, not prose
# ("Artikel anhören", "Jetzt registrieren und weiterlesen"); inside a sentence the same words
# are ordinary ("Moscow did not listen", "Reservisten registrieren lassen").
SHORT_LINE_WORDS = 8
SHORT_LINE_KINDS = (
    ("audio_player", r"^(artikel anhören|anhören|vorlesen|audio|listen|podcast|hören sie)\b"),
    (
        "newsletter",
        r"^((jetzt|hier)\b.*\b(abonnieren|registrieren|anmelden|weiterlesen|testen)|abonnieren"
        r"|registrieren|anmelden|weiterlesen|subscribe|sign up|log in|einloggen|zum abo)\b",
    ),
)
_PATTERNS = tuple((kind, re.compile(pattern)) for kind, pattern in KINDS)
_SHORT_PATTERNS = tuple((kind, re.compile(pattern)) for kind, pattern in SHORT_LINE_KINDS)
MESSAGES = {
    "audio_player": "Text of an audio player, not of the article.",
    "newsletter": "A newsletter or subscription box, not part of the article.",
    "related_link": "A link to another article was left in the text.",
    "credit": "A photo or source credit, not part of the article's text.",
    "boilerplate": "Page boilerplate, not part of the article.",
}


# Page furniture is a short line; a longer one is prose (and the `.*` patterns would cost
# time quadratic in its length).
MAX_RESIDUE_CHARS = 500


def kind_of(line: str) -> str | None:
    folded = line.casefold().strip()
    if len(folded) > MAX_RESIDUE_CHARS or not _may_be_residue(folded):
        return None
    patterns = _PATTERNS + (_SHORT_PATTERNS if len(folded.split()) <= SHORT_LINE_WORDS else ())
    return next((kind for kind, pattern in patterns if pattern.search(folded)), None)


def _may_be_residue(folded: str) -> bool:
    """False when no pattern can match: most lines, told in two scans instead of one search
    per pattern (each of which tries every alternative at every position)."""
    return bool(_AT_START.match(folded) or _ANYWHERE.search(folded))


# An escape, a character class or any other character: enough to find the top-level "|".
_REGEX_ATOM = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]])*\]|.", re.DOTALL)


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression: "^a|b(c|d)" -> "^a", "b(c|d)"."""
    parts, depth, start = [], 0, 0
    for atom in _REGEX_ATOM.finditer(pattern):
        depth += {"(": 1, ")": -1}.get(atom.group(), 0)
        if atom.group() == "|" and depth == 0:
            parts.append(pattern[start : atom.start()])
            start = atom.end()
    return [*parts, pattern[start:]]


def _one_regex(parts: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{part})" for part in parts))


# A line matches a pattern only if it matches one of its alternatives. Those anchored at the
# start are tried there only; the others open with a literal, so that the engine skips to where
# one of their first letters stands.
_ALTERNATIVES = [part for _, pattern in KINDS + SHORT_LINE_KINDS for part in _alternatives(pattern)]
_AT_START = _one_regex(part for part in _ALTERNATIVES if part.startswith("^"))
_ANYWHERE = _one_regex(part for part in _ALTERNATIVES if not part.startswith("^"))


def residue_lines(text: str) -> list[tuple[int, int, str]]:
    """The residue lines of a text in order: (start, end, kind), trimmed of surrounding blanks."""
    lines = []
    for line in _LINE.finditer(text):
        kind = kind_of(line.group())
        if kind is not None:
            start = line.start() + len(line.group()) - len(line.group().lstrip())
            lines.append((start, line.start() + len(line.group().rstrip()), kind))
    return lines


def within(lines: list[tuple[int, int, str]], index: int) -> bool:
    """Whether `index` lies on one of `lines` (from `residue_lines`)."""
    position = bisect.bisect_right(lines, (index, math.inf)) - 1
    return position >= 0 and lines[position][0] <= index < lines[position][1]


def flag(text: str, analysis: Analysis, consensus: Consensus) -> tuple[Flag, ...]:
    return tuple(
        Flag("scraping_residue", kind, start, end, text[start:end], None, 0.9, MESSAGES[kind])
        for start, end, kind in residue_lines(text)
    )
