"""`fill --registry` writes all or nothing, with names that fit the file system, formula-like names kept as
text, re-runs that leave finished forms alone, and a progress bar only when a person watches."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from fullemp_xl.forms import names
from fullemp_xl.core.filenames import NAME_BYTES, fit_bytes
from fullemp_xl.errors import UnusableFile
from fullemp_xl.writing.batch import Planned, write_all
from lo_oracle import recalculate
from conftest import ROOT, run
from terminal import stderr_on_terminal
from conftest import value, write_registry

LONG = "幸福里" * 70  # 210 characters, 630 bytes in UTF-8
ROWS = [
    ("甘州区", "东街街道", "南关社区", "", "无", None, None, None),
    ("甘州区", "东街街道", LONG + "一社区", "", None, None, None, None),
    ("甘州区", "东街街道", LONG + "二社区", "", None, None, None, None),  # same long start: must stay distinct
    ("临泽县", "沙河镇", "=cmd|' /C calc'!A0", "", None, None, None, None),
    ("临泽县", "沙河镇", "@SUM(1+1)", "", None, None, None, None),
]


def xlsx_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.xlsx") if p.is_file())


def test_long_names_are_shortened_by_bytes_and_stay_distinct(tmp_path, zhangye):
    registry = write_registry(tmp_path / "名册.xlsx", zhangye, ROWS)
    out = tmp_path / "分发"
    proc = run("fill", "--registry", registry, "-o", out, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    files = xlsx_files(out)
    assert len(files) == 10 and len(json.loads(proc.stdout)["written"]) == 10
    for f in files:
        assert len(f.name.encode("utf-8")) <= NAME_BYTES
    long_ones = [f.name for f in files if f.name.startswith("东街街道-幸福里")]
    assert len(long_ones) == 4 and len(set(long_ones)) == 4 and all("…" in n for n in long_ones)
    first = next(f for f in files if f.name.startswith("东街街道-幸福里") and f.name.endswith("考评表.xlsx"))
    assert value(first, names.COMMUNITY) in (LONG + "一社区", LONG + "二社区")
    again = run("fill", "--registry", registry, "-o", out, "--format", "json")  # the same names next time
    assert json.loads(again.stdout)["written"] == [] and len(json.loads(again.stdout)["unchanged"]) == 10


def test_fit_bytes_keeps_the_start_readable():
    name = fit_bytes("东街街道-" + LONG, 200)
    assert len(name.encode("utf-8")) <= 200 and name.startswith("东街街道-幸福里幸福里") and "…" in name
    assert fit_bytes("南关社区", 200) == "南关社区"


@pytest.mark.libreoffice
def test_formula_like_names_stay_text_in_the_forms(tmp_path, zhangye):
    registry = write_registry(tmp_path / "名册.xlsx", zhangye, ROWS)
    out = tmp_path / "分发"
    assert run("fill", "--registry", registry, "-o", out).returncode == 0
    forms = [f for f in xlsx_files(out / "临泽县")]
    assert len(forms) == 4
    for form in forms:
        wb = openpyxl.load_workbook(form)
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value in ("=cmd|' /C calc'!A0", "@SUM(1+1)")]
        assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells), form.name
    # LibreOffice, which runs formulas, sees text too
    for lo in recalculate(forms, tmp_path / "lo"):
        wb = openpyxl.load_workbook(lo)
        texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
        assert "=cmd|' /C calc'!A0" in texts or "@SUM(1+1)" in texts


def test_a_blocked_target_means_nothing_is_written(tmp_path, zhangye):
    registry = write_registry(tmp_path / "名册.xlsx", zhangye, ROWS)
    out = tmp_path / "分发"
    (out / "临泽县").mkdir(parents=True)
    (out / "临泽县" / "沙河镇-@SUM(1+1)-考评表.xlsx").mkdir()  # a folder where a form must go
    (out / "甘州区").write_text("a file where a county folder must go", encoding="utf-8")
    proc = run("fill", "--registry", registry, "-o", out)
    assert proc.returncode == 2 and "一个文件也没有写" in proc.stderr and "内部错误" not in proc.stderr
    assert "临泽县" in proc.stderr and "甘州区" in proc.stderr
    assert xlsx_files(out) == [] and sorted(p.name for p in out.iterdir()) == ["临泽县", "甘州区"]


def test_a_failure_while_renaming_puts_everything_back(tmp_path):
    out = tmp_path / "分发"
    (out / "已有").mkdir(parents=True)
    kept = out / "已有" / "a.xlsx"
    kept.write_bytes(b"old a")
    (out / "挡住").write_bytes(b"a file")
    items = [Planned(kept, lambda: b"new a"), Planned(out / "新县" / "b.xlsx", lambda: b"new b"),
             Planned(out / "挡住" / "c.xlsx", lambda: b"new c")]  # its folder is a file: the rename fails
    with pytest.raises(UnusableFile) as info:
        write_all(out, items)
    assert "撤回" in info.value.message
    assert kept.read_bytes() == b"old a" and not (out / "新县").exists()
    assert sorted(p.name for p in out.iterdir()) == ["已有", "挡住"]


def test_a_failure_while_staging_leaves_the_folder_as_it_was(tmp_path):
    out = tmp_path / "分发"
    out.mkdir()

    def full():
        raise OSError(28, "No space left on device")

    with pytest.raises(UnusableFile) as info:
        write_all(out, [Planned(out / "a.xlsx", lambda: b"a"), Planned(out / "b.xlsx", full)])
    assert "磁盘空间不足" in info.value.message and list(out.iterdir()) == []


def test_output_that_is_a_file_or_read_only(tmp_path, zhangye):
    registry = write_registry(tmp_path / "名册.xlsx", zhangye, ROWS[:1])
    taken = tmp_path / "分发.xlsx"
    taken.write_bytes(b"x")
    proc = run("fill", "--registry", registry, "-o", taken)
    assert proc.returncode == 2 and "是一个文件" in proc.stderr and "内部错误" not in proc.stderr
    folder = tmp_path / "只读"
    folder.mkdir()
    os.chmod(folder, 0o555)
    try:
        proc = run("fill", "--registry", registry, "-o", folder)
        assert proc.returncode == 2 and "只读" in proc.stderr and "内部错误" not in proc.stderr
    finally:
        os.chmod(folder, 0o755)
    assert list(folder.iterdir()) == []


def test_forced_refill_keeps_the_filled_form_as_a_backup(tmp_path, zhangye):
    registry = write_registry(tmp_path / "名册.xlsx", zhangye, ROWS[:1])
    out = tmp_path / "分发"
    assert run("fill", "--registry", registry, "-o", out).returncode == 0
    form = out / "甘州区" / "东街街道-南关社区-考评表.xlsx"
    wb = openpyxl.load_workbook(form)
    wb["基础数据"]["E17"] = 3
    wb.save(form)
    filled = form.read_bytes()
    assert run("fill", "--registry", registry, "-o", out, "--force").returncode == 0
    [backup] = form.parent.glob("东街街道-南关社区-考评表.bak-*.xlsx")
    assert backup.read_bytes() == filled and value(form, names.fact("self", "qualified_staff")) is None


def test_stale_staging_folder_of_a_killed_run_is_removed(tmp_path, zhangye):
    registry = write_registry(tmp_path / "名册.xlsx", zhangye, ROWS[:1])
    out = tmp_path / "分发"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    from fullemp_xl.writing.lock import host_tag

    stale = out / f".~fullemp-{host_tag()}-{int(dead.stdout)}-0abc.stage"
    stale.mkdir()
    (stale / "0").write_bytes(b"half")
    assert run("fill", "--registry", registry, "-o", out).returncode == 0
    assert not stale.exists() and not [p for p in out.iterdir() if p.name.startswith(".~fullemp")]


def test_progress_bar_only_on_a_terminal(tmp_path, zhangye):
    registry = write_registry(tmp_path / "名册.xlsx", zhangye, ROWS[:2])
    args = [sys.executable, "-m", "fullemp_xl", "fill", "--registry", str(registry)]
    piped = subprocess.run([*args, "-o", str(tmp_path / "a")], capture_output=True, text=True, cwd=ROOT)
    assert piped.returncode == 0 and "生成表格" not in piped.stderr
    proc, text = stderr_on_terminal([*args, "-o", tmp_path / "b"], cwd=ROOT)
    assert proc.returncode == 0
    assert "生成表格" in text and "/4" in text


def test_the_registry_title_is_read_by_the_one_reader_from_the_registry_sheet(tmp_path, zhangye):
    """merge's 评分年度 from the registry's title: the sheet read_registry reads (not whichever sheet comes
    first), the value Excel shows, and an unusable registry gives no title (it is reported when read)."""
    from fullemp_xl.merge.run import _year
    from fullemp_xl.registry import registry_title
    import datetime as dt

    reg = write_registry(tmp_path / "名册.xlsx", zhangye, ROWS[:1])
    wb = openpyxl.load_workbook(reg)
    wb[names.REGISTRY_SHEET]["A1"] = "张掖市充分就业社区名册（2026年）"
    wb.create_sheet("说明", 0)  # a notes sheet before the registry
    wb["说明"]["A1"] = "填表说明（2019年）"
    wb.save(reg)
    assert openpyxl.load_workbook(reg).sheetnames[0] == "说明"
    assert registry_title(reg) == "张掖市充分就业社区名册（2026年）"
    assert _year(None, None, reg, dt.datetime(2027, 1, 8)) == (2026, "")
    (broken := tmp_path / "坏.xlsx").write_bytes(reg.read_bytes()[:2000])
    year, note = _year(None, None, broken, dt.datetime(2027, 1, 8))
    assert year == 2027 and "取自电脑的日期" in note
