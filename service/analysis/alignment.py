"""Claim alignment: each claim against the closest statements of each voice, slot by slot.

A voice contradicts a claim when a number counting the same thing differs, a full date differs,
or a near-identical statement is negated where the claim is not (unless two different speakers
are quoted). It supports a claim when its statement is close and nothing conflicts, or when a
slot agrees. Death and injury tolls are compared beyond close statements, since a toll is
reported in sentences worded very differently ("Dabei wurden 144 Menschen getötet" / "kamen 145
ums Leben"), but only about the same event (a shared name around both sentences) and only
like for like (a running total "seit Kriegsbeginn" is not the toll of one attack).
"""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from service.analysis.names import name_stem
from service.analysis.normalize import fold
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
from service.analysis.similarity import similarity_matrix

_STORY_WIDE_UNITS = frozenset({"death", "injured"})
# Running totals ("seit Kriegsbeginn 200 Tote") are not the toll of one event. Not "seit"
# alone: "der tödlichste Angriff seit Jahrzehnten" qualifies the attack, not the count.
_CUMULATIVE = (
    "seit beginn",
    "seit dem beginn",
    "seit kriegsbeginn",
    "seit anfang",
    "seit ausbruch",
    "insgesamt",
    "bislang",
    "bisher",
    "since the start",
    "since the beginning",
    "since the war",
    "since the invasion",
    "in total",
    "so far",
    "a total of",
    "depuis le debut",
    "au total",
)


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
class _Statement:
    """A peer's claim, with the names around it and all the names of its article."""

    peer: Peer
    claim: Claim
    anchors: frozenset[str]
    names: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Context:
    """A claim being judged, with the names around it (its sentence and the one before) and
    all the names of its article."""

    claim: Claim
    anchors: frozenset[str]
    names: frozenset[str]


def align(
    article: Analysis, peers: tuple[Peer, ...], voices: tuple[Voice, ...], thresholds: Thresholds
) -> list[list[Judgement]]:
    """For every claim of `article`, the judgement of every voice that addresses it."""
    claims = article.claims
    names = {peer.article_id: _names(peer.analysis) for peer in peers}
    statements = [
        _Statement(peer, claim, anchors, names[peer.article_id])
        for peer in peers
        for claim, anchors in zip(peer.analysis.claims, anchor_keys(peer.analysis), strict=True)
    ]
    if not claims or not statements:
        return [[] for _ in claims]
    similarity = similarity_matrix(claims, [s.claim for s in statements])
    by_voice = {
        voice.id: np.array([j for j, s in enumerate(statements) if s.peer.voice == voice.id])
        for voice in voices
    }
    spoken = {voice_id: [statements[j] for j in js] for voice_id, js in by_voice.items()}
    names = _names(article)
    judgements: list[list[Judgement]] = []
    for i, (claim, anchors) in enumerate(zip(claims, anchor_keys(article), strict=True)):
        context = _Context(claim, anchors, names)
        row = []
        for voice in voices:
            indices, own = by_voice[voice.id], spoken[voice.id]
            judgement = _judge(context, voice.id, own, similarity[i, indices], thresholds)
            if judgement is not None:
                row.append(judgement)
        judgements.append(row)
    return judgements


def _names(analysis: Analysis) -> frozenset[str]:
    return frozenset(name_stem(key) for key in {m.key for m in analysis.mentions})


def anchor_keys(analysis: Analysis) -> list[frozenset[str]]:
    """For each claim, the name stems of its sentence and the sentence before it."""
    sentence_starts = [s.start for s in analysis.sentences]
    mention_starts = [m.start for m in analysis.mentions]
    stems = [name_stem(m.key) for m in analysis.mentions]
    anchors = []
    for claim in analysis.claims:
        index = max(0, bisect_right(sentence_starts, claim.start) - 2)
        begin = analysis.sentences[index].start if analysis.sentences else claim.start
        first, last = bisect_left(mention_starts, begin), bisect_left(mention_starts, claim.end)
        anchors.append(frozenset(stems[first:last]))
    return anchors


@dataclass(frozen=True, slots=True)
class _Slot:
    """A slot compared against one statement: agreement (no conflict) or a conflict."""

    index: int
    conflict: Conflict | None = None


