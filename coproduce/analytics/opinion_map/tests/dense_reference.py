"""A plain dense NumPy reading of spec §3.1–§3.4 (and a pure-Python one of
§3.8–§3.11), for comparison with the sparse code.

Missing votes are NaN. Written straight from the spec's formulas, with loops
where that reads more plainly; only for small matrices.
"""

from __future__ import annotations

import math
import struct

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


# §3.8–§3.11, in plain Python on a table of votes (None = not seen), following
# the spec's walk statement by statement. Arithmetic is written in the same
# order as the vectorised code, so values agree bit for bit and ties break alike.

Table = list[list[int | None]]


def _float32(x: float) -> float:
    return float(struct.unpack("f", struct.pack("f", x))[0])


def dense_tallies(
    table: Table, labels: list[int]
) -> dict[int, tuple[list[int], list[int], list[int]]]:
    """{group: (A, D, S)} per column; label −1 rows are not counted."""
    m = len(table[0]) if table else 0
    out: dict[int, tuple[list[int], list[int], list[int]]] = {}
    for row, label in zip(table, labels, strict=True):
        if label < 0:
            continue
        a, d, s = out.setdefault(label, ([0] * m, [0] * m, [0] * m))
        for j, value in enumerate(row):
            if value is None:
                continue
            s[j] += 1
            a[j] += value == 1
            d[j] += value == -1
    return dict(sorted(out.items()))


def _prop_test(success: int, trials: int) -> float:
    n = trials + 1.0
    return 2.0 * math.sqrt(n) * ((success + 1.0) / n - 0.5)


def _two_prop_test(s_in: int, s_out: int, n_in: int, n_out: int) -> float:
    a1, a2, n1, n2 = s_in + 1.0, s_out + 1.0, n_in + 1.0, n_out + 1.0
    pooled = (a1 + a2) / (n1 + n2)
    if pooled == 1.0:
        return 0.0
    return (a1 / n1 - a2 / n2) / math.sqrt(
        pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)
    )


