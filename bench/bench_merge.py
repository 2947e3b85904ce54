"""How fast `fullemp merge` reads submissions, against the obvious alternatives in the same run.

    pip install -e '.[bench]'
    python bench/bench_merge.py                 # 2,000 files, then 20,000 for the memory comparison
    python bench/bench_merge.py --files 500 --no-memory

The corpus (bench/corpus.py): filled 考评表 across six counties, 10% with rows inserted in both sheets,
text in some number cells ("12人", "１２", "九十"), 1% damaged (cut off, broken sheet XML, not a
workbook, old .xls). Every reader reads the same cells: the ones the forms' defined names point at.

  fullemp merge        the command as a user runs it (discover, read, validate, score, summary workbook)
  openpyxl             load_workbook per file, read the named cells              (one process, sampled)
  openpyxl read-only   load_workbook(read_only=True), iterate the sheets          (one process, sampled)
  pandas               read_excel(sheet_name=None) per file                       (one process, sampled)
  python-calamine      the Rust reader, sheets to Python lists                    (one process)
  floor                zip + lxml parse of workbook.xml and the sheets, the named cells' raw text, no checks
                       (one process, and --jobs processes)

Peak memory is the whole process tree (the merge's parent and its workers), sampled from /proc.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

from corpus import write_corpus  # noqa: E402


def good() -> dict:
    import tomllib

    return dict(tomllib.loads((ROOT / "fullemp_xl" / "samples" / "demo.toml").read_text(encoding="utf-8"))["base"])


# ---------------------------------------------------------------- memory of a process tree
def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(x) for x in fh.read().split()]
    except OSError:
        pass
    return out


def tree_peak(proc: subprocess.Popen) -> tuple[int, int]:
    """(peak of the whole tree, peak of the parent alone), KiB, sampled every 20 ms until it exits."""
    peak = parent = 0
    while proc.poll() is None:
        pids, seen = [proc.pid], []
        while pids:
            pid = pids.pop()
            seen.append(pid)
            pids += _children(pid)
        total = sum(_rss_kib(p) for p in seen)
        peak, parent = max(peak, total), max(parent, _rss_kib(proc.pid))
        time.sleep(0.02)
    return peak, parent


def run_merge(folder: Path, out: Path, jobs: int) -> tuple[float, int, int, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "fullemp_xl", "merge", str(folder), "-o", str(out), "--quiet",
                             "--jobs", str(jobs)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    box = {}
    t = threading.Thread(target=lambda: box.update(out=proc.communicate()))
    t.start()
    peak, parent = tree_peak(proc)
    t.join()
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"merge failed: {box['out'][1].decode()}")
    return elapsed, peak, parent, box["out"][0].decode()


# ---------------------------------------------------------------- the alternatives
def named_cells(path: Path) -> dict[str, tuple[str, str]]:
    from fullemp_xl.xlsx import open_book

    return {n: w for n, w in open_book(path).cells().items() if w}


def openpyxl_loop(files: list[Path]) -> int:
    import openpyxl

    n = 0
    for path in files:
        try:
            wb = openpyxl.load_workbook(path)
        except Exception:
            continue
        for name, dn in wb.defined_names.items():
            for sheet, ref in dn.destinations:
                if ":" not in ref:
                    wb[sheet][ref.replace("$", "")].value
                    n += 1
    return n


def openpyxl_readonly_loop(files: list[Path]) -> int:
    import openpyxl

    n = 0
    for path in files:
        try:
            wb = openpyxl.load_workbook(path, read_only=True)
            wanted = {}
            for name, dn in wb.defined_names.items():
                for sheet, ref in dn.destinations:
                    wanted.setdefault(sheet, set()).add(ref.replace("$", ""))
            for sheet, refs in wanted.items():
                for row in wb[sheet].iter_rows():
                    for c in row:
                        if getattr(c, "coordinate", None) in refs:
                            n += 1
            wb.close()
        except Exception:  # a damaged file: skipped, as the merge quarantines it
            continue
    return n


def pandas_loop(files: list[Path]) -> int:
    import pandas as pd

    n = 0
    for path in files:
        try:
            frames = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
        except Exception:
            continue
        n += sum(f.size for f in frames.values())
    return n


def calamine_loop(files: list[Path]) -> int:
    from python_calamine import CalamineWorkbook

    n = 0
    for path in files:
        try:
            wb = CalamineWorkbook.from_path(str(path))
            for name in wb.sheet_names:
                n += len(wb.get_sheet_by_name(name).to_python())
        except Exception:
            continue
    return n


def floor_one(path: str) -> int:
    """zip + lxml: the named cells' raw text, nothing checked, nothing converted."""
    from lxml import etree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    try:
        with zipfile.ZipFile(path) as zf:
            wb = etree.fromstring(zf.read("xl/workbook.xml"))
            sheets = [s.get("name") for s in wb.iter(main + "sheet")]
            wanted: dict[str, set[str]] = {}
            for dn in wb.iter(main + "definedName"):
                text = dn.text or ""
                if "!" in text:
                    sheet, ref = text.rsplit("!", 1)
                    wanted.setdefault(sheet.strip("'"), set()).add(ref.replace("$", ""))
            if "xl/sharedStrings.xml" in zf.namelist():
                etree.fromstring(zf.read("xl/sharedStrings.xml"))
            n = 0
            for k, sheet in enumerate(sheets, start=1):
                refs = wanted.get(sheet)
                if not refs:
                    continue
                root = etree.fromstring(zf.read(f"xl/worksheets/sheet{k}.xml"))
                for c in root.iter(main + "c"):
                    if c.get("r") in refs:
                        c.findtext(main + "v")
                        n += 1
            return n
    except Exception:
        return 0


