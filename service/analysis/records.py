"""Every type that flows between pipeline stages. Frozen and slotted: stages never mutate input."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from service.analysis.statements import Statements

Stance = Literal["supports", "contradicts", "related"]
FlagType = Literal["spelling_drift", "translation_artifact", "scraping_residue"]
Verdict = Literal["supported", "contradicted", "mixed", "unverified"]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the analysed text: `text == document[start:end]`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A capitalised name as written, with the key that matches its other spellings."""

    start: int
    end: int
    text: str
    key: str


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number and what it counts: `unit` is a concept ("death", "percent") or a noun stem."""

    start: int
    end: int
    text: str
    value: float
    unit: str
    approximate: bool = False


@dataclass(frozen=True, slots=True)
class DateRef:
    """A calendar date as far as the text pins it down (missing parts are None)."""

    start: int
    end: int
    text: str
    year: int | None
    month: int | None
    day: int | None


@dataclass(frozen=True, slots=True)
class Claim:
    """A sentence that states something checkable, with the slots it can be compared on."""

    index: int
    start: int
    end: int
    text: str
    mentions: tuple[Mention, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    dates: tuple[DateRef, ...] = ()
    negated: bool = False
    attribution: str | None = None
    quoted: bool = False
    # Hashed word stems: what lexical similarity compares (stored, so peers need no re-reading).
    stems: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """What story similarity and copy detection compare, computed once at ingest: names,
    weighted content words, numbers, and a sketch of the word trigrams."""

    names: tuple[str, ...] = ()  # name stems
    words: tuple[tuple[str, float], ...] = ()
    numbers: tuple[float, ...] = ()
    sketch: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Analysis:
    """What is kept of an article after analysis: computed once, stored, reused as a peer."""

    language: str | None
    sentences: tuple[Sentence, ...]
    claims: tuple[Claim, ...]
    name_keys: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    # Every name-like word of the text, claims or not (headlines, captions): what drift compares.
    mentions: tuple[Mention, ...] = ()
    features: StoryFeatures = field(default_factory=StoryFeatures)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored article offered as a possible peer: only what choosing peers needs."""

    article_id: int
    source: str
    features: StoryFeatures
    content_hash: str
    published_at: float | None = None  # POSIX seconds


@dataclass(frozen=True, slots=True)
class Peer:
    """A stored article of another source that reports the same story."""

    article_id: int
    source: str
    similarity: float
    voice: int
    language: str | None
    claims: Sequence[Claim] = field(repr=False)  # as its analysis gives them (`PeerAnalysis`)
    statements: "Statements" = field(repr=False)
    figured: tuple[int, ...] = field(repr=False)  # positions of the claims with figures or dates
    features: StoryFeatures = field(default_factory=StoryFeatures, repr=False)


@dataclass(frozen=True, slots=True)
class Voice:
    """Peers that are copies of one another (one wire dispatch) and so speak once."""

    id: int
    article_ids: tuple[int, ...]
    sources: tuple[str, ...]
    weight: float


@dataclass(frozen=True, slots=True)
class Evidence:
    article_id: int
    source: str
    voice: int
    text: str
    start: int
    end: int
    similarity: float
    stance: Stance


@dataclass(frozen=True, slots=True)
class Conflict:
    """Slot values that disagree: what the claim says and what its peers say instead."""

    kind: Literal["number", "date", "negation"]
    found: str
    expected: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClaimResult:
    claim: Claim
    verdict: Verdict
    agreement: float
    evidence: tuple[Evidence, ...]
    conflicts: tuple[Conflict, ...]


@dataclass(frozen=True, slots=True)
class Flag:
    """A problem in the text: where, what was found, what was expected, and who says so."""

    type: FlagType
    subtype: str
    start: int
    end: int
    found: str
    expected: str | None
    confidence: float
    message: str
    sources: tuple[str, ...] = ()  # independent sources that use the expected form


@dataclass(frozen=True, slots=True)
class NameUse:
    """A spelling of a name as the independent peers use it."""

    surface: str
    voices: frozenset[int]
    sources: tuple[str, ...]
    language: str | None


@dataclass(frozen=True, slots=True)
class Consensus:
    """What the peers agree on that flaggers compare the article with."""

    names: tuple[NameUse, ...] = ()  # single names and multi-word ones ("Crocus City Hall")


@dataclass(frozen=True, slots=True)
class Report:
    score: float
    language: str | None
    claims: tuple[ClaimResult, ...]
    peers: tuple[Peer, ...]
    voices: tuple[Voice, ...]
    flags: tuple[Flag, ...] = ()