def dense_repness(
    tallies: dict[int, tuple[list[int], list[int], list[int]]],
    statement_ids: list[int],
    moderated_out: list[bool],
    *,
    z_star: float = 1.2816,
    pick: int = 5,
    fallback_requires_votes: bool = False,
) -> dict[int, list[dict[str, object]]]:
    """Representative statements per group, walking columns one by one (§3.9)."""
    result: dict[int, list[dict[str, object]]] = {}
    m = len(statement_ids)
    for g, (ga, gd, gs) in tallies.items():
        rest = [t for h, t in tallies.items() if h != g]
        stats = []
        for j in range(m):
            na, nd, ns = ga[j], gd[j], gs[j]
            na_o = sum(t[0][j] for t in rest)
            nd_o = sum(t[1][j] for t in rest)
            ns_o = sum(t[2][j] for t in rest)
            pa, pd = (na + 1.0) / (ns + 2.0), (nd + 1.0) / (ns + 2.0)
            stats.append(
                {
                    "j": j, "na": na, "nd": nd, "ns": ns, "pa": pa, "pd": pd,
                    "pat": _prop_test(na, ns), "pdt": _prop_test(nd, ns),
                    "ra": pa / ((na_o + 1.0) / (ns_o + 2.0)),
                    "rd": pd / ((nd_o + 1.0) / (ns_o + 2.0)),
                    "rat": _two_prop_test(na, na_o, ns, ns_o),
                    "rdt": _two_prop_test(nd, nd_o, ns, ns_o),
                }
            )  # fmt: skip

        def finalise(st: dict[str, float]) -> dict[str, object]:
            agree = st["rat"] > st["rdt"]
            k = "a" if agree else "d"
            test = st[f"r{k}t"]
            return {
                "statement_id": statement_ids[int(st["j"])],
                "direction": "agree" if agree else "disagree",
                "n_success": int(st[f"n{k}"]),
                "n_trials": int(st["ns"]),
                "p_success": st[f"p{k}"],
                "p_test": st[f"p{k}t"],
                "repness": st[f"r{k}"],
                "repness_test": test,
                "metric": st[f"r{k}"] * _float32(test) * st[f"p{k}"] * st[f"p{k}t"],
                "is_best_agree": False,
                "n_agree": None,
            }

        sufficient: list[dict[str, object]] = []
        best: dict[str, float] | None = None
        best_agree: dict[str, float] | None = None
        for st in stats:
            if moderated_out[int(st["j"])]:
                continue
            if (st["rat"] > z_star and st["pat"] > z_star) or (
                st["rdt"] > z_star and st["pdt"] > z_star
            ):
                sufficient.append(finalise(st))
            voted = st["na"] > 0 or st["nd"] > 0
            # Polis compares with the best's stored, float32 repness-test.
            if (
                not sufficient
                and (voted or not fallback_requires_votes)
                and (
                    best is None
                    or max(st["rat"], st["rdt"])
                    > _float32(max(best["rat"], best["rdt"]))
                )
            ):
                best = st
            if not voted:
                continue
            if best_agree is not None and best_agree["ra"] > 1.0:
                beats = (
                    st["ra"] * st["rat"] * st["pa"] * st["pat"]
                    > best_agree["ra"] * best_agree["rat"] * best_agree["pa"]
                    * best_agree["pat"]
                )  # fmt: skip
            elif best_agree is not None:
                beats = st["pa"] * st["pat"] > best_agree["pa"] * best_agree["pat"]
            else:
                beats = st["pat"] > z_star or (st["ra"] > 1.0 and st["pa"] > 0.5)
            if beats:
                best_agree = st
        head: list[dict[str, object]] = []
        if best_agree is not None:
            entry = finalise(best_agree)
            entry["is_best_agree"] = True
            entry["n_agree"] = int(best_agree["na"])
            head = [entry]
        if not sufficient:
            result[g] = head or ([finalise(best)] if best is not None else [])
            continue
        rest_list = [
            e
            for e in sufficient
            if not head or e["statement_id"] != head[0]["statement_id"]
        ]
        rest_list.sort(key=lambda e: -float(e["metric"]))  # type: ignore[arg-type]
        chosen = (head + rest_list)[:pick]
        result[g] = [e for e in chosen if e["direction"] == "agree"] + [
            e for e in chosen if e["direction"] == "disagree"
        ]
    return result


def dense_consensus(
    table: Table,
    statement_ids: list[int],
    moderated_out: list[bool],
    *,
    z_star: float = 1.2816,
    pick: int = 5,
) -> tuple[list[int], list[int]]:
    """(agree ids, disagree ids) of §3.10 over every row."""
    everyone = dense_tallies(table, [0] * len(table))[0]
    a, d, s = everyone
    sides = []
    for counts in (a, d):
        rows = []
        for j in range(len(statement_ids)):
            p = (counts[j] + 1.0) / (s[j] + 2.0)
            test = _prop_test(counts[j], s[j])
            if not moderated_out[j] and p > 0.5 and test > z_star:
                rows.append((-(p * test), j))
        rows.sort(key=lambda r: r[0])  # stable: ties keep column order
        sides.append([statement_ids[j] for _, j in rows[:pick]])
    return sides[0], sides[1]


def dense_gic(
    tallies: dict[int, tuple[list[int], list[int], list[int]]], m: int
) -> tuple[list[float], list[float]]:
    """(agree, disagree) group-informed consensus of §3.11."""
    agree, disagree = [1.0] * m, [1.0] * m
    for a, d, s in tallies.values():
        for j in range(m):
            agree[j] *= (a[j] + 1.0) / (s[j] + 2.0)
            disagree[j] *= (d[j] + 1.0) / (s[j] + 2.0)
    return agree, disagree
