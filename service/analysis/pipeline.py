"""The pipeline, end to end, in three pure steps; the caller reads the store between them.

analyze:      text -> sentences -> claims (mentions, quantities, dates) -> story features
choose_peers: analysis + candidates (features only) -> the story peers, best first
judge:        analysis + the peers' analyses -> voices -> alignment -> agreement -> flags
"""

from collections.abc import Callable, Mapping
from dataclasses import replace

from service.analysis.agreement import article_score, judge_claim
from service.analysis.alignment import align
from service.analysis.claims import extract
from service.analysis.flags import consensus_of, find_flags, penalised
from service.analysis.params import Thresholds
from service.analysis.peers import choose_peers, story_features
from service.analysis.records import Analysis, Candidate, Report
from service.analysis.sentences import split_sentences
from service.analysis.statements import PeerAnalysis
from service.analysis.voices import group_voices

# Stored analyses of an older version are recomputed by `crosscheck reanalyse`.
ANALYSIS_VERSION = 6

__all__ = ["PeerAnalysis", "analyze", "choose_peers", "judge"]


def analyze(text: str, language: str | None) -> Analysis:
    """Analyse normalised text once: what is stored with an article and compared as a peer."""
    sentences = split_sentences(text)
    claims, mentions, terms = extract(text, sentences)
    name_keys = tuple(sorted({mention.key for claim in claims for mention in claim.mentions}))
    features = story_features(terms, claims, name_keys)
    return Analysis(language, sentences, claims, name_keys, terms, mentions, features)


def judge(
    text: str,
    analysis: Analysis,
    chosen: list[tuple[Candidate, float]],
    analyses: Mapping[int, PeerAnalysis],
    *,
    weights: dict[str, float],
    thresholds: Thresholds,
    max_claims: int | None = None,
    checkpoint: Callable[[str], None] = lambda stage: None,
) -> Report:
    """Score an analysed article (and its normalised text) against its chosen peers, whose
    analyses come with their statements (`analyses`, by article id: `PeerAnalysis.of`, or
    `codec.load_peer` from the store): its first `max_claims` claims, and flags over the whole
    text. `checkpoint(stage)` is called before each stage, so that the caller can stop the work
    (by raising) when it runs out of time."""
    judged = replace(analysis, claims=analysis.claims[:max_claims])
    checkpoint("voices")
    peers, voices = group_voices(chosen, analyses, weights, thresholds)
    checkpoint("alignment")
    judgements = align(judged, peers, voices, thresholds)
    checkpoint("agreement")
    results = tuple(
        judge_claim(claim, claim_judgements, voices, thresholds)
        for claim, claim_judgements in zip(judged.claims, judgements, strict=True)
    )
    checkpoint("flags")
    flags = find_flags(text, analysis, consensus_of(peers))
    score = penalised(article_score(results), flags)
    return Report(score, analysis.language, results, peers, voices, flags)
