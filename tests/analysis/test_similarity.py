"""Claim similarity: the sparse products against the set arithmetic they stand for."""

import random
from math import sqrt

import numpy as np
import pytest

from service.analysis.pipeline import analyze
from service.analysis.similarity import (
    ClaimSets,
    Sets,
    claim_sets,
    concatenate,
    similarity_matrix,
)


def sets_of(rows: list[set[int]]) -> ClaimSets:
    empty = Sets.of([set() for _ in rows])
    return ClaimSets(Sets.of(rows), empty, empty)


def test_stem_cosine_is_the_cosine_of_the_sets() -> None:
    rng = random.Random(3)
    left = [set(rng.sample(range(60), rng.randint(0, 12))) for _ in range(15)]
    right = [set(rng.sample(range(60), rng.randint(0, 12))) for _ in range(40)]

    found = similarity_matrix(sets_of(left), sets_of(right))

    expected = [
        [len(a & b) / sqrt(len(a) * len(b)) if a and b else 0.0 for b in right] for a in left
    ]
    assert found.shape == (15, 40)
    np.testing.assert_allclose(found, expected, atol=1e-12)


def test_a_statement_exactly_at_a_threshold_is_at_it() -> None:
    # Two of four stems shared on each side: exactly 0.5, the default support similarity.
    found = similarity_matrix(sets_of([{1, 2, 3, 4}]), sets_of([{1, 2, 5, 6}]))

    assert found[0, 0] == 0.5


def test_names_and_numbers_carry_a_claim_across_languages() -> None:
    german = analyze("Sergej Schoigu sagte, 144 Menschen seien getötet worden.", "de")
    english = analyze("Sergei Shoigu said 144 people were killed.", "en")
    other = analyze("Olaf Scholz said twelve people were injured.", "en")

    found = similarity_matrix(claim_sets(german.claims), claim_sets(english.claims + other.claims))

    across, unrelated = found[0]
    assert across > 0.3  # the same names and toll, no shared word stem
    assert unrelated == 0.0


def test_concatenated_statements_are_the_columns_of_each_list() -> None:
    rng = random.Random(5)

    def some(n: int) -> ClaimSets:
        return sets_of([set(rng.sample(range(30), rng.randint(1, 6))) for _ in range(n)])

    claims, first, second = some(7), some(4), some(9)

    joined = similarity_matrix(claims, concatenate([first, second]))

    np.testing.assert_array_equal(
        joined, np.hstack([similarity_matrix(claims, first), similarity_matrix(claims, second)])
    )


@pytest.mark.parametrize(("claims", "statements"), [(0, 3), (3, 0), (0, 0)])
def test_empty_sides_give_an_empty_matrix(claims: int, statements: int) -> None:
    found = similarity_matrix(sets_of([{1}] * claims), sets_of([{1}] * statements))

    assert found.shape == (claims, statements)


def test_shared_names_are_the_dice_and_shared_figures_the_overlap_of_the_sets() -> None:
    rng = random.Random(11)
    left = [set(rng.sample(range(20), rng.randint(0, 4))) for _ in range(12)]
    right = [set(rng.sample(range(20), rng.randint(0, 4))) for _ in range(30)]
    none = Sets.of([set() for _ in left]), Sets.of([set() for _ in right])

    names = similarity_matrix(
        ClaimSets(none[0], Sets.of(left), none[0]), ClaimSets(none[1], Sets.of(right), none[1])
    )
    figures = similarity_matrix(
        ClaimSets(none[0], none[0], Sets.of(left)), ClaimSets(none[1], none[1], Sets.of(right))
    )

    dice = [[2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0 for b in right] for a in left]
    overlap = [[len(a & b) / min(len(a), len(b)) if a and b else 0.0 for b in right] for a in left]
    np.testing.assert_allclose(names, 0.3 * np.array(dice), atol=1e-12)
    np.testing.assert_allclose(figures, 0.2 * np.array(overlap), atol=1e-12)


def test_a_name_in_every_claim_and_statement_is_counted_by_a_product() -> None:
    """More pairs of rows share a name than the result has cells: the other way of counting."""
    everywhere = {1, 2, 3}
    left, right = [everywhere] * 20, [everywhere | {n} for n in range(10, 60)]
    none = Sets.of([set() for _ in left]), Sets.of([set() for _ in right])

    names = similarity_matrix(
        ClaimSets(none[0], Sets.of(left), none[0]), ClaimSets(none[1], Sets.of(right), none[1])
    )

    np.testing.assert_allclose(names, 0.3 * 2 * 3 / (3 + 4))
