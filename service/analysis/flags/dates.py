"""Dates in another language's order: "Dezember 27, 2024" in German text, "27. December" in
English text, and US slash dates in German text."""

import re

from service.analysis.lexicon import MONTHS
from service.analysis.records import Analysis, Consensus, Flag

_GERMAN_MONTHS = (
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
)
_ENGLISH_MONTHS = (
    "January February March April May June July August September October November December".split()
)
_ANY_MONTH = "|".join(sorted({*_GERMAN_MONTHS, *_ENGLISH_MONTHS}, key=len, reverse=True))

# Month before day: English order, in German text.
# Not when a word follows the number: "im Juli 12 Prozent" is a count, not a date.
_MONTH_DAY = re.compile(
    rf"\b({_ANY_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:,\s*(\d{{4}})\b|\b(?!\.|\s+[^\W\d_]))"
)
_SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
# Day with a full stop before the month: German order, in English text.
_DAY_DOT_MONTH = re.compile(
    rf"\b(0?[1-9]|[12]\d|3[01])\.\s+({_ANY_MONTH})(?:\s+(\d{{4}}))?\b(?!['’])"
)


def flag(text: str, analysis: Analysis, consensus: Consensus) -> tuple[Flag, ...]:
    if analysis.language == "de":
        return tuple(_german(text))
    if analysis.language == "en":
        return tuple(_english(text))
    return ()


def _german(text: str) -> list[Flag]:
    flags = []
    for match in _MONTH_DAY.finditer(text):
        month, day, year = match.groups()
        german_month = _GERMAN_MONTHS[MONTHS[month.lower()] - 1]
        expected = f"{int(day)}. {german_month}" + (f" {year}" if year else "")
        flags.append(_flag(match, expected, "German writes the day before the month"))
    for match in _SLASHED.finditer(text):
        flags.append(
            _flag(match, None, "German writes dates as day.month.year; this order is ambiguous")
        )
    return flags


def _english(text: str) -> list[Flag]:
    flags = []
    for match in _DAY_DOT_MONTH.finditer(text):
        day, month, year = match.groups()
        english_month = _ENGLISH_MONTHS[MONTHS[month.lower()] - 1]
        expected = f"{english_month} {int(day)}" + (f", {year}" if year else "")
        flags.append(_flag(match, expected, "English writes no full stop after the day"))
    return flags


def _flag(match: re.Match[str], expected: str | None, why: str) -> Flag:
    return Flag(
        "translation_artifact",
        "date_order",
        match.start(),
        match.end(),
        match.group(),
        expected,
        0.9,
        f"“{match.group()}” is in another language's date order: {why}.",
    )
