"""Spelling drift: a name spelled unlike the independent peers (same language) spell it, or two
ways inside the article. Accents, inflections ("Lecornus"), transliteration conventions (left to
`transliteration`) and spellings the peers also use are not drift."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import fuzz, process

from service.analysis.flags import residue, transliteration
from service.analysis.lexicon import NOT_NAMES, TITLE_SUFFIXES
from service.analysis.names import (
    accepted_alike,
    cologne_phonetic,
    is_inflection,
    name_key,
    name_stem,
)
from service.analysis.normalize import fold
from service.analysis.records import Analysis, Consensus, Flag, Mention, NameUse

MIN_LENGTH = 4
# rapidfuzz scores (0-100) from which two spellings are variants of one name.
SPELLING_SIMILARITY = 80.0
KEY_SIMILARITY = 85.0
# ...or, when they sound alike by the Cologne code, from this letter similarity.
SOUND_LETTERS = 70.0


def flag(text: str, analysis: Analysis, consensus: Consensus) -> tuple[Flag, ...]:
    language = analysis.language
    same_language = [u for u in consensus.names if u.language == language or not language]
    peers = [
        u
        for u in same_language
        if " " not in u.surface and not transliteration.is_foreign(u.surface, language)
    ]
    phrases = [u.surface for u in same_language if " " in u.surface]
    residue_lines = residue.residue_lines(text)
    mentions = [m for m in analysis.mentions if not residue.within(residue_lines, m.start)]
    own = Counter(m.text for m in mentions)
    own_phrases = [
        f"{a.text} {b.text}" for a, b in pairwise(analysis.mentions) if b.start == a.end + 1
    ]
    spellings = _PeerSpellings(peers)
    # Words the peers write after another name (not after a title): surnames, not first names.
    surnames = {word for phrase in phrases for word in _without_titles(phrase.split(" "))[1:]}
    expected_for: dict[str, NameUse | None] = {}
    rivals = _ArticleSpellings(own)
    flags = []
    for index, mention in enumerate(mentions):
        found = mention.text
        if (
            len(found) < MIN_LENGTH
            or found.isupper()
            or transliteration.is_foreign(found, language)
        ):
            continue  # the transliteration flagger says what is wrong with a foreign spelling
        first_name = _first_name(mentions, index, surnames)
        if found not in expected_for:
            expected_for[found] = spellings.expected(found, language)
        expected = expected_for[found]
        if expected is not None and not _another_person(first_name, expected.surface, phrases):
            flags.append(_peer_flag(mention, expected))
            continue
        if not spellings.voices_of(found):
            majority = rivals.expected(found, language)
            known = [*phrases, *own_phrases]
            if majority is not None and not _another_person(first_name, majority, known):
                flags.append(_article_flag(mention, majority, own[majority]))
    return tuple(flags)


def _first_name(mentions: list[Mention], index: int, surnames: set[str]) -> str | None:
    """The first name written right before this one ("Olaf" of "Olaf Scholz"), if any. A
    surname before it ("versicherte Lecornu Sojgu") is no first name: the phrases show it
    after a first name of its own ("Sébastien Lecornu")."""
    if not index or mentions[index - 1].end + 1 != mentions[index].start:
        return None
    candidate = mentions[index - 1].text
    if _is_title(candidate) or candidate in surnames:
        return None
    return candidate


def _is_title(word: str) -> bool:
    return word in NOT_NAMES or word.lower().endswith(TITLE_SUFFIXES)


def _without_titles(words: list[str]) -> list[str]:
    """A name's words without the titles before it: "Der Kanzler Olaf Scholz" -> Olaf Scholz."""
    while len(words) > 1 and _is_title(words[0]):
        words = words[1:]
    return words


def _another_person(first_name: str | None, expected: str, phrases: list[str]) -> bool:
    """ "Martin Schulz" is not a misspelled "Olaf Scholz": the peers write the expected surname
    only after other first names than this one."""
    if first_name is None:
        return False
    before = {
        words[i - 1]
        for phrase in phrases
        if expected in (words := phrase.split(" "))
        for i in range(1, len(words))
        if words[i] == expected and not _is_title(words[i - 1])
    }
    return bool(before) and not any(_same_first_name(first_name, b) for b in before)


def _same_first_name(first: str, second: str) -> bool:
    """ "Sebastien" and "Sébastien", "Dmitrij" and "Dmitri" name one person, and so do two
    variants: only a first name unlike all of the peers' marks another."""
    return fold(first) == fold(second) or accepted_alike(first, second) or variants(first, second)


def female_form(first: str, second: str) -> bool:
    """Russian and Ukrainian surnames take a feminine ending: "Selenska" of "Selenskyj",
    "Nawalnaja" of "Nawalny", "Peskowa" of "Peskow"; those are other people, not drift."""
    endings = ("yj", "ij", "yy", "iy", "y", "i", "aja", "aya", "a", "ja")
    stems = []
    for word in (fold(first), fold(second)):
        ending = next((e for e in endings if word.endswith(e) and len(word) - len(e) >= 3), "")
        stems.append((word[: len(word) - len(ending)] if ending else word, ending))
    (stem_a, end_a), (stem_b, end_b) = stems
    return stem_a == stem_b and end_a != end_b and "a" in (end_a[-1:], end_b[-1:])


@dataclass(frozen=True, slots=True)
class Spelling:
    """A spelling with the comparison forms every spelling is compared by, computed once. (Its
    sound, `cologne_phonetic`, is only asked of the few pairs close in letters.)"""

    surface: str
    folded: str
    key: str

    @staticmethod
    @lru_cache(maxsize=1 << 14)  # pure, and names recur across peers and requests
    def of(surface: str) -> "Spelling":
        return Spelling(surface, fold(surface), name_key(surface))


