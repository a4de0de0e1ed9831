"""Sentence splitting for German, English and French news text, with exact offsets.

Every line break ends a sentence (headlines, captions and player lines have no full stop).
Inside a line, a sentence ends at . ! ? or … (with any closing quotes) before whitespace and an
upper-case letter, digit or opening quote, unless the word before is an abbreviation, an
initial, or a day number before a month ("am 22. März").
"""

import re

from service.analysis.lexicon import ABBREVIATIONS, MONTHS
from service.analysis.records import Sentence

_LINE = re.compile(r"[^\n]+")
_END = re.compile(r"[.!?…]+[\"'»«“”‘’)\]]*(?=\s)")
_NEXT_STARTS_SENTENCE = re.compile(r"\s+[\"'„“‚‘»«(\[]?[A-ZÄÖÜÀ-ÞА-ЯЁ0-9]")
_WORD_BEFORE = re.compile(r"([\wÀ-ÿ]+)\.?$")
_ORDINAL_FOLLOWERS = frozenset(MONTHS) | {"jahrhundert", "jahrestag", "platz", "mal", "stock"}


def split_sentences(text: str) -> tuple[Sentence, ...]:
    sentences: list[Sentence] = []
    for line in _LINE.finditer(text):
        for start, end in _split_line(text, line.start(), line.end()):
            sentences.append(Sentence(len(sentences), start, end, text[start:end]))
    return tuple(sentences)


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _END.finditer(text, start, end):
        if _is_boundary(text, match, end):
            spans.append((cursor, match.end()))
            cursor = match.end()
    spans.append((cursor, end))
    return [trimmed for span in spans if (trimmed := _trim(text, *span))]


def _is_boundary(text: str, match: re.Match[str], line_end: int) -> bool:
    if not _NEXT_STARTS_SENTENCE.match(text, match.end(), line_end):
        return False
    if match.group().startswith(".") and len(match.group().rstrip("\"'»«“”‘’)]")) == 1:
        before = _WORD_BEFORE.search(text, max(0, match.start() - 40), match.start())
        word = before.group(1) if before else ""
        if word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper()):
            return False
        if (
            word.isdigit()
            and len(word) <= 2
            and _next_word(text, match.end()) in _ORDINAL_FOLLOWERS
        ):
            return False
    return True


def _next_word(text: str, index: int) -> str:
    match = re.compile(r"\s*([\wÀ-ÿ]+)").match(text, index)
    return match.group(1).lower() if match else ""


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
