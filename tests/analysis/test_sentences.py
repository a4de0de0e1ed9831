"""Sentence splitting: abbreviations, ordinal dates, quotes, lines without full stops."""

from service.analysis.sentences import split_sentences


def texts(text: str) -> list[str]:
    sentences = split_sentences(text)
    assert all(text[s.start : s.end] == s.text for s in sentences)
    return [s.text for s in sentences]


def test_german_abbreviations_and_ordinal_dates_do_not_end_sentences() -> None:
    text = "Am 22. März starben z. B. in Nr. 5 viele Menschen. Dr. Weber bestätigte das."
    assert texts(text) == [
        "Am 22. März starben z. B. in Nr. 5 viele Menschen.",
        "Dr. Weber bestätigte das.",
    ]


def test_quotes_close_sentences_and_lines_without_stops_are_sentences() -> None:
    text = "Schlagzeile ohne Punkt\n„Das ist falsch.“ Er widersprach. »Nein!« Dann ging er."
    assert texts(text) == [
        "Schlagzeile ohne Punkt",
        "„Das ist falsch.“",
        "Er widersprach.",
        "»Nein!«",
        "Dann ging er.",
    ]


def test_lower_case_after_a_stop_is_not_a_new_sentence() -> None:
    text = "Das teilte das Ministerium mit. was von France24 gesehen wurde."
    assert texts(text) == [text]


def test_english_text_and_initials() -> None:
    text = "Mr. Smith met J. Doe on March 3. They talked for 2.5 hours. Was it useful? Yes."
    assert texts(text) == [
        "Mr. Smith met J. Doe on March 3.",
        "They talked for 2.5 hours.",
        "Was it useful?",
        "Yes.",
    ]


def test_empty_and_blank_text() -> None:
    assert split_sentences("") == ()
    assert split_sentences(" \n \n") == ()