@lru_cache(maxsize=1 << 15)  # pairs of spellings recur while a story is in the news
def variants(first: str, second: str) -> bool:
    """Two spellings of one name (see `alike`)."""
    return alike(Spelling.of(first), Spelling.of(second))


def alike(first: Spelling, second: Spelling) -> bool:
    """Two spellings of one name: same initial, alike in their keys, in letters, or in sound
    and letters; not merely inflected, accented, a parallel accepted spelling or a feminine
    form. (Sound alone is too loose: "Wolodymyr" and "Wladimir" share a Cologne code.)"""
    a, b = first.folded, second.folded
    if a == b or a[:1] != b[:1]:
        return False
    letters = fuzz.ratio(a, b, processor=None)
    keys = fuzz.ratio(first.key, second.key, processor=None)
    if not (
        keys >= KEY_SIMILARITY
        or letters >= SPELLING_SIMILARITY
        or (letters >= SOUND_LETTERS and _sound_alike(first.surface, second.surface))
    ):
        return False
    names = (first.surface, second.surface)
    return not (is_inflection(*names) or accepted_alike(*names) or female_form(*names))


def _sound_alike(first: str, second: str) -> bool:
    code = cologne_phonetic(first)
    return len(code) >= 2 and code == cologne_phonetic(second)


class _PeerSpellings:
    """The peers' spellings, indexed: by name stem (a spelling and its inflections) for voice
    counts, and by initial for finding variants."""

    def __init__(self, peers: list[NameUse]) -> None:
        self.voices: dict[str, set[int]] = defaultdict(set)
        self.by_initial: dict[str, list[tuple[NameUse, Spelling]]] = defaultdict(list)
        for use in peers:
            self.voices[name_stem(use.surface)] |= use.voices
            if use.surface[:1].isupper():
                spelling = Spelling.of(use.surface)
                self.by_initial[spelling.folded[:1]].append((use, spelling))
        self.folded = {i: [s.folded for _, s in uses] for i, uses in self.by_initial.items()}
        self.keys = {i: [s.key for _, s in uses] for i, uses in self.by_initial.items()}

    def voices_of(self, spelling: str) -> int:
        """Voices that write this spelling (up to accents and inflection)."""
        return len(self.voices.get(name_stem(spelling), ()))

    def expected(self, found: str, language: str | None) -> NameUse | None:
        """The variant of `found` that clearly more independent voices use: any voice when
        none writes `found`, else at least twice as many (one outlet's "Licorno" does not
        make it right against seven outlets' "Lecornu")."""
        ours = Spelling.of(found)
        similar = [
            u
            for u in self._close(ours)
            if abs(len(u.surface) - len(found)) <= 3
            and variants(found, u.surface)
            and not transliteration.explains(found, u.surface, language)
        ]
        if not similar:
            return None
        best = max(similar, key=lambda u: (self.voices_of(u.surface), -len(u.surface), u.surface))
        ours, theirs = self.voices_of(found), self.voices_of(best.surface)
        if ours and theirs < max(2, 2 * ours):
            return None
        return best

    def _close(self, ours: Spelling) -> list[NameUse]:
        """The spellings of the same initial that `alike` may accept: it needs letters or keys
        at least this similar, and rapidfuzz scores a whole list of them at once."""
        initial = ours.folded[:1]
        if initial not in self.by_initial:
            return []
        letters = process.extract(
            ours.folded,
            self.folded[initial],
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=min(SPELLING_SIMILARITY, SOUND_LETTERS),
            limit=None,
        )
        keys = process.extract(
            ours.key,
            self.keys[initial],
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=KEY_SIMILARITY,
            limit=None,
        )
        close = sorted({index for _, _, index in letters} | {index for _, _, index in keys})
        return [self.by_initial[initial][index][0] for index in close]


class _ArticleSpellings:
    """The article's own spellings with how often it writes each, by initial (variants of a
    name share one), and the more frequent variant of each spelling once it is asked for."""

    def __init__(self, own: Counter[str]) -> None:
        self.own = own
        self.by_initial: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for surface, count in own.items():
            self.by_initial[Spelling.of(surface).folded[:1]].append((count, surface))
        self._expected: dict[str, str | None] = {}

    def expected(self, found: str, language: str | None) -> str | None:
        """A more frequent spelling of the same name elsewhere in the article."""
        if found not in self._expected:
            rivals = [
                (count, surface)
                for count, surface in self.by_initial[Spelling.of(found).folded[:1]]
                if count > self.own[found]
                and variants(found, surface)
                and not transliteration.explains(found, surface, language)
            ]
            self._expected[found] = max(rivals)[1] if rivals else None
        return self._expected[found]


def _peer_flag(mention: Mention, expected: NameUse) -> Flag:
    voices = len(expected.voices)
    confidence = min(0.95, 0.55 + 0.1 * voices)
    return Flag(
        "spelling_drift",
        "peers",
        mention.start,
        mention.end,
        mention.text,
        expected.surface,
        round(confidence, 2),
        f"“{mention.text}” is spelled “{expected.surface}” by {voices} independent "
        f"source{'s' if voices != 1 else ''} reporting this story.",
        expected.sources,
    )


def _article_flag(mention: Mention, expected: str, count: int) -> Flag:
    return Flag(
        "spelling_drift",
        "inconsistent",
        mention.start,
        mention.end,
        mention.text,
        expected,
        0.6,
        f"“{mention.text}” is spelled “{expected}” {count} times elsewhere in this article.",
    )
