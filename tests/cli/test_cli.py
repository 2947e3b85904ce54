"""The command line as a user runs it: real files, exit codes, Chinese messages, then reopen the file."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.worksheet.datavalidation import DataValidation

from conftest import ROOT, cell, fill_key, item_scores, make_assessment, run, totals
from fullemp_xl.forms.book import OpenpyxlBook, locate


# ---------------------------------------------------------------- score
def test_score_prints_table_and_decision(filled):
    proc = run("score", filled)
    assert proc.returncode == 0, proc.stderr
    assert "合计" in proc.stdout and "市级充分就业社区" in proc.stdout
    assert "南关社区" in proc.stdout


def test_score_json_document(tmp_path, zhangye, good):
    path = make_assessment(tmp_path / "k.xlsx", zhangye,
                           {"self": good, "assessed": {**good, "unemployed_unregistered": 2, "qualified_staff": 1}})
    proc = run("score", path, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["ruleset"]["id"] == "zhangye-2023"
    assert data["community"] == {"county": "甘州区", "street": "东街街道", "community": "南关社区"}
    scores = item_scores(data, "3.2")
    assert next(i for i in data["items"] if i["id"] == "3.2")["points"] == 10
    assert (scores["self"][0], scores["assessed"][0]) == (10, 4)
    assert scores["assessed"][1] == ["未登记失业人员2人，扣6分"]
    assert totals(data) == {"self": 100, "assessed": 89}
    assert data["decision"]["stage"] == "assessed" and data["decision"]["level"] == "不予认定"
    assessed = next(s for s in data["stages"] if s["stage"] == "assessed")
    assert [g["met"] for g in assessed["gates"]] == [True, True, False, True]
    assert isinstance(data["findings"], list)


def test_score_never_trusts_cached_values(tmp_path, zhangye, good):
    """A file saved by openpyxl has no cached results; a tampered cached value must not matter either."""
    path = make_assessment(tmp_path / "k.xlsx", zhangye, {"self": {**good, "valid_complaints": 2}, "assessed": good})
    data = json.loads(run("score", path, "--format", "json").stdout)
    assert totals(data)["self"] == 95


def test_score_write_to_new_file_puts_reasons_and_decision(tmp_path, zhangye, good):
    src = make_assessment(tmp_path / "k.xlsx", zhangye, {"self": good, "assessed": {**good, "ledgers_missing": 2}})
    before = src.read_bytes()
    out = tmp_path / "out" / "scored.xlsx"
    proc = run("score", src, "--write", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert src.read_bytes() == before  # the input is untouched
    assert cell(out, "fe_reason_assessed_2").value == "缺少或未及时更新台账2种，扣6分"
    assert cell(out, "fe_reason_self_2").value is None
    assert cell(out, "fe_opinion_assessed").value.startswith("市级充分就业社区：综合得分94分")


def test_score_write_restores_overwritten_formula(tmp_path, zhangye, good):
    src = make_assessment(tmp_path / "k.xlsx", zhangye, {"self": good, "assessed": good})
    wb = openpyxl.load_workbook(src)
    loc = locate(OpenpyxlBook(wb), "fe_score_self_1")
    wb[loc.sheet][loc.cell] = 25
    wb.save(src)
    proc = run("score", src, "--write", "-o", tmp_path / "fixed.xlsx")
    assert proc.returncode == 1  # the workbook had an error
    assert "已恢复公式" in proc.stdout and f"{loc.sheet}!{loc.cell}" in proc.stdout
    assert str(cell(tmp_path / "fixed.xlsx", "fe_score_self_1").value).startswith("=IF(")


def test_score_in_place_keeps_picture_comment_and_validation(tmp_path, zhangye, good):
    src = make_assessment(tmp_path / "k.xlsx", zhangye, {"self": good, "assessed": good})
    wb = openpyxl.load_workbook(src)
    extra = wb.create_sheet("佐证材料")
    png = tmp_path / "seal.png"
    from PIL import Image as PILImage
    PILImage.new("RGB", (40, 40), "red").save(png)
    extra.add_image(Image(str(png)), "B2")
    extra["A1"] = "照片"
    extra["A1"].comment = Comment("县区核查人：张三", "张三")
    dv = DataValidation(type="list", formula1='"已核查,未核查"')
    extra.add_data_validation(dv)
    dv.add("C5")
    wb.save(src)
    proc = run("score", src, "--write", "--in-place")
    assert proc.returncode == 0, proc.stderr
    backups = list(tmp_path.glob("k.bak-*.xlsx"))
    assert len(backups) == 1 and "备份" in proc.stdout
    wb = openpyxl.load_workbook(src)
    assert wb["佐证材料"]["A1"].comment.text == "县区核查人：张三"
    assert len(wb["佐证材料"]._images) == 1
    assert any(d.formula1 == '"已核查,未核查"' for d in wb["佐证材料"].data_validations.dataValidation)
    assert cell(src, "fe_opinion_assessed").value.startswith("市级充分就业社区")
    with zipfile.ZipFile(src) as z:
        assert any(n.startswith("xl/media/") for n in z.namelist())


def test_in_place_keeps_shapes_openpyxl_cannot_write(tmp_path, zhangye, good):
    src = make_assessment(tmp_path / "k.xlsx", zhangye, {"self": good, "assessed": good})
    add_shape(src)
    with zipfile.ZipFile(src) as z:
        drawing = z.read("xl/drawings/drawing9.xml")
    proc = run("score", src, "--write", "--in-place")
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(src) as z:
        assert z.read("xl/drawings/drawing9.xml") == drawing
        assert b'r:id="rIdShape"' in z.read("xl/worksheets/sheet1.xml")
    assert cell(src, "fe_opinion_assessed").value.startswith("市级充分就业社区")


def add_shape(path: Path) -> None:
    """Give the first sheet a drawing with a text box, as Excel would (openpyxl cannot keep it)."""
    drawing = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
               'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:twoCellAnchor>'
               '<xdr:from><xdr:col>9</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>'
               '<xdr:to><xdr:col>11</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>4</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>'
               '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="TextBox 1"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr>'
               '<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1000000" cy="500000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr>'
               '<xdr:txBody><a:bodyPr/><a:p><a:r><a:t>已盖章</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>')
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/drawings/drawing9.xml" '
                                    b'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>')
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", b'<drawing r:id="rIdShape"/></worksheet>')
                if b'xmlns:r=' not in data[:500]:
                    data = data.replace(b"<worksheet ", b'<worksheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ', 1)
            zout.writestr(info, data)
        rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rIdShape" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing" Target="../drawings/drawing9.xml"/></Relationships>')
        zout.writestr("xl/drawings/drawing9.xml", drawing)
        zout.writestr("xl/worksheets/_rels/sheet1.xml.rels", rels)
    tmp.replace(path)


def test_write_needs_a_destination(filled):
    proc = run("score", filled, "--write")
    assert proc.returncode == 2 and "-o" in proc.stderr


def test_output_may_not_be_the_input(filled):
    proc = run("score", filled, "--write", "-o", filled)
    assert proc.returncode == 2


# ---------------------------------------------------------------- validate
def test_validate_clean_file(filled):
    proc = run("validate", filled)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "未发现问题" in proc.stdout


def test_validate_finds_each_kind_of_problem(tmp_path, zhangye, good):
    self_values = {**good, "qualified_staff": "九十", "unemployed_willing": "４０人", "disabled_registered": 35,
                   "survey_sampled": None, "valid_complaints": "-3", "hardship_total": "约10"}
    path = make_assessment(tmp_path / "k.xlsx", zhangye, {"self": self_values, "assessed": good},
                           identity={"县（区）": "甘州区", "街道（乡镇）": "", "社区": "南关社区"})
    wb = openpyxl.load_workbook(path)
    loc = locate(OpenpyxlBook(wb), "fe_score_assessed_1")
    wb[loc.sheet][loc.cell] = 25
    wb.save(path)
    proc = run("validate", path, "--format", "json")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    rules = {(f["rule"], f["name"]) for f in data["findings"]}
    assert ("identity.missing", "fe_street") in rules
    assert ("value.invalid", "fe_self_qualified_staff") in rules
    assert ("value.invalid", "fe_self_valid_complaints") in rules
    assert ("value.invalid", "fe_self_hardship_total") in rules
    assert ("value.normalised", "fe_self_unemployed_willing") in rules
    assert ("value.missing", "fe_self_survey_sampled") in rules
    assert ("rate.numerator_exceeds", "fe_self_disabled_registered") in rules
    assert ("formula.overwritten", "fe_score_assessed_1") in rules
    assert ("score.above_max", "fe_score_assessed_1") in rules
    for f in data["findings"]:
        assert f["sheet"] and f["cell"], f
    text = run("validate", path).stdout
    assert "基础数据!E" in text and "错误" in text


def test_a_form_of_another_rule_set_version_or_template_version_is_refused_by_every_command(filled, tmp_path):
    """One rule (README: 数据安全): its cells are not this rule set's cells, so score, validate and merge refuse it."""
    wb = openpyxl.load_workbook(filled)
    book = OpenpyxlBook(wb)
    for name, value, words in (("fe_meta_ruleset_version", "0.9", "“0.9”版生成"), ("fe_meta_template_version", "0", "模板版本为“0”"),
                               ("fe_meta_template_version", None, "模板版本为“”")):
        loc = locate(book, name)
        wb[loc.sheet][loc.cell] = value
        wb.save(filled)
        for command in ("score", "validate"):
            proc = run(command, filled)
            assert proc.returncode == 2 and words in proc.stderr, (command, proc.stderr)
        folder = tmp_path / f"in-{name}-{value}"
        folder.mkdir()
        shutil.copy(filled, folder / "k.xlsx")
        proc = run("merge", folder, "-o", tmp_path / f"s-{name}-{value}.xlsx", "--format", "json")
        # the only form refused: nothing to summarise (exit 2), the file named with the same reason
        assert proc.returncode == 2 and words in json.loads(proc.stdout)["error"], proc.stdout
        wb[loc.sheet][loc.cell] = {"fe_meta_ruleset_version": "1.0", "fe_meta_template_version": "1"}[name]


