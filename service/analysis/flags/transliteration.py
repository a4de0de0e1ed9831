"""Foreign transliterations: a Russian or Ukrainian name spelled by another language's
convention ("Shoigu", "Sergei" in German text, where German writes "Schoigu", "Sergej"; and
"Schoigu" in English text, where English writes "Shoigu").

A spelling is flagged when the target language's form is attested: in the list of well-known
names below, in same-language peers, or elsewhere in the article itself."""

import re
from functools import lru_cache
from itertools import pairwise
from types import MappingProxyType

from service.analysis.names import cologne_phonetic, is_inflection
from service.analysis.normalize import fold
from service.analysis.records import Analysis, Consensus, Flag, Mention

# Well-known names: the German form and the English forms of each.
KNOWN = MappingProxyType(
    {
        "Sergej": ("Sergei", "Sergey"),
        "Schoigu": ("Shoigu",),
        "Wladimir": ("Vladimir",),
        "Wolodymyr": ("Volodymyr",),
        "Selenskyj": ("Zelensky", "Zelenskyy", "Zelenskiy"),
        "Nawalny": ("Navalny",),
        "Nawalnaja": ("Navalnaya",),
        "Witali": ("Vitali", "Vitaly", "Vitaliy"),
        "Alexej": ("Alexei", "Alexey", "Aleksei"),
        "Lawrow": ("Lavrov",),
        "Peskow": ("Peskov",),
        "Medwedew": ("Medvedev",),
        "Gerassimow": ("Gerasimov",),
        "Prigoschin": ("Prigozhin",),
        "Jermak": ("Yermak",),
        "Michail": ("Mikhail",),
        "Juri": ("Yuri", "Yury"),
        "Jewgeni": ("Yevgeny", "Evgeny"),
        "Timoschenko": ("Tymoshenko",),
        "Poroschenko": ("Poroshenko",),
        "Kyjiw": ("Kyiv",),
        "Charkiw": ("Kharkiv",),
        "Tschernihiw": ("Chernihiv",),
        "Saporischschja": ("Zaporizhzhia",),
        "Schojgu": (),
    }
)
# First names are shared with other languages ("Vladimir Petković", "Sergej Milinković-Savić"):
# they are flagged only before a Russian or Ukrainian surname.
FIRST_NAMES = frozenset(
    {"Sergej", "Wladimir", "Wolodymyr", "Witali", "Alexej", "Michail", "Juri", "Jewgeni"}
)
# Surnames spelled alike in German and English that still mark a Russian or Ukrainian name.
SAME_SURNAMES = frozenset({"putin", "klitschko", "kuleba", "medinski", "pawlow"})
_ENGLISH_OF = {fold(german): english[0] for german, english in KNOWN.items() if english}
_GERMAN_OF = {fold(english): german for german, forms in KNOWN.items() for english in forms}

# Spelling rules, tried together, that turn one convention into the other.
_TO_GERMAN = (
    (r"shch", "schtsch"),
    (r"Sh", "Sch"),
    (r"sh", "sch"),
    (r"Zh", "Sch"),
    (r"zh", "sch"),
    (r"Kh", "Ch"),
    (r"kh", "ch"),
    (r"^Y(?=[aeiou])", "J"),
    (r"y(?=[aeiou])", "j"),
    (r"V", "W"),
    (r"v", "w"),
    (r"^Z", "S"),
    (r"e[iy]$", "ej"),
    (r"iy$", "ij"),
    (r"yy$", "yj"),
    (r"(?<=sk)y$", "yj"),
)
_TO_ENGLISH = (
    (r"Tsch", "Ch"),
    (r"tsch", "ch"),
    (r"Sch", "Sh"),
    (r"sch", "sh"),
    (r"^Ch", "Kh"),
    (r"^J(?=[aeiou])", "Y"),
    (r"W", "V"),
    (r"w", "v"),
    (r"ej$", "ei"),
    (r"yj$", "y"),
    (r"ij$", "iy"),
)