def floor_loop(files: list[Path]) -> int:
    return sum(floor_one(str(p)) for p in files)


def floor_parallel(files: list[Path], jobs: int) -> int:
    with mp.get_context("spawn").Pool(jobs) as pool:
        return sum(pool.map(floor_one, [str(p) for p in files], chunksize=32))


def rate(fn, files: list[Path], *args) -> float:
    start = time.perf_counter()
    fn(files, *args)
    return len(files) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--big", type=int, default=20000, help="corpus size for the memory comparison")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sample", type=int, default=200, help="files the slow readers are timed on")
    parser.add_argument("--no-memory", action="store_true", help="skip the large corpus")
    args = parser.parse_args()

    from fullemp_xl.rules import load_ruleset

    rs = load_ruleset("zhangye-2023")
    work = Path(tempfile.mkdtemp(prefix="fullemp-bench-merge-"))
    try:
        t = time.perf_counter()
        written = write_corpus(rs, good(), work / "small", args.files)
        print(f"语料：{args.files} 份考评表（{sum(1 for _, s in written if s.damage)} 份损坏，"
              f"{sum(1 for _, s in written if s.base == 'inserted')} 份插入了行），生成用时 {time.perf_counter() - t:.1f} 秒")
        files = [p for p, _ in written]
        folder = work / "small" / "提交"
        run_merge(folder, work / "warm.xlsx", args.jobs)  # warm the disk cache and the interpreter
        elapsed, peak, parent, _ = run_merge(folder, work / "s.xlsx", args.jobs)
        merge_rate = len(files) / elapsed
        sample = files[: args.sample]
        rows = [(f"fullemp merge（{args.jobs} 个进程，含校验、打分、写汇总表）", merge_rate, f"峰值内存 {peak / 1024:.0f} MiB")]
        results = {}
        for label, fn, extra, subset in (
                ("openpyxl 完整加载（1 个进程）", openpyxl_loop, (), sample),
                ("openpyxl 只读模式（1 个进程）", openpyxl_readonly_loop, (), sample),
                ("pandas read_excel（1 个进程）", pandas_loop, (), sample),
                ("python-calamine（1 个进程）", calamine_loop, (), files),
                ("下限：zip + lxml，只取同样的单元格（1 个进程）", floor_loop, (), files),
                (f"下限：zip + lxml（{args.jobs} 个进程）", floor_parallel, (args.jobs,), files)):
            try:
                results[label] = rate(fn, subset, *extra)
                note = f"（计时 {len(subset)} 份）" if subset is not files else ""
                rows.append((label, results[label], note))
            except ImportError as exc:
                rows.append((label, 0.0, f"未安装：{exc.name}（pip install -e '.[bench]'）"))
        print(f"\n读取速度（份/秒，{len(files)} 份，本机 {os.cpu_count()} 核）：")
        for label, value, note in rows:
            print(f"  {label:<44} {value:8.0f} {note}")
        openpyxl_rate = results.get("openpyxl 完整加载（1 个进程）")
        floor = results.get(f"下限：zip + lxml（{args.jobs} 个进程）")
        if openpyxl_rate:
            print(f"  fullemp merge ÷ openpyxl 完整加载 = {merge_rate / openpyxl_rate:.1f} 倍")
        if floor:
            print(f"  下限 ÷ fullemp merge = {floor / merge_rate:.2f}（目标：不超过 2）")
        if not args.no_memory:
            t = time.perf_counter()
            write_corpus(rs, good(), work / "big", args.big)
            print(f"\n大语料：{args.big} 份，生成用时 {time.perf_counter() - t:.0f} 秒")
            big_elapsed, big_peak, big_parent, _ = run_merge(work / "big" / "提交", work / "b.xlsx", args.jobs)
            print(f"  {len(files)} 份：{elapsed:.1f} 秒，峰值内存（含工作进程）{peak / 1024:.0f} MiB，主进程 {parent / 1024:.0f} MiB")
            print(f"  {args.big} 份：{big_elapsed:.1f} 秒（{args.big / big_elapsed:.0f} 份/秒），峰值内存（含工作进程）"
                  f"{big_peak / 1024:.0f} MiB，主进程 {big_parent / 1024:.0f} MiB")
            print(f"  峰值内存之比 {big_peak / peak:.2f}（目标：不超过 1.2）")
            per_100k = 100_000 / (args.big / big_elapsed)
            print(f"  按此速度，全国 10 万个城市社区在这台电脑上约需 {per_100k / 60:.1f} 分钟")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
