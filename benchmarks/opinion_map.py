"""Benchmark: the opinion map on 1,000,000 votes (opinion-map spec §7, issue 6).

Targets on a 2-core machine: a full cold recompute of spec §3 on 20,000
participants × 2,000 statements (~1,000,000 votes, three planted groups) in
≤ 10 s; an incremental update after 1,000 new votes in ≤ 1 s (analytics only);
and at least 5× faster than red-dwarf's `run_pipeline` on the same votes,
measured in the same run. Peak memory (tracemalloc and RSS) is printed at
0.5 M, 1 M and 2 M votes: it should grow with the votes, not with
participants × statements. ARI to the planted groups and k are printed for both.

Run: `.venv/bin/python benchmarks/opinion_map.py` (no Django, no database).
`--smoke` runs a small version in seconds (CI and a quick check); `--repeats`
sets the number of timed runs (median; default 3).
"""

from __future__ import annotations

import argparse
import os

# BLAS threads: the machine has two cores (spec §7); set before NumPy loads.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "2")

import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, TypeVar  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import adjusted_rand_score  # noqa: E402

from coproduce.analytics.opinion_map import (  # noqa: E402
    OpinionMap,
    OpinionMapParams,
    VoteLog,
)
from coproduce.analytics.opinion_map.synthetic import (  # noqa: E402
    SyntheticConversation,
    generate_conversation,
)

SEED = 2026
COLD_TARGET_S = 10.0
UPDATE_TARGET_S = 1.0
RATIO_TARGET = 5.0
T = TypeVar("T")


def timed(run: Callable[[], T], repeats: int) -> tuple[float, T]:
    """Median wall time of `repeats` runs (after a warm-up run), and the last result."""
    times = []
    result = run()
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def peak_memory(run: Callable[[], Any]) -> tuple[float, float]:
    """Peak Python allocations (tracemalloc, MiB) and the process's max RSS (MiB)."""
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20, rss_kib / 1024


def split_votes(votes: VoteLog, n_last: int) -> tuple[VoteLog, VoteLog]:
    """All but the last `n_last` events, and those events (the incremental batch)."""
    cut = votes.n_events - n_last

    def part(sl: slice) -> VoteLog:
        return VoteLog.from_arrays(
            participant_ids=votes.participant_ids[sl],
            statement_ids=votes.statement_ids[sl],
            values=votes.values[sl],
            cast_at=votes.cast_at[sl],
        )

    return part(slice(0, cut)), part(slice(cut, None))


def planted_ari(conversation: SyntheticConversation, labels: dict[int, int]) -> float:
    """Adjusted Rand index between planted and found groups (clustered people)."""
    ids = sorted(labels)
    if not ids:
        return float("nan")
    return float(
        adjusted_rand_score(
            [conversation.planted_group[i] for i in ids], [labels[i] for i in ids]
        )
    )


def ours(conversation: SyntheticConversation) -> Any:
    return OpinionMap(random_state=SEED).fit(
        conversation.votes,
        moderated_out=conversation.moderated_out,
        meta=conversation.meta,
    )


