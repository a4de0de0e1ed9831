"""Date order, quotation marks, number formats, translated names, fragments and residue."""

import re

from service.analysis.flags import residue
from tests.analysis.flags.conftest import FlagRun, kinds


def of(found: list, subtype: str) -> list:  # type: ignore[type-arg]
    return [k for k in kinds(found) if k[0] == subtype]


def test_date_order(flags: FlagRun) -> None:
    german = flags("Dezember 27, 2024\nAm 22. März 2024 und am 03/04/2024 kam es zu Protesten.")
    english = flags("On 27. December 2024 and on December 28, 2024 protests continued.", "en")

    assert of(german, "date_order") == [
        ("date_order", "Dezember 27, 2024", "27. Dezember 2024"),
        ("date_order", "03/04/2024", None),
    ]
    assert of(english, "date_order") == [("date_order", "27. December 2024", "December 27, 2024")]


def test_quote_styles(flags: FlagRun) -> None:
    german = flags('Er sagte „Ja“ und dann “Nein” und »Vielleicht«. Sie rief: "Gut".')
    unbalanced = flags("Er sagte: „Das ist falsch. Dann ging er.\nSie antwortete nichts. ”")
    english = flags("He said “yes” and then „no“ to the press.", "en")

    assert list(of(german, "quote_style")) == [
        ("quote_style", "“", None),
        ("quote_style", "”", None),
    ]
    assert [k[1] for k in of(unbalanced, "quote_style")] == ["„", "”"]
    assert [k[1] for k in of(english, "quote_style")] == ["„"]


def test_number_formats(flags: FlagRun) -> None:
    german = flags("Es kamen 1,250 Menschen, die Inflation lag bei 2.5 Prozent; 1.300 blieben.")
    english = flags("Some 1.250 people came; inflation was 2,5 percent; 1,300 stayed.", "en")

    assert [k[1] for k in of(german, "number_format")] == ["1,250", "2.5"]
    assert [k[1] for k in of(english, "number_format")] == ["1.250", "2,5"]


def test_marks_and_numbers_at_the_edges_of_the_text(flags: FlagRun) -> None:
    # The patterns look behind their first character: at the start of the text nothing is there.
    german = flags("“Nein” rief er. 2.5 Prozent sagen das, 12.5 Prozent nicht; 1.2.5 Prozent.")
    english = flags(
        "2,5 percent agree; 3.1,5 percent, « so » and “yes” at the end: 1.250 people", "en"
    )

    assert [k[1] for k in of(german, "quote_style")] == ["“", "”"]
    assert [k[1] for k in of(german, "number_format")] == ["2.5", "12.5"]
    assert [k[1] for k in of(english, "number_format")] == ["2,5", "1.250"]
    assert [k[1] for k in of(english, "quote_style")] == ["« ", " »"]


def test_translated_names(flags: FlagRun) -> None:
    peers = ("Der Anschlag auf die Crocus City Hall bei Moskau forderte viele Opfer.",) * 2
    found = flags("Nach dem Anschlag auf das Crocus-Rathaus trauerte Moskau.", peers=peers)

    assert of(found, "translated_name") == [
        ("translated_name", "Crocus-Rathaus", "Crocus City Hall")
    ]


def test_fragments(flags: FlagRun) -> None:
    text = (
        "Moskau bereitet Gespräche vor, um den Konflikt zu beenden. Konflikt.\n"
        "Sergej Schoigu Der französische Minister äußerte sich.\n"
        "Das würde Probleme bereiten in der Ukraine„Es wird schwer“, hieß es.\n"
        "Das berichtete Le Monde . Das sagte die Erklärung. was von France24 gesehen wurde."
    )
    assert [k[1] for k in of(flags(text), "fragment")] == [
        "Konflikt.",
        "Schoigu Der",
        "Ukraine„",
        " .",
        ". was",
    ]


