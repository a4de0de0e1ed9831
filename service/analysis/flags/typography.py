"""Quotation marks and number formats of another language, and unbalanced quotes.

German quotes „so“ (or »so«), English “so”; straight quotes are normal in both and only
flagged when left unbalanced. German groups digits 1.250 and writes decimals 2,5; English the
other way round."""

import re

from service.analysis.records import Analysis, Consensus, Flag

_LINE = re.compile(r"[^\n]+")
# An English opening quote (U+201C before a word) or an English closing one (U+201D).
_ENGLISH_QUOTES = re.compile(r"“(?<![^\s(]“)(?=\w)|”(?<=[\w.,!?]”)")
_GERMAN_QUOTES = re.compile(r"„")
# French guillemets keep a space inside: « so ».
_FRENCH_QUOTES = re.compile(r"«(?<![\w.!?]«)\s(?=\w)|\s(?<=[\w.!?]\s)»(?!\w)")
# Opening mark -> its closing mark. “ closes „ in German and opens in English; « likewise.
_PAIRS = {"„": "“", "“": "”", "»": "«", "«": "»"}
_QUOTE_MARKS = re.compile("[" + "".join(sorted({*_PAIRS, *_PAIRS.values(), "”"})) + "]")
_UNITS_DE = r"(?:Prozent|%|Millionen|Milliarden|Euro|Dollar|Meter|Kilometer|Grad|Stunden)"
# "1,085 Dollar" may be a German decimal (an exchange rate, a measure); "1,250 Menschen" cannot
# be: a single group is another language's digit grouping only before what is counted.
_MEASURES_DE = r"(?:Dollar|Euro|Pfund|Franken|Prozent|Punkte|Grad|Meter|Kilometer|Liter|Tonnen)"
_UNITS_EN = r"(?:percent|per cent|%|million|billion|euros?|dollars?|metres?|meters?|hours)"
_MEASURES_EN = (
    r"(?:dollars?|euros?|pounds?|francs?|percent|per cent|points?|degrees?|metres?|meters?"
    r"|kilometres?|litres?|tonnes?|tons?|times)"
)
# The first digit of a number (no digit, point or comma before it). Each pattern that is tried
# at every position of the text starts with a character, not a look-behind, so that the regex
# engine skips to the places where that character occurs.
_FIRST_DIGIT = r"\d(?<![\d.,]\d)"
_NUMBER_RULES = {
    "de": (
        (
            re.compile(
                rf"{_FIRST_DIGIT}(?:\d{{0,2}}(?:,\d{{3}}){{2,}}(?![\d.,]\d)"
                rf"|\d{{0,2}},\d{{3}}(?![\d.,]\d)(?=\s(?!{_MEASURES_DE})[A-ZÄÖÜ]))"
            ),
            "German groups digits with full stops",
        ),
        (
            re.compile(rf"{_FIRST_DIGIT}\d*\.\d{{1,2}}(?=\s?{_UNITS_DE})"),
            "German writes decimals with a comma",
        ),
    ),
    "en": (
        (
            re.compile(
                rf"{_FIRST_DIGIT}(?:\d{{0,2}}(?:\.\d{{3}}){{2,}}(?![\d.,]\d)"
                rf"|\d{{0,2}}\.\d{{3}}(?![\d.,]\d)(?=\s(?!{_MEASURES_EN})[a-z]))"
            ),
            "English groups digits with commas",
        ),
        (
            re.compile(rf"{_FIRST_DIGIT}\d*,\d{{1,2}}(?=\s?{_UNITS_EN})"),
            "English writes decimals with a point",
        ),
    ),
}


def flag(text: str, analysis: Analysis, consensus: Consensus) -> tuple[Flag, ...]:
    language = analysis.language
    if language not in ("de", "en"):
        return ()
    flags = _foreign_quotes(text, language) + _number_formats(text, language)
    for line in _LINE.finditer(text):
        flags.extend(_unbalanced(text, line.start(), line.end()))
    return tuple(flags)


def _foreign_quotes(text: str, language: str) -> list[Flag]:
    foreign = _ENGLISH_QUOTES if language == "de" else _GERMAN_QUOTES
    name = "English" if language == "de" else "German"
    flags = [
        _quote_flag(
            m.start(), m.end(), m.group(), f"{name} quotation marks in a text of another language"
        )
        for m in foreign.finditer(text)
    ]
    flags += [
        _quote_flag(m.start(), m.end(), m.group(), "French quotation marks (with spaces inside)")
        for m in _FRENCH_QUOTES.finditer(text)
    ]
    return flags


def _unbalanced(text: str, start: int, end: int) -> list[Flag]:
    """Quotes opened and never closed, or closed and never opened, within one paragraph."""
    line = text[start:end]
    # English continues a quote over paragraphs by opening each one and closing only the last.
    if line.count('"') % 2 and not line.lstrip().startswith('"'):
        index = start + line.rindex('"')
        return [
            _quote_flag(index, index + 1, '"', "This quotation mark is never closed or opened.")
        ]
    stack: list[tuple[int, str]] = []
    for mark in _QUOTE_MARKS.finditer(line):
        offset, char = mark.start(), mark.group()
        if stack and char == _PAIRS[stack[-1][1]]:
            stack.pop()
        elif char in _PAIRS:
            stack.append((offset, char))
        elif char == "”":
            at = start + offset
            return [_quote_flag(at, at + 1, char, "This closing quotation mark closes nothing.")]
    return [
        _quote_flag(start + o, start + o + 1, c, "This quotation is never closed.")
        for o, c in stack[:1]
    ]


def _number_formats(text: str, language: str) -> list[Flag]:
    return [
        Flag(
            "translation_artifact",
            "number_format",
            match.start(),
            match.end(),
            match.group(),
            None,
            0.7,
            f"“{match.group()}” uses another language's number format: {why}.",
        )
        for pattern, why in _NUMBER_RULES[language]
        for match in pattern.finditer(text)
    ]


def _quote_flag(start: int, end: int, found: str, message: str) -> Flag:
    return Flag("translation_artifact", "quote_style", start, end, found, None, 0.7, message)
