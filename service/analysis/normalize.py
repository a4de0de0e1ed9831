"""Text normalisation shared by storage and analysis, and the content fingerprint built on it."""

import hashlib
import re
import unicodedata

# C0/C1 controls other than tab and newline: invisible, and PostgreSQL refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")
_WHITESPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFC, Unix newlines, no control characters or lone surrogates, no outer whitespace."""
    text = SURROGATE.sub("\ufffd", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text).strip()


def content_hash(text: str) -> str:
    """Fingerprint of a text that ignores how whitespace and line breaks fall."""
    canonical = _WHITESPACE.sub(" ", normalize_text(text))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _already_normal(text: str) -> bool:
    return (
        "\r" not in text
        and not _CONTROL.search(text)
        and not SURROGATE.search(text)
        and unicodedata.is_normalized("NFC", text)
    )


def normalize_with_offsets(text: str) -> tuple[str, tuple[int, ...]]:
    """Normalise like `normalize_text` (without trimming) and map every output character back.

    `offsets[i]` is the index in `text` where output character `i` came from; the extra last
    entry is `len(text)`, so that `text[offsets[start]:offsets[end]]` is the original of a span.
    Composition is done per base character with its combining marks, so the map stays exact.
    """
    if _already_normal(text):
        return text, tuple(range(len(text) + 1))  # the usual case: nothing to change
    pieces: list[str] = []
    offsets: list[int] = []
    index = 0
    while index < len(text):
        run_end = index + 1
        if text[index] == "\r":
            run_end += text.startswith("\n", run_end)
            piece, origins = "\n", [index]
        else:
            # Whitespace composes with no mark: marks after it are a run of their own, so that
            # a span starting at them (the whitespace trimmed) maps back to them, not to it.
            while (
                run_end < len(text)
                and unicodedata.combining(text[run_end])
                and not text[index].isspace()
            ):
                run_end += 1
            piece, origins = _clean_run(text, index, run_end)
        pieces.append(piece)
        offsets.extend(origins)
        index = run_end
    offsets.append(len(text))
    return "".join(pieces), tuple(offsets)


def _clean_run(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """A base character with its combining marks, cleaned, and where each output character
    came from: its own index unless composition changed the run (then the run's start)."""
    kept = [i for i in range(start, end) if not _CONTROL.match(text[i])]
    cleaned = SURROGATE.sub("\ufffd", "".join(text[i] for i in kept))
    piece = unicodedata.normalize("NFC", cleaned)
    return piece, kept if piece == cleaned else [start] * len(piece)


_ACCENTED = "äöüÄÖÜàâçéèêëîïôûùÀÂÇÉÈÊËÎÏÔÛÙáíóúñÁÍÓÚÑ"
_PLAIN = "aouAOUaaceeeeiiouuAACEEEEIIOUUaiounAIOUN"
_COMMON_ACCENTS = str.maketrans(
    {
        **dict(
            zip(
                "äöüÄÖÜàâçéèêëîïôûùÀÂÇÉÈÊËÎÏÔÛÙáíóúñÁÍÓÚÑ",
                "aouAOUaaceeeeiiouuAACEEEEIIOUUaiounAIOUN",
                strict=True,
            )
        ),
        "ß": "ss",
    }
)


def fold(text: str) -> str:
    """Lower case without accents: "Sébastien" -> "sebastien", "Ärzte" -> "arzte"."""
    if text.isascii():
        return text.lower()  # most words: no decomposition needed
    simple = text.translate(_COMMON_ACCENTS)
    if simple.isascii():
        return simple.lower()  # German and French words: a table is enough
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).replace(
        "ß", "ss"
    )


def index_form(text: str) -> str:
    """Lower case with "ß" as "ss": how a name as written is looked up in the full-text index,
    which folds it further as it folds the indexed text (accents of Latin letters, on either
    dialect). `fold` goes further than either index ("й" -> "и", "ς" -> "σ"): a name folded so
    would be missed where its article writes it as it is."""
    return text.lower().replace("ß", "ss")