def test_validate_warns_when_self_and_county_scores_diverge(tmp_path, zhangye, good):
    path = make_assessment(tmp_path / "k.xlsx", zhangye, {"self": good, "assessed": {**good, "unemployed_reemployed": 1}})
    data = json.loads(run("validate", path, "--format", "json").stdout)
    assert any(f["rule"] == "stages.diverge" and "3.2" in f["message"] for f in data["findings"])


def test_validate_declaration(declaration):
    proc = run("validate", declaration, "--format", "json")
    assert proc.returncode == 1
    assert {f["name"] for f in json.loads(proc.stdout)["findings"] if f["rule"] == "identity.missing"} == \
        {"fe_county", "fe_street", "fe_community"}


def test_mark_twice_equals_mark_once(tmp_path, zhangye, good):
    src = make_assessment(tmp_path / "k.xlsx", zhangye, {"self": {**good, "qualified_staff": "九十"}, "assessed": good})
    once, twice = tmp_path / "once" / "k.xlsx", tmp_path / "twice" / "k.xlsx"  # one name: it is in 校验结果's title
    once.parent.mkdir(), twice.parent.mkdir()
    assert run("validate", src, "--mark", "-o", once).returncode == 1
    assert run("validate", once, "--mark", "-o", twice).returncode == 1
    a, b = openpyxl.load_workbook(once), openpyxl.load_workbook(twice)
    assert a.sheetnames == b.sheetnames and a.sheetnames.count("校验结果") == 1
    for ws in a.worksheets:
        other = b[ws.title]
        for row in ws.iter_rows():
            for c in row:
                d = other[c.coordinate]
                assert c.value == d.value, (ws.title, c.coordinate)
                assert fill_key(c.fill) == fill_key(d.fill), (ws.title, c.coordinate)
                assert (c.comment.text if c.comment else None) == (d.comment.text if d.comment else None)
    marked = cell(once, "fe_self_qualified_staff")
    assert marked.fill.fgColor.rgb.endswith("FFC7CE") and "阿拉伯数字" in marked.comment.text
    results = a["校验结果"]
    assert results["C3"].value.startswith("=HYPERLINK(\"#'基础数据'!")


