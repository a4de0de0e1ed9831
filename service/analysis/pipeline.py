"""The pipeline, end to end: text -> analysis, and analysis + candidates -> report.

analyze:  sentences -> claims (with mentions, quantities, dates) -> name keys and terms
score:    candidates -> story peers -> independent voices -> claim alignment -> agreement
"""

from service.analysis.agreement import article_score, judge_claim
from service.analysis.alignment import align
from service.analysis.claims import content_terms, extract
from service.analysis.flags import consensus_of, find_flags, penalised
from service.analysis.params import Thresholds
from service.analysis.peers import select_peers
from service.analysis.records import Analysis, Candidate, Report
from service.analysis.sentences import split_sentences
from service.analysis.voices import group_voices

# Stored analyses of an older version are recomputed by `crosscheck reanalyse`.
ANALYSIS_VERSION = 2


def analyze(text: str, language: str | None) -> Analysis:
    """Analyse normalised text once: what is stored with an article and compared as a peer."""
    sentences = split_sentences(text)
    claims, mentions = extract(text, sentences)
    name_keys = tuple(sorted({mention.key for claim in claims for mention in claim.mentions}))
    return Analysis(language, sentences, claims, name_keys, content_terms(text), mentions)


def score(
    text: str,
    analysis: Analysis,
    candidates: list[Candidate],
    *,
    own_source: str | None,
    own_hash: str | None,
    published_at: float | None,
    weights: dict[str, float],
    thresholds: Thresholds,
) -> Report:
    """Score an analysed article (and its normalised text) against candidates from the store."""
    peers = select_peers(
        analysis,
        candidates,
        own_source=own_source,
        own_hash=own_hash,
        published_at=published_at,
        thresholds=thresholds,
    )
    grouped, voices = group_voices(peers, weights, thresholds)
    judgements = align(analysis, grouped, voices, thresholds)
    results = tuple(
        judge_claim(claim, claim_judgements, voices, thresholds)
        for claim, claim_judgements in zip(analysis.claims, judgements, strict=True)
    )
    flags = find_flags(text, analysis, consensus_of(grouped))
    score = penalised(article_score(results), flags)
    return Report(score, analysis.language, results, grouped, voices, flags)
