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


# ---------------------------------------------------------------- 5. registry columns are named or asked for
def registry_without(path, zhangye, rows, drop: tuple[str, ...]):
    """A registry as an office makes it from its own list: some columns of the template left out."""
    registry(path, zhangye, rows)
    wb = openpyxl.load_workbook(path)
    ws = wb["社区名册"]
    for col in sorted((c.column for c in ws[3] if c.value in drop), reverse=True):
        ws.delete_cols(col)
    wb.save(path)
    return path


def test_a_registry_without_subsidy_columns_pays_nobody_by_default(tmp_path, zhangye):
    reg = registry_without(tmp_path / "名册.xlsx", zhangye, [
        ("甘州区", "东街街道", "南关社区", "620702001001", "无", None, "否", "是"),
    ], drop=("已享受国家级补助", "已享受省级补助"))
    submission(tmp_path / "in", zhangye)
    out = tmp_path / "汇总表.xlsx"
    proc, data = merge_json(tmp_path / "in", "-o", out, "--registry", reg)
    [row] = data["communities"]
    assert row["eligible"] and row["subsidy"].startswith("待核实") and "已享受省级补助" in row["subsidy"]
    assert row["provincial_subsidy"] is None
    [note] = [n for n in data["registry_notes"] if "补助" in n]
    assert "已享受国家级补助" in note and "待核实" in note
    set_decisions(out, "南关社区", 实地考察="符合", 公示异议="无", 最终认定="认定")
    assert load_summary(out).rows[0].provincial_subsidy is None  # read back as not known, never as 否
    proc = run("subsidy", out, "-o", tmp_path / "补助", "--office", "甘州区人力资源和社会保障局", "--doc-prefix", "甘人社",
               "--number", "1", "--date", "2026-12-21")
    assert "0 个社区" in proc.stdout and "待核实" in proc.stdout, proc.stdout + proc.stderr
    text = run("merge", tmp_path / "in", "-o", tmp_path / "s2.xlsx", "--registry", reg).stdout
    assert text.count("没有“已享受国家级补助”“已享受省级补助”列") == 1


def test_a_registry_without_title_columns_is_named_once_and_the_forms_titles_count(tmp_path, zhangye):
    reg = registry_without(tmp_path / "名册.xlsx", zhangye, [
        ("甘州区", "东街街道", "南关社区", "620702001001", "无", None, "否", "否"),
        ("甘州区", "东街街道", "西关社区", "620702001002", "无", None, "否", "否"),
    ], drop=("原有称号", "取得年份"))
    submission(tmp_path / "in", zhangye, prior=("市级充分就业社区", 2025))
    submission(tmp_path / "in", zhangye, community="西关社区", prior=("市级充分就业社区", 2025))
    proc, data = merge_json(tmp_path / "in", "-o", tmp_path / "s.xlsx", "--registry", reg)
    rows = {c["community"]: c for c in data["communities"]}
    assert rows["南关社区"]["prior_title"] == "市级充分就业社区" and rows["南关社区"]["change"] == "保持"
    [note] = data["registry_notes"]
    assert "原有称号" in note and "取得年份" in note and "考评表" in note
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")[SHEETS["problems"]]
    messages = [r[8] for r in ws.iter_rows(min_row=4, values_only=True) if r[8]]
    assert sum("原有称号" in m for m in messages) == 1  # once, at the top; not a warning per community
    assert messages[0] == note


# ---------------------------------------------------------------- 4. one check of a summary, used by every command
def _mark(path, community: str, header: str):
    """(fill colour, the note shown on selecting the cell) of a community's cell in the 汇总 sheet."""
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEETS["summary"]]
    heads = {c.value: c.column for c in ws[3]}
    for row in ws.iter_rows(min_row=4):
        if row[heads["社区"] - 1].value == community:
            cell = row[heads[header] - 1]
            notes = [dv.prompt for dv in ws.data_validations.dataValidation
                     if cell.coordinate in dv.sqref and dv.promptTitle == "需要核对"]
            return cell.fill.fgColor.rgb, notes
    raise AssertionError(community)


def test_a_decision_the_rules_do_not_allow_is_one_problem_for_every_command(tmp_path, zhangye):
    src = tmp_path / "in"
    submission(src, zhangye)
    submission(src, zhangye, community="低分社区", changes={"valid_complaints": 3, "reports_ok": False,
                                                          "ledgers_missing": 2})
    reg = registry(tmp_path / "名册.xlsx", zhangye, [
        ("甘州区", "东街街道", "南关社区", "620702001001", "无", None, "否", "否"),
        ("甘州区", "东街街道", "低分社区", "620702001002", "无", None, "否", "否")])
    out = tmp_path / "汇总表.xlsx"
    assert merge_json(src, "-o", out, "--registry", reg)[0].returncode == 0
    for name in ("南关社区", "低分社区"):
        set_decisions(out, name, 实地考察="符合", 公示异议="无", 最终认定="认定")
    proc = run("merge", "--refresh", out)
    colour, notes = _mark(out, "低分社区", "最终认定")
    assert colour.endswith("FF8080") and len(notes) == 1 and "不能认定" in notes[0]
    assert _mark(out, "南关社区", "最终认定")[1] == []
    assert "不能认定" in proc.stdout
    office = ("--office", "张掖市人力资源和社会保障局", "--doc-prefix", "张人社", "--number", "3", "--date", "2026-12-21",
              "--contact", "王明", "--phone", "0936-8212345", "--address", "张掖市甘州区县府街1号", "--email", "rsj@zy.gov.cn")
    results = {
        "announce": run("announce", out, "-o", tmp_path / "公告.docx", *office),
        "subsidy": run("subsidy", out, "-o", tmp_path / "补助", *office),
        "notice": run("notice", out, "--stage", "city", "--start", "2026-12-07", "-o", tmp_path / "公示.docx", *office),
        "registry next": run("registry", "next", out, "-o", tmp_path / "名册2027.xlsx"),
    }
    for name, proc in results.items():
        assert proc.returncode == 1, (name, proc.stdout, proc.stderr)
        assert "低分社区" in proc.stdout and "不能认定" in proc.stdout, (name, proc.stdout)
    set_decisions(out, "低分社区", 最终认定="不予认定")  # fixed: the mark goes at the next refresh
    run("merge", "--refresh", out)
    colour, notes = _mark(out, "低分社区", "最终认定")
    assert not colour.endswith("FF8080") and notes == []
    assert run("subsidy", out, "-o", tmp_path / "补助2", *office).returncode == 0
