"""Claims: the sentences that state something checkable, with their comparable slots.

A sentence is a claim when it names someone or something, gives a number or a date, quotes
someone or attributes a statement, and is neither a question, an opinion nor page residue.
Slots: mentions (capitalised names with their keys), quantities (`numbers`), dates (`dates`),
negation and attribution.
"""

import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from service.analysis import lexicon as lx
from service.analysis.dates import find_dates
from service.analysis.flags import residue
from service.analysis.names import name_key
from service.analysis.normalize import fold
from service.analysis.numbers import NUMBER, find_quantities
from service.analysis.records import Claim, DateRef, Mention, Sentence

_WORD = re.compile(r"[^\W_](?:[\w'’.-]*[^\W_])?")
_DIGIT = re.compile(r"\d")
_QUOTES = re.compile(r"[„“”\"»«‚‘’]")
# Endings that make a word an institution ("verteidigungsministerium"): str.endswith takes them.
_ORGANISATIONS = tuple(
    "ministerium ministry verteidigungsministerium regierung government kreml kremlin polizei "
    "police armee army behorde behorden luftwaffe".split()
)
_OPINION = re.compile(
    r"\b(hat (völlig |vollkommen )?recht|recht hat|zu recht|zu unrecht|meiner meinung|ich finde"
    r"|ich glaube|unverantwortlich|skandalös|peinlich|in my view|i think|i believe|rightly"
    r"|wrongly|shameful|disgraceful)\b"
)
_ATTRIBUTION_CUES = tuple(fold(cue) for cue in lx.ATTRIBUTIONS)
# Whether any cue stands as a word, in one scan; most sentences have none.
_ANY_ATTRIBUTION_CUE = re.compile(
    " (?:" + "|".join(re.escape(cue) for cue in _ATTRIBUTION_CUES) + ")[ ,]"
)
_DENIALS = tuple(fold(denial) for denial in lx.DENIALS)
MIN_WORDS = 4
# Shorter sentences are claims only when they carry a number or a date ("He was 48.").
MIN_WORDS_WITH_FIGURES = 3


def extract_claims(text: str, sentences: tuple[Sentence, ...]) -> tuple[Claim, ...]:
    return extract(text, sentences)[0]


def extract(
    text: str, sentences: tuple[Sentence, ...]
) -> tuple[tuple[Claim, ...], tuple[Mention, ...], tuple[str, ...]]:
    """The claims of the text, every name mention (claims or not) and the content words, in
    one pass over the words of each sentence."""
    claims: list[Claim] = []
    mentions: list[Mention] = []
    terms: list[str] = []
    keys: dict[str, str] = {}  # names repeat: key each spelling once per text
    for sentence in sentences:
        words = list(_WORD.finditer(text, sentence.start, sentence.end))
        tokens = [word.group() for word in words]
        folded = [_fold_word(token) for token in tokens]
        found = tuple(_mentions(words, tokens, folded, keys))
        sentence_terms = _content(folded)
        mentions.extend(found)
        terms.extend(sentence_terms)
        claim = _claim(text, sentence, words, folded, found, len(claims), sentence_terms)
        if claim is not None:
            claims.append(claim)
    return tuple(claims), tuple(mentions), tuple(terms)


# Words recur across sentences and articles; these per-word steps are pure functions of the
# word, so they are memoised (bounded; results identical with or without the cache).
_WORD_MEMO = lru_cache(maxsize=1 << 15)
_fold_word = _WORD_MEMO(fold)


# Stems are hashed into this many ids: columns of the similarity matrices, no vocabulary.
STEM_SPACE = 1 << 20


def stem_ids(terms: Iterable[str]) -> tuple[int, ...]:
    """Hashed stems of content words: inflections share one ("Drohnen", "Drohne")."""
    return tuple(sorted({_stem_id(term) for term in terms}))


@_WORD_MEMO
def _stem_id(word: str) -> int:
    return zlib.crc32(_word_stem(word).encode()) % STEM_SPACE


def _word_stem(word: str) -> str:
    for ending in ("ungen", "ung", "en", "er", "es", "em", "e", "s", "n"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _content(folded: list[str]) -> list[str]:
    return [t for t in folded if len(t) > 2 and not t[0].isdigit() and t not in lx.ALL_STOPWORDS]


def is_residue(sentence_text: str) -> bool:
    return residue.kind_of(sentence_text) is not None


def _claim(
    text: str,
    sentence: Sentence,
    words: Sequence[re.Match[str]],
    folded_words: list[str],
    mentions: tuple[Mention, ...],
    index: int,
    terms: list[str],
) -> Claim | None:
    if len(words) < MIN_WORDS_WITH_FIGURES or not _is_statement(sentence.text):
        return None
    figures = _DIGIT.search(text, sentence.start, sentence.end) is not None
    dates = tuple(find_dates(text, sentence.start, sentence.end)) if figures else ()
    quantities = tuple(find_quantities(text, sentence.start, sentence.end, words, dates))
    if len(words) < MIN_WORDS and not (quantities or (dates and not _only_a_date(sentence, dates))):
        return None  # "He was 48." is a claim; a dateline ("Dezember 27, 2024") is not
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
        negated=_negated(folded, folded_words),
        attribution=attribution,
        quoted=quoted,
        stems=stem_ids(terms),
    )


