"""Issue 18's single cases, each built in the test: no internal error, and the same verdict from every command.

The differential test (test_differential.py) draws these kinds at random; here each is pinned down once.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

import mutants as M
from fullemp_xl import api
from conftest import write_registry

REGISTRY = [("甘州区", "东街街道", "南关社区", "", "无", None, None, None),
            ("甘州区", "西街街道", "北关社区", "", "无", None, None, None)]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return M.build_base(tmp_path_factory.mktemp("base"))


def mutant(base, folder: Path, *kinds: str, name: str = "m.xlsx", seed: int = 1) -> Path:
    members = dict(base.members)
    rng = random.Random(seed)
    for kind in kinds:
        M.MUTATIONS[kind](rng, base, members)
    return M.write_mutant(M.Mutant(name, list(kinds), members), folder)


def test_score_write_over_a_merged_range_that_covers_an_input_cell(base, tmp_path):
    """Was 程序内部错误 ('MergedCell' object attribute 'value' is read-only); the hidden cell reads as blank."""
    path = mutant(base, tmp_path, "merge_over_input")
    score = M.score_verdict(path)
    written = M.write_verdict(path, tmp_path / "out.xlsx")
    assert not written.internal and written.key() == score.key() and score.code == 1
    assert (tmp_path / "out.xlsx").exists()


def test_a_chart_sheet_first_is_read_by_every_command(base, tmp_path):
    path = mutant(base, tmp_path, "chartsheet_first")
    verdicts = {c: M.score_verdict(path, c) for c in ("score", "validate")}
    written = M.write_verdict(path, tmp_path / "out.xlsx")
    assert not any(v.internal for v in verdicts.values()) and not written.internal
    assert verdicts["score"].totals == (100, 97) and written.key() == verdicts["score"].key()


def test_registry_whose_first_sheet_is_a_chart_sheet(tmp_path, zhangye):
    """Was 程序内部错误 ('Chartsheet' object has no attribute '_cells'): the first worksheet is the registry."""
    from openpyxl.chart import BarChart, Reference

    registry = write_registry(tmp_path / "名册.xlsx", zhangye, REGISTRY)
    wb = openpyxl.load_workbook(registry)
    ws = wb["社区名册"]
    ws.title = "Sheet1"
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=3))
    wb.create_chartsheet("图表", 0).add_chart(chart)
    wb.save(registry)
    assert openpyxl.load_workbook(registry).sheetnames[0] == "图表"
    code, out, err = M.run_cli(["fill", "--registry", registry, "-o", tmp_path / "分发", "--format", "json"])
    assert code == 0, err
    assert len(json.loads(out)["written"]) == 4


def test_in_place_write_of_a_file_whose_name_is_not_utf8(base, tmp_path):
    """A GBK name unpacked from a Windows zip: handled as the bytes it is (was UnicodeEncodeError)."""
    folder = os.fsencode(tmp_path)
    name = os.fsdecode(folder + b"/\xbf\xbc\xc6\xc0\xb1\xed.xlsx")  # 考评表 in GBK
    shutil.copy(M.write_mutant(M.Mutant("m.xlsx", [], dict(base.members)), tmp_path), name)
    code, out, err = M.run_cli(["score", name, "--write", "--in-place"])
    assert code in (0, 1) and "程序内部错误" not in err, err
    backups = [n for n in os.listdir(folder) if n.startswith(b"\xbf\xbc\xc6\xc0\xb1\xed.bak-")]
    assert len(backups) == 1


def test_merge_names_xlsb_files_and_what_they_are(base, tmp_path):
    """Was "没有找到任何工作簿" for a folder of .xlsb only, and a .xlsb with VBA was called an .xlsm."""
    src = tmp_path / "in"
    src.mkdir()
    with zipfile.ZipFile(src / "二进制.xlsb", "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("_rels/.rels", "<Relationships/>")
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
        zf.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    code, out, err = M.run_cli(["merge", src, "-o", tmp_path / "s.xlsx", "--format", "json"])
    error = json.loads(out)["error"]  # nothing to summarise: refused (exit 2), the file named with what it is
    assert code == 2 and "二进制.xlsb" in error and ".xlsb" in error and ".xlsm" not in error
    mutant(base, src, name="好.xlsx")  # beside a usable form it is listed in 问题清单
    code, out, err = M.run_cli(["merge", src, "-o", tmp_path / "s.xlsx", "--format", "json", "--force"])
    [q] = json.loads(out)["quarantined"]
    assert code == 1 and q["file"].endswith("二进制.xlsb") and ".xlsb" in q["reason"] and ".xlsm" not in q["reason"]
    code, out, err = M.run_cli(["score", src / "二进制.xlsb"])
    assert code == 2 and "（.xlsb）" in err


def test_an_xlsx_renamed_xls_is_read_from_its_content(base, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    path = mutant(base, src, name="改名.xls")
    score = M.score_verdict(path)
    merged = M.merge_verdicts(src, tmp_path / "s.xlsx")["改名.xls"]
    assert score.totals == (100, 97) and merged.key() == score.key()


def test_duplicate_sheet_names_are_refused_by_every_command_with_one_reason(base, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    path = mutant(base, src, "duplicate_sheet")
    mutant(base, src, name="好.xlsx")  # merged alone, a refused file leaves nothing to summarise (exit 2)
    score, validate = M.score_verdict(path), M.score_verdict(path, "validate")
    merged = M.merge_verdicts(src, tmp_path / "s.xlsx")["m.xlsx"]
    assert score.code == 2 and "同名" in score.reason
    assert score.key() == validate.key() == merged.key()


def test_forms_with_blank_identity_keep_their_own_rows_in_merge_json_and_load_summary(base, tmp_path):
    """Two forms whose community is blank, from the same street: two rows, never one the other's duplicate."""
    src = tmp_path / "in"
    src.mkdir()
    for k in range(2):
        members = dict(base.members)
        M.MUTATIONS["value"](random.Random(k), base, members)  # different data
        members = {n: d.replace(M._charrefs(M.PLACEHOLDER), b"") for n, d in members.items()}
        M.write_mutant(M.Mutant(f"空白{k}.xlsx", [], members), src)
    code, out, err = M.run_cli(["merge", src, "-o", tmp_path / "s.xlsx", "--format", "json"])
    data = json.loads(out)
    assert len(data["communities"]) == 2 and not data["duplicates"]
    assert all(c["errors"] >= 1 for c in data["communities"])
    assert len(api.load_summary(tmp_path / "s.xlsx").rows) == 2