def red_dwarf(conversation: SyntheticConversation, keep: list[int]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from reddwarf.implementations.polis import run_pipeline

        votes = conversation.votes
        records = [
            {"participant_id": p, "statement_id": s, "vote": v, "modified": t}
            for p, s, v, t in zip(
                votes.participant_ids.tolist(),
                votes.statement_ids.tolist(),
                votes.values.tolist(),
                votes.cast_at.tolist(),
                strict=True,
            )
        ]
        return run_pipeline(
            votes=records,
            mod_out_statement_ids=sorted(conversation.moderated_out),
            meta_statement_ids=sorted(conversation.meta),
            keep_participant_ids=keep,
            random_state=SEED,
        )


def in_conv_groups(result: Any) -> dict[int, int]:
    """Participant → published group, for clustered in-conv participants."""
    return {
        p.participant_id: p.group
        for p in result.participants
        if p.is_in_conv and p.group is not None
    }


def red_dwarf_groups(result: Any) -> dict[int, int]:
    """Participant → red-dwarf's group label, for its clustered participants."""
    frame = result.participants_df
    labels = frame["cluster_id"].dropna()
    return {int(pid): int(label) for pid, label in labels.items()}


def scaled(
    preset: dict[str, Any], n_participants: int, n_statements: int
) -> dict[str, Any]:
    return {**preset, "n_participants": n_participants, "n_statements": n_statements}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="small sizes, seconds")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--skip-red-dwarf", action="store_true", help="leave out the reference run"
    )
    args = parser.parse_args()

    from coproduce.analytics.opinion_map.synthetic import PRESETS

    preset = PRESETS["benchmark"]
    if args.smoke:
        preset = scaled(preset, 2_000, 200)
    conversation = generate_conversation(**preset, random_state=SEED)
    votes = conversation.votes
    print(
        f"{preset['n_participants']:,} participants × {preset['n_statements']:,} "
        f"statements, {votes.n_events:,} votes, 3 planted groups; BLAS threads "
        f"{os.environ['OPENBLAS_NUM_THREADS']}; median of {args.repeats} runs"
    )

    cold_s, cold = timed(lambda: ours(conversation), args.repeats)
    ours_ari = planted_ari(conversation, in_conv_groups(cold))
    print(
        f"  cold recompute (§3):            {cold_s:7.2f} s  k = {cold.k}, "
        f"in-conv {cold.n_in_conv:,}, ARI to planted {ours_ari:.3f}"
    )

    earlier, batch = split_votes(votes, 1_000)
    base = OpinionMap(random_state=SEED).fit(
        earlier, moderated_out=conversation.moderated_out, meta=conversation.meta
    )
    update_s, _ = timed(
        lambda: OpinionMap(random_state=SEED).update(
            base.state,
            batch,
            moderated_out=conversation.moderated_out,
            meta=conversation.meta,
        ),
        args.repeats,
    )
    print(f"  incremental, 1,000 new votes:   {update_s:7.2f} s")

    exit_code = 0
    if not args.smoke:
        exit_code |= report("cold recompute", cold_s, COLD_TARGET_S)
        exit_code |= report("incremental update", update_s, UPDATE_TARGET_S)

    robust = OpinionMap(
        random_state=SEED, params=OpinionMapParams(cold_init="kmeans++")
    ).fit(votes, moderated_out=conversation.moderated_out, meta=conversation.meta)
    print(
        f"  (robust mode, k-means++ start: k = {robust.k}, ARI to planted "
        f"{planted_ari(conversation, in_conv_groups(robust)):.3f}; a cold start "
        "from the first distinct points, as Polis, can miss a group)"
    )

    print(
        "  peak memory of a cold recompute (tracemalloc / max RSS, before red-dwarf):"
    )
    sizes = (0.5, 1.0, 2.0) if not args.smoke else (0.5, 1.0)
    for factor in sizes:
        size = scaled(
            preset,
            int(preset["n_participants"] * factor),
            preset["n_statements"],
        )
        sized = generate_conversation(**size, random_state=SEED)
        traced, rss = peak_memory(lambda sized=sized: ours(sized))
        print(
            f"    {sized.votes.n_events:>10,} votes ({size['n_participants']:,} × "
            f"{size['n_statements']:,}): {traced:7.1f} MiB / {rss:7.1f} MiB"
        )

    if not args.skip_red_dwarf:
        keep = sorted(p.participant_id for p in cold.participants if p.is_in_conv)
        reference_s, reference = timed(lambda: red_dwarf(conversation, keep), 1)
        reference_ari = planted_ari(conversation, red_dwarf_groups(reference))
        ratio = reference_s / cold_s
        print(
            f"  red-dwarf run_pipeline:         {reference_s:7.2f} s  k = "
            f"{len(set(red_dwarf_groups(reference).values()))}, ARI to planted "
            f"{reference_ari:.3f}"
        )
        print(f"  ratio red-dwarf / ours: {ratio:.1f}×")
        if not args.smoke:
            met = ratio >= RATIO_TARGET
            print(
                f"Target ≥ {RATIO_TARGET:.0f}× red-dwarf: {'PASS' if met else 'MISS'}"
            )
            exit_code |= 0 if met else 1

    return exit_code


def report(what: str, seconds: float, target: float) -> int:
    met = seconds <= target
    print(
        f"Target {what} ≤ {target:.0f} s: {'PASS' if met else 'MISS'} ({seconds:.2f} s)"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
