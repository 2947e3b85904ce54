"""How fast is scoring a filled 考评表, against the obvious alternatives, in the same run.

    python bench/bench_score.py [N]

Prints the median of N runs for:
  - fullemp: open the workbook safely (the one screening of every part, then the strict reader), read
    every field by defined name, validate, score both stages — in process, as `api.score_file`;
  - the screening alone (what every command pays before reading a workbook);
  - a plain openpyxl load of the same file (the floor any openpyxl-based tool pays);
  - a plain openpyxl cell loop that reads the same 68 base-data cells by fixed coordinate (what a
    hand-written script would do — without validation, scoring or robustness to inserted rows);
  - LibreOffice headless recalculating the workbook's own formulas (the way to get scores without
    our engine), for a batch of 20 files in one call, per file.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import good_values, make_assessment  # noqa: E402
from benchlib import median_ms  # noqa: E402
from fullemp_xl import api  # noqa: E402
from fullemp_xl.forms.book import OpenpyxlBook  # noqa: E402
from fullemp_xl.builder.build import build_assessment  # noqa: E402
from fullemp_xl.rules import load_ruleset  # noqa: E402
from fullemp_xl.screening.gate import check_workbook_file  # noqa: E402




def main(n: int = 20) -> None:
    rs = load_ruleset("zhangye-2023")
    work = Path(tempfile.mkdtemp(prefix="fe-bench-"))
    good = good_values()
    path = make_assessment(work / "k.xlsx", rs, {"self": good, "assessed": {**good, "ledgers_missing": 1}})
    cells = [c for c in OpenpyxlBook(openpyxl.load_workbook(path)).cells().items() if c[0].startswith(("fe_self_", "fe_assessed_"))]
    coords = [where for _, where in cells]

    def loop():
        wb = openpyxl.load_workbook(path)
        return [wb[s][c].value for s, c in coords]

    def cold():
        """Forget what earlier runs remembered (parts checked, workbook parts parsed, items compiled): one form,
        as a fresh process sees it."""
        from fullemp_xl.engine import scoring
        from fullemp_xl.forms import reader
        from fullemp_xl.screening import screen, xmlscan
        from fullemp_xl.xlsx import sheet, workbook

        for cache in (xmlscan._CHECKED, screen._SHEET_PARTS, workbook._WORKBOOKS, workbook._STYLES, workbook._RELS,
                      sheet._MERGES, scoring._FACTS, reader._FACT_NAMES):
            cache.clear()

    def score_cold():
        cold()
        return api.score_file(path)

    def screen_cold():
        cold()
        check_workbook_file(path)

    score_ms = median_ms(score_cold, n)
    open_ms = median_ms(lambda: openpyxl.load_workbook(path), n)
    rows = [
        ("build 考评表 template (in memory)", median_ms(lambda: build_assessment(rs), n)),
        ("fullemp score (screen+read+validate+score)", score_ms),
        ("  of which the screening", median_ms(screen_cold, n)),
        ("plain openpyxl load_workbook", open_ms),
        (f"plain openpyxl loop over {len(coords)} cells", median_ms(loop, n)),
    ]
    soffice = shutil.which("soffice")
    if soffice:
        from lo_oracle import recalculate

        batch = [work / f"b{k:02d}.xlsx" for k in range(20)]
        for p in batch:
            shutil.copyfile(path, p)
        start = time.perf_counter()
        recalculate(batch, work / "lo")
        rows.append(("LibreOffice recalculation, per file (batch of 20)", (time.perf_counter() - start) * 1000 / 20))
    else:
        rows.append(("LibreOffice recalculation", float("nan")))
    print(f"median of {n} runs, {path.stat().st_size / 1024:.0f} KiB workbook, {len(rs.items)} items x {len(rs.stages)} stages")
    for label, ms in rows:
        print(f"  {label:<52} {ms:8.1f} ms")
    print(f"  fullemp score / openpyxl load_workbook: {score_ms / open_ms:.2f} (issue 18: at most 0.25)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
