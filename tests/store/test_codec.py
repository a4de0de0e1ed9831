"""Stored analyses: what is decoded is what was analysed."""

import hashlib
import json
import os
import pickle
import subprocess
import sys
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from service.analysis.pipeline import ANALYSIS_VERSION, analyze
from service.analysis.records import Analysis, StoryFeatures
from service.analysis.similarity import Sets
from service.analysis.statements import PeerAnalysis, Statements, as_statement
from service.store import codec
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


# Texts whose stored form the tests below pin down: no name in a claim, a name repeated and
# inflected, a running total, a multi-word name, English and French.
STORED_TEXTS = [
    (TEXT, "de"),
    ("", None),
    ("Der Stadtrat beschloss am Montag 12 neue Radwege. Es regnete.", "de"),
    (
        "Seit Kriegsbeginn wurden insgesamt 3000 Menschen getötet, sagte Schoigu. Schoigus "
        "Ministerium nannte keine Zahl für die Crocus City Hall bei Moskau.",
        "de",
    ),
    (
        "Defence Minister Sergei Shoigu told Sebastien Lecornu that 144 people were killed at "
        "Crocus City Hall. Shoigu's ministry said so far 551 were injured in total.",
        "en",
    ),
    ("Le ministre Sébastien Lecornu a appelé Sergueï Choïgou le 3 avril 2024 depuis Paris.", "fr"),
    ("Der Zins stieg um 0,125 Prozent, der Preis auf 1.000,50 Euro.", "de"),  # since version 6
]
# What these texts are stored as, by analysis version. Stored analyses are read back as they
# were written, a peer's statements included, so what analysis stores may change only with
# ANALYSIS_VERSION (service/analysis/pipeline.py), which `crosscheck reanalyse` goes by. When
# this test fails, raise the version and put the new digest here.
STORED_DIGESTS = {4: "e389864b471243ba", 5: "3b4a22a45b389839", 6: "1d4f06951a763025"}


def stored_digest() -> str:
    documents = []
    for text, language in STORED_TEXTS:
        analysis = analyze(text, language)
        documents.append([dump_analysis(analysis), dump_features(analysis.features)])
    return hashlib.sha256(json.dumps(documents, sort_keys=True).encode()).hexdigest()[:16]


def test_what_is_stored_changes_only_with_the_analysis_version() -> None:
    digest = stored_digest()

    assert STORED_DIGESTS.get(ANALYSIS_VERSION) == digest, (
        f"the stored analysis changed: raise ANALYSIS_VERSION and record {digest!r} for it"
    )


def test_what_is_stored_does_not_depend_on_the_hash_seed() -> None:
    """Sets of strings iterate in another order in every process (PYTHONHASHSEED): nothing
    stored may follow that order."""
    script = "from tests.store.test_codec import stored_digest; print(stored_digest())"
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }

    assert digests == {stored_digest()}


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


@pytest.mark.parametrize(("text", "language"), STORED_TEXTS)
def test_every_stored_text_decodes_to_its_analysis(text: str, language: str | None) -> None:
    """Claims are stored without their mentions and stems: they are read back from the text's
    mentions within each claim's span and from the statements' sets."""
    analysis = analyze(text, language)

    assert load_analysis(dump_analysis(analysis), text) == replace(
        analysis, terms=(), features=StoryFeatures()
    )


@pytest.mark.parametrize(("text", "language"), STORED_TEXTS)
def test_a_peer_is_read_as_its_statements_and_what_is_stored_with_them(
    text: str, language: str | None
) -> None:
    analysis = analyze(text, language)
    features = load_features(dump_features(analysis.features))

    peer = load_peer(dump_analysis(analysis), text, features)

    derived = PeerAnalysis.of(analysis)
    statements = tuple(as_statement(claim) for claim in analysis.claims)
    assert (peer.language, peer.claims, peer.features) == (language, statements, features)
    assert derived.claims == statements
    assert _same_statements(peer.statements, derived.statements)


def test_a_stored_peer_decodes_each_claim_once_and_reads_as_its_claims(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    analysis = analyze(TEXT, "de")
    derived = PeerAnalysis.of(analysis)
    decoded: list[int] = []
    load_claim = codec._load_claim
    monkeypatch.setattr(
        codec, "_load_claim", lambda index, *rest: decoded.append(index) or load_claim(index, *rest)
    )

    peer = load_peer(dump_analysis(analysis), TEXT)

    count = len(derived.claims)
    assert len(peer.claims) == count >= 3
    assert not decoded
    assert peer.claims[-1] == derived.claims[-1]
    assert peer.claims[-1] is peer.claims[count - 1]
    assert decoded == [count - 1]
    assert peer.claims[1:] == derived.claims[1:]
    assert peer.claims[::-1] == derived.claims[::-1]
    assert list(peer.claims) == list(derived.claims)
    assert peer.claims == derived.claims
    assert sorted(decoded) == list(range(count))
    assert peer.claims != list(derived.claims)  # a sequence of claims, compared as a tuple is
    assert pickle.loads(pickle.dumps(peer.claims)) == derived.claims
    with pytest.raises(IndexError):
        peer.claims[count]
    # Alignment reads the claims with figures or dates up front, the rest as it needs them.
    assert peer.figured == derived.figured
    assert derived.figured == tuple(
        i for i, claim in enumerate(derived.claims) if claim.quantities or claim.dates
    )
    assert 0 < len(derived.figured) < count


def test_a_stored_peer_without_claims_has_none() -> None:
    peer = load_peer(dump_analysis(analyze("", None)), "")

    assert len(peer.claims) == 0
    assert peer.claims == ()
    assert list(peer.claims) == []
    assert peer.figured == ()


def test_a_peer_stored_without_statements_derives_them() -> None:
    analysis = analyze(TEXT, "de")
    older = {key: value for key, value in _as_version_4(analysis).items() if key != "statements"}

    peer = load_peer(older, TEXT)

    assert peer.claims == PeerAnalysis.of(analysis).claims
    assert _same_statements(peer.statements, PeerAnalysis.of(analysis).statements)


@pytest.mark.parametrize(("text", "language"), STORED_TEXTS)
def test_an_analysis_stored_by_version_4_is_read_as_before(text: str, language: str | None) -> None:
    """Until `crosscheck reanalyse` has run, the store holds analyses whose claims carry their
    mentions and stems, with statements but no sets."""
    analysis = analyze(text, language)
    older = _as_version_4(analysis)

    assert load_analysis(older, text) == replace(analysis, terms=(), features=StoryFeatures())
    peer, derived = load_peer(older, text), PeerAnalysis.of(analysis)
    assert peer.claims == derived.claims
    assert _same_statements(peer.statements, derived.statements)


def _as_version_4(analysis: Analysis) -> dict[str, Any]:
    document = dump_analysis(analysis)
    document["claims"] = [
        [*raw[:5], [[m.start, m.end, m.key] for m in claim.mentions], *raw[5:], list(claim.stems)]
        for raw, claim in zip(document["claims"], analysis.claims, strict=True)
    ]
    document["statements"] = {k: v for k, v in document["statements"].items() if k != "sets"}
    return document
