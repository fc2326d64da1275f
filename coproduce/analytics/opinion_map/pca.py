"""Centring the vote matrix and its two principal components (spec §3.2, §3.3).

Missing votes are imputed with their column's mean, so after centring they are
exactly 0 and Z keeps the sparsity of the votes; moderated-out columns are set
to 0 in every row before the mean is taken, so they vanish from Z. Components
come from power iteration on ZᵀZ computed as Zᵀ(Zv): Z is never densified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map.votes import VoteMatrix

PCAMethod = Literal["power", "exact"]

#: Components kept (spec constants).
N_COMPONENTS = 2
#: Power-iteration steps per component.
PCA_MAX_ITER = 100
#: Relative change of λ below which iteration stops; 0 means "λ repeats exactly".
PCA_TOL = 1e-10


@dataclass(frozen=True, slots=True)
class CentredMatrix:
    """Z and the column means c of spec §3.2, on the votes' sparsity pattern."""

    column_means: npt.NDArray[np.float64]  # c_j; 0 for moderated-out columns
    z: sp.csr_array  # float64, same structure as VoteMatrix.raw
    total_sum_of_squares: float  # Σ Z_ij²


@dataclass(frozen=True, slots=True)
class PCAResult:
    """Principal components of Z, one row per component (spec §3.3)."""

    statement_ids: npt.NDArray[np.int64]  # column j -> statement number
    components: npt.NDArray[np.float64]  # (K, m), unit rows, or 0 when λ = 0
    eigenvalues: npt.NDArray[np.float64]  # λ_k of ZᵀZ
    explained_share: npt.NDArray[np.float64]  # λ_k / Σ Z_ij² (0–1)
    n_iterations: tuple[int, ...]  # power steps per component (0 for exact)
    is_converged: tuple[bool, ...]  # stopped on the tolerance, not the cap
    is_warm: tuple[bool, ...]  # started from the previous component
    method: str  # "power" or "exact"

    @property
    def n_components(self) -> int:
        """K = min(2, n, m)."""
        return int(self.components.shape[0])


def centre_votes(matrix: VoteMatrix) -> CentredMatrix:
    """Zero moderated-out columns, impute column means, centre (spec §3.2).

    Parameters
    ----------
    matrix
        Latest votes.

    Returns
    -------
    CentredMatrix

    Notes
    -----
    R = raw votes with every column in M set to 0 (missing cells included).
    c_j = mean of the non-missing R_ij (a pass counts as 0), and 0 for j ∈ M.
    Filling missing cells with c_j and centring gives
    Z_ij = R_ij − c_j where i voted on j, and 0 elsewhere.

    References
    ----------
    Coproduce opinion-map spec §3.2; Polis `conversation.clj` (column means,
    mean imputation).

    Examples
    --------
    Three participants, two statements; participant 2 did not see statement 1.

        R = [[ 1, -1],      c_0 = (1 + 0 + 1)/3 = 2/3
             [ 0,  1],      c_1 = (−1 + 1)/2 = 0
             [ 1,  . ]]

        Z = [[ 1/3, -1],
             [-2/3,  1],
             [ 1/3,  0]]    (the missing cell stays 0)

    >>> from coproduce.analytics.opinion_map.votes import (
    ...     Vote, VoteLog, build_vote_matrix,
    ... )
    >>> log = VoteLog.from_votes([
    ...     Vote(0, 0, 1, 0), Vote(0, 1, -1, 0), Vote(1, 0, 0, 1),
    ...     Vote(1, 1, 1, 1), Vote(2, 0, 1, 2),
    ... ])
    >>> centred = centre_votes(build_vote_matrix(log))
    >>> np.round(centred.column_means, 4).tolist()
    [0.6667, 0.0]
    >>> np.round(centred.z.toarray(), 4).tolist()
    [[0.3333, -1.0], [-0.6667, 1.0], [0.3333, 0.0]]

    Σ Z² = 1/9 + 1 + 4/9 + 1 + 1/9 = 8/3:

    >>> round(centred.total_sum_of_squares, 4)
    2.6667
    """
    raw = matrix.raw
    m = matrix.n_statements
    cols = raw.indices
    values = raw.data.astype(np.float64)
    values[matrix.is_moderated_out[cols]] = 0.0
    counts = np.bincount(cols, minlength=m).astype(np.float64)
    sums = np.bincount(cols, weights=values, minlength=m)
    means = np.divide(sums, counts, out=np.zeros(m), where=counts > 0)
    centred = values - means[cols]
    z = sp.csr_array((centred, raw.indices.copy(), raw.indptr.copy()), shape=raw.shape)
    means.flags.writeable = False
    return CentredMatrix(means, z, float(centred @ centred))


