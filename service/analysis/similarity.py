"""Similarity of claims: shared word stems, lifted by the slots that do not depend on language
(names and numbers), computed for all claim-statement pairs at once as sparse products."""

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
from scipy.sparse import csr_matrix
from sklearn import config_context
from sklearn.metrics.pairwise import cosine_similarity

from service.analysis.claims import STEM_SPACE
from service.analysis.records import Claim


def similarity_matrix(claims: Sequence[Claim], statements: Sequence[Claim]) -> np.ndarray:
    """Claims x statements: stem cosine, or (across languages) shared names and numbers."""
    # The matrices are built here, finite and well-formed: sklearn's checks would only cost time.
    with config_context(skip_parameter_validation=True, assume_finite=True):
        lexical = cosine_similarity(_stems(claims), _stems(statements))
    names = _overlap([_names(c) for c in claims], [_names(s) for s in statements], "dice")
    numbers = _overlap([_numbers(c) for c in claims], [_numbers(s) for s in statements], "overlap")
    return np.maximum(lexical, 0.5 * lexical + 0.3 * names + 0.2 * numbers)


def _stems(claims: Sequence[Claim]) -> csr_matrix:
    # Stem ids are sorted, distinct and below STEM_SPACE: they are the columns as they are.
    return _matrix([claim.stems for claim in claims], STEM_SPACE)


def _names(claim: Claim) -> set[str]:
    # A trailing genitive s is dropped so that "Lecornus" meets "Lecornu".
    return {m.key[:-1] if m.key.endswith("s") and len(m.key) > 4 else m.key for m in claim.mentions}


def _numbers(claim: Claim) -> set[str]:
    return {f"{q.unit}:{q.value:g}" for q in claim.quantities}


def _overlap(
    first: Sequence[Iterable[Hashable]], second: Sequence[Iterable[Hashable]], kind: str
) -> np.ndarray:
    """Pairwise overlap of two lists of sets: Dice or overlap coefficient. The sets are
    numbered into columns of this comparison only, so the sparse products stay small."""
    columns: dict[Hashable, int] = {}
    left_rows, right_rows = _rows(first, columns), _rows(second, columns)
    left, right = _matrix(left_rows, len(columns)), _matrix(right_rows, len(columns))
    shared = np.asarray((left @ right.T).todense())
    a = np.asarray(left.sum(axis=1)).reshape(-1, 1)
    b = np.asarray(right.sum(axis=1)).reshape(1, -1)
    denominator = (a + b) / 2 if kind == "dice" else np.minimum(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, shared / np.maximum(denominator, 1e-9), 0.0)


def _rows(sets: Sequence[Iterable[Hashable]], columns: dict[Hashable, int]) -> list[list[int]]:
    return [
        sorted({columns.setdefault(value, len(columns)) for value in values}) for values in sets
    ]


def _matrix(rows: Sequence[Sequence[int]], width: int) -> csr_matrix:
    indptr = np.cumsum([0, *(len(row) for row in rows)])
    indices = [index for row in rows for index in row]
    data = np.ones(len(indices), dtype=np.float32)
    return csr_matrix((data, indices, indptr), shape=(len(rows), max(width, 1)))
