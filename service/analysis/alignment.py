"""Claim alignment: each claim against the closest statements of each voice, slot by slot.

A voice contradicts a claim when a number counting the same thing differs, a full date differs,
or a near-identical statement is negated where the claim is not (unless two different speakers
are quoted). It supports a claim when its statement is close and nothing conflicts, or when a
slot agrees. Death and injury tolls are compared beyond close statements, since a toll is
reported in sentences worded very differently ("Dabei wurden 144 Menschen getötet" / "kamen 145
ums Leben"), but only about the same event (a shared name around both sentences) and only
like for like (a running total "seit Kriegsbeginn" is not the toll of one attack).
"""

from dataclasses import dataclass, field

import numpy as np

from service.analysis.params import Thresholds
from service.analysis.records import (
    Analysis,
    Claim,
    Conflict,
    DateRef,
    Peer,
    Quantity,
    Stance,
    Voice,
)
from service.analysis.similarity import claim_sets, concatenate, similarity_matrix
from service.analysis.statements import anchor_keys, article_names, running_total

_STORY_WIDE_UNITS = frozenset({"death", "injured"})


@dataclass(frozen=True, slots=True)
class Judgement:
    """One voice on one claim: its stance, the statement it rests on, and any conflicts."""

    voice: int
    stance: Stance
    peer: Peer
    statement: Claim
    similarity: float
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True, slots=True)
class _Context:
    """A claim being judged, with the names around it (its sentence and the one before),
    all the names of its article, and whether it gives a running total."""

    claim: Claim
    anchors: tuple[str, ...]
    names: frozenset[str]
    cumulative: bool


@dataclass(slots=True)
class _Spoken:
    """What one voice says: its peers' claims as one list of statements, with the names
    around each, and its figures and full dates indexed by statement. A statement is read
    from its peer's claims when judging needs it (`statement`): a stored peer decodes a claim
    the first time it is read."""

    columns: list[int] = field(default_factory=list)  # in the similarity matrix
    peers: list[Peer] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # among its peer's claims
    anchors: list[tuple[str, ...]] = field(default_factory=list)
    names: list[frozenset[str]] = field(default_factory=list)
    cumulative: list[bool] = field(default_factory=list)
    figures: dict[str, list[tuple[int, Quantity]]] = field(default_factory=dict)
    dates: list[tuple[int, DateRef]] = field(default_factory=list)

    def add(self, peer: Peer, column: int) -> None:
        """Add the peer's claims, the first of them at `column` of the similarity matrix."""
        statements, count, first = peer.statements, len(peer.claims), len(self.positions)
        self.columns.extend(range(column, column + count))
        for position in peer.figured:
            claim, j = peer.claims[position], first + position
            for quantity in claim.quantities:
                self.figures.setdefault(quantity.unit, []).append((j, quantity))
            self.dates.extend((j, date) for date in claim.dates if date.day and date.month)
        self.positions.extend(range(count))
        self.peers.extend([peer] * count)
        self.names.extend([statements.names] * count)
        self.anchors.extend(statements.anchors)
        self.cumulative.extend(statements.cumulative)

    def statement(self, j: int) -> Claim:
        return self.peers[j].claims[self.positions[j]]


def align(
    article: Analysis, peers: tuple[Peer, ...], voices: tuple[Voice, ...], thresholds: Thresholds
) -> list[list[Judgement]]:
    """For every claim of `article`, the judgement of every voice that addresses it."""
    claims = article.claims
    if not claims or not any(peer.claims for peer in peers):
        return [[] for _ in claims]
    similarity = similarity_matrix(
        claim_sets(claims), concatenate([peer.statements.sets for peer in peers])
    )
    spoken = {voice.id: _Spoken() for voice in voices}
    column = 0
    for peer in peers:
        if peer.voice in spoken:  # a peer of no voice speaks for nobody
            spoken[peer.voice].add(peer, column)
        column += len(peer.claims)
    names = article_names(article)
    contexts = [
        _Context(claim, anchors, names, running_total(claim))
        for claim, anchors in zip(claims, anchor_keys(article), strict=True)
    ]
    judgements: list[list[Judgement]] = [[] for _ in claims]
    nearest = min(
        thresholds.related_similarity, thresholds.support_similarity, thresholds.negation_similarity
    )
    for voice in voices:
        said = spoken[voice.id]
        if not said.columns:
            continue
        sims = similarity[:, said.columns]
        best = sims.argmax(axis=1)
        top = sims[np.arange(len(claims)), best]
        for i, context in enumerate(contexts):
            if top[i] < nearest and not _tolls(context.claim):
                continue  # nothing close, and only tolls are compared beyond close statements
            judgement = _judge(context, voice.id, said, sims[i].tolist(), int(best[i]), thresholds)
            if judgement is not None:
                judgements[i].append(judgement)
    return judgements


