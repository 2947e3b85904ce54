"""The 问题清单 speaks the one severity vocabulary (core.model): English codes in JSON, the one Chinese label
per code in the workbook and the text summary, and a line is a Finding placed in a file and community."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

import openpyxl

from conftest import ROOT, good_values, make_assessment
from fullemp_xl.core.model import SEVERITIES, SEVERITY_LABEL, Finding, Location, worst_exit_code
from fullemp_xl.forms.book import OpenpyxlBook, locate
from fullemp_xl.summary.model import ProblemLine
from fullemp_xl.summary.write import FIRST_ROW, SHEETS


def test_every_severity_has_one_label_and_a_line_keeps_its_finding():
    assert tuple(SEVERITY_LABEL) == SEVERITIES == ("quarantined", "error", "warning", "info")
    assert list(SEVERITY_LABEL.values()) == ["隔离", "错误", "警告", "提示"]
    finding = Finding("recorded.total", "error", "合计不符", Location(sheet="考评表", cell="G40"), "考评合计")
    line = ProblemLine("甘州区/a.xlsx", "/x/a.xlsx", "甘州区", "南关社区", finding)
    assert ProblemLine.unflat(line.flat()) == line
    assert worst_exit_code([Finding("file.quarantined", "quarantined", "无法读取")]) == 1
    assert worst_exit_code([Finding("w", "warning", "x"), Finding("i", "info", "y")]) == 0


def _merge(*args) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = []
    for fmt in ("json", "text"):
        proc = subprocess.run([sys.executable, "-m", "fullemp_xl", "merge", *map(str, args), "--format", fmt],
                              capture_output=True, text=True, env=env, timeout=600)
        assert "Traceback" not in proc.stderr and "程序内部错误" not in proc.stderr, proc.stderr
        out.append(proc)
    return out[0], out[1]


def test_problem_list_labels_json_codes_and_text_counts_agree(tmp_path, zhangye):
    src = tmp_path / "来件"
    good = good_values()
    form = src / "甘州区-东街街道-南关社区-考评表.xlsx"
    src.mkdir()
    make_assessment(form, zhangye, {"self": good, "assessed": {**good, "ledgers_missing": 1}},  # 97 points
                    identity={"县（区）": "甘州区", "街道（乡镇）": "东街街道", "社区": "南关社区"})
    wb = openpyxl.load_workbook(form)
    loc = locate(OpenpyxlBook(wb), "fe_total_assessed")
    wb[loc.sheet][loc.cell] = 100  # a constant typed over the total: errors among the file's findings
    wb.save(form)
    (src / "坏文件.xlsx").write_bytes(b"not a workbook at all")  # quarantined

    as_json, as_text = _merge(src, "-o", tmp_path / "s.xlsx")
    assert as_json.returncode == 1
    problems = json.loads(as_json.stdout)["problems"]
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")[SHEETS["problems"]]
    rows = [r for r in ws.iter_rows(min_row=FIRST_ROW, values_only=True) if r[0]]
    shown = Counter(r[7] for r in rows)
    # the workbook shows each code's one label, as many times as the JSON counts it
    assert shown == Counter({SEVERITY_LABEL[code]: n for code, n in problems.items() if n})
    assert {"quarantined", "error", "info"} <= set(problems) <= set(SEVERITIES)
    [bad] = [r for r in rows if r[7] == "隔离"]
    assert bad[1] == "来件/坏文件.xlsx" and bad[2] is None and bad[3] is None
    errors = [r for r in rows if r[7] == "错误"]
    assert all(r[2] == "甘州区" and r[3] == "南关社区" for r in errors)
    assert any(r[4] and r[5] and "表内记录的" in r[8] for r in errors)  # sheet and cell of the finding kept
    assert f"隔离 {problems['quarantined']} 条" in as_text.stdout and f"错误 {problems['error']} 条" in as_text.stdout
