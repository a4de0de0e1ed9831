"""Agreement: from the voices' judgements to a verdict per claim and a score per article."""

from collections import defaultdict

from service.analysis.alignment import Judgement
from service.analysis.params import Thresholds
from service.analysis.records import Claim, ClaimResult, Conflict, Evidence, Verdict, Voice

# A claim nobody addresses tells nothing either way.
NEUTRAL = 0.5


def judge_claim(
    claim: Claim, judgements: list[Judgement], voices: tuple[Voice, ...], thresholds: Thresholds
) -> ClaimResult:
    sides = [j for j in judgements if j.stance in ("supports", "contradicts")]
    if not sides:
        verdict: Verdict = "unverified"
        agreement = NEUTRAL
    else:
        agreement = _weighted_share(sides, {voice.id: voice.weight for voice in voices})
        verdict = _verdict(agreement, thresholds)
    evidence = tuple(
        Evidence(
            article_id=j.peer.article_id,
            source=j.peer.source,
            voice=j.voice,
            text=j.statement.text,
            start=j.statement.start,
            end=j.statement.end,
            similarity=j.similarity,
            stance=j.stance,
        )
        for j in sorted(judgements, key=lambda j: (_STANCE_ORDER[j.stance], -j.similarity))
    )
    return ClaimResult(claim, verdict, round(agreement, 4), evidence, _merge(judgements))


_STANCE_ORDER = {"contradicts": 0, "supports": 1, "related": 2}


def _weighted_share(sides: list[Judgement], weight: dict[int, float]) -> float:
    """Share of the weight on the supporting side; by head count when no voice has weight."""
    total = sum(weight[j.voice] for j in sides)
    if total == 0:
        return sum(j.stance == "supports" for j in sides) / len(sides)
    return sum(weight[j.voice] for j in sides if j.stance == "supports") / total


def _verdict(agreement: float, thresholds: Thresholds) -> Verdict:
    if agreement >= thresholds.supported_at:
        return "supported"
    if agreement <= thresholds.contradicted_at:
        return "contradicted"
    return "mixed"


def _merge(judgements: list[Judgement]) -> tuple[Conflict, ...]:
    """One conflict per (kind, found, expected), listing every source that expects otherwise."""
    sources: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for judgement in judgements:
        for conflict in judgement.conflicts:
            sources[(conflict.kind, conflict.found, conflict.expected)].update(conflict.sources)
    return tuple(
        Conflict(kind, found, expected, tuple(sorted(names)))  # type: ignore[arg-type]
        for (kind, found, expected), names in sorted(sources.items())
    )


# A claim its peers contradict weighs this much more than one they confirm: one wrong death toll
# costs a reader more than one right headline earns.
CONFLICT_WEIGHT = 2.0


def article_score(results: tuple[ClaimResult, ...], *, prior_claims: float = 1.0) -> float:
    """Weighted mean agreement of the claims the peers address, pulled towards neutral when few."""
    weighted = [
        (CONFLICT_WEIGHT if r.verdict == "contradicted" else 1.0, r.agreement)
        for r in results
        if r.verdict != "unverified"
    ]
    total = sum(weight * agreement for weight, agreement in weighted) + prior_claims * NEUTRAL
    return round(total / (sum(weight for weight, _ in weighted) + prior_claims), 4)
