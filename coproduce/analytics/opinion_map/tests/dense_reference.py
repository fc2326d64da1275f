"""A plain dense NumPy reading of spec §3.1–§3.4, for comparison with the sparse code.

Missing votes are NaN. Written straight from the spec's formulas, with loops
where that reads more plainly; only for small matrices.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Dense = npt.NDArray[np.float64]


def dense_centre(
    raw: Dense, moderated_out: npt.NDArray[np.bool_]
) -> tuple[Dense, Dense]:
    """(c, Z) of §3.2 from a dense raw matrix with NaN for missing."""
    r = raw.copy()
    r[:, moderated_out] = 0.0  # missing cells included
    c = np.array([np.mean(col[~np.isnan(col)]) for col in r.T])
    filled = np.where(np.isnan(r), c[None, :], r)
    return c, filled - c[None, :]


def dense_power(
    z: Dense, starts: list[Dense], *, max_iter: int = 100, tol: float = 1e-10
) -> tuple[Dense, Dense]:
    """Power iteration with deflation of every row, as Polis does (§3.3)."""
    found: list[Dense] = []
    values: list[float] = []
    work = z.copy()
    for start in starts:
        v = start.copy()
        value = -1.0
        for _ in range(max_iter):
            u = work.T @ (work @ v)
            new_value = float(np.linalg.norm(u))
            if new_value == 0:
                v, value = np.zeros_like(v), 0.0
                break
            v = u / new_value
            change = abs(new_value - value)
            value = new_value
            if change == 0 or change < tol * value:
                break
        found.append(v)
        values.append(value)
        # Deflate the data: remove each row's component along v.
        work = work - np.outer(work @ v, v)
    return np.array(found), np.array(values)


def dense_orient(components: Dense) -> Dense:
    """Largest-magnitude entry positive, ties to the lowest column."""
    out = components.copy()
    for k, v in enumerate(out):
        if np.any(v) and v[int(np.argmax(np.abs(v)))] < 0:
            out[k] = -v
    return out


def dense_project(
    raw: Dense, moderated_out: npt.NDArray[np.bool_], z: Dense, c: Dense, pcs: Dense
) -> tuple[Dense, Dense, Dense]:
    """(participant xy, statement xy, extremity) of §3.4."""
    n, m = raw.shape
    seen = (~np.isnan(raw)) & ~moderated_out[None, :]
    s = seen.sum(axis=1) + moderated_out.sum()
    p = np.zeros((n, pcs.shape[0]))
    for i in range(n):
        p[i] = np.sqrt(m / max(s[i], 1)) * (pcs @ z[i])
    q = np.sqrt(m) * (1 - c)[:, None] * pcs.T
    q[moderated_out] = 0.0
    return p, q, np.linalg.norm(q, axis=1)
