"""The differential test of issue 18 at scale: N mutated 考评表 through score, validate, merge, score --write.

    python bench/bench_differential.py [N] [SEED] [WRITE_EVERY]

Prints the number of mutants, how many each command refused, the disagreements between commands and
the internal errors (both must be 0), and the time taken. tests/assess/test_differential.py runs 240.
"""
from __future__ import annotations

import collections
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import mutants as M  # noqa: E402


def main(n: int = 1500, seed: int = 18, write_every: int = 3) -> int:
    work = Path(tempfile.mkdtemp(prefix="fe-diff-"))
    start = time.perf_counter()
    base = M.build_base(work)
    found, kinds = M.run_all(M.mutants(base, n, seed=seed), work, write_every=write_every)
    elapsed = time.perf_counter() - start
    problems = M.disagreements(found)
    refused = collections.Counter(c for by in found.values() for c, v in by.items() if v.code == 2)
    internal = sum(1 for by in found.values() for v in by.values() if v.internal)
    print(f"{n} mutants (seed {seed}; score --write on every {write_every}th) in {elapsed:.0f} s")
    print("  refused: " + ", ".join(f"{c} {k}" for c, k in sorted(refused.items())))
    print(f"  disagreements: {len(problems)}   internal errors: {internal}")
    by_kind = collections.Counter(kinds[p.split(":")[0]][0].split(":")[0] for p in problems)
    for line in problems[:30]:
        print("   ", kinds[line.split(":")[0]], line[:300])
    if by_kind:
        print("  by kind:", dict(by_kind))
    shutil.rmtree(work, ignore_errors=True)
    return 1 if problems or internal else 0


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    sys.exit(main(*args))
