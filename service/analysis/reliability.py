"""Source reliability by truth discovery over the stored corpus.

The method is iterative weighted voting with source-weight estimation, the common core of truth
discovery (Yin, Han & Yu, "Truth Discovery with Multiple Conflicting Information Providers on
the Web", TKDE 2008; Li et al., "A Survey on Truth Discovery", SIGKDD Explorations 2016):

1. every checked claim has a consensus: the reliability-weighted vote of the independent voices
   that support (+1) or contradict (-1) it;
2. a source's reliability is how often its claims, and its own votes on others' claims, agree
   with well-supported consensus, smoothed towards its prior (an operator's rating, or neutral);
3. repeat until the weights settle.

A voice's vote on a claim is left out of that claim's consensus when the voice itself is judged
(leave-one-out), so that no source confirms itself.
"""

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Check:
    """One claim of `source`, and how the independent voices (by their sources) judged it."""

    source: str
    votes: tuple[tuple[tuple[str, ...], int], ...]  # (sources of one voice, +1 or -1)


@dataclass(frozen=True, slots=True)
class Estimate:
    reliability: float
    claims: int  # well-supported claims (own and judged) that the estimate rests on


def estimate_reliability(
    checks: list[Check],
    priors: dict[str, float],
    *,
    default: float = 0.5,
    prior_strength: float = 2.0,
    min_support: float = 1.0,
    iterations: int = 20,
) -> dict[str, Estimate]:
    """Reliability in [0, 1] for every source that appears in `checks` or `priors`."""
    sources = set(priors) | {c.source for c in checks}
    sources |= {s for c in checks for voice, _ in c.votes for s in voice}
    weights = {s: priors.get(s, default) for s in sources}
    counts: dict[str, float] = {}
    for _ in range(iterations):
        credit: dict[str, float] = defaultdict(float)
        counts = defaultdict(float)
        for check in checks:
            _credit_check(check, weights, credit, counts, min_support)
        updated = {
            s: (prior_strength * priors.get(s, default) + credit[s]) / (prior_strength + counts[s])
            for s in sources
        }
        settled = max((abs(updated[s] - weights[s]) for s in sources), default=0.0) < 1e-4
        weights = updated
        if settled:
            break
    return {s: Estimate(round(weights[s], 4), round(counts.get(s, 0))) for s in sorted(sources)}


def _credit_check(
    check: Check,
    weights: dict[str, float],
    credit: dict[str, float],
    counts: dict[str, float],
    min_support: float,
) -> None:
    votes = [(_voice_weight(voice, weights), stance, voice) for voice, stance in check.votes]
    mass = sum(weight for weight, _, _ in votes)
    if mass <= 0:
        return
    # The claim's author: agreement of the whole consensus with what it claimed.
    consensus = sum(weight * stance for weight, stance, _ in votes) / mass
    confidence = min(1.0, mass / min_support)
    credit[check.source] += confidence * (1 + consensus) / 2
    counts[check.source] += confidence
    # Each voice: agreement of its vote with the consensus of the others.
    for weight, stance, voice in votes:
        others = mass - weight
        if others <= 0:
            continue
        rest = (consensus * mass - weight * stance) / others
        others_confidence = min(1.0, others / min_support)
        for source in voice:
            credit[source] += others_confidence * (1 + stance * rest) / 2
            counts[source] += others_confidence


def _voice_weight(voice: tuple[str, ...], weights: dict[str, float]) -> float:
    return max(weights[source] for source in voice)
