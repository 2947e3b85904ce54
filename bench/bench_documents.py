"""A 公示 of 2,000 communities: fullemp's docxtpl rendering against a naive python-docx row-by-row build,
and LibreOffice's PDF conversion of the long table (one document, and per county in parallel).

    python bench/bench_documents.py [COMMUNITIES] [--no-pdf]

fullemp: the city 公示 from a summary workbook — template check, who is listed (summary.status), context,
sandboxed docxtpl rendering, atomic write — timed with and without reading the summary. The naive
alternative: python-docx's Document(), a table, then table.add_row() and row.cells[k].text = … for every
community (what one writes first; python-docx re-walks the whole table for each row's cells).
"""
from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from documents_data import OK, row, write  # noqa: E402
from fullemp_xl.documents import pdf  # noqa: E402
from fullemp_xl.demo.documents import write_profile  # noqa: E402
from fullemp_xl.documents.publish import Settings, make_notice  # noqa: E402
from fullemp_xl.summary.load import load_summary  # noqa: E402

COUNTIES = ["甘州区", "临泽县", "高台县", "山丹县", "民乐县", "肃南县", "东区", "西区"]
START = dt.date(2026, 12, 7)


def seconds(fn, n: int = 3) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def naive_docx(rows, path: Path) -> None:
    import docx

    doc = docx.Document()
    doc.add_heading("张掖市2026年度市级充分就业社区拟认定名单的公示", 0)
    doc.add_paragraph("现将拟认定的社区予以公示。")
    table = doc.add_table(rows=1, cols=6)
    for cell, text in zip(table.rows[0].cells, ["序号", "县（区）", "街道（乡镇）", "社区", "综合得分", "备注"]):
        cell.text = text
    for n, r in enumerate(rows, start=1):
        cells = table.add_row().cells
        for cell, text in zip(cells, [str(n), r.county, r.street, r.community, str(r.total), ""]):
            cell.text = text
    doc.save(str(path))


def main(argv: list[str]) -> None:
    count = int(next((a for a in argv if a.isdigit()), 2000))
    with_pdf = "--no-pdf" not in argv
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows = [row(COUNTIES[k % len(COUNTIES)], f"街道{k % 37:02d}", f"第{k:04d}社区", 90 + k % 10, decisions=OK)
                for k in range(count)]
        rows.sort(key=lambda r: COUNTIES.index(r.county))
        summary = write(tmp / "汇总表.xlsx", rows)
        write_profile(tmp / "发文机关.toml", "张掖市", COUNTIES, START)
        loaded = load_summary(summary)
        settings = Settings(force=True)
        load_s = seconds(lambda: load_summary(summary), 1)
        render_s = seconds(lambda: make_notice(summary, stage="city", start=START, out=tmp / "公示.docx",
                                               settings=settings, summary=loaded))
        whole_s = seconds(lambda: make_notice(summary, stage="city", start=START, out=tmp / "公示.docx", settings=settings), 1)
        naive_s = seconds(lambda: naive_docx(loaded.rows, tmp / "naive.docx"), 1)
        print(f"公示 of {count} communities (.docx):")
        print(f"  fullemp render (template check, selection, docxtpl, write) : {render_s:6.2f} s   (median of 3)")
        print(f"  fullemp including reading the summary workbook              : {whole_s:6.2f} s   (of which reading {load_s:.2f} s)")
        print(f"  naive python-docx, row by row                               : {naive_s:6.2f} s   "
              f"({naive_s / render_s:.1f}x the fullemp render)")
        if not with_pdf:
            return
        try:
            pdf.soffice()
        except pdf.PdfError as exc:
            print(f"PDF: skipped ({exc})")
            return
        one = seconds(lambda: pdf.convert([(tmp / "公示.docx", tmp / "公示.pdf")]), 1)
        pages = _pages(tmp / "公示.pdf")
        print(f"PDF through LibreOffice, the whole list in one document   : {one:6.1f} s   ({pages} pages)")
        make_notice(summary, stage="county", start=START, out=tmp / "县区", settings=settings, summary=loaded)
        pairs = [(p, p.with_suffix(".pdf")) for p in sorted((tmp / "县区").glob("*.docx"))]
        serial = seconds(lambda: pdf.convert(pairs, jobs=1), 1)
        parallel = seconds(lambda: pdf.convert(pairs, jobs=2), 1)
        print(f"PDF of the {len(pairs)} county 公示 (same communities), one LibreOffice start : {serial:6.1f} s")
        print(f"PDF of the {len(pairs)} county 公示, two starts side by side (own profile each): {parallel:6.1f} s")
        small_counties(tmp / "小")


def small_counties(tmp: Path) -> None:
    """What a county 公示 costs as PDF: every county's (a few communities each) in one command against one county's.
    LibreOffice's start dominates a short document, so the whole set in one start costs little more than one."""
    tmp.mkdir()
    rows = [row(c, "城关镇", f"{c}第{k}社区", 95, decisions=OK) for c in COUNTIES for k in range(5)]
    summary = write(tmp / "汇总表.xlsx", rows)
    write_profile(tmp / "发文机关.toml", "张掖市", COUNTIES, START)
    make_notice(summary, stage="county", start=START, out=tmp / "县区", settings=Settings(force=True))
    pairs = [(p, p.with_suffix(".pdf")) for p in sorted((tmp / "县区").glob("*.docx"))]
    one = seconds(lambda: pdf.convert(pairs[:1]), 1)
    every = seconds(lambda: pdf.convert(pairs), 1)
    print(f"PDF of all {len(pairs)} counties' 公示 (5 communities each), one command : {every:6.1f} s   "
          f"(one county's: {one:.1f} s; {every / one:.1f}x)")


def _pages(path: Path) -> int:
    import subprocess

    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(next((ln.split()[-1] for ln in out.splitlines() if ln.startswith("Pages")), "0"))


if __name__ == "__main__":
    main(sys.argv[1:])
