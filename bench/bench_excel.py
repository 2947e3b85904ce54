"""Does a click feel instant? Import time of the Excel modules and Python time of one 打分 / 校验.

    python bench/bench_excel.py [N]

- import of fullemp_xl.excel.handlers and fullemp_xl.excel.udfs, each in a fresh interpreter
  (median of N), against the interpreter alone and `import openpyxl` (what the handlers avoid);
- one 打分 and one 校验 on a filled 考评表 through xlwings' remote engine (the book object already
  built, as Excel hands it over), against the command-line path (open the file with openpyxl + score);
- building fullemp.xlam (what `fullemp addin install` does once), and our MS-OVBA compressor on the
  xlwings runtime module against zlib (C) on the same bytes, for scale.
"""
from __future__ import annotations

import copy
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import good_values, make_assessment  # noqa: E402
from benchlib import median_ms  # noqa: E402
from fullemp_xl import api  # noqa: E402
from fullemp_xl.excel import handlers  # noqa: E402
from fullemp_xl.rules import load_ruleset  # noqa: E402
from xl_remote import payload  # noqa: E402


def import_ms(module: str, n: int, after: str = "") -> float:
    """Median import time in fresh interpreters; `after`: a module already imported (not timed)."""
    pre = f"import {after}; " if after else ""
    code = f"{pre}import time; t=time.perf_counter(); import {module}; print((time.perf_counter()-t)*1000)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env).stdout) for _ in range(n)]
    return statistics.median(runs)




def main(n: int = 15) -> None:
    import xlwings as xw

    for module in ("fullemp_xl.excel.handlers", "fullemp_xl.excel.udfs", "xlwings", "openpyxl"):
        print(f"  import {module:<44} {import_ms(module, n):7.1f} ms (median of {n} fresh interpreters)")
    for module in ("fullemp_xl.excel.handlers", "fullemp_xl.excel.udfs"):
        label = f"{module} (xlwings already loaded)"
        print(f"  import {label:<44} {import_ms(module, n, after='xlwings'):7.1f} ms — as RunPython / the UDF server run it")
    rs = load_ruleset("zhangye-2023")
    good = good_values()
    form = make_assessment(Path(tempfile.mkdtemp()) / "k.xlsx", rs,
                           {"self": {**good, "qualified_staff": "九十"}, "assessed": {**good, "ledgers_missing": 1}})
    request = payload(form)
    handlers._alert = lambda book, text: text  # no message box in a benchmark
    for label, handler in (("打分 (score_book)", handlers.score_book), ("校验 (validate_book)", handlers.validate_book)):
        books = [xw.Book(json=copy.deepcopy(request)) for _ in range(n)]
        it = iter(books)
        print(f"  {label:<51} {median_ms(lambda: handler(next(it)), n):7.1f} ms Python time")
    print(f"  {'command-line path: api.score_file (openpyxl load)':<51} {median_ms(lambda: api.score_file(form), n):7.1f} ms")
    import zlib

    from fullemp_xl.addin import macros, package
    from fullemp_xl.addin.vba import compress

    print(f"  {'build fullemp.xlam (5 modules, compound file, zip)':<51} {median_ms(package.package_bytes, n):7.1f} ms")
    data = macros.xlwings_bas().replace("\n", "\r\n").encode("ascii")
    ours, theirs = median_ms(lambda: compress(data), n), median_ms(lambda: zlib.compress(data), n)
    print(f"  {f'MS-OVBA compress xlwings module ({len(data) // 1024} KiB)':<51} {ours:7.1f} ms "
          f"({len(compress(data)) * 100 // len(data)}% of input); zlib: {theirs:.1f} ms ({len(zlib.compress(data)) * 100 // len(data)}%)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