def _judge(
    context: _Context,
    voice: int,
    statements: list[_Statement],
    sims: np.ndarray,
    thresholds: Thresholds,
) -> Judgement | None:
    if not statements:
        return None
    claim = context.claim
    best = int(np.argmax(sims))
    nearest = min(
        thresholds.related_similarity,
        thresholds.support_similarity,
        thresholds.negation_similarity,
    )
    if sims[best] < nearest and not any(q.unit in _STORY_WIDE_UNITS for q in claim.quantities):
        return None  # nothing close, and only tolls are compared beyond close statements
    slots = [_compare_quantity(context, q, statements, sims, thresholds) for q in claim.quantities]
    slots.append(_compare_dates(context, statements, sims, thresholds))
    slots.append(_compare_negation(claim, best, statements[best], float(sims[best]), thresholds))
    compared = [slot for slot in slots if slot is not None]
    conflicting = [slot for slot in compared if slot.conflict is not None]

    if conflicting:
        stance: Stance = "contradicts"
        anchor = conflicting[0].index
    elif compared:
        stance, anchor = "supports", compared[0].index
    elif (
        sims[best] >= thresholds.support_similarity
        and _about_the_same(context, statements[best], float(sims[best]), thresholds)
        and not _other_figures(claim, statements[best].claim, thresholds)
    ):
        stance, anchor = "supports", best
    elif sims[best] >= thresholds.related_similarity:
        stance, anchor = "related", best
    else:
        return None
    chosen = statements[anchor]
    conflicts = tuple(
        Conflict(s.conflict.kind, s.conflict.found, s.conflict.expected, (chosen.peer.source,))
        for s in conflicting
        if s.conflict is not None
    )
    return Judgement(
        voice, stance, chosen.peer, chosen.claim, round(float(sims[anchor]), 4), conflicts
    )


def _about_the_same(
    context: _Context, statement: _Statement, similarity: float, thresholds: Thresholds
) -> bool:
    """The same event: when both name places or people around them, each side's names occur
    in the other's article ("Moskauer" counts for "Moskau"); when either names none, close
    wording. Two floods in two towns are worded alike but name different towns."""
    if context.anchors and statement.anchors:
        return _shares(context.anchors, statement.names) and _shares(
            statement.anchors, context.names
        )
    return similarity >= thresholds.related_similarity


def _shares(keys: frozenset[str], names: frozenset[str]) -> bool:
    return not keys.isdisjoint(names)  # both hold name stems: inflections already folded


def _compare_quantity(
    context: _Context,
    quantity: Quantity,
    statements: list[_Statement],
    sims: np.ndarray,
    thresholds: Thresholds,
) -> _Slot | None:
    """Agreement with the closest statement counting the same thing, or a conflict with it."""
    if not quantity.unit:
        return None
    story_wide = quantity.unit in _STORY_WIDE_UNITS
    cumulative = _cumulative(context.claim.text)
    matches = sorted(
        (
            (float(sims[j]), j, other)
            for j, statement in enumerate(statements)
            for other in statement.claim.quantities
            if other.unit == quantity.unit
            and _about_the_same(context, statement, float(sims[j]), thresholds)
            and (story_wide or sims[j] >= thresholds.related_similarity)
            and _cumulative(statement.claim.text) == cumulative
        ),
        key=lambda match: (-match[0], match[1]),
    )
    if not matches:
        return None
    for _, j, other in matches:
        if _same_value(quantity, other, thresholds):
            return _Slot(j)
    _, j, _ = matches[0]
    expected = _counterpart(quantity, context.claim, statements[j].claim)
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
    context: _Context, statements: list[_Statement], sims: np.ndarray, thresholds: Thresholds
) -> _Slot | None:
    """Full dates (day and month) about the same event: the same day agrees, another conflicts."""
    outcome: _Slot | None = None
    for date in (d for d in context.claim.dates if d.day and d.month):
        close = sorted(
            (
                (float(sims[j]), j, other)
                for j, statement in enumerate(statements)
                for other in statement.claim.dates
                if other.day
                and other.month
                and sims[j] >= thresholds.related_similarity
                and _about_the_same(context, statement, float(sims[j]), thresholds)
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


@lru_cache(maxsize=1 << 14)  # asked of every peer statement with a figure, for every claim
def _cumulative(text: str) -> bool:
    folded = f" {fold(text)} "
    return any(cue in folded for cue in _CUMULATIVE)


def _compare_negation(
    claim: Claim, index: int, statement: _Statement, similarity: float, thresholds: Thresholds
) -> _Slot | None:
    """Only a conflict counts here: sharing a polarity with a close statement proves nothing."""
    other = statement.claim
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
