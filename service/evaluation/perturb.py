"""Inject one known error into an article, and say where the flag for it belongs.

Each perturbation takes (text, language, rng) and returns the changed text with its gold flags,
or None when the article offers nothing to change. Deterministic for a given rng seed."""

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from service.analysis.flags import drift as drift_flagger
from service.analysis.flags import transliteration
from service.analysis.pipeline import analyze


@dataclass(frozen=True, slots=True)
class Gold:
    type: str
    subtype: str
    start: int
    end: int


Perturbed = tuple[str, list[Gold]] | None
Perturbation = Callable[[str, str, random.Random, frozenset[str]], Perturbed]

_VOWEL_SWAPS = {"a": "e", "e": "i", "i": "e", "o": "u", "u": "o"}
_RESIDUE = {
    "de": [
        ("audio_player", "00:00"),
        ("audio_player", "Diese Audioversion wurde künstlich generiert."),
        ("audio_player", "Artikel anhören"),
        ("newsletter", "Abonnieren Sie unseren Newsletter und verpassen Sie nichts."),
        ("newsletter", "Jetzt kostenlos registrieren und weiterlesen"),
        ("related_link", "Siehe auch: Die zehn schönsten Ausflugsziele im Frühling"),
        ("related_link", "Lesen Sie auch: So sparen Sie beim Heizen"),
        ("credit", "(Foto: dpa / Michael Kappeler)"),
        ("credit", "Bildquelle: picture alliance"),
    ],
    "en": [
        ("audio_player", "Listen to this article"),
        ("audio_player", "Audio is generated automatically"),
        ("newsletter", "Sign up for our morning newsletter."),
        ("newsletter", "Subscribe now for unlimited access"),
        ("related_link", "Read more: Ten things to do this weekend"),
        ("related_link", "Related: How to save on energy bills"),
        ("credit", "(Photo: Reuters / Hannah McKay)"),
        ("credit", "Image credit: AP"),
    ],
}
_TRANSLATED = {"Crocus City Hall": "Crocus-Rathaus", "Trafalgar Square": "Trafalgar-Platz"}


