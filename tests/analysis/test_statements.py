"""A peer's statements: what judging derives once from a stored analysis."""

from dataclasses import replace

from service.analysis.names import name_stem
from service.analysis.pipeline import analyze
from service.analysis.statements import PeerAnalysis, statements_of

TEXT = (
    "Der Brand brach in der Crocus City Hall bei Moskau aus. "
    "Dabei wurden 144 Menschen getötet, teilte das Ministerium mit. "
    "Seit Kriegsbeginn wurden insgesamt 3000 Menschen getötet, sagte Sergej Schoigu."
)


def test_one_entry_per_claim() -> None:
    analysis = analyze(TEXT, "de")

    statements = statements_of(analysis)

    assert len(analysis.claims) == 3
    assert len(statements.sets) == len(statements.anchors) == len(statements.cumulative) == 3


def test_anchors_are_the_names_of_the_claim_and_the_sentence_before() -> None:
    statements = statements_of(analyze(TEXT, "de"))

    crocus, toll, total = statements.anchors
    assert name_stem("moskau") in crocus
    assert name_stem("moskau") in toll  # from the sentence before
    assert name_stem("moskau") not in total
    assert name_stem("shoigu") in total


def test_only_figures_are_running_totals() -> None:
    statements = statements_of(analyze(TEXT, "de"))

    assert statements.cumulative == (False, False, True)


def test_spellings_are_the_names_and_runs_of_names_as_written() -> None:
    statements = statements_of(analyze(TEXT, "de"))

    assert {"Crocus City Hall", "Moskau", "Schoigu"} <= statements.spellings
    assert statements.names >= {name_stem("moskau"), name_stem("shoigu")}


def test_a_peer_carries_the_claims_and_their_statements() -> None:
    analysis = analyze(TEXT, "de")
    prepared = PeerAnalysis.of(analysis)

    peer = prepared.peer(7, "wire.example", 0.8, 2)

    assert (peer.article_id, peer.source, peer.voice) == (7, "wire.example", 2)
    assert peer.language == "de"
    # The claims' mentions and stems are in the statements' sets, not kept twice.
    assert peer.claims == tuple(replace(c, mentions=(), stems=()) for c in analysis.claims)
    assert any(claim.mentions for claim in analysis.claims)
    assert peer.statements is prepared.statements
    assert peer.features == analysis.features