def _tolls(claim: Claim) -> bool:
    return any(q.unit in _STORY_WIDE_UNITS for q in claim.quantities)


@dataclass(frozen=True, slots=True)
class _Slot:
    """A slot compared against one statement: agreement (no conflict) or a conflict."""

    index: int
    conflict: Conflict | None = None


def _judge(
    context: _Context,
    voice: int,
    spoken: _Spoken,
    sims: list[float],
    best: int,
    thresholds: Thresholds,
) -> Judgement | None:
    claim = context.claim
    slots = [_compare_quantity(context, q, spoken, sims, thresholds) for q in claim.quantities]
    slots.append(_compare_dates(context, spoken, sims, thresholds))
    slots.append(_compare_negation(claim, best, spoken.statement(best), sims[best], thresholds))
    compared = [slot for slot in slots if slot is not None]
    conflicting = [slot for slot in compared if slot.conflict is not None]

    if conflicting:
        stance: Stance = "contradicts"
        anchor = conflicting[0].index
    elif compared:
        stance, anchor = "supports", compared[0].index
    elif (
        sims[best] >= thresholds.support_similarity
        and _about_the_same(context, spoken, best, sims[best], thresholds)
        and not _other_figures(claim, spoken.statement(best), thresholds)
    ):
        stance, anchor = "supports", best
    elif sims[best] >= thresholds.related_similarity:
        stance, anchor = "related", best
    else:
        return None
    peer = spoken.peers[anchor]
    conflicts = tuple(
        Conflict(s.conflict.kind, s.conflict.found, s.conflict.expected, (peer.source,))
        for s in conflicting
        if s.conflict is not None
    )
    similarity = round(sims[anchor], 4)
    return Judgement(voice, stance, peer, spoken.statement(anchor), similarity, conflicts)


def _about_the_same(
    context: _Context, spoken: _Spoken, j: int, similarity: float, thresholds: Thresholds
) -> bool:
    """The same event: when both name places or people around them, each side's names occur
    in the other's article ("Moskauer" counts for "Moskau"); when either names none, close
    wording. Two floods in two towns are worded alike but name different towns."""
    anchors = spoken.anchors[j]
    if context.anchors and anchors:
        return _shares(context.anchors, spoken.names[j]) and _shares(anchors, context.names)
    return similarity >= thresholds.related_similarity


def _shares(keys: tuple[str, ...], names: frozenset[str]) -> bool:
    return not names.isdisjoint(keys)  # both hold name stems: inflections already folded


def _compare_quantity(
    context: _Context,
    quantity: Quantity,
    spoken: _Spoken,
    sims: list[float],
    thresholds: Thresholds,
) -> _Slot | None:
    """Agreement with the closest statement counting the same thing, or a conflict with it."""
    if not quantity.unit:
        return None
    story_wide = quantity.unit in _STORY_WIDE_UNITS
    matches = sorted(
        (
            (sims[j], j, other)
            for j, other in spoken.figures.get(quantity.unit, ())
            if (story_wide or sims[j] >= thresholds.related_similarity)
            and spoken.cumulative[j] == context.cumulative
            and _about_the_same(context, spoken, j, sims[j], thresholds)
        ),
        key=lambda match: (-match[0], match[1]),
    )
    if not matches:
        return None
    for _, j, other in matches:
        if _same_value(quantity, other, thresholds):
            return _Slot(j)
    _, j, _ = matches[0]
    expected = _counterpart(quantity, context.claim, spoken.statement(j))
    if expected is None:
        return None
    return _Slot(j, Conflict("number", _format(quantity.value), _format(expected.value), ()))


