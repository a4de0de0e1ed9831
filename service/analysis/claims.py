"""Claims: the sentences that state something checkable, with their comparable slots.

A sentence is a claim when it names someone or something, gives a number or a date, quotes
someone or attributes a statement, and is neither a question nor page residue. Slots:
mentions (capitalised names with their keys), quantities (a number and what it counts), dates,
negation, attribution, and content terms for similarity.
"""

import re
from collections.abc import Iterator

from service.analysis import lexicon as lx
from service.analysis.flags import residue
from service.analysis.names import name_key
from service.analysis.normalize import fold
from service.analysis.records import Claim, DateRef, Mention, Quantity, Sentence

_WORD = re.compile(r"[^\W_](?:[\w'’.-]*[^\W_])?")

_QUOTES = re.compile(r"[„“”\"»«‚‘’]")
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+|\d+(?:[.,]\d+)?)(?:\s?(%))?(?![\w:])"
)
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
_MONTH = "|".join(sorted((re.escape(m) for m in lx.MONTHS), key=len, reverse=True))
_DATES = (
    # 22. März 2024 / 22 March 2024 / 22 mars
    re.compile(rf"\b(?P<day>\d{{1,2}})\.?\s+(?P<month>{_MONTH})(?:\s+(?P<year>\d{{4}}))?\b", re.I),
    # March 22, 2024 / Dezember 27, 2024
    re.compile(
        rf"\b(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?\b",
        re.I,
    ),
    # Oktober 2022
    re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<year>\d{{4}})\b", re.I),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    re.compile(r"\b(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})\b"),
    re.compile(r"(?<![\d.,])(?P<year>(?:19|20)\d{2})(?![\d.,]\d)"),
)
_ORGANISATIONS = frozenset(
    "ministerium ministry verteidigungsministerium regierung government kreml kremlin polizei "
    "police armee army behorde behorden armee luftwaffe".split()
)


def extract_claims(
    text: str, sentences: tuple[Sentence, ...], language: str | None
) -> tuple[Claim, ...]:
    claims: list[Claim] = []
    for sentence in sentences:
        claim = _claim(text, sentence, language, len(claims))
        if claim is not None:
            claims.append(claim)
    return tuple(claims)


def is_residue(sentence_text: str) -> bool:
    return residue.kind_of(sentence_text) is not None


def _claim(text: str, sentence: Sentence, language: str | None, index: int) -> Claim | None:
    words = list(_WORD.finditer(text, sentence.start, sentence.end))
    if len(words) < 4 or sentence.text.rstrip().endswith("?") or is_residue(sentence.text):
        return None
    dates = tuple(_dates(text, sentence))
    quantities = tuple(_quantities(text, sentence, words, dates, language))
    mentions = tuple(_mentions(words))
    folded = f" {fold(sentence.text)} "
    quoted = len(_QUOTES.findall(sentence.text)) >= 2
    attribution = _attribution(folded, mentions)
    if not (mentions or quantities or dates or quoted or attribution):
        return None
    return Claim(
        index=index,
        start=sentence.start,
        end=sentence.end,
        text=sentence.text,
        mentions=mentions,
        quantities=quantities,
        dates=dates,
        negated=_negated(folded, words),
        attribution=attribution,
        quoted=quoted,
    )


def find_mentions(text: str, sentence: Sentence) -> tuple[Mention, ...]:
    """The name-like words of one sentence."""
    return tuple(_mentions(list(_WORD.finditer(text, sentence.start, sentence.end))))


def content_terms(text: str) -> tuple[str, ...]:
    """Folded words that carry content: no function words, numbers or one-letter tokens."""
    terms = (fold(word) for word in _WORD.findall(text))
    return tuple(
        t for t in terms if len(t) > 2 and not t[0].isdigit() and t not in lx.ALL_STOPWORDS
    )


def _mentions(words: list[re.Match[str]]) -> Iterator[Mention]:
    for position, word in enumerate(words):
        token = word.group()
        context = [w.group() for w in words[max(0, position - 2) : position]]
        if not _looks_like_name(token, context):
            continue
        yield Mention(word.start(), word.end(), token, name_key(token))


def _looks_like_name(token: str, context: list[str]) -> bool:
    """Capitalised, not a function word, month or weekday, and not a German common noun."""
    if not token[0].isupper() or token in lx.NOT_NAMES or any(c.isdigit() for c in token):
        return False
    if token.lower() in lx.MONTHS or token.lower() in lx.WEEKDAYS:
        return False
    if token.isupper() and len(token) > 1:
        return len(token) <= 5  # acronyms (AFP, NATO, IS), but not shouted headlines
    lowered = token.lower()
    if lowered.endswith(lx.NOUN_SUFFIXES) and not token.endswith("s'"):
        return False
    # German capitalises every noun: after a determiner, or a determiner and a lower-case
    # adjective ("der russische Verteidigungsminister"), a capitalised word is a common noun.
    if context and context[-1].lower() in lx.DETERMINERS:
        return False
    return not (len(context) == 2 and context[0].lower() in lx.DETERMINERS and context[1].islower())


