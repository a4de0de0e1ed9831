"""Stored analyses: what is decoded is what was analysed."""

from dataclasses import replace

import numpy as np

from service.analysis.pipeline import analyze
from service.analysis.similarity import Sets
from service.analysis.statements import PeerAnalysis, Statements
from service.store.codec import (
    dump_analysis,
    dump_features,
    load_analysis,
    load_features,
    load_peer,
)

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


def _same_statements(first: Statements, second: Statements) -> bool:
    def same_sets(a: Sets, b: Sets) -> bool:
        return np.array_equal(a.values, b.values) and np.array_equal(a.sizes, b.sizes)

    return (
        all(
            same_sets(getattr(first.sets, part), getattr(second.sets, part))
            for part in ("stems", "names", "numbers")
        )
        and (first.anchors, first.cumulative) == (second.anchors, second.cumulative)
        and (first.names, first.spellings) == (second.names, second.spellings)
    )


def test_a_peer_is_read_as_its_claims_and_the_statements_stored_with_them() -> None:
    analysis = analyze(TEXT, "de")
    features = load_features(dump_features(analysis.features))

    peer = load_peer(dump_analysis(analysis), TEXT, features)

    derived = PeerAnalysis.of(analysis)
    assert (peer.language, peer.claims, peer.features) == ("de", analysis.claims, features)
    assert _same_statements(peer.statements, derived.statements)
    assert len(peer.statements.sets.names.values) > 0


def test_a_peer_stored_without_statements_derives_them() -> None:
    analysis = analyze(TEXT, "de")
    older = {key: value for key, value in dump_analysis(analysis).items() if key != "statements"}

    peer = load_peer(older, TEXT)

    assert peer.claims == analysis.claims
    assert _same_statements(peer.statements, PeerAnalysis.of(analysis).statements)
