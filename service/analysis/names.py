"""Name keys: one spelling-independent form per name, so that spellings can be matched.

"Schoigu", "Shoigu" -> "shoigu"; "Selenskyj", "Zelensky" -> "selenski"; "Sergej", "Sergey",
"Sergei" -> "sergei". The folding rules undo the usual German, English and French
transliterations of Russian and Ukrainian names; they make keys comparable, not pretty.
"""

import re

from service.analysis.normalize import fold

# Order matters: longer German/French clusters first, so that "tsch" is not read as "t" + "sch".
_TRANSLITERATION = (
    ("tsch", "ch"),
    ("sch", "sh"),
    ("tch", "ch"),
    ("dj", "j"),
    ("zh", "j"),
    ("kh", "h"),
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


def name_key(name: str) -> str:
    """The spelling-independent key of a name (one or more words)."""
    key = fold(_POSSESSIVE.sub("", name))
    key = re.sub(r"[^a-z]+", " ", key).strip()
    for written, spoken in _TRANSLITERATION:
        key = key.replace(written, spoken)
    return _REPEATED.sub(r"\1", key)


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
