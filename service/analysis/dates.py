"""Dates as far as the text pins them down: "22. März 2024", "March 22", "Oktober 2022", "2022".

Month names are matched capitalised (German and English) or lower case (French), so that "28
may have been shot down" is no date; a bare year is a count when a counted noun follows it
("2000 Soldaten")."""

import re
from collections.abc import Iterator

from service.analysis import lexicon as lx
from service.analysis.normalize import fold
from service.analysis.records import DateRef

_FRENCH = {
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
}
_MONTH = "|".join(
    sorted(
        {m.capitalize() for m in lx.MONTHS if m not in _FRENCH}
        | {m for m in lx.MONTHS if m in _FRENCH},
        key=len,
        reverse=True,
    )
)
_PATTERNS = (
    # 22. März 2024 / 22 March 2024 / 22 mars
    re.compile(rf"\b(?P<day>\d{{1,2}})\.?\s+(?P<month>{_MONTH})(?:\s+(?P<year>\d{{4}}))?\b"),
    # March 22, 2024 / Dezember 27, 2024
    re.compile(
        rf"\b(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?\b"
    ),
    re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<year>\d{{4}})\b"),  # Oktober 2022
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    re.compile(r"\b(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})\b"),
    re.compile(r"(?<![\d.,])(?P<year>(?:19|20)\d{2})(?![\d.,]\d)(?P<counted>\s+[\w-]+)?"),
)


def find_dates(text: str, start: int, end: int) -> Iterator[DateRef]:
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text, start, end):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            date = _date(match)
            if date is not None:
                taken.append((date.start, date.end))
                yield date


def _date(match: re.Match[str]) -> DateRef | None:
    parts = match.groupdict()
    counted = parts.get("counted")
    if counted and _counts(counted):
        return None  # "2000 Soldaten", "2024 Millionen Euro": a number, not a year
    month_text = parts.get("month")
    month = None
    if month_text:
        month = int(month_text) if month_text.isdigit() else lx.MONTHS.get(month_text.lower())
    day = int(parts["day"]) if parts.get("day") else None
    year = int(parts["year"]) if parts.get("year") else None
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        return None
    end = match.start("counted") if counted else match.end()
    return DateRef(match.start(), end, match.string[match.start() : end], year, month, day)


def _counts(word: str) -> bool:
    folded = fold(word.strip()).split("-")[0]
    return folded in lx.CONCEPTS or folded in lx.MULTIPLIERS