def fit_pca(
    matrix: VoteMatrix,
    centred: CentredMatrix,
    *,
    random_state: int | np.random.Generator | None = None,
    previous: PCAResult | None = None,
    reference: PCAResult | None = None,
    method: PCAMethod = "power",
    n_components: int = N_COMPONENTS,
    max_iter: int = PCA_MAX_ITER,
    tol: float = PCA_TOL,
) -> PCAResult:
    """Top principal components of Z by power iteration (spec §3.3).

    Parameters
    ----------
    matrix, centred
        The vote matrix and its `centre_votes` result.
    random_state
        Seed or generator for cold starts: uniform [0, 1) per column.
    previous
        The last update's components (warm start): each is padded with 1.0 for
        columns it lacks, and keeps its orientation.
    reference
        The last *published* components: a cold component is flipped when its
        dot product with the matching reference component, over shared
        statements, is negative.
    method
        "power" (Polis) or "exact" (dense eigendecomposition of the m × m ZᵀZ;
        for tests and small conversations).
    n_components, max_iter, tol
        Spec constants 2, 100 and 1e-10 (`pca_tol`; 0 reproduces Polis).

    Returns
    -------
    PCAResult

    Raises
    ------
    InputError
        Unknown method, negative tolerance, or fewer than 1 component or step.

    Notes
    -----
    K = min(n_components, n, m). Power step: u = Zᵀ(Zv), λ = ‖u‖, v = u/λ;
    stop when |λ − λ_prev| < tol·λ (or λ = λ_prev exactly when tol = 0), or
    after `max_iter` steps. Component k iterates P ZᵀZ P with
    P = I − Σ_{l<k} v_l v_lᵀ, applied as two projections. λ = 0 gives a zero
    component. A cold component is oriented with its largest-magnitude entry
    positive (exact ties: the lowest column), then aligned with `reference`.
    Explained share_k = λ_k / Σ Z_ij².

    References
    ----------
    Coproduce opinion-map spec §3.3; Polis `math/src/polismath/math/pca.clj`
    (power iteration, deflation); `CLOJURE_QUIRKS.md` Q4, Q5, Q12.

    Examples
    --------
    With Z = [[1, 0], [0, 2], [-1, 0], [0, -2]] (not a centred vote matrix, but
    it shows the arithmetic): ZᵀZ = diag(2, 8), so pc₁ = (0, 1) with λ₁ = 8,
    pc₂ = (1, 0) with λ₂ = 2, and Σ Z² = 10 gives shares 0.8 and 0.2. From
    v = (a, b), each step multiplies by diag(2, 8): the first entry shrinks by
    4 each time relative to the second, reaching 1e-10 relative change well
    within 100 steps.
    """
    if method not in ("power", "exact"):
        raise InputError(f"method must be 'power' or 'exact', not {method!r}.")
    if tol < 0 or max_iter < 1 or n_components < 1:
        raise InputError(
            "tol must be 0 or more, and max_iter and n_components at least 1."
        )
    n, m = matrix.n_participants, matrix.n_statements
    k_max = min(n_components, n, m)
    rng = np.random.default_rng(random_state)
    z = centred.z
    zt = z.T.tocsr()
    components = np.zeros((k_max, m))
    eigenvalues = np.zeros(k_max)
    iterations: list[int] = []
    converged: list[bool] = []
    warm: list[bool] = []
    starts = _warm_starts(matrix, previous, k_max)
    if method == "exact":
        exact_vectors, exact_values = _exact_components(z, k_max)
    for k in range(k_max):
        if method == "exact":
            vector, value = exact_vectors[k], exact_values[k]
            steps, done, is_warm = 0, True, False
        else:
            start = starts[k]
            is_warm = start is not None and bool(np.any(start))
            if start is None or not is_warm:
                start = rng.random(m)
            vector, value, steps, done = _power_iterate(
                z, zt, start, components[:k], max_iter=max_iter, tol=tol
            )
        if not is_warm:
            vector = _orient(vector, k, matrix.statement_ids, reference)
        components[k] = vector
        eigenvalues[k] = value
        iterations.append(steps)
        converged.append(done)
        warm.append(is_warm)
    total = centred.total_sum_of_squares
    shares = eigenvalues / total if total > 0 else np.zeros(k_max)
    for array in (components, eigenvalues, shares):
        array.flags.writeable = False
    return PCAResult(
        statement_ids=matrix.statement_ids,
        components=components,
        eigenvalues=eigenvalues,
        explained_share=shares,
        n_iterations=tuple(iterations),
        is_converged=tuple(converged),
        is_warm=tuple(warm),
        method=method,
    )


