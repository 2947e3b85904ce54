"""One year, one truth (issue 19): the tool's own files, registry columns, one check of a summary, one identity."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import openpyxl

from conftest import good_values  # noqa: F401  (fixtures)
from fullemp_xl.merge.load import load_summary
from fullemp_xl.merge.summary import SHEETS
from test_merge import merge_json, registry, run, set_decisions, set_saved, submission


# ---------------------------------------------------------------- 7. own files are not submissions
def test_backups_summaries_and_documents_are_skipped_by_name(tmp_path, zhangye):
    folder = tmp_path / "甘州区"
    original = submission(folder, zhangye, saved=dt.datetime(2026, 11, 1, 9))
    backup = folder / f"{original.stem}.bak-20261202-101010.xlsx"
    submission(folder, zhangye, changes={"valid_complaints": 3}, name=backup.name, saved=dt.datetime(2026, 12, 2, 10))
    assert run("merge", original, "-o", folder / "汇总表.xlsx").returncode == 0  # a summary inside the folder
    (folder / "甘州区-公示.docx").write_bytes(b"PK\x03\x04 a document")
    proc, data = merge_json(folder, "-o", tmp_path / "汇总表.xlsx")
    assert proc.returncode == 0, data
    [row] = data["communities"]
    assert row["file"].endswith(original.name) and row["total"] == 100  # not the newer backup
    assert data["duplicates"] == [] and data["quarantined"] == []
    own = {o["file"].split("/")[-1]: o["reason"] for o in data["own_files"]}
    assert "备份" in own[backup.name] and "汇总表" in own["汇总表.xlsx"] and "文书" in own["甘州区-公示.docx"]
    text = run("merge", folder, "-o", tmp_path / "汇总2.xlsx").stdout
    assert "跳过的本程序文件" in text and backup.name in text
