"""`fill --registry` for a city of 10,000 communities, against building every form with openpyxl.

    python bench/bench_registry.py [COMMUNITIES] [SAMPLE]

fullemp: read the registry, build each form once, stamp the identity cells per community, write
all 2 × COMMUNITIES files (all or nothing); then the same command again over the finished folder.
The alternative — what fill --registry did before — builds and saves both forms with openpyxl for
every community; it is timed on SAMPLE communities and scaled up (running it on all of them takes
about half an hour), and said so in the output.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from fullemp_xl import api  # noqa: E402
from fullemp_xl.forms import names  # noqa: E402
from fullemp_xl.forms.book import OpenpyxlBook  # noqa: E402
from fullemp_xl.builder.build import build_assessment  # noqa: E402
from fullemp_xl.builder.declaration import build_declaration
from fullemp_xl.builder.lists import FIRST_DATA_ROW, build_registry  # noqa: E402
from fullemp_xl.forms.fill import fill_form  # noqa: E402
from fullemp_xl.rules import load_ruleset  # noqa: E402

COUNTIES = ["甘州区", "临泽县", "高台县", "山丹县", "民乐县", "肃南裕固族自治县"]


def write_registry(path: Path, ruleset, n: int) -> None:
    template = build_registry(ruleset)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("社区名册")
    src = template["社区名册"]
    for r in range(1, FIRST_DATA_ROW):
        ws.append([src.cell(r, c).value for c in range(1, 9)])
    for k in range(n):
        county = COUNTIES[k % len(COUNTIES)]
        title, year = ("市级充分就业社区", 2022) if k % 7 == 0 else ("无", None)
        ws.append([county, f"第{k // 40 + 1}街道", f"幸福{k}社区", f"C{k:05d}", title, year, "否", "否"])
    wb.save(path)


def old_way(ruleset, out: Path, n: int) -> None:
    """Build, fill and save both forms with openpyxl, community by community (the earlier implementation)."""
    out.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        values = {names.COUNTY: COUNTIES[k % len(COUNTIES)], names.STREET: f"第{k // 40 + 1}街道",
                  names.COMMUNITY: f"幸福{k}社区", names.PRIOR_TITLE: "无", names.PRIOR_YEAR: None}
        for form, build in (("申报表", build_declaration), ("考评表", build_assessment)):
            book = OpenpyxlBook(build(ruleset), "")
            fill_form(book, values)
            book.wb.save(out / f"{k}-{form}.xlsx")


def main(n: int = 10_000, sample: int = 50) -> None:
    rs = load_ruleset("zhangye-2023")
    work = Path(tempfile.mkdtemp(prefix="fe-bench-registry-"))
    registry = work / "社区名册.xlsx"
    write_registry(registry, rs, n)
    print(f"registry of {n} communities; {os.cpu_count()} CPU(s); files go to {work}")
    out = work / "分发"
    start = time.perf_counter()
    first = api.distribute(registry, out, rules=rs.id)
    t_first = time.perf_counter() - start
    start = time.perf_counter()
    again = api.distribute(registry, out, rules=rs.id)
    t_again = time.perf_counter() - start
    start = time.perf_counter()
    old_way(rs, work / "old", sample)
    t_old = (time.perf_counter() - start) / sample * n
    size = sum(p.stat().st_size for p in out.rglob("*.xlsx")) / 1048576
    print(f"  fullemp fill --registry, first run     {t_first:7.1f} s   {len(first.written)} files written ({size:.0f} MiB)")
    print(f"  fullemp fill --registry, run again     {t_again:7.1f} s   {len(again.unchanged)} files unchanged, "
          f"{len(again.written)} written")
    print(f"  openpyxl build + save per community    {t_old:7.1f} s   (timed on {sample} communities, scaled to {n})")
    print(f"  speed-up, first run: {t_old / t_first:.0f}x")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
