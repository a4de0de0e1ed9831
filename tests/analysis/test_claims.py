"""Claims and their slots: what counts as a claim, and what it can be compared on."""

from service.analysis.claims import extract_claims, is_residue
from service.analysis.records import Claim
from service.analysis.sentences import split_sentences


def claims(text: str, language: str = "de") -> list[Claim]:
    found = extract_claims(text, split_sentences(text))
    assert all(text[c.start : c.end] == c.text for c in found)
    return list(found)


def only(text: str, language: str = "de") -> Claim:
    (claim,) = claims(text, language)
    return claim


def test_numbers_with_what_they_count_across_languages() -> None:
    german = only("Bei dem Anschlag wurden mindestens 144 Menschen getötet.")
    english = only("At least 144 people were killed in the attack.", "en")
    ministers = only("Die drei Minister trafen sich in Berlin zu Gesprächen.")

    assert [(q.value, q.unit) for q in german.quantities] == [(144.0, "death")]
    assert [(q.value, q.unit) for q in english.quantities] == [(144.0, "death")]
    assert [(q.value, q.unit) for q in ministers.quantities] == [(3.0, "minist")]


def test_a_number_beyond_any_count_is_no_quantity() -> None:
    claim = only(f"Bei dem Angriff wurden {'9' * 400} Menschen getötet, sagte Olaf Scholz.")

    assert claim.quantities == ()  # it would be read as infinity, which JSON cannot store


def test_number_formats_and_approximations() -> None:
    german = only("Rund 80 Prozent der Züge fielen aus, 1.250 Fahrgäste warteten 2,5 Stunden.")
    english = only("About 1,250 passengers waited 2.5 hours for the trains.", "en")

    assert [(q.value, q.unit, q.approximate) for q in german.quantities] == [
        (80.0, "percent:zug", True),
        (1250.0, "fahrgast", False),
        (2.5, "stund", False),
    ]
    assert [(q.value, q.approximate) for q in english.quantities] == [(1250.0, True), (2.5, False)]


def test_groups_of_digits_however_separated_are_one_number() -> None:
    """Spaces and marks may both separate groups: the digits stand for one number ("1.250 000"
    was read as 1.25, and "1.250 001.250", which hypothesis wrote, failed to parse)."""
    spaced = only("Es kamen 1 250 000 Menschen zu der Kundgebung in Berlin.")
    marked = only("Es kamen 1.250 000 Menschen zu der Kundgebung in Berlin.")
    mixed = only("Es kamen 1.250 001.250 Menschen zu der Kundgebung in Berlin.")

    assert [q.value for q in spaced.quantities] == [1_250_000.0]
    assert [q.value for q in marked.quantities] == [1_250_000.0]
    assert [q.value for q in mixed.quantities] == [1_250_001_250.0]


def test_decimals_after_groups_or_a_zero_are_decimals() -> None:
    """ "0,125" was read as 125 (a group after the 0) and "1.000,50" as 1000: against a peer
    that writes "0,13" or "1000,50", a contradiction that is not there."""
    german = only("Der Zins stieg um 0,125 Prozent, der Preis auf 1.000,50 Euro.")
    english = only("The rate rose by 0.125 percent and the price to 1,000.50 euros.", "en")
    french = only("Le prix est passé à 1 000,50 euros, soit 0,125 pour cent de plus.", "fr")

    assert [q.value for q in german.quantities] == [0.125, 1000.5]
    assert [q.value for q in english.quantities] == [0.125, 1000.5]
    assert [q.value for q in french.quantities] == [1000.5, 0.125]
    assert [q.text for q in german.quantities] == ["0,125", "1.000,50"]


def test_dates_in_german_english_and_machine_translated_order() -> None:
    claim = only(
        "Am 22. März 2024 und am March 22, 2024 sowie Dezember 27, 2024 und seit Oktober 2022 "
        "meldete die Polizei Festnahmen."
    )
    assert [(d.year, d.month, d.day) for d in claim.dates] == [
        (2024, 3, 22),
        (2024, 3, 22),
        (2024, 12, 27),
        (2022, 10, None),
    ]
    assert claim.quantities == ()  # day numbers and years are dates, not counts


def test_names_get_transliteration_keys_and_common_nouns_are_left_out() -> None:
    claim = only("Der russische Verteidigungsminister Sergej Schoigu sprach mit Lecornu.")

    assert [(m.text, m.key) for m in claim.mentions] == [
        ("Sergej", "sergei"),
        ("Schoigu", "shoigu"),
        ("Lecornu", "lekornu"),
    ]


def test_negation_denial_and_attribution() -> None:
    denial = only("Das französische Verteidigungsministerium dementierte die Angaben aus Moskau.")
    negated = only("Frankreich hat nichts dergleichen akzeptiert, sagte ein Sprecher in Paris.")
    plain = only("Lecornu telefonierte am Mittwoch mit seinem Amtskollegen in Moskau.")

    assert denial.negated
    assert negated.negated
    assert negated.attribution is not None
    assert not plain.negated
    assert plain.attribution is None


def test_questions_residue_and_chatter_are_not_claims() -> None:
    text = (
        "Was bedeutet das für Europa?\n"
        "00:00\n"
        "Diese Audioversion wurde künstlich generiert.\n"
        "Abonnieren Sie unseren Newsletter.\n"
        "Das ist wirklich schade für alle.\n"
        "Die Bahn meldete 40 Ausfälle."
    )
    assert [c.text for c in claims(text)] == ["Die Bahn meldete 40 Ausfälle."]


def test_residue_patterns() -> None:
    assert is_residue("Siehe auch  Retter in Hongkong suchen nach der Besatzung")
    assert is_residue("(Foto: picture alliance / Russian Look)")
    assert not is_residue("Die Polizei sah auch Schäden an der Fassade.")


def test_quantities_a_review_found_misread() -> None:
    drones = only("Russia launched 31 drones and 29 of them were shot down.", "en")
    years = only("Rund 2000 Soldaten und 1999 Menschen kamen 2024 nach Berlin.")
    may = only("Officials said 28 may have been shot down near Kyiv.", "en")
    decimal = only("Der Etat wuchs um 1.5 Millionen Euro, die Inflation um 2,5 Prozent.")

    assert [(q.value, q.unit) for q in drones.quantities] == [(31.0, "drone"), (29.0, "drone")]
    assert [(q.value, q.unit) for q in years.quantities] == [
        (2000.0, "soldier"),
        (1999.0, "person"),
    ]
    assert [d.year for d in years.dates] == [2024]
    assert may.dates == ()
    assert [q.value for q in may.quantities] == [28.0]
    assert [q.value for q in decimal.quantities] == [1_500_000.0, 2.5]


def test_opinion_is_not_a_claim_but_a_short_figure_is() -> None:
    assert claims("Selenskyj hat völlig recht, wenn er mehr Patriot-Systeme fordert.") == []
    assert [c.text for c in claims("He was 48.", "en")] == ["He was 48."]