def _deflate(
    vector: npt.NDArray[np.float64], found: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """P v with P = I − Σ v_l v_lᵀ over the components already found."""
    for component in found:
        vector = vector - component * (component @ vector)
    return vector


def _power_iterate(
    z: sp.csr_array,
    zt: sp.csr_array,
    start: npt.NDArray[np.float64],
    found: npt.NDArray[np.float64],
    *,
    max_iter: int,
    tol: float,
) -> tuple[npt.NDArray[np.float64], float, int, bool]:
    """One component: returns (v, λ, steps, converged); v = 0 when λ = 0."""
    vector = start.astype(np.float64)
    value = -1.0
    for step in range(1, max_iter + 1):
        product = _deflate(zt @ (z @ _deflate(vector, found)), found)
        new_value = float(np.linalg.norm(product))
        if new_value == 0.0:
            return np.zeros_like(vector), 0.0, step, True
        vector = product / new_value
        change = abs(new_value - value)
        value = new_value
        if change == 0.0 or (tol > 0 and change < tol * value):
            return vector, value, step, True
    return vector, value, max_iter, False


def _exact_components(
    z: sp.csr_array, k_max: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Top eigenvectors of the dense m × m ZᵀZ (tests and small m only)."""
    gram = (z.T @ z).toarray()
    values, vectors = np.linalg.eigh(gram)
    order = np.argsort(-values, kind="stable")[:k_max]
    top_values = np.clip(values[order], 0.0, None)
    top_vectors = vectors[:, order].T.copy()
    # Rounding leaves tiny eigenvalues for a rank-deficient ZᵀZ: treat as λ = 0.
    scale = max(float(values.max(initial=0.0)), 1.0)
    is_zero = top_values <= 1e-12 * scale
    top_values[is_zero] = 0.0
    top_vectors[is_zero] = 0.0
    return top_vectors, top_values


def _warm_starts(
    matrix: VoteMatrix, previous: PCAResult | None, k_max: int
) -> list[npt.NDArray[np.float64] | None]:
    """Previous components on the current columns, new columns padded with 1.0."""
    if previous is None:
        return [None] * k_max
    position = {int(t): j for j, t in enumerate(previous.statement_ids)}
    starts: list[npt.NDArray[np.float64] | None] = []
    for k in range(k_max):
        if k >= previous.n_components:
            starts.append(None)
            continue
        start = np.ones(matrix.n_statements)
        for j, statement in enumerate(matrix.statement_ids):
            old = position.get(int(statement))
            if old is not None:
                start[j] = previous.components[k, old]
        starts.append(start)
    return starts


def _orient(
    vector: npt.NDArray[np.float64],
    k: int,
    statement_ids: npt.NDArray[np.int64],
    reference: PCAResult | None,
) -> npt.NDArray[np.float64]:
    """Cold orientation: largest |entry| positive, then agree with `reference`."""
    if not np.any(vector):
        return vector
    if vector[int(np.argmax(np.abs(vector)))] < 0:
        vector = -vector
    if reference is not None and k < reference.n_components:
        shared, here, there = np.intersect1d(
            statement_ids, reference.statement_ids, return_indices=True
        )
        if shared.size and vector[here] @ reference.components[k, there] < 0:
            vector = -vector
    return vector
