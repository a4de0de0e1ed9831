"""Claim alignment: each claim against the closest statements of each voice, slot by slot.

A voice contradicts a claim when a number counting the same thing differs, a full date differs,
or a near-identical statement is negated where the claim is not (and no different speaker is
quoted). It supports a claim when its statement is close and nothing conflicts, or when a slot
agrees. Death and injury tolls are compared across the whole story, since a toll is reported in
sentences worded very differently ("Dabei wurden 144 Menschen getötet" / "kamen 145 ums Leben").
"""

from dataclasses import dataclass

import numpy as np

from service.analysis.params import Thresholds
from service.analysis.records import Claim, Conflict, Peer, Quantity, Stance, Voice
from service.analysis.similarity import char_vectors, claim_similarity, cosine

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
class _Statement:
    peer: Peer
    claim: Claim


def align(
    claims: tuple[Claim, ...],
    peers: tuple[Peer, ...],
    voices: tuple[Voice, ...],
    thresholds: Thresholds,
) -> list[list[Judgement]]:
    """For every claim, the judgement of every voice that addresses it."""
    statements = [_Statement(peer, claim) for peer in peers for claim in peer.analysis.claims]
    if not claims or not statements:
        return [[] for _ in claims]
    lexical = cosine(
        char_vectors([c.text for c in claims]), char_vectors([s.claim.text for s in statements])
    )
    by_voice = {
        voice.id: [j for j, s in enumerate(statements) if s.peer.voice == voice.id]
        for voice in voices
    }
    judgements: list[list[Judgement]] = []
    for i, claim in enumerate(claims):
        row = []
        for voice in voices:
            indices = by_voice[voice.id]
            sims = np.array(
                [
                    claim_similarity(float(lexical[i, j]), claim, statements[j].claim)
                    for j in indices
                ]
            )
            judgement = _judge(claim, voice.id, [statements[j] for j in indices], sims, thresholds)
            if judgement is not None:
                row.append(judgement)
        judgements.append(row)
    return judgements


@dataclass(frozen=True, slots=True)
class _Slot:
    """A slot compared against one statement: agreement (no conflict) or a conflict."""

    index: int
    conflict: Conflict | None = None


def _judge(
    claim: Claim, voice: int, statements: list[_Statement], sims: np.ndarray, thresholds: Thresholds
) -> Judgement | None:
    if not statements:
        return None
    best = int(np.argmax(sims))
    slots = [_compare_quantity(q, statements, sims, thresholds) for q in claim.quantities]
    slots.append(_compare_dates(claim, statements, sims, thresholds))
    slots.append(_compare_negation(claim, best, statements[best], float(sims[best]), thresholds))
    compared = [slot for slot in slots if slot is not None]
    conflicting = [slot for slot in compared if slot.conflict is not None]

    if conflicting:
        stance: Stance = "contradicts"
        anchor = conflicting[0].index
    elif compared:
        stance, anchor = "supports", compared[0].index
    elif sims[best] >= thresholds.support_similarity:
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


def _compare_quantity(
    quantity: Quantity, statements: list[_Statement], sims: np.ndarray, thresholds: Thresholds
) -> _Slot | None:
    """Agreement with the closest statement counting the same thing, or a conflict with it."""
    if not quantity.unit:
        return None
    story_wide = quantity.unit in _STORY_WIDE_UNITS
    matches = sorted(
        (
            (float(sims[j]), j, other)
            for j, statement in enumerate(statements)
            for other in statement.claim.quantities
            if other.unit == quantity.unit
            and (story_wide or sims[j] >= thresholds.related_similarity)
        ),
        key=lambda match: (-match[0], match[1]),
    )
    if not matches:
        return None
    for _, j, other in matches:
        if _same_value(quantity, other, thresholds):
            return _Slot(j)
    _, j, expected = matches[0]
    return _Slot(j, Conflict("number", _format(quantity.value), _format(expected.value), ()))


def _compare_dates(
    claim: Claim, statements: list[_Statement], sims: np.ndarray, thresholds: Thresholds
) -> _Slot | None:
    """Full dates (day and month) of close statements: the same day agrees, another conflicts."""
    for date in (d for d in claim.dates if d.day and d.month):
        close = sorted(
            (
                (float(sims[j]), j, other)
                for j, statement in enumerate(statements)
                for other in statement.claim.dates
                if other.day and other.month and sims[j] >= thresholds.support_similarity
            ),
            key=lambda match: (-match[0], match[1]),
        )
        if not close:
            continue
        for _, j, other in close:
            if (other.day, other.month) == (date.day, date.month):
                return _Slot(j)
        _, j, expected = close[0]
        found, wanted = f"{date.day}.{date.month}.", f"{expected.day}.{expected.month}."
        return _Slot(j, Conflict("date", found, wanted, ()))
    return None


def _compare_negation(
    claim: Claim, index: int, statement: _Statement, similarity: float, thresholds: Thresholds
) -> _Slot | None:
    """Only a conflict counts here: sharing a polarity with a close statement proves nothing."""
    other = statement.claim
    if similarity < thresholds.negation_similarity or claim.negated == other.negated:
        return None
    if claim.attribution and other.attribution and claim.attribution != other.attribution:
        return None  # "Moscow said X" and "Paris denied X" report two statements, both true
    found, expected = ("negated", "affirmed") if claim.negated else ("affirmed", "negated")
    return _Slot(index, Conflict("negation", found, expected, ()))


def _same_value(first: Quantity, second: Quantity, thresholds: Thresholds) -> bool:
    if first.approximate or second.approximate:
        return abs(first.value - second.value) <= thresholds.approximate_tolerance * max(
            first.value, second.value
        )
    return first.value == second.value


def _format(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"
