"""The thresholds of scoring, in one place. Defaults are documented in the README; the service
builds them from its settings so that operators can tune them without touching code."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Thresholds:
    # Story peers: a stored article reports the same story at this similarity or above.
    story_similarity: float = 0.18
    # Days between publication times beyond which two articles are not the same story.
    story_window_days: float = 7.0
    # Most peers compared claim by claim (the most similar ones); a story rarely has more
    # independent reports worth reading, and every one costs time.
    max_peers: int = 12
    # Voices: peers this similar to each other (character shingles) are copies of one dispatch.
    duplicate_similarity: float = 0.8
    # A voice addresses a claim when its closest statement is at least this similar.
    related_similarity: float = 0.3
    # ...and supports it, when at least this similar and nothing conflicts.
    support_similarity: float = 0.5
    # Negation conflicts need near-identical statements, or different wording decides.
    negation_similarity: float = 0.7
    # Verdict boundaries on the weighted agreement of the voices that take a side.
    supported_at: float = 0.75
    contradicted_at: float = 0.25
    # Relative tolerance for numbers the text calls approximate ("rund 80 Prozent").
    approximate_tolerance: float = 0.1
    # Reliability of a source nobody has rated or learned yet.
    default_reliability: float = 0.5
