"""The opinion-map benchmark's smoke run (spec §7: "CI runs a small smoke version").

Timings are not asserted here (benchmarks/README.md): this checks that the
script runs end to end, against red-dwarf too, and finds the planted groups.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_benchmark_smoke_run_finds_the_planted_groups() -> None:
    completed = subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [
            sys.executable,
            str(ROOT / "benchmarks" / "opinion_map.py"),
            "--smoke",
            "--repeats",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    output = completed.stdout
    cold = re.search(
        r"cold recompute \(§3\):\s+[\d.]+ s\s+k = (\d), .*ARI to planted ([\d.]+)",
        output,
    )
    assert cold is not None, output
    assert int(cold.group(1)) == 3
    assert float(cold.group(2)) >= 0.9
    assert "ratio red-dwarf / ours" in output
    assert "incremental, 1,000 new votes" in output
