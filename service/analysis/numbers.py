"""Quantities: numbers with what they count ("144 Menschen getötet" -> 144 deaths).

The unit is a concept when the counted noun names one (people, deaths, percent, drones...), else
the noun's stem; a percentage keeps what it is a share of ("80 Prozent der Fernzüge");
"28 davon" / "29 of them" counts what the number before it counted.
"""

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from math import isfinite

from service.analysis import lexicon as lx
from service.analysis.normalize import fold
from service.analysis.records import DateRef, Quantity

# Groups of three digits (the first not 0: "0,125" is a fraction), with decimals after them
# ("1.000,50", "1,000.50"); or digits with decimals.
_GROUPS = r"[1-9]\d{0,2}(?:[.,\u00a0\u202f ]\d{3})+"
NUMBER = re.compile(rf"(?<![\w.,])({_GROUPS}(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?:\s?(%))?(?![\w:])")
_DIGIT = re.compile(r"\d")
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
_DEATH_CUES = tuple(fold(cue) for cue in lx.DEATH_CUES)
_OF_THEM = ("davon", "of", "von")
_SHARE_OF = ("der", "des", "of", "aller", "all", "de", "des")


def find_quantities(
    text: str,
    start: int,
    end: int,
    words: Sequence[re.Match[str]],
    dates: tuple[DateRef, ...],
) -> Iterator[Quantity]:
    has_digits = _DIGIT.search(text, start, end) is not None
    number_words = [
        (index, value)
        for index, word in enumerate(words)
        if (value := lx.NUMBER_WORDS.get(word.group().lower())) is not None
    ]
    if not has_digits and not number_words:
        return  # most sentences: nothing to count
    taken = [(date.start, date.end) for date in dates]
    taken += [m.span() for m in _TIME.finditer(text, start, end)]
    folded = f" {fold(text[start:end])} "
    starts = [w.start() for w in words]
    found: list[Quantity] = []
    for match in NUMBER.finditer(text, start, end) if has_digits else ():
        if any(a <= match.start() < b for a, b in taken):
            continue
        after = words[bisect_left(starts, match.end()) :][:4]
        before = words[
            max(0, bisect_right(starts, match.start() - 1) - 3) : bisect_left(starts, match.start())
        ]
        unit = _unit(after, before, folded, percent=bool(match.group(2)), previous=found)
        value = parse_number(match.group(1)) * _multiplier(after)
        if not isfinite(value):
            continue  # hundreds of digits: no count, and not storable as one
        found.append(
            Quantity(match.start(), match.end(), match.group(), value, unit, _approximate(before))
        )
    for index, value in number_words:
        unit = _unit(words[index + 1 : index + 5], (), folded, percent=False, previous=found)
        if unit:
            word = words[index]
            found.append(Quantity(word.start(), word.end(), word.group(), float(value), unit))
    yield from sorted(found, key=lambda q: q.start)


def parse_number(digits: str) -> float:
    """Read a number whichever convention wrote it: three digits after a mark or a space are a
    group ("1.250", "1,250", "1 250", even mixed: "1.250 001"), one or two are decimals ("2,5",
    "2.5"), as are any after the groups ("1.000,50") or after a 0 ("0,125")."""
    grouped = _GROUPED.fullmatch(digits)
    if grouped:
        whole, decimals = grouped.groups()
        return float(re.sub(r"\D", "", whole) + (f".{decimals}" if decimals else ""))
    return float(digits.replace(",", "."))


_GROUPED = re.compile(rf"({_GROUPS})(?:[.,](\d+))?")


def _unit(
    after: Sequence[re.Match[str]],
    before: Sequence[re.Match[str]],
    folded_sentence: str,
    *,
    percent: bool,
    previous: list[Quantity],
) -> str:
    """What the number counts; "" when the text does not say."""
    candidates = [fold(w.group()).split("-")[0] for w in after]
    if percent or (candidates and lx.CONCEPTS.get(candidates[0]) == "percent"):
        return _share("percent", candidates[1 if not percent else 0 :])
    if candidates and candidates[0] in _OF_THEM and previous:
        return previous[-1].unit  # "31 Drohnen, 28 davon" / "31 drones, 29 of them"
    for candidate in candidates[:2]:
        concept = lx.CONCEPTS.get(candidate)
        if concept:
            return _death_toll(concept, folded_sentence)
    if candidates and candidates[0] not in lx.ALL_STOPWORDS and candidates[0] not in lx.MULTIPLIERS:
        return _stem(candidates[0])
    for word in reversed(before):  # "die Zahl der Toten stieg auf 145"
        concept = lx.CONCEPTS.get(fold(word.group()))
        if concept in ("death", "injured"):
            return concept
    return ""


def _share(unit: str, following: Sequence[str]) -> str:
    """A percentage of something keeps the something: "percent:fernzug"."""
    if len(following) >= 2 and following[0] in _SHARE_OF:
        return f"{unit}:{_stem(following[1])}"
    return unit


def _death_toll(concept: str, folded_sentence: str) -> str:
    if concept == "person" and any(cue in folded_sentence for cue in _DEATH_CUES):
        return "death"
    return concept


def _stem(word: str) -> str:
    for ending in ("en", "er", "es", "n", "e", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _multiplier(after: Sequence[re.Match[str]]) -> float:
    return lx.MULTIPLIERS.get(fold(after[0].group()), 1.0) if after else 1.0


def _approximate(before: Sequence[re.Match[str]]) -> bool:
    return any(fold(word.group()) in lx.APPROXIMATE for word in before[-2:])
