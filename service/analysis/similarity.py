"""Similarity of claims: shared word stems, lifted by the slots that do not depend on language
(names and numbers), computed for all claim-statement pairs at once.

Each side is first turned into `ClaimSets`, flat arrays of each claim's stem, name and number
ids. A stored peer's are derived once (`statements`); a request then only looks up the
statements' ids among its own claims' and compares two small sparse matrices (the stems'
cosine, a sparse product of rows normalised as they are built).
"""

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.utils.extmath import safe_sparse_dot

from service.analysis.records import Claim


@dataclass(frozen=True, slots=True)
class Sets:
    """One set of integer ids per row, flattened: row i holds `sizes[i]` ids of `values`, in no
    particular order."""

    values: np.ndarray
    sizes: np.ndarray

    @classmethod
    def of(cls, rows: Sequence[Collection[int]]) -> "Sets":
        """Rows of distinct ids (sets, or a claim's stems, which are distinct)."""
        values = np.fromiter(chain.from_iterable(rows), dtype=np.int64)
        sizes = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        values.flags.writeable = sizes.flags.writeable = False  # shared by a worker's threads
        return cls(values, sizes)

    @classmethod
    def flat(cls, values: Sequence[int], sizes: Sequence[int]) -> "Sets":
        """Rows given flattened, as `values` and `sizes` hold them (as stored)."""
        flat_values = np.array(values, dtype=np.int64)
        flat_sizes = np.array(sizes, dtype=np.int64)
        flat_values.flags.writeable = flat_sizes.flags.writeable = False
        return cls(flat_values, flat_sizes)

    def __len__(self) -> int:
        return len(self.sizes)

    def rows(self) -> np.ndarray:
        """The row of each value."""
        return np.repeat(np.arange(len(self.sizes)), self.sizes)


@dataclass(frozen=True, slots=True)
class ClaimSets:
    """What similarity compares of a list of claims."""

    stems: Sets
    names: Sets
    numbers: Sets

    def __len__(self) -> int:
        return len(self.stems)


def claim_sets(claims: Sequence[Claim]) -> ClaimSets:
    # Sorted, so that the sets are stored the same whatever the order of a set of strings.
    return ClaimSets(
        Sets.of([claim.stems for claim in claims]),
        Sets.of([sorted({_id(name) for name in _names(claim)}) for claim in claims]),
        Sets.of([sorted({_id(number) for number in _numbers(claim)}) for claim in claims]),
    )


def concatenate(parts: Sequence[ClaimSets]) -> ClaimSets:
    """The claims of several lists, in order, as one list."""

    def joined(sets: list[Sets]) -> Sets:
        if not sets:
            return Sets.of([])
        values, sizes = zip(*((s.values, s.sizes) for s in sets), strict=True)
        return Sets(np.concatenate(values), np.concatenate(sizes))

    return ClaimSets(
        joined([p.stems for p in parts]),
        joined([p.names for p in parts]),
        joined([p.numbers for p in parts]),
    )


def similarity_matrix(claims: ClaimSets, statements: ClaimSets) -> np.ndarray:
    """Claims x statements: stem cosine, or (across languages) shared names and numbers."""
    if not len(claims) or not len(statements):
        return np.zeros((len(claims), len(statements)))
    lexical = _overlap(claims.stems, statements.stems, "cosine")
    names = _overlap(claims.names, statements.names, "dice")
    numbers = _overlap(claims.numbers, statements.numbers, "overlap")
    return np.maximum(lexical, 0.5 * lexical + 0.3 * names + 0.2 * numbers)


def _names(claim: Claim) -> set[str]:
    # A trailing genitive s is dropped so that "Lecornus" meets "Lecornu".
    return {m.key[:-1] if m.key.endswith("s") and len(m.key) > 4 else m.key for m in claim.mentions}


def _numbers(claim: Claim) -> set[str]:
    return {f"{q.unit}:{q.value:g}" for q in claim.quantities}


