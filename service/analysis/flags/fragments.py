"""Fragments: sentences broken where a link, caption or teaser was cut out of the page.

- a caption run into the next sentence: "Sergej Schoigu Der französische Verteidigungsminister"
  (a capitalised article or pronoun follows a word with no punctuation between them);
- an orphan word repeating the end of the sentence before it: "... des Konflikts. Konflikt.";
- a quote glued to the word before it: "in die Ukraine„Es wird";
- a sentence that goes on in lower case after its full stop, or a full stop after a space,
  where a link's text was removed: "berichtete Le Monde . was von France24 gesehen wurde".
"""

import re

from service.analysis.lexicon import ABBREVIATIONS
from service.analysis.names import is_inflection
from service.analysis.records import Analysis, Consensus, Flag

_RUN_ON = {
    "de": re.compile(
        r"\b([A-ZÄÖÜ][\wäöüß-]+) (Der|Die|Das|Den|Dem|Ein|Eine|Es|Er|Bei|Im) (?=[a-zäöüß]+ )"
    ),
    "en": re.compile(r"\b([A-Z][\w-]+) (The|He|She|They|It) (?=[a-z]+ )"),
}
# Titles that legitimately start with an article: "laut Der Spiegel", "in The Guardian".
_TITLES = frozenset(
    "spiegel standard tagesspiegel welt zeit linke grünen presse guardian times economist "
    "independent telegraph atlantic new washington wall hague".split()
)
_GLUED_QUOTE = re.compile(r"\b[\wäöüß]+[„“\"»](?=[A-ZÄÖÜ])")
_LOWER_AFTER_STOP = re.compile(r"(?<=[a-zäöüß)])\. (?=[a-zäöüß]{2,}\b)")
_SPACE_BEFORE_STOP = re.compile(r"(?<=\w) \.(?=\s|$)")
_WORD_BEFORE = re.compile(r"(\w+)$")
_NEXT_WORD = re.compile(r"\w+")


def flag(text: str, analysis: Analysis, consensus: Consensus) -> tuple[Flag, ...]:
    flags = _run_ons(text, analysis.language) + _orphans(text, analysis)
    flags += [
        _flag(m.start(), m.end(), text, "A quotation is glued to the word before it.")
        for m in _GLUED_QUOTE.finditer(text)
    ]
    for match in _LOWER_AFTER_STOP.finditer(text):
        word = _WORD_BEFORE.search(text, max(0, match.start() - 30), match.start())
        if word and not _abbreviation(text, word):
            flags.append(
                _flag(
                    match.start(),
                    _word_end(text, match.end()),
                    text,
                    "The sentence goes on after its full stop.",
                )
            )
    flags += [
        _flag(
            m.start(), m.end(), text, "A full stop after a space: a link was probably cut out here."
        )
        for m in _SPACE_BEFORE_STOP.finditer(text)
    ]
    return tuple(flags)


def _run_ons(text: str, language: str | None) -> list[Flag]:
    pattern = _RUN_ON.get(language or "")
    if pattern is None:
        return []
    flags = []
    for match in pattern.finditer(text):
        following = text[match.end() :].split(" ", 1)[0].lower()
        if following in _TITLES:
            continue
        end = match.end() - 1  # without the space before the next word
        flags.append(
            _flag(match.start(), end, text, "A caption or link text runs into this sentence.")
        )
    return flags


def _orphans(text: str, analysis: Analysis) -> list[Flag]:
    flags = []
    for before, sentence in zip(analysis.sentences, analysis.sentences[1:], strict=False):
        words = sentence.text.rstrip(".").split()
        if (
            len(words) != 1
            or not sentence.text.endswith(".")
            or "\n" in text[before.end : sentence.start]
        ):
            continue
        previous = re.findall(r"\w+", before.text)
        if any(word == words[0] or is_inflection(word, words[0]) for word in previous[-4:]):
            flags.append(
                _flag(
                    sentence.start,
                    sentence.end,
                    text,
                    "An orphaned word repeats the sentence before it.",
                )
            )
    return flags


def _flag(start: int, end: int, text: str, message: str) -> Flag:
    start, end = max(0, start), min(len(text), end)
    return Flag(
        "translation_artifact", "fragment", start, end, text[start:end], None, 0.75, message
    )


def _abbreviation(text: str, word: re.Match[str]) -> bool:
    """ "z. B.", "d. h.", "e.g.", "sog.", "Nr.": a full stop after a short or listed word."""
    token = word.group(1)
    return len(token) <= 2 or token.lower() in ABBREVIATIONS or token.isdigit()


def _word_end(text: str, index: int) -> int:
    following = _NEXT_WORD.match(text, index)
    return following.end() if following else index
