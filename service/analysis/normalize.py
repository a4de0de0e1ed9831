"""Text normalisation shared by storage and analysis, and the content fingerprint built on it."""

import hashlib
import re
import unicodedata

# C0/C1 controls other than tab and newline: invisible, and PostgreSQL refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_WHITESPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFC, Unix newlines, no control characters or lone surrogates, no outer whitespace."""
    text = _SURROGATE.sub("\ufffd", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text).strip()


def content_hash(text: str) -> str:
    """Fingerprint of a text that ignores how whitespace and line breaks fall."""
    canonical = _WHITESPACE.sub(" ", normalize_text(text))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