def _counterpart(quantity: Quantity, claim: Claim, statement: Claim) -> Quantity | None:
    """The statement's number that stands where the claim's does: the same rank among numbers
    of the same unit ("31 drones, 29 of them" against "31 drones, 28 of them"), else the
    nearest in value. None when the statement gives fewer such numbers than the claim ("31
    drones, 28 of them" against "of 31 drones"): it does not say what the other one is."""
    ours = [q for q in claim.quantities if q.unit == quantity.unit]
    theirs = [q for q in statement.quantities if q.unit == quantity.unit]
    if len(theirs) < len(ours):
        return None
    if len(ours) == len(theirs):
        return theirs[ours.index(quantity)]
    return min(theirs, key=lambda q: abs(q.value - quantity.value))


def _compare_dates(
    context: _Context, spoken: _Spoken, sims: list[float], thresholds: Thresholds
) -> _Slot | None:
    """Full dates (day and month) about the same event: the same day agrees, another conflicts."""
    outcome: _Slot | None = None
    for date in (d for d in context.claim.dates if d.day and d.month):
        close = sorted(
            (
                (sims[j], j, other)
                for j, other in spoken.dates
                if sims[j] >= thresholds.related_similarity
                and _about_the_same(context, spoken, j, sims[j], thresholds)
            ),
            key=lambda match: (-match[0], match[1]),
        )
        if not close:
            continue
        same = [j for _, j, other in close if _same_day(date, other)]
        if not same:
            _, j, expected = close[0]
            found, wanted = _format_date(date), _format_date(expected)
            return _Slot(j, Conflict("date", found, wanted, ()))
        outcome = outcome or _Slot(same[0])
    return outcome


def _same_day(first: DateRef, second: DateRef) -> bool:
    if (first.day, first.month) != (second.day, second.month):
        return False
    return first.year is None or second.year is None or first.year == second.year


def _format_date(date: DateRef) -> str:
    text = f"{date.day}.{date.month}."
    return f"{text}{date.year}" if date.year else text


def _compare_negation(
    claim: Claim, index: int, other: Claim, similarity: float, thresholds: Thresholds
) -> _Slot | None:
    """Only a conflict counts here: sharing a polarity with a close statement proves nothing."""
    if similarity < thresholds.negation_similarity or claim.negated == other.negated:
        return None
    if _different_speakers(claim.attribution, other.attribution):
        return None  # "Moscow said X" and "Paris denied X" report two statements, both true
    found, expected = ("negated", "affirmed") if claim.negated else ("affirmed", "negated")
    return _Slot(index, Conflict("negation", found, expected, ()))


def _different_speakers(first: str | None, second: str | None) -> bool:
    """Both statements name who said them, and not the same one: another institution, or the
    same kind qualified differently ("russisch ministerium" / "franzosisch ministerium"). An
    unqualified "ministry" may be either, so it is no proof of two speakers."""
    if not first or not second:
        return False
    *first_qualifiers, first_head = first.split()
    *second_qualifiers, second_head = second.split()
    if first_head != second_head:
        return True
    return bool(first_qualifiers and second_qualifiers and first_qualifiers != second_qualifiers)


def _other_figures(claim: Claim, statement: Claim, thresholds: Thresholds) -> bool:
    """Figures of one kind that differ but could not be compared ("60 percent of long-distance
    trains" against "80 percent of connections"): close wording around them is no support."""
    return any(
        ours.unit != theirs.unit
        and ours.unit.split(":")[0] == theirs.unit.split(":")[0]
        and not _same_value(ours, theirs, thresholds)
        for ours in claim.quantities
        for theirs in statement.quantities
        if ours.unit and theirs.unit
    )


def _same_value(first: Quantity, second: Quantity, thresholds: Thresholds) -> bool:
    if first.approximate or second.approximate:
        return abs(first.value - second.value) <= thresholds.approximate_tolerance * max(
            first.value, second.value
        )
    return first.value == second.value


def _format(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"
