"""Language identification with py3langid (a maintained fork of langid.py, model shipped inside
the package: no download). Loaded once per process, on first use, not at import."""

from functools import cache
from typing import Any

# The languages crosscheck meets in newsrooms; restricting the model makes short texts safer.
LANGUAGES = ("de", "en", "fr", "es", "it", "nl", "pl", "pt", "ru", "uk", "tr", "cs", "da", "sv")
MIN_CONFIDENCE = 0.6
# The opening of an article tells its language; classifying all of it only costs time.
SAMPLE_CHARS = 600


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the model is not confident."""
    if not text.strip():
        return None
    language, confidence = _identifier().classify(text[:SAMPLE_CHARS])
    return str(language) if confidence >= MIN_CONFIDENCE else None
