"""Filling a 考评表 from a 50,000-row real-name ledger, against a plain openpyxl cell-by-cell loop.

    python bench/bench_fill.py [ROWS]

fullemp: read the ledger (streamed, strict), check every row (ID check digit, duplicates, dates,
contradictions), count all 16 counts and 6 yes/no facts with their 计算说明, write them into the
考评表 and save it. The alternative: openpyxl.load_workbook + a loop over every cell of the ledger
computing the same 16 counts by hand-written conditions — no checks, no notes, no writing.
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from ledger_data import GROUPS, id_number  # noqa: E402
from fullemp_xl import api  # noqa: E402
from fullemp_xl.builder.build import build_assessment  # noqa: E402
from fullemp_xl.builder.lists import FIRST_DATA_ROW, build_ledger  # noqa: E402
from fullemp_xl.rules import load_ruleset  # noqa: E402


def write_big_ledger(path: Path, ruleset, rows: int) -> None:
    """A write-only ledger of `rows` persons drawn from the test groups (valid, distinct ID numbers)."""
    template = build_ledger(ruleset)
    order = [c.id for c in ruleset.ledger.columns]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    src = template["台账"]
    for r in range(1, FIRST_DATA_ROW):
        ws.append([src.cell(r, c).value for c in range(1, len(order) + 1)])
    rng = random.Random(7)
    weights = [count for count, _ in GROUPS]
    for n in range(rows):
        _, attrs = rng.choices(GROUPS, weights)[0]
        person = {"name": f"示例{n}", "id_number": id_number(n, region=f"{620000 + n // 1000:06d}"), **attrs}
        ws.append(["是" if person.get(c) is True else (None if person.get(c) is False else person.get(c)) for c in order])
    wb.save(path)


def plain_openpyxl(path: Path, ruleset) -> dict:
    wb = openpyxl.load_workbook(path)
    ws = wb["台账"]
    cols = {c.id: k for k, c in enumerate(ruleset.ledger.columns)}
    counts = dict.fromkeys(["unregistered", "willing", "hardship", "disabled", "retired"], 0)
    for row in ws.iter_rows(min_row=FIRST_DATA_ROW):
        cell = lambda c: row[cols[c]].value  # noqa: E731
        counts["unregistered"] += cell("unregistered") == "是"
        counts["willing"] += cell("registered_unemployed") == "是" and cell("willing_able") == "是"
        counts["hardship"] += cell("hardship") == "是"
        counts["disabled"] += cell("disabled") == "是"
        counts["retired"] += cell("retired") == "是"
    return counts


def main(rows: int = 50_000) -> None:
    rs = load_ruleset("zhangye-2023")
    work = Path(tempfile.mkdtemp(prefix="fe-bench-fill-"))
    ledger = work / "台账.xlsx"
    start = time.perf_counter()
    write_big_ledger(ledger, rs, rows)
    print(f"ledger of {rows} rows written in {time.perf_counter() - start:.1f} s ({ledger.stat().st_size / 1048576:.1f} MiB)")
    form = work / "考评表.xlsx"
    build_assessment(rs).save(form)

    def ours():
        return api.fill_file(form, ledger, out=work / "filled.xlsx", force=True)[0]  # re-runs replace the output

    def plain():
        return plain_openpyxl(ledger, rs)

    rows_out = []
    for label, fn in (("fullemp fill (strict read, checks, 22 values, notes, save)", ours),
                      ("plain openpyxl cell loop (5 counts, nothing else)", plain)):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        tracemalloc.start()  # a separate run: tracing slows Python down several times
        fn()
        peak = tracemalloc.get_traced_memory()[1] / 1048576
        tracemalloc.stop()
        rows_out.append((label, min(times), peak, result))
    errors = sum(f.severity == "error" for f in rows_out[0][3].findings)
    print(f"best of 3 runs; peak Python memory from a separate traced run; {errors} ledger errors")
    for label, best, peak, _ in rows_out:
        print(f"  {label:<58} {best:6.2f} s   peak {peak:5.0f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
