"""Peers, voices, alignment and agreement, on small texts written for these tests."""

import pytest

from service.analysis.params import Thresholds
from service.analysis.pipeline import PeerAnalysis, analyze, choose_peers, judge
from service.analysis.records import Analysis, Candidate, Report

T = Thresholds()

CLAIM_DE = (
    "Bei dem Brand in der Chemiefabrik in Ludwigshafen sind am Dienstag 12 Menschen getötet "
    "worden, teilte die Feuerwehr mit. Bürgermeisterin Jutta Steinruck sprach von einer Tragödie."
)
AGREE_DE = (
    "In der Chemiefabrik in Ludwigshafen brach am Dienstag ein Brand aus. Dabei wurden 12 Menschen "
    "getötet, wie die Feuerwehr mitteilte. Jutta Steinruck nannte das Unglück eine Tragödie."
)
DISAGREE_EN = (
    "A fire at a chemical plant in Ludwigshafen killed 14 people on Tuesday, the fire brigade "
    "said. Mayor Jutta Steinruck called it a tragedy."
)
OTHER_STORY = (
    "Der FC Augsburg gewann am Samstag mit 3:1 gegen Mainz. Trainer Jess Thorup war zufrieden."
)


Stored = tuple[Candidate, Analysis]


def candidate(
    article_id: int, source: str, text: str, language: str = "de", **kw: object
) -> Stored:
    """A stored article: its candidate record (features only) and its analysis."""
    analysis = analyze(text, language)
    record = Candidate(article_id, source, analysis.features, f"hash-{article_id}", **kw)  # type: ignore[arg-type]
    return record, analysis


def run(
    text: str,
    stored: list[Stored],
    *,
    own_source: str = "me",
    published_at: float | None = None,
    weights: dict[str, float] | None = None,
) -> Report:
    analysis = analyze(text, "de")
    chosen = choose_peers(
        analysis,
        [record for record, _ in stored],
        own_source=own_source,
        own_hash="hash-self",
        published_at=published_at,
        thresholds=T,
    )
    analyses = {record.article_id: PeerAnalysis.of(peer) for record, peer in stored}
    return judge(text, analysis, chosen, analyses, weights=weights or {}, thresholds=T)


def test_no_candidates_leaves_every_claim_unverified() -> None:
    report = run(CLAIM_DE, [])

    assert report.claims
    assert {c.verdict for c in report.claims} == {"unverified"}
    assert report.score == 0.5
    assert report.peers == ()


def test_other_stories_own_source_and_distant_dates_are_not_peers() -> None:
    day = 86400.0
    report = run(
        CLAIM_DE,
        [
            candidate(1, "sport.example", OTHER_STORY),
            candidate(2, "me", AGREE_DE),
            candidate(3, "late.example", AGREE_DE, published_at=100 * day),
            candidate(4, "near.example", AGREE_DE, published_at=2 * day),
        ],
        published_at=1 * day,
    )

    assert [p.article_id for p in report.peers] == [4]


def test_agreeing_peer_supports_and_a_different_toll_contradicts_across_languages() -> None:
    report = run(CLAIM_DE, [candidate(1, "a.example", AGREE_DE)])
    toll = report.claims[0]
    assert toll.verdict == "supported"
    assert toll.evidence[0].stance == "supports"

    report = run(CLAIM_DE, [candidate(2, "wire.example", DISAGREE_EN, "en")])
    toll = report.claims[0]
    assert toll.verdict == "contradicted"
    assert [(c.kind, c.found, c.expected, c.sources) for c in toll.conflicts] == [
        ("number", "12", "14", ("wire.example",))
    ]


def test_copies_of_one_dispatch_are_one_voice_weighted_by_its_best_source() -> None:
    copies = [candidate(n, f"copy{n}.example", DISAGREE_EN, "en") for n in range(1, 6)]
    report = run(
        CLAIM_DE, [*copies, candidate(9, "a.example", AGREE_DE)], weights={"copy3.example": 0.9}
    )

    assert len(report.voices) == 2
    copied = next(v for v in report.voices if len(v.article_ids) == 5)
    assert copied.weight == 0.9
    toll = report.claims[0]
    assert toll.verdict == "mixed"
    assert toll.agreement == round(0.5 / (0.5 + 0.9), 4)