def replace(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def misspell(text: str, language: str, rng: random.Random, peer_names: frozenset[str]) -> Perturbed:
    """Change one letter of a name the peers also use ("Lecornu" -> "Lecorna")."""
    names = [
        m
        for m in analyze(text, language).mentions
        if m.text in peer_names
        and len(m.text) >= 5
        and not transliteration.is_foreign(m.text, language)
        and m.text.isalpha()
    ]
    rng.shuffle(names)
    for mention in names:
        for edited in _edits(mention.text, rng):
            if drift_flagger.variants(edited, mention.text) and not transliteration.explains(
                edited, mention.text, language
            ):
                changed = replace(text, mention.start, mention.end, edited)
                return changed, [
                    Gold("spelling_drift", "peers", mention.start, mention.start + len(edited))
                ]
    return None


def _edits(name: str, rng: random.Random) -> list[str]:
    vowels = [i for i, c in enumerate(name) if i > 0 and c in _VOWEL_SWAPS]
    consonants = [
        i for i, c in enumerate(name) if 0 < i < len(name) - 1 and c.isalpha() and c not in "aeiouy"
    ]
    edits = [name[:i] + _VOWEL_SWAPS[name[i]] + name[i + 1 :] for i in vowels]
    edits += [name[: i + 1] + name[i] + name[i + 1 :] for i in consonants]  # doubled
    edits += [name[:i] + name[i + 1 :] for i in consonants]  # dropped
    edits += [name[:i] + name[i + 1] + name[i] + name[i + 2 :] for i in consonants]  # swapped
    rng.shuffle(edits)
    return edits


def transliterate(
    text: str, language: str, rng: random.Random, peer_names: frozenset[str]
) -> Perturbed:
    """Write one known name by the other language's convention ("Schoigu" -> "Shoigu")."""
    table = {**transliteration.KNOWN} if language == "de" else {}
    pairs = (
        [(german, forms[0]) for german, forms in table.items() if forms]
        if language == "de"
        else [(forms[0], german) for german, forms in transliteration.KNOWN.items() if forms]
    )
    found = [(m, new) for native, new in pairs for m in re.finditer(rf"\b{native}\b", text)]
    if not found:
        return None
    match, new = rng.choice(found)
    changed = replace(text, match.start(), match.end(), new)
    return changed, [
        Gold(
            "translation_artifact",
            "foreign_transliteration",
            match.start(),
            match.start() + len(new),
        )
    ]


def reorder_date(
    text: str, language: str, rng: random.Random, peer_names: frozenset[str]
) -> Perturbed:
    pattern = (
        r"\b(\d{1,2})\. ([A-ZÄÖÜ][a-zä]+) (\d{4})\b"
        if language == "de"
        else r"\b([A-Z][a-z]+) (\d{1,2}), (\d{4})\b"
    )
    match = rng.choice(list(re.finditer(pattern, text)) or [None])
    if match is None:
        return None
    a, b, year = match.groups()
    new = f"{b} {a}, {year}" if language == "de" else f"{b}. {a} {year}"
    changed = replace(text, match.start(), match.end(), new)
    return changed, [
        Gold("translation_artifact", "date_order", match.start(), match.start() + len(new))
    ]


def foreign_quotes(
    text: str, language: str, rng: random.Random, peer_names: frozenset[str]
) -> Perturbed:
    if language == "de":
        match = rng.choice(list(re.finditer(r"„([^“\n]+)“", text)) or [None])
        if match is None:
            return None
        new = f"“{match.group(1)}”"
        gold = [
            Gold("translation_artifact", "quote_style", match.start(), match.start() + 1),
            Gold(
                "translation_artifact",
                "quote_style",
                match.start() + len(new) - 1,
                match.start() + len(new),
            ),
        ]
    else:
        match = rng.choice(list(re.finditer(r'"([^"\n]+)"', text)) or [None])
        if match is None:
            return None
        new = f"„{match.group(1)}“"
        gold = [Gold("translation_artifact", "quote_style", match.start(), match.start() + 1)]
    return replace(text, match.start(), match.end(), new), gold


def foreign_number(
    text: str, language: str, rng: random.Random, peer_names: frozenset[str]
) -> Perturbed:
    grouped = r"\b\d{1,3}\.\d{3}\b" if language == "de" else r"\b\d{1,3},\d{3}\b(?= [a-z])"
    match = rng.choice(list(re.finditer(grouped, text)) or [None])
    if match is None:
        return None
    new = match.group().replace(".", ",") if language == "de" else match.group().replace(",", ".")
    changed = replace(text, match.start(), match.end(), new)
    return changed, [Gold("translation_artifact", "number_format", match.start(), match.end())]


def orphan(text: str, language: str, rng: random.Random, peer_names: frozenset[str]) -> Perturbed:
    """Repeat the last word of a sentence as a sentence of its own: "... des Konflikts. Konflikt."""
    sentences = list(re.finditer(r"(\w{4,})\.(?= [A-ZÄÖÜ])", text))
    match = rng.choice(sentences or [None])
    if match is None:
        return None
    word = match.group(1)
    insert = f" {word[0].upper()}{word[1:]}."
    at = match.end()
    return replace(text, at, at, insert), [
        Gold("translation_artifact", "fragment", at + 1, at + len(insert))
    ]


def run_on_caption(
    text: str, language: str, rng: random.Random, peer_names: frozenset[str]
) -> Perturbed:
    """A caption ("Wladimir Putin") run into the next sentence: "Putin Die Ermittler ..."."""
    starts = (
        r"\. (Der|Die|Das|Ein|Eine) (?=[a-zäöü])"
        if language == "de"
        else r"\. (The|He|She|They|It) (?=[a-z])"
    )
    matches = list(re.finditer(starts, text))
    names = [m.text for m in analyze(text, language).mentions if len(m.text) > 3]
    if not matches or len(names) < 2:
        return None
    match = rng.choice(matches)
    caption = f"{names[0]} {names[1]}"
    new = f". {caption} {match.group(1)} "
    changed = replace(text, match.start(), match.end(), new)
    name_start = match.start() + 2 + len(names[0]) + 1
    return changed, [
        Gold(
            "translation_artifact",
            "fragment",
            name_start,
            name_start + len(names[1]) + 1 + len(match.group(1)),
        )
    ]


def residue_line(
    text: str, language: str, rng: random.Random, peer_names: frozenset[str]
) -> Perturbed:
    subtype, line = rng.choice(_RESIDUE[language])
    breaks = [m.end() for m in re.finditer(r"\n", text)] or [len(text)]
    at = rng.choice(breaks)
    inserted = f"{line}\n" if at < len(text) else f"\n{line}"
    start = at if at < len(text) else at + 1
    return replace(text, at, at, inserted), [
        Gold("scraping_residue", subtype, start, start + len(line))
    ]


def translate_name(
    text: str, language: str, rng: random.Random, peer_names: frozenset[str]
) -> Perturbed:
    if language != "de":
        return None
    found = [
        (m, new) for name, new in _TRANSLATED.items() for m in re.finditer(re.escape(name), text)
    ]
    if not found:
        return None
    match, new = rng.choice(found)
    changed = replace(text, match.start(), match.end(), new)
    return changed, [
        Gold("translation_artifact", "translated_name", match.start(), match.start() + len(new))
    ]


PERTURBATIONS: dict[str, Perturbation] = {
    "misspelled_name": misspell,
    "transliteration": transliterate,
    "date_order": reorder_date,
    "quote_style": foreign_quotes,
    "number_format": foreign_number,
    "orphan_word": orphan,
    "run_on_caption": run_on_caption,
    "residue": residue_line,
    "translated_name": translate_name,
}