@lru_cache(maxsize=1 << 14)  # pure, and names recur across peers and requests
def convert(name: str, language: str | None) -> str | None:
    """`name` spelled by the convention of `language` (German or English), if that differs."""
    rules = _TO_GERMAN if language == "de" else _TO_ENGLISH if language == "en" else ()
    converted = name
    for pattern, replacement in rules:
        converted = re.sub(pattern, replacement, converted)
    return converted if converted != name else None


def explains(found: str, expected: str, language: str | None) -> bool:
    """Whether `found` is `expected` written by another language's convention."""
    native = convert(found, language)
    known = (_GERMAN_OF if language == "de" else _ENGLISH_OF).get(fold(found))
    return any(
        form is not None and (fold(form) == fold(expected) or is_inflection(form, expected))
        for form in (native, known)
    )


@lru_cache(maxsize=1 << 14)  # asked of every name of the article and of its peers
def is_foreign(name: str, language: str | None) -> bool:
    """Whether `name` is a known name in another language's transliteration."""
    if language not in ("de", "en"):
        return False
    return fold(name) in (_GERMAN_OF if language == "de" else _ENGLISH_OF) or fold(
        re.sub(r"(?:s|'s|’s)$", "", name)
    ) in (_GERMAN_OF if language == "de" else _ENGLISH_OF)


def flag(text: str, analysis: Analysis, consensus: Consensus) -> tuple[Flag, ...]:
    language = analysis.language
    if language not in ("de", "en"):
        return ()
    attested = {fold(u.surface): u for u in consensus.names if u.language == language}
    own = {fold(m.text) for m in analysis.mentions}
    mentions = analysis.mentions
    flags = []
    for index, mention in enumerate(mentions):
        expected, sources, confidence = _native_form(mention, language, attested, own)
        if expected is None:
            continue
        following = mentions[index + 1] if index + 1 < len(mentions) else None
        surname = following.text if following and following.start == mention.end + 1 else None
        if _german_first_name(expected, mention.text, language) and not _slavic_surname(
            surname, expected, attested
        ):
            continue
        flags.append(_flag(mention, expected, sources, confidence, language))
    return tuple(flags)


def _german_first_name(expected: str, found: str, language: str) -> bool:
    german = expected if language == "de" else found
    return german in FIRST_NAMES


def _slavic_surname(surname: str | None, first_name: str, attested: dict) -> bool:  # type: ignore[type-arg]
    """A surname known to be Russian or Ukrainian, or one the peers write after the native
    form of the first name ("Sergej Schoigu" for "Sergey Soygu")."""
    if surname is None:
        return False
    folded = fold(surname)
    if folded in _GERMAN_OF or folded in _ENGLISH_OF or folded in SAME_SURNAMES:
        return True
    if folded in {fold(german) for german in KNOWN}:
        return True
    first = fold(first_name)
    for phrase in attested:
        words = phrase.split(" ")
        for word, other in pairwise(words):
            if word == first and (
                other == folded or cologne_phonetic(other) == cologne_phonetic(surname)
            ):
                return True
    return False


def _native_form(
    mention: Mention,
    language: str,
    attested: dict,
    own: set[str],  # type: ignore[type-arg]
) -> tuple[str | None, tuple[str, ...], float]:
    found = re.sub(r"(?:s|'s|’s)$", "", mention.text) if len(mention.text) > 4 else mention.text
    known = (_GERMAN_OF if language == "de" else _ENGLISH_OF).get(fold(found))
    if known is not None:
        use = attested.get(fold(known))
        return known, use.sources if use else (), 0.9
    native = convert(found, language)
    if native is None or fold(native) == fold(found):
        return None, (), 0.0
    use = attested.get(fold(native))
    if use is not None:
        return native, use.sources, round(min(0.9, 0.7 + 0.05 * len(use.voices)), 2)
    if fold(native) in own:
        return native, (), 0.75
    return None, (), 0.0


def _flag(
    mention: Mention, expected: str, sources: tuple[str, ...], confidence: float, language: str
) -> Flag:
    convention = "German" if language == "de" else "English"
    return Flag(
        "translation_artifact",
        "foreign_transliteration",
        mention.start,
        mention.end,
        mention.text,
        expected,
        confidence,
        f"“{mention.text}” follows another language's transliteration; {convention} texts "
        f"write “{expected}”.",
        sources,
    )