def test_mark_in_place_then_clean_data_clears_marks(tmp_path, zhangye, good):
    src = make_assessment(tmp_path / "k.xlsx", zhangye, {"self": {**good, "qualified_staff": "九十"}, "assessed": good})
    original_fill = cell(src, "fe_self_qualified_staff").fill
    assert run("validate", src, "--mark", "--in-place").returncode == 1
    wb = openpyxl.load_workbook(src)
    loc = locate(OpenpyxlBook(wb), "fe_self_qualified_staff")
    wb[loc.sheet][loc.cell] = 3
    wb.save(src)
    assert run("validate", src, "--mark", "--in-place").returncode == 0
    fixed = cell(src, "fe_self_qualified_staff")
    assert fill_key(fixed.fill) == fill_key(original_fill) and fixed.comment is None


# ---------------------------------------------------------------- unusable input: exit 2, a message, no traceback
@pytest.mark.parametrize("content, words", [
    (b"hello, not a workbook", "不是 Excel 工作簿"),
    (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512, "加密"),
    (b"", "空"),
])
def test_unusable_files(tmp_path, content, words):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    for command in ("score", "validate"):
        proc = run(command, path)
        assert proc.returncode == 2
        assert words in proc.stderr, proc.stderr


def test_workbook_that_is_not_ours(tmp_path):
    path = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(path)
    proc = run("score", path)
    assert proc.returncode == 2 and "不是 fullemp 生成的" in proc.stderr


def test_score_a_declaration_is_unusable(declaration):
    proc = run("score", declaration)
    assert proc.returncode == 2 and "申报表" in proc.stderr


def test_missing_file_and_bad_option(tmp_path):
    proc = run("score", tmp_path / "nope.xlsx")
    assert proc.returncode == 2 and "nope.xlsx" in proc.stderr
    proc = run("score", "--colour")
    assert proc.returncode == 2 and "没有这个选项" in proc.stderr


