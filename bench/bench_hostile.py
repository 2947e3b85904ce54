"""Peak memory and time of every command on the hostile-input corpus (tests/hostile.py), against
openpyxl.load_workbook alone on the files that hurt it most.

    python bench/bench_hostile.py

Each kind runs in its own child process (all the commands that read it, one after another, through
fullemp's entry point), with a 4 GiB address-space limit; the figure is the child's peak resident
memory. The alternative loads the same file with plain openpyxl under a 2 GiB limit and a time limit.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hostile import KINDS, commands, make_base, many_cells, rewrite, run_limited  # noqa: E402
from lo_oracle import soffice_path  # noqa: E402

ALTERNATIVE = """
import resource, sys, time, warnings
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
warnings.simplefilter("ignore")
import openpyxl
start = time.perf_counter()
try:
    openpyxl.load_workbook(sys.argv[1])
    outcome = "loaded"
except MemoryError:
    outcome = "MemoryError"
except Exception as exc:
    outcome = type(exc).__name__
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) / 1024
print(outcome, time.perf_counter() - start, peak)
"""


def plain_openpyxl(path: Path, timeout: float = 120) -> str:
    try:
        proc = subprocess.run([sys.executable, "-c", ALTERNATIVE, str(path)], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"still running after {timeout:.0f} s"
    outcome, seconds, peak = proc.stdout.split()
    return f"{outcome} after {float(seconds):.1f} s, peak {float(peak):.0f} MiB"


def big_workbook(base, folder: Path) -> Path:
    """About 24 MB on disk, 7 million cells: inside the file-size, unpacked-size and ratio limits."""
    sheet = many_cells(7_000_000)
    return rewrite(base.plain, folder / "7M-cells.xlsx", change=lambda n, d: sheet if n.startswith("xl/worksheets/") else d)


def main() -> None:
    from fullemp_xl.cli import cli

    work = Path(tempfile.mkdtemp(prefix="fe-bench-hostile-"))
    base = make_base(work / "base")
    available = set(cli.list_commands(None))
    print("kind                        commands  exit codes        peak MiB   seconds")
    rows = []
    clean = type("Clean", (), {"role": "any", "name": "clean-form"})
    for kind in (clean, *KINDS):
        if getattr(kind, "soffice", False) and soffice_path() is None:
            continue
        folder = work / kind.name
        folder.mkdir()
        x = base.form if kind is clean else kind.build(base, folder / f"{kind.name}{'.toml' if kind.role == 'rules' else '.xlsx'}")
        cmds = commands(kind, x, base, folder / "out", available)
        start = time.perf_counter()
        results = run_limited(list(cmds.values()), 4096)
        seconds = time.perf_counter() - start
        peak = max(r["peak_mib"] for r in results)
        codes = ",".join(str(r["code"]) for r in results)
        rows.append((kind.name, peak))
        print(f"{kind.name:<28}{len(cmds):>8}  {codes:<16}{peak:>10.0f}{seconds:>10.1f}")
    worst = max(rows, key=lambda r: r[1])
    print(f"\nhighest peak: {worst[1]:.0f} MiB ({worst[0]}); clean form: {rows[0][1]:.0f} MiB "
          "(a child process with fullemp imported, all commands of the kind run in it)")

    print("\nthe same files with plain openpyxl.load_workbook (2 GiB limit):")
    big = big_workbook(base, work)
    start = time.perf_counter()
    result = run_limited([["validate", str(big)]], 4096)[0]
    print(f"  {big.name} ({big.stat().st_size / 1048576:.0f} MB): fullemp validate exit {result['code']} in "
          f"{time.perf_counter() - start:.1f} s (child process included), peak {result['peak_mib']:.0f} MiB")
    print(f"  {big.name}: openpyxl {plain_openpyxl(big)}")
    for name in ("merge-bomb", "hyperlink-bomb", "too-many-cells"):
        print(f"  {name}: openpyxl {plain_openpyxl(work / name / f'{name}.xlsx')}")


if __name__ == "__main__":
    main()
