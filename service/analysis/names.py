"""Name keys: one spelling-independent form per name, so that spellings can be matched.

"Schoigu", "Shoigu" -> "shoigu"; "Selenskyj", "Zelensky" -> "selenski"; "Sergej", "Sergey",
"Sergei" -> "sergei". The folding rules undo the usual German, English and French
transliterations of Russian and Ukrainian names; they make keys comparable, not pretty.
"""

import re
from functools import lru_cache

from service.analysis.lexicon import ACCEPTED_SPELLINGS
from service.analysis.normalize import fold

# Order matters: longer German/French clusters first, so that "tsch" is not read as "t" + "sch".
_TRANSLITERATION = (
    ("tsch", "ch"),
    ("sch", "sh"),
    ("tch", "ch"),
    ("dj", "j"),
    # Russian ж: English "zh", German "sch" ("Prigozhin", "Prigoschin").
    ("zh", "sh"),
    # Russian х: English "kh", German "ch" ("Kharkiv", "Charkiw"); ч became "ch" above.
    ("kh", "h"),
    ("ch", "h"),
    ("ou", "u"),
    ("ph", "f"),
    ("ck", "k"),
    ("w", "v"),
    ("z", "s"),
    ("c", "k"),
    ("j", "y"),
    ("yy", "i"),
    ("iy", "i"),
    ("yi", "i"),
    ("y", "i"),
)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_REPEATED = re.compile(r"(.)\1+")


# Names recur across every peer and request; their keys are pure functions of the spelling,
# so they are memoised (bounded, results identical with or without the cache).
_MEMO = lru_cache(maxsize=1 << 16)


@_MEMO
def name_key(name: str) -> str:
    """The spelling-independent key of a name (one or more words)."""
    key = fold(_POSSESSIVE.sub("", name))
    key = re.sub(r"[^a-z]+", " ", key).strip()
    for written, spoken in _TRANSLITERATION:
        key = key.replace(written, spoken)
    return _REPEATED.sub(r"\1", key)


# Names written from Cyrillic carry the marks of their transliteration: a "j" inside the word
# ("Medwedjew", "Schojgu", "Dmitrij") or an ending such as "-yj", "-iy", "-yi" ("Selenskyj",
# "Dmitriy", "Syrskyi"). Newsrooms write such a name by several accepted conventions, and these
# rules write the variants of one choice alike: "Schojgu" and "Schoigu", "Medwedjew" and
# "Medwedew", "Dmitrij" and "Dmitri", "Selenskij" and "Selenskyj", "Julija" and "Julia". Names
# without the marks get none of them: "Sarkozi" and "Steynmeier" stay misspellings.
_CYRILLIC_MARK = re.compile(r"(?<=.)j|(?:ij|yj|iy|yi|yy|ii)s?$")
_PRESS_CONVENTIONS = (
    (re.compile(r"(?<=i)j(?=a)"), ""),
    (re.compile(r"(?<=[aeiou])[jy](?![aeiou])"), "i"),
    (re.compile(r"(?<=[^aeiouj])je"), "e"),
    (re.compile(r"(?:ij|yj|iy|yi|yy|ii|y)$"), "i"),
)


def accepted_alike(first: str, second: str) -> bool:
    """Whether both are spellings in accepted use ("Kiew" and "Kyjiw", "Zelensky's" and
    "Zelenskyy", "Medwedjew" and "Medwedew"), which no editor wants flagged."""
    forms = [_POSSESSIVE.sub("", fold(word)) for word in (first, second)]
    return _press_alike(*forms) or any(
        any(form in group or form.removesuffix("s") in group for form in forms[:1])
        and any(form in group or form.removesuffix("s") in group for form in forms[1:])
        for group in ACCEPTED_SPELLINGS
    )


def _press_alike(first: str, second: str) -> bool:
    """Two folded spellings of a name written from Cyrillic by different accepted conventions."""
    if not (_CYRILLIC_MARK.search(first) or _CYRILLIC_MARK.search(second)):
        return False
    return bool(_conventions_undone(first) & _conventions_undone(second))


@_MEMO
def _conventions_undone(folded: str) -> frozenset[str]:
    """The spelling and its genitive's stem (`inflections`), each with the conventions undone."""
    forms = set()
    for form in inflections(folded):
        for pattern, replacement in _PRESS_CONVENTIONS:
            form = pattern.sub(replacement, form)
        forms.add(form)
    return frozenset(forms)


def inflections(key: str) -> frozenset[str]:
    """Keys that may be the same name inflected: German genitive "Lecornus", "Nawalnys"."""
    forms = {key}
    if key.endswith("s") and len(key) > 4:
        forms.add(key[:-1])
    if key.endswith("es") and len(key) > 5:
        forms.add(key[:-2])
    return frozenset(forms)


def same_name(first: str, second: str) -> bool:
    """Whether two keys name the same (allowing for a genitive ending on either)."""
    return bool(inflections(first) & inflections(second))


# Kölner Phonetik (Postel 1969): a phonetic code for German spellings. "Licorno" and "Lecornu",
# "Soygu" and "Schoigu" share a code; spelling drift compares names by it.
_PHONETIC_SIMPLE = {
    **dict.fromkeys("aeijouy", "0"),
    "b": "1",
    **dict.fromkeys("fvw", "3"),
    **dict.fromkeys("gkq", "4"),
    "l": "5",
    **dict.fromkeys("mn", "6"),
    "r": "7",
    **dict.fromkeys("sz", "8"),
}


@_MEMO
def cologne_phonetic(name: str) -> str:
    letters = [c for c in fold(name) if "a" <= c <= "z"]
    codes: list[str] = []
    for i, letter in enumerate(letters):
        before = letters[i - 1] if i else ""
        after = letters[i + 1] if i + 1 < len(letters) else ""
        codes.append(_phonetic_code(letter, before, after, first=i == 0))
    collapsed = [code for i, code in enumerate(codes) if code and (i == 0 or code != codes[i - 1])]
    return "".join(code for i, code in enumerate(collapsed) if code != "0" or i == 0)


def _phonetic_code(letter: str, before: str, after: str, *, first: bool) -> str:
    if letter == "h":
        return ""
    if letter == "p":
        return "3" if after == "h" else "1"
    if letter in "dt":
        return "8" if after in ("c", "s", "z") and after else "2"
    if letter == "x":
        return "8" if before in ("c", "k", "q") and before else "48"
    if letter == "c":
        if first:
            return "4" if after and after in "ahkloqrux" else "8"
        return "4" if after and after in "ahkoqux" and before not in ("s", "z") else "8"
    return _PHONETIC_SIMPLE.get(letter, "")


_INFLECTIONS = ("s", "es", "n", "en", "e", "er", "ern", "em", "ens")


def is_inflection(first: str, second: str) -> bool:
    """Whether one word is the other with a German ending: "Lecornus", "Moskauer", "Staaten"."""
    a, b = (_POSSESSIVE.sub("", fold(word)) for word in (first, second))
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short) and long_[len(short) :] in _INFLECTIONS:
        return True
    stems = {_strip_ending(a), _strip_ending(b)}
    return len(stems) == 1 and min(len(a), len(b)) >= 4


@_MEMO
def name_stem(key: str) -> str:
    """One form for a name and its inflections ("Lecornus", "Moskauer" -> "lecornu",
    "moskau"): names that share a stem are the same name for set look-ups."""
    return _strip_ending(_POSSESSIVE.sub("", fold(key)))


_LONGEST_FIRST = tuple(sorted(_INFLECTIONS, key=len, reverse=True))


def _strip_ending(word: str) -> str:
    for ending in _LONGEST_FIRST:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word