@lru_cache(maxsize=1 << 16)  # names and figures recur across peers and requests
def _id(value: str) -> int:
    """A 64-bit id of a name or figure: sets of them compare as sets of the strings would."""
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "little") >> 1


def _on_claims_ids(
    left: Sets, right: Sets, *, normalised: bool = False
) -> tuple[csr_matrix, csr_matrix]:
    """Both lists as sparse matrices whose columns are the ids of `left` only, so that they
    stay as small as the claims. A row holds 1 for each of its ids, or with `normalised`
    1/sqrt(how many ids it has, columns or not), so that the product of two rows is the
    cosine of their sets."""
    vocabulary = np.unique(left.values)
    columns = np.searchsorted(vocabulary, right.values)
    found = columns < len(vocabulary)
    found[found] = vocabulary[columns[found]] == right.values[found]
    rows = right.rows()[found]
    return (
        _by_rows(
            left, np.searchsorted(vocabulary, left.values), left.rows(), vocabulary, normalised
        ),
        _by_rows(right, columns[found], rows, vocabulary, normalised),
    )


def _by_rows(
    sets: Sets, columns: np.ndarray, rows: np.ndarray, vocabulary: np.ndarray, normalised: bool
) -> csr_matrix:
    """A sparse matrix with a row for each set of `sets` and a column for each value of
    `vocabulary`, filled at (`rows`, `columns`), sorted by row: 1, or where `normalised`
    1/sqrt(the size of the row's set)."""
    if normalised:
        with np.errstate(divide="ignore"):  # an empty row has no cells
            values = (1 / np.sqrt(sets.sizes.astype(np.float64)))[rows]
    else:
        values = np.ones(len(rows))
    pointers = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(sets)), out=pointers[1:])
    return csr_matrix((values, columns, pointers), shape=(len(sets), len(vocabulary)))


def _overlap(left: Sets, right: Sets, kind: str) -> np.ndarray:
    """Pairwise overlap of the sets of two lists: cosine, Dice or overlap coefficient."""
    if kind == "cosine":
        # Normalised as they are built: sklearn's cosine_similarity checked both matrices as
        # pairwise arrays and normalised them again on every call, 0.65 of its 1.1 ms a request.
        claims, statements = _on_claims_ids(left, right, normalised=True)
        cosine = safe_sparse_dot(claims, statements.T, dense_output=True)
        # Float noise (0.49999999999999994 for two of four stems shared) is rounded off, so
        # that a threshold or a tie is decided by the sets.
        return np.round(cosine, 12, out=cosine)
    shared = _shared(left, right)
    a = left.sizes.astype(np.float64).reshape(-1, 1)
    b = right.sizes.astype(np.float64).reshape(1, -1)
    denominator = (a + b) / 2 if kind == "dice" else np.minimum(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(shared, denominator, out=shared, where=denominator > 0)
    return shared


def _shared(left: Sets, right: Sets) -> np.ndarray:
    """How many ids each row of `left` shares with each row of `right`. A claim's names and
    figures are few, so the pairs of rows sharing an id are usually fewer than the cells of the
    result and are counted one by one; where they are not (a name in every claim of a long
    article and of its peers), by a sparse product."""
    order = np.argsort(left.values, kind="stable")
    ids, rows = left.values[order], left.rows()[order]
    first = np.searchsorted(ids, right.values, side="left")
    holders = np.searchsorted(ids, right.values, side="right") - first  # rows of `left` per id
    pairs = int(holders.sum())
    if pairs > len(left) * len(right):
        claims, statements = _on_claims_ids(left, right)
        return (claims @ statements.T).toarray()
    # Each id of `right` meets every row of `left` that holds it.
    held = np.repeat(first - np.cumsum(holders) + holders, holders) + np.arange(pairs)
    cells = rows[held] * len(right) + np.repeat(right.rows(), holders)
    counts = np.bincount(cells, minlength=len(left) * len(right))
    return counts.reshape(len(left), len(right)).astype(np.float64)
