"""Spelling drift: against the peers' spelling, and inside one article."""

from tests.analysis.flags.conftest import FlagRun, kinds

PEERS_DE = (
    "Verteidigungsminister Sébastien Lecornu telefonierte mit Sergej Schoigu. Lecornu sprach von "
    "einem offenen Gespräch.",
    "Sébastien Lecornu und Sergej Schoigu haben am Mittwoch telefoniert, teilte Paris mit.",
    "Das Telefonat zwischen Lecornu und Schoigu dauerte eine Stunde, sagte Emmanuel Macron.",
)


def drift(found: list) -> list:  # type: ignore[type-arg]
    return [k for k, f in zip(kinds(found), found, strict=True) if f.type == "spelling_drift"]


def test_misspelled_names_drift_from_the_peers(flags: FlagRun) -> None:
    text = "Licorno telefonierte mit Soygu. Später sprach Lecorno mit Emanuel Macron."

    assert drift(flags(text, peers=PEERS_DE)) == [
        ("peers", "Licorno", "Lecornu"),
        ("peers", "Soygu", "Schoigu"),
        ("peers", "Lecorno", "Lecornu"),
        ("peers", "Emanuel", "Emmanuel"),
    ]


def test_evidence_names_the_independent_sources(flags: FlagRun) -> None:
    (flag,) = list(flags("Licorno telefonierte lange.", peers=PEERS_DE))

    assert flag.sources == ("peer0.example", "peer1.example", "peer2.example")
    assert flag.confidence >= 0.8
    assert "Lecornu" in flag.message


def test_inflections_accents_and_spellings_the_peers_use_are_not_drift(flags: FlagRun) -> None:
    text = (
        "Lecornus Sprecher bestätigte das Telefonat. Sebastien Lecornu und Schoigus Ministerium "
        "äußerten sich. Macrons Büro schwieg."
    )
    assert drift(flags(text, peers=PEERS_DE)) == []


def test_accepted_press_conventions_of_russian_names_are_not_drift(flags: FlagRun) -> None:
    peers = (
        "Dmitri Medwedew drohte dem Westen. Verteidigungsminister Sergej Schoigu schwieg.",
        "Der frühere Präsident Dmitri Medwedew drohte erneut, Schoigu kündigte Verbände an.",
    )
    text = "Dmitrij Medwedjew drohte. Medwedjews Worte galten dem Westen, sagte Sergej Schojgu."

    assert drift(flags(text, peers=peers)) == []


def test_names_not_written_from_cyrillic_take_none_of_its_conventions(flags: FlagRun) -> None:
    peers = ("Bundespräsident Steinmeier empfing Nicolas Sarkozy in Berlin.",) * 2
    text = "Steynmeier empfing Sarkozi am Montag."

    assert drift(flags(text, peers=peers)) == [
        ("peers", "Steynmeier", "Steinmeier"),
        ("peers", "Sarkozi", "Sarkozy"),
    ]


def test_a_misspelled_surname_after_an_accepted_spelling_of_the_first_name_drifts(
    flags: FlagRun,
) -> None:
    """ "Sebastien" is the peers' "Sébastien": the same person, whose surname is misspelled."""
    text = "Sebastien Lecorno telefonierte mit Schoigu."

    assert drift(flags(text, peers=PEERS_DE)) == [("peers", "Lecorno", "Lecornu")]


def test_a_first_name_that_differs_by_more_than_accent_or_convention_is_another_person(
    flags: FlagRun,
) -> None:
    peers = ("Der Minister Andreas Scholz sprach in Berlin. Andreas Scholz bestätigte das.",) * 2
    text = "Andrea Schulz widersprach am Abend."

    assert drift(flags(text, peers=peers)) == []


def test_a_first_name_after_a_title_is_still_a_first_name(flags: FlagRun) -> None:
    """ "Olaf" in the peers' "Kanzler Olaf Scholz" is no surname: "Martin Schulz" stays
    another person."""
    peers = (
        "Am Montag empfing Bundeskanzler Olaf Scholz den Präsidenten in Berlin.",
        "Der Kanzler Olaf Scholz versprach ein weiteres Patriot-System.",
        "Scholz sagte weitere Hilfe zu. Lob kam vom SPD-Chef Martin Schulz.",
    )
    text = "Lob kam vom früheren SPD-Vorsitzenden Martin Schulz."

    assert drift(flags(text, peers=peers)) == []


def test_different_people_with_similar_sounding_names_are_not_drift(flags: FlagRun) -> None:
    peers = ("Präsident Wladimir Putin sprach mit Wladimir Klitschko.",) * 2
    text = "Wolodymyr Selenskyj antwortete Putin am Abend."

    assert drift(flags(text, peers=peers)) == []


def test_without_peers_only_inconsistency_inside_the_article(flags: FlagRun) -> None:
    text = "Lecornu reiste nach Kiew. Dort traf Lecornu den Bürgermeister. Später sagte Lecorno ab."

    assert drift(flags(text)) == [("inconsistent", "Lecorno", "Lecornu")]


def test_english_peers_do_not_set_german_spelling(flags: FlagRun) -> None:
    english = ("Defence minister Sergei Shoigu spoke to Sebastien Lecornu.",) * 3
    text = "Sergej Schoigu sprach mit Sébastien Lecornu."

    assert drift(flags(text, peers=english, peer_language="en")) == []


def test_english_text_drifts_from_english_peers(flags: FlagRun) -> None:
    peers = ("Sergei Shoigu spoke to Sebastien Lecornu on Wednesday.",) * 2
    text = "Shoigu told Licorno that talks were possible."

    assert drift(flags(text, "en", peers=peers)) == [("peers", "Licorno", "Lecornu")]


def test_other_people_with_similar_names_are_not_drift(flags: FlagRun) -> None:
    peers = ("Bundeskanzler Olaf Scholz empfing Wolodymyr Selenskyj in Berlin.",) * 2
    text = (
        "Olaf Scholz traf Martin Schulz. Selenskyj kam mit seiner Frau Olena Selenska. "
        "Peskow sagte, Peskow wisse nichts; seine Tochter Jelisaweta Peskowa lebt in Paris."
    )
    assert drift(flags(text, peers=peers)) == []
