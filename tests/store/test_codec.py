"""Stored analyses: what is decoded is what was analysed."""

from dataclasses import replace

from service.analysis.pipeline import analyze
from service.store.codec import dump_analysis, dump_features, load_analysis, load_features

TEXT = (
    "Lecornu und Schoigu telefonieren\n"
    "Der französische Verteidigungsminister Sébastien Lecornu hat am 3. April 2024 mit seinem "
    "russischen Amtskollegen Sergej Schoigu telefoniert. Das Gespräch dauerte nach Angaben aus "
    "Paris etwa 60 Minuten. Schoigu sagte, Frankreich sei nicht beteiligt gewesen. Was will Putin?"
)


def test_a_decoded_analysis_equals_the_analysis_stored() -> None:
    analysis = analyze(TEXT, "de")

    decoded = load_analysis(
        dump_analysis(analysis), TEXT, load_features(dump_features(analysis.features))
    )

    assert decoded == replace(analysis, terms=())  # terms are for the index, not stored
    assert any(claim.mentions for claim in decoded.claims)
    assert len(decoded.mentions) > sum(len(claim.mentions) for claim in decoded.claims)


def test_claims_share_the_mentions_of_the_text() -> None:
    analysis = analyze(TEXT, "de")

    decoded = load_analysis(dump_analysis(analysis), TEXT)

    shared = {id(mention) for mention in decoded.mentions}
    assert all(id(m) in shared for claim in decoded.claims for m in claim.mentions)