def test_clean_german_prose_has_no_artifacts(flags: FlagRun) -> None:
    text = (
        "Die Zeitung Der Spiegel berichtete am 22. März 2024 über den Streik. „Wir bleiben hart“, "
        "sagte Claus Weselsky. Rund 1.250 Züge fielen aus, 2,5 Prozent mehr als erwartet. "
        'Die Bahn nannte den Streik "unverhältnismäßig". Z. B. in Köln standen alle Züge still.'
    )
    assert [f for f in flags(text) if f.type == "translation_artifact"] == []


def test_residue(flags: FlagRun) -> None:
    text = (
        "00:00\nDiese Audioversion wurde künstlich generiert.\nDie Bahn streikt.\n"
        "Abonnieren Sie unseren Newsletter\nSiehe auch: Zehn Tipps für den Urlaub\n"
        "(Foto: dpa)\nMehr zum Thema: Russland nach der Wahl\nDie GDL fordert mehr Geld."
    )
    assert [k[:2] for k in kinds(flags(text))] == [
        ("audio_player", "00:00"),
        ("audio_player", "Diese Audioversion wurde künstlich generiert."),
        ("newsletter", "Abonnieren Sie unseren Newsletter"),
        ("related_link", "Siehe auch: Zehn Tipps für den Urlaub"),
        ("credit", "(Foto: dpa)"),
        ("related_link", "Mehr zum Thema: Russland nach der Wahl"),
    ]


def test_ordinary_prose_that_once_looked_like_artifacts(flags: FlagRun) -> None:
    german = (
        "Die Zeitung verschickt dazu einen Newsletter an ihre Leser. Die Erklärung habe man per "
        "E-Mail erhalten, sagte ein Sprecher.\n"
        "Russland will alle Reservisten registrieren lassen.\n"
        "Ein Video des Treffens sei künstlich generiert worden, teilte das Amt mit. Der Euro "
        "kostete 1,085 Dollar. Die Preise stiegen im Juli 12 Prozent. Das war am Mittwoch, d. h. "
        "erstmals seit 2022, und betraf die sog. Reservisten."
    )
    english = (
        "Moscow did not listen, a French official said.\nParis does not subscribe to that view. "
        "The euro traded at 1.085 dollars, e.g. on Friday, i.e. before the talks. Prices rose "
        'from 61. May\'s figures come next.\n"We will stay.\n"And we will fight," he said.'
    )
    assert flags(german) == []
    assert flags(english, "en") == []


RESIDUE_SAMPLES = (
    "00:00",
    "Diese Audioversion wurde künstlich generiert.",
    "Listen to this article",
    "Abonnieren Sie unseren Newsletter",
    "Ich möchte den Newsletter per E-Mail erhalten",
    "Sign up for our daily newsletter",
    "Mehr zum Thema: Neue Sanktionen",
    "Mehr zum Thema Sanktionen sagte er nichts.",
    "Foto: dpa",
    "Finden Sie alle wichtigen Informationen hier",
    "Anzeige",
    "Artikel anhören",
    "Jetzt registrieren und weiterlesen",
    "Reservisten sollen sich registrieren lassen, sagte der Minister am Montag in Berlin.",
    "Moscow did not listen, the minister said.",
    "Der Stadtrat beschloss am Montag 12 neue Radwege.",
)


def test_residue_prefilter_keeps_the_first_matching_kind() -> None:
    """kind_of skips lines no pattern can match; what it finds is what one search per pattern,
    in order, finds."""
    for line in RESIDUE_SAMPLES:
        folded = line.casefold().strip()
        short = len(folded.split()) <= residue.SHORT_LINE_WORDS
        patterns = residue.KINDS + (residue.SHORT_LINE_KINDS if short else ())
        expected = next((kind for kind, p in patterns if re.search(p, folded)), None)
        assert residue.kind_of(line) == expected, line


def test_alternatives_split_at_the_top_level_only() -> None:
    assert residue._alternatives(r"^a[|(]b|c(d|e)\|f|[]|]x") == ["^a[|(]b", r"c(d|e)\|f", "[]|]x"]
