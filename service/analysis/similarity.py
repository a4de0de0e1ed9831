"""Similarity of texts and claims: character n-grams (robust to inflection and spelling) plus
the slots that do not depend on language (names, numbers, dates)."""

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import HashingVectorizer

from service.analysis.names import same_name
from service.analysis.normalize import fold
from service.analysis.records import Claim

# Stateless: hashing needs no fitted vocabulary, so vectors of stored and new texts compare.
_CHARS = HashingVectorizer(
    analyzer="char_wb",
    ngram_range=(3, 5),
    n_features=2**18,
    alternate_sign=False,
    norm="l2",
    preprocessor=fold,
    dtype=np.float32,
)


def char_vectors(texts: list[str]) -> csr_matrix:
    return _CHARS.transform(texts)


def cosine(first: csr_matrix, second: csr_matrix) -> np.ndarray:
    """Pairwise cosine of L2-normalised rows."""
    return np.asarray((first @ second.T).todense())


def name_overlap(first: frozenset[str], second: frozenset[str]) -> float:
    """Dice overlap of two sets of name keys, counting genitives as the same name."""
    if not first or not second:
        return 0.0
    shared = sum(any(same_name(a, b) for b in second) for a in first)
    return 2 * shared / (len(first) + len(second))


def claim_similarity(lexical: float, claim: Claim, statement: Claim) -> float:
    """Lexical similarity, lifted by shared names and numbers (what carries across languages)."""
    names = name_overlap(
        frozenset(m.key for m in claim.mentions), frozenset(m.key for m in statement.mentions)
    )
    values = {(q.unit, q.value) for q in claim.quantities}
    others = {(q.unit, q.value) for q in statement.quantities}
    numbers = len(values & others) / min(len(values), len(others)) if values and others else 0.0
    return max(lexical, 0.5 * lexical + 0.3 * names + 0.2 * numbers)