def _only_a_date(sentence: Sentence, dates: tuple[DateRef, ...]) -> bool:
    covered = sum(date.end - date.start for date in dates)
    return covered >= 0.7 * len(sentence.text.strip(" .,;:"))


def _is_statement(sentence: str) -> bool:
    """Not a question, not an opinion, not page furniture."""
    stripped = sentence.rstrip()
    return not (
        stripped.endswith("?") or is_residue(sentence) or _OPINION.search(sentence.casefold())
    )


def _mentions(
    words: Sequence[re.Match[str]], tokens: list[str], folded: list[str], keys: dict[str, str]
) -> Iterator[Mention]:
    for position, token in enumerate(tokens):
        if not token[0].isupper():
            continue
        verdict = _name_by_spelling(token, folded[position])
        if verdict is None:
            two_before = tokens[position - 2] if position >= 2 else ""
            verdict = _name_after(two_before, tokens[position - 1] if position else "")
        if verdict:
            key = keys.get(token) or keys.setdefault(token, name_key(token))
            word = words[position]
            yield Mention(word.start(), word.end(), token, key)


@_WORD_MEMO
def _name_by_spelling(token: str, folded: str) -> bool | None:
    """Whether the word alone says it is a name: capitalised, not a function word, month or
    weekday, not a German common noun by its ending. None when its context decides."""
    if not token[0].isupper() or token in lx.NOT_NAMES or _DIGIT.search(token):
        return False
    lowered = token.lower()
    if lowered in lx.MONTHS or lowered in lx.WEEKDAYS or folded in lx.CONCEPTS:
        return False
    if token.isupper() and len(token) > 1:
        return len(token) <= 5  # acronyms (AFP, NATO, IS), but not shouted headlines
    if lowered.endswith(lx.NOUN_SUFFIXES):
        return False
    return None


@lru_cache(maxsize=1 << 12)  # pairs of words are many; only the frequent ones pay
def _name_after(two_before: str, previous: str) -> bool:
    """Whether a capitalised word after these two words ("" where the sentence begins) is a
    name, not a common noun."""
    if NUMBER.fullmatch(previous) or previous.lower() in lx.NUMBER_WORDS:
        return False  # what a number counts ("144 Menschen", "drei Minister") is no name
    # German capitalises every noun: after a determiner, or a determiner and a lower-case
    # adjective ("der russische Verteidigungsminister"), a capitalised word is a common noun.
    if previous.lower() in lx.DETERMINERS:
        return False
    return not (two_before.lower() in lx.DETERMINERS and previous.islower())


def _negated(folded: str, folded_words: list[str]) -> bool:
    return not lx.NEGATIONS.isdisjoint(folded_words) or any(d in folded for d in _DENIALS)


def _attribution(folded: str, mentions: tuple[Mention, ...]) -> str | None:
    """Who the sentence attributes its statement to: an institution (with its qualifier, so
    that "das russische Ministerium" and "das französische Ministerium" are two speakers), or
    the name nearest the attribution verb; None when it attributes nothing."""
    if not _ANY_ATTRIBUTION_CUE.search(folded):
        return None
    outside_quotes = _QUOTES.split(folded)[::2]
    for part in outside_quotes:
        words = [word.strip(".,;:()") for word in part.split()]
        for position, word in enumerate(words):
            if word.endswith(_ORGANISATIONS):
                before = words[position - 1] if position else ""
                qualifier = _qualifier(before)
                return f"{qualifier} {word}".strip()
    first_cue = next(c for c in _ATTRIBUTION_CUES if f" {c} " in folded or f" {c}," in folded)
    cue_at = folded.find(first_cue)
    speakers = [m for m in mentions if abs(_offset_in(folded, m) - cue_at) < 40]
    return speakers[0].key if speakers else None


def _qualifier(word: str) -> str:
    if not word or word in lx.DETERMINERS or word in lx.ALL_STOPWORDS:
        return ""
    for ending in ("en", "er", "es", "e"):
        if word.endswith(ending) and len(word) > len(ending) + 3:
            return word[: -len(ending)]
    return word


def _offset_in(folded: str, mention: Mention) -> int:
    return folded.find(fold(mention.text))
