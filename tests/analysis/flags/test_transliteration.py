"""Foreign transliterations by each language's convention."""

from tests.analysis.flags.conftest import FlagRun, kinds


def foreign(found: list) -> list:  # type: ignore[type-arg]
    return [
        k
        for k, f in zip(kinds(found), found, strict=True)
        if f.subtype == "foreign_transliteration"
    ]


def test_english_transliterations_in_german_text(flags: FlagRun) -> None:
    text = "Sergei Shoigu und Vladimir Putin sprachen mit Volodymyr Zelensky über Kharkiv."

    assert foreign(flags(text)) == [
        ("foreign_transliteration", "Sergei", "Sergej"),
        ("foreign_transliteration", "Shoigu", "Schoigu"),
        ("foreign_transliteration", "Vladimir", "Wladimir"),
        ("foreign_transliteration", "Volodymyr", "Wolodymyr"),
        ("foreign_transliteration", "Zelensky", "Selenskyj"),
        ("foreign_transliteration", "Kharkiv", "Charkiw"),
    ]


def test_german_transliterations_in_english_text(flags: FlagRun) -> None:
    text = "Sergej Schoigu met Wladimir Putin, while Shoigu's deputy stayed in Moscow."

    assert foreign(flags(text, "en")) == [
        ("foreign_transliteration", "Sergej", "Sergei"),
        ("foreign_transliteration", "Schoigu", "Shoigu"),
        ("foreign_transliteration", "Wladimir", "Vladimir"),
    ]


def test_native_spellings_are_left_alone(flags: FlagRun) -> None:
    assert (
        foreign(flags("Sergej Schoigu und Wladimir Putin trafen Witali Klitschko in Kyjiw.")) == []
    )
    assert (
        foreign(flags("Sergei Shoigu and Vladimir Putin met Vitali Klitschko in Kyiv.", "en")) == []
    )


def test_rules_apply_to_unknown_names_only_when_the_native_form_is_attested(flags: FlagRun) -> None:
    peers = ("Der Gouverneur Wjatscheslaw Gladkow meldete Angriffe.",) * 2
    assert foreign(flags("Gouverneur Gladkov meldete Schäden.", peers=peers)) == [
        ("foreign_transliteration", "Gladkov", "Gladkow")
    ]
    assert foreign(flags("Die Sängerin Victoria Sheinbaum trat in Wien auf.")) == []


def test_first_names_shared_with_other_languages_need_a_slavic_surname(flags: FlagRun) -> None:
    assert foreign(flags("Der Schweizer Trainer Vladimir Petković lobte sein Team.")) == []
    assert foreign(flags("Serbia midfielder Sergej Milinković-Savić scored twice.", "en")) == []
    assert foreign(flags("The Kremlin spokesman, Dmitri Peskov, said no.", "en")) == []
    assert foreign(flags("Sergei Shoigu traf Vladimir Putin.")) == [
        ("foreign_transliteration", "Sergei", "Sergej"),
        ("foreign_transliteration", "Shoigu", "Schoigu"),
        ("foreign_transliteration", "Vladimir", "Wladimir"),
    ]