def test_support_below_the_related_similarity_still_counts_where_an_operator_set_it_so() -> None:
    thresholds = Thresholds(
        support_similarity=0.05, related_similarity=0.9, negation_similarity=0.95
    )
    analysis = analyze(CLAIM_DE, "de")
    record, peer = candidate(1, "a.example", AGREE_DE)
    chosen = choose_peers(
        analysis, [record], own_source="me", own_hash="x", published_at=None, thresholds=thresholds
    )

    report = judge(
        CLAIM_DE, analysis, chosen, {1: PeerAnalysis.of(peer)}, weights={}, thresholds=thresholds
    )

    mayor = next(c for c in report.claims if "Steinruck" in c.claim.text)
    assert [e.stance for e in mayor.evidence] == ["supports"]
    assert mayor.evidence[0].similarity < 0.9


def test_a_number_of_something_else_is_no_conflict() -> None:
    ministers = (
        "In Ludwigshafen trafen sich am Dienstag 3 Minister nach dem Brand in der Chemiefabrik."
    )
    report = run(CLAIM_DE, [candidate(1, "a.example", ministers)])

    assert all(not c.conflicts for c in report.claims)


def test_another_share_of_something_worded_alike_is_no_support() -> None:
    claim = "Nach Angaben der Deutschen Bahn fallen am Dienstag rund 60 Prozent der Fernzüge aus."
    peer = (
        "Nach Angaben der Deutschen Bahn fallen am Dienstag rund 80 Prozent der Verbindungen "
        "im Fernverkehr aus."
    )
    report = run(claim, [candidate(1, "a.example", peer)])

    assert report.claims[0].verdict != "supported"
    assert all(e.stance != "supports" for e in report.claims[0].evidence)


def test_reports_of_two_parties_statements_do_not_contradict_each_other() -> None:
    ready = "beide Seiten seien zu Gesprächen über einen Waffenstillstand bereit."
    not_ready = "beide Seiten seien nicht zu Gesprächen über einen Waffenstillstand bereit."
    moscow = f"Das russische Ministerium erklärte, {ready}"
    paris = f"Das französische Ministerium erklärte, {not_ready}"
    same_speaker = f"Das russische Ministerium erklärte, {not_ready}"

    between_parties = run(moscow, [candidate(1, "a.example", paris)]).claims[0]
    same_party = run(moscow, [candidate(2, "b.example", same_speaker)]).claims[0]

    assert between_parties.verdict != "contradicted"
    assert same_party.verdict == "contradicted"
    assert same_party.conflicts[0].kind == "negation"


def test_a_statement_giving_only_the_total_does_not_contradict_the_part() -> None:
    claim = (
        "Russland habe in Ludwigshafen 31 Drohnen gestartet, 28 davon seien abgeschossen worden."
    )
    peer = "In Ludwigshafen: Von 31 Drohnen seien 28 abgefangen worden, teilte die Luftwaffe mit."

    result = run(claim, [candidate(1, "a.example", peer)]).claims[0]

    assert result.conflicts == ()
    assert result.verdict == "supported"


def test_judge_keeps_to_max_claims_and_flags_the_whole_text() -> None:
    text = (
        "Witali Klitschko sagte, 5 Menschen seien getötet worden. Russland habe 31 Drohnen "
        "gestartet.\n00:00\nDie Luftabwehr habe 28 Drohnen abgeschossen."
    )
    analysis = analyze(text, "de")

    report = judge(text, analysis, [], {}, weights={}, thresholds=Thresholds(), max_claims=1)

    assert len(analysis.claims) > 1
    assert [r.claim for r in report.claims] == [analysis.claims[0]]
    assert [f.found for f in report.flags] == ["00:00"]


def test_judge_calls_the_checkpoint_before_each_stage_and_stops_when_it_raises() -> None:
    text = "Witali Klitschko sagte, 5 Menschen seien getötet worden."
    analysis = analyze(text, "de")
    stages: list[str] = []

    def out_of_time(stage: str) -> None:
        stages.append(stage)
        if stage == "agreement":
            raise TimeoutError(stage)

    with pytest.raises(TimeoutError):
        judge(text, analysis, [], {}, weights={}, thresholds=Thresholds(), checkpoint=out_of_time)

    assert stages == ["voices", "alignment", "agreement"]