# ---------------------------------------------------------------- rules, templates, demo
def test_rules_commands(tmp_path):
    proc = run("rules", "list")
    assert proc.returncode == 0 and "zhangye-2023" in proc.stdout
    proc = run("rules", "show", "zhangye-2023")
    assert "零就业家庭" in proc.stdout and "解读" in proc.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text((ROOT / "fullemp_xl/rulesets/zhangye-2023.toml").read_text(encoding="utf-8")
                   .replace('kind = "bands"', 'kind = "tiers"'), encoding="utf-8")
    proc = run("rules", "check", bad)
    assert proc.returncode == 1 and "tiers" in proc.stdout and "序号 4.1" in proc.stdout
    assert run("rules", "check", ROOT / "fullemp_xl/rulesets/zhangye-2023.toml").returncode == 0


@pytest.mark.slow
def test_templates_build_refuses_to_overwrite_filled_forms(tmp_path, filled):
    out = tmp_path / "tpl"
    assert run("templates", "build", "-o", out).returncode == 0
    assert run("templates", "build", "-o", out).returncode == 0  # empty templates may be rebuilt
    (out / "考评表.xlsx").write_bytes(filled.read_bytes())
    proc = run("templates", "build", "-o", out)
    assert proc.returncode == 2 and "填有数据" in proc.stderr
    assert run("templates", "build", "-o", out, "--force").returncode == 0


@pytest.mark.slow
def test_demo_runs_the_whole_job(tmp_path):
    proc = run("demo", "-o", tmp_path / "demo")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.count("结论：") == 4
    assert "南关社区" in out and "市级充分就业社区" in out
    assert "西关社区" in out and "不予认定" in out
    assert (tmp_path / "demo" / "模板" / "考评表.xlsx").exists()
    scored = sorted((tmp_path / "demo" / "2-打分结果").glob("*.xlsx"))
    assert len(scored) == 4
    assert cell(scored[0], "fe_opinion_assessed").value.startswith("市级充分就业社区")
    assert len(list((tmp_path / "demo" / "0-分发").rglob("*-考评表.xlsx"))) == 5  # 4 submit, 1 does not
    filled = next((tmp_path / "demo" / "4-台账填报").glob("*考评表*.xlsx"))
    assert cell(filled, "fe_self_retirees_total").value == 60 and "台账填报" in out
    from fullemp_xl.summary.load import load_summary

    summary = load_summary(tmp_path / "demo" / "5-汇总" / "汇总表.xlsx")
    assert [r.community for r in summary.rows if r.eligible] == ["南关社区"]
    assert [m.community for m in summary.missing] == ["北关社区"]
    assert "重复提交 1 处，无法使用 1 个文件，名册中未提交 1 个" in out
    docs = tmp_path / "demo" / "6-文书"
    assert (docs / "认定公告.docx").exists() and (docs / "公示-市级.docx").exists() and "文书：" in out
    # the county 公示 from the county's own summary (merge --county), never from the city's (issue 19)
    assert (docs / "公示-县区" / "甘州区-公示.docx").exists() and (docs / "县区汇总表" / "甘州区汇总表（已填写决定）.xlsx").exists()
    assert "县区汇总：" in out and "“县区实地考察”" in out
    assert list((docs / "补助资金").glob("甘州区-*补助资金明细.xlsx")) and list(docs.glob("分发-*/甘州区/*南关社区-考评表.xlsx"))


def test_help_is_chinese():
    proc = run("--help")
    assert proc.returncode == 0
    assert "用法" in proc.stdout and "命令" in proc.stdout and "Usage" not in proc.stdout


def test_a_command_does_without_numpy_and_leaves_it_importable(tmp_path):
    """numpy is no dependency of ours; where it is installed openpyxl imports it (0.15 s, taken from a merge's
    workers starting up). A command runs without it; an in-process caller can import it afterwards as before."""
    probe = (
        "import importlib.util, sys\n"
        "from fullemp_xl.cli import main\n"
        "installed = importlib.util.find_spec('numpy') is not None\n"
        "try:\n"
        f"    main(['templates', 'build', '-o', {str(tmp_path)!r}])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "import openpyxl.compat.numbers as n\n"
        "print('RESULT', installed, 'numpy' in sys.modules, n.NUMPY, 'numpy' not in sys.modules or sys.modules['numpy'] is not None)\n"
        "if installed:\n"
        "    import numpy\n"
        "    print('RESULT', numpy.__name__)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = [w for line in proc.stdout.splitlines() if line.startswith("RESULT ") for w in line.split()[1:]]
    installed = lines[0] == "True"
    assert lines[1:4] == ["False", "False", "True"]  # the command imported openpyxl, not numpy; no block left behind
    assert lines[4:] == (["numpy"] if installed else [])
    assert (tmp_path / "考评表.xlsx").exists()