def _quantities(
    text: str,
    sentence: Sentence,
    words: list[re.Match[str]],
    dates: tuple[DateRef, ...],
    language: str | None,
) -> Iterator[Quantity]:
    taken = [(date.start, date.end) for date in dates]
    taken += [m.span() for m in _TIME.finditer(text, sentence.start, sentence.end)]
    folded = fold(sentence.text)
    for match in _NUMBER.finditer(text, sentence.start, sentence.end):
        if any(start <= match.start() < end for start, end in taken):
            continue
        value = _number(match.group(1), language)
        after = [w for w in words if w.start() >= match.end()][:3]
        before = [w for w in words if w.end() <= match.start()][-3:]
        unit = "percent" if match.group(2) else _unit(after, before, folded)
        value *= _multiplier(after)
        yield Quantity(match.start(), match.end(), match.group(), value, unit, _approximate(before))
    for word in words:
        value = lx.NUMBER_WORDS.get(word.group().lower())
        if value is not None:
            after = [w for w in words if w.start() >= word.end()][:3]
            unit = _unit(after, [], folded)
            if unit:
                yield Quantity(word.start(), word.end(), word.group(), float(value), unit)


def _number(digits: str, language: str | None) -> float:
    compact = re.sub(r"[\u00a0\u202f ]", "", digits)
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", compact):
        return float(re.sub(r"[.,]", "", compact))  # digit grouping, whichever mark
    if language in ("de", "fr"):
        compact = compact.replace(".", "").replace(",", ".")
    else:
        compact = compact.replace(",", "")
    return float(compact)


def _unit(after: list[re.Match[str]], before: list[re.Match[str]], folded_sentence: str) -> str:
    """What the number counts: a concept when one of the next words names one, else a stem."""
    candidates = [fold(w.group()).split("-")[0] for w in after]
    for candidate in candidates[:2]:
        concept = lx.CONCEPTS.get(candidate)
        if concept:
            return _death_toll(concept, folded_sentence)
    for word in before[::-1]:
        concept = lx.CONCEPTS.get(fold(word.group()))
        if concept in ("death", "injured"):
            return concept
    for candidate in candidates[:1]:
        if candidate not in lx.ALL_STOPWORDS and candidate not in lx.MULTIPLIERS:
            return _stem(candidate)
    return ""


def _death_toll(concept: str, folded_sentence: str) -> str:
    if concept == "person" and any(
        cue in f" {folded_sentence} " for cue in map(fold, lx.DEATH_CUES)
    ):
        return "death"
    return concept


def _stem(word: str) -> str:
    for ending in ("en", "er", "es", "n", "e", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _multiplier(after: list[re.Match[str]]) -> float:
    return lx.MULTIPLIERS.get(fold(after[0].group()), 1.0) if after else 1.0


def _approximate(before: list[re.Match[str]]) -> bool:
    return any(fold(word.group()) in lx.APPROXIMATE for word in before[-2:])


def _dates(text: str, sentence: Sentence) -> Iterator[DateRef]:
    taken: list[tuple[int, int]] = []
    for pattern in _DATES:
        for match in pattern.finditer(text, sentence.start, sentence.end):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            date = _date(match)
            if date is not None:
                taken.append(match.span())
                yield date


def _date(match: re.Match[str]) -> DateRef | None:
    parts = match.groupdict()
    month_text = parts.get("month")
    month = None
    if month_text:
        month = int(month_text) if month_text.isdigit() else lx.MONTHS.get(month_text.lower())
    day = int(parts["day"]) if parts.get("day") else None
    year = int(parts["year"]) if parts.get("year") else None
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        return None
    return DateRef(match.start(), match.end(), match.group(), year, month, day)


def _negated(folded: str, words: list[re.Match[str]]) -> bool:
    tokens = {fold(word.group()) for word in words}
    return bool(tokens & lx.NEGATIONS) or any(fold(d) in folded for d in lx.DENIALS)


def _attribution(folded: str, mentions: tuple[Mention, ...]) -> str | None:
    """Who the sentence attributes its statement to: a name or an institution, if it says."""
    if not any(f" {cue} " in folded or f" {cue}," in folded for cue in map(fold, lx.ATTRIBUTIONS)):
        return None
    outside_quotes = _QUOTES.split(folded)[::2]
    for part in outside_quotes:
        words = [word.strip(".,;:()") for word in part.split()]
        for position, word in enumerate(words):
            if any(word.endswith(org) for org in _ORGANISATIONS):
                # "das russische Ministerium" and "das französische Ministerium" are two speakers.
                before = words[position - 1] if position else ""
                qualifier = _stem(before) if before and before not in lx.DETERMINERS else ""
                return f"{qualifier} {word}".strip()
    return mentions[0].key if mentions else "unnamed"
