"""Text normalisation and the content fingerprint."""

from service.analysis.normalize import content_hash, normalize_text


def test_normalize_composes_accents_and_unifies_newlines() -> None:
    decomposed = "Se\u0301bastien\r\nLecornu\r"

    assert normalize_text(decomposed) == "Sébastien\nLecornu"


def test_normalize_drops_controls_and_replaces_lone_surrogates() -> None:
    assert normalize_text("a\x00b\x07c\td\ud800") == "abc\td\ufffd"


def test_hash_ignores_whitespace_layout_but_not_words() -> None:
    assert content_hash("Zwei Sätze.\n\nUnd mehr.") == content_hash("  Zwei   Sätze. Und mehr. ")
    assert content_hash("144 Tote") != content_hash("145 Tote")
    assert content_hash("Se\u0301bastien") == content_hash("Sébastien")


def test_offsets_map_normalised_spans_back_to_the_original() -> None:
    from service.analysis.normalize import normalize_with_offsets

    original = "Se\u0301bastien\r\nLecornu\x00 sagte"
    normalized, offsets = normalize_with_offsets(original)

    assert normalized == "Sébastien\nLecornu sagte"
    start = normalized.index("Lecornu")
    end = start + len("Lecornu")
    assert original[offsets[start] : offsets[end]].startswith("Lecornu")
    assert original[offsets[0] : offsets[len("Sébastien")]] == "Se\u0301bastien"
    assert offsets[len(normalized)] == len(original)


def test_a_mark_after_a_line_break_maps_to_itself_not_to_the_break() -> None:
    from service.analysis.normalize import normalize_with_offsets

    original = "Satz.\n\u0301Witali sagte 5.\x00\u0301"

    normalized, offsets = normalize_with_offsets(original)

    assert normalized == "Satz.\n\u0301Witali sagte 5.\u0301"
    assert offsets[6] == 6  # the accent, not the line break before it
    assert offsets[-2] == len(original) - 1  # the accent after the removed NUL
