"""What a new user meets in the first hour (issue 21): the help describes every command and shows
arguments as arguments, a mistyped command gets a suggestion, and the messages of score, validate and
fill guide instead of repeating themselves or showing internal codes."""
from __future__ import annotations

import json
import re

import openpyxl
import pytest

from conftest import make_assessment
from fullemp_xl.cli import cli, main
from fullemp_xl.builder.lists import REGISTRY_COLUMNS
from ledger_data import persons, write_ledger
from test_cli_messages import run as run_bytes


class Run:
    def __init__(self, proc):
        self.returncode = proc.returncode
        self.stdout = proc.stdout.decode("utf-8")
        self.stderr = proc.stderr.decode("utf-8")


def run(*args):
    """`python -m fullemp_xl ARGS` as a user runs it, output as text."""
    return Run(run_bytes(*args))


def help_of(capsys, *args) -> str:
    with pytest.raises(SystemExit) as stop:
        main([*args, "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


def commands(group=cli, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if hasattr(command, "commands"):
            yield from commands(command, (*prefix, name))


def test_every_command_has_a_description_in_the_summary(capsys):
    """`fullemp --help` listed `demo ...`: click cuts descriptions at spaces, which Chinese has none of."""
    for path, command in [((), cli), *commands()]:
        if not hasattr(command, "commands"):
            continue
        text = help_of(capsys, *path)
        rows = text.split("命令：\n", 1)[1]
        for name in command.commands:
            row = re.search(rf"^  {name} +(\S.*)$", rows, re.M)
            assert row, (path, name, rows)
            assert re.search(r"[\u4e00-\u9fff]{4}", row.group(1)) and not row.group(1).startswith("..."), (path, row.group(0))


def test_top_level_summary_names_every_stage(capsys):
    summary = help_of(capsys).split("选项：")[0]
    for word in ["考评表", "申报表", "名册", "台账", "校验", "打分", "汇总", "公示", "认定公告", "补助", "fullemp demo"]:
        assert word in summary, word


def test_templates_and_addin_say_what_they_make(capsys):
    templates = help_of(capsys, "templates").split("选项：")[0]
    for word in ["考评表", "申报表", "社区名册", "台账", "公示", "认定公告", "补助资金明细"]:
        assert word in templates, word
    addin = help_of(capsys, "addin").split("选项：")[0]
    for word in ["选项卡", "FE_", "生成", "检查", "安装"]:
        assert word in addin, word


def test_arguments_are_listed_as_arguments_with_a_description(capsys):
    for path, command in commands():
        arguments = [p for p in command.params if p.param_type_name == "argument"]
        if not arguments:
            continue
        text = help_of(capsys, *path)
        assert "参数：" in text, path
        listed, options = text.split("参数：\n", 1)[1].split("选项：", 1)
        assert "Positional" not in text
        for argument in arguments:
            row = re.search(rf"^  {re.escape(argument.metavar)} +(\S.*)$", listed, re.M)
            assert row and re.search(r"[\u4e00-\u9fff]", row.group(1)), (path, listed)
            assert not re.search(rf"^  {re.escape(argument.metavar)}\s*$", options, re.M), (path, options)


@pytest.mark.parametrize("typed, meant", [("socre", "score"), ("valdate", "validate"), ("templtes", "templates")])
def test_a_mistyped_command_gets_a_suggestion(capsys, typed, meant):
    with pytest.raises(SystemExit) as stop:
        main([typed, "x.xlsx"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"用法错误：没有这个命令“{typed}”。你是不是想输入“{meant}”？\n"), err


def test_a_mistyped_subcommand_gets_a_suggestion(capsys):
    with pytest.raises(SystemExit):
        main(["rules", "shwo", "zhangye-2023"])
    assert "你是不是想输入“show”？" in capsys.readouterr().err


# ---------------------------------------------------------------- messages of the commands
def test_the_clerks_score_says_once_that_the_county_stage_is_not_filled(tmp_path, zhangye, good):
    """The clerk fills 自评; 考评 is the county's, later: one line, not fourteen 基础数据未填或无效."""
    form = make_assessment(tmp_path / "考评表.xlsx", zhangye, {"self": good})
    proc = run("score", form)
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert "基础数据未填或无效" not in out
    assert out.count("尚未填写") == 1 and "考评  尚未填写（由后续环节填写），暂不打分" in out
    assert "认定结论：市级充分就业社区" in out


def test_no_internal_codes_in_text_output_but_in_json(tmp_path, zhangye, good):
    form = make_assessment(tmp_path / "考评表.xlsx", zhangye, {"self": {**good, "service_hall": None}})
    proc = run("validate", form)
    assert proc.returncode == 1 and "未填写" in proc.stdout
    assert not re.search(r"\[[a-z_]+\.[a-z_.]+\]", proc.stdout + proc.stderr), proc.stdout
    data = json.loads(run("validate", form, "--format", "json").stdout)
    assert "value.missing" in {f["rule"] for f in data["findings"]}


def test_fill_from_a_ledger_lists_what_is_left_to_type(tmp_path, zhangye):
    form = make_assessment(tmp_path / "考评表.xlsx", zhangye, {})
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons())
    proc = run("fill", form, "--ledger", ledger, "-o", tmp_path / "填好.xlsx")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    left = proc.stdout.split("仍要手工填写的", 1)[1]
    assert left.startswith(" 12 项（自评列）：")
    for label in ["社区有综合性服务大厅和就业服务窗口，有醒目的信息公开栏", "满意度抽样调查人数", "近三年人力资源和社会保障工作方面的有效投诉件数"]:
        assert f"\n  {label}\n" in left, label
    assert "辖区残疾人数" not in left  # counted from the ledger


def registry_at(path, zhangye, header_row: int, *, labels=None):
    """A registry typed by hand: its header in `header_row`, no title above it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "社区名册"
    for col, label in enumerate(labels or [label for _, label, _ in REGISTRY_COLUMNS], start=1):
        ws.cell(header_row, col, label)
    ws.cell(header_row + 1, 1, "甘州区"), ws.cell(header_row + 1, 2, "东街街道"), ws.cell(header_row + 1, 3, "南关社区")
    ws.cell(header_row + 2, 1, "临泽县"), ws.cell(header_row + 2, 2, "沙河镇"), ws.cell(header_row + 2, 3, "城关社区")
    wb.save(path)
    return path


@pytest.mark.parametrize("header_row", [1, 2, 5])
def test_a_registry_header_is_found_wherever_it_stands_in_the_first_rows(tmp_path, zhangye, header_row):
    registry = registry_at(tmp_path / "名册.xlsx", zhangye, header_row)
    proc = run("fill", "--registry", registry, "-o", tmp_path / "分发")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "名册中 2 个社区：生成 4 个文件" in proc.stdout
    assert sorted(p.name for p in (tmp_path / "分发").rglob("*.xlsx")) == sorted(
        ["东街街道-南关社区-申报表.xlsx", "东街街道-南关社区-考评表.xlsx", "沙河镇-城关社区-申报表.xlsx", "沙河镇-城关社区-考评表.xlsx"])


def test_a_registry_header_written_with_ascii_brackets_and_spaces(tmp_path, zhangye):
    registry = registry_at(tmp_path / "名册.xlsx", zhangye, 1, labels=["县(区)", "街道 (乡镇)", " 社区 "])
    proc = run("fill", "--registry", registry, "-o", tmp_path / "分发")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_registry_without_its_header_says_where_it_must_be(tmp_path, zhangye):
    registry = registry_at(tmp_path / "名册.xlsx", zhangye, 1, labels=["县区", "街道（乡镇）", "社区"])
    proc = run("fill", "--registry", registry, "-o", tmp_path / "分发")
    assert proc.returncode == 2
    assert "社区名册的前 10 行中找不到表头：“县（区）”“街道（乡镇）”“社区”要在同一行" in proc.stderr, proc.stderr


def test_unmark_after_a_clean_mark_says_what_it_removed(tmp_path, filled):
    """A clean --mark marks no cell but adds the 校验结果 sheet: --unmark removes it and says so, with the backup."""
    marked = tmp_path / "marked.xlsx"
    assert run("validate", filled, "--mark", "-o", marked).returncode == 0
    assert "校验结果" in openpyxl.load_workbook(marked).sheetnames
    proc = run("validate", marked, "--unmark", "--in-place")
    assert proc.returncode == 0, proc.stderr
    assert "未改动" not in proc.stdout
    assert "已清除“校验结果”工作表，已写回" in proc.stdout and "原文件备份为" in proc.stdout, proc.stdout
    assert "校验结果" not in openpyxl.load_workbook(marked).sheetnames
    again = run("validate", marked, "--unmark", "--in-place")
    assert "没有校验标记，也没有“校验结果”工作表，文件未改动" in again.stdout, again.stdout
    data = json.loads(run("validate", marked, "--unmark", "--in-place", "--format", "json").stdout)
    assert data["written"] is None and data["backup"] is None


def test_an_open_word_document_is_called_a_word_document(tmp_path):
    """Word's owner file ~$x.docx beside the document to be written: the message names a Word document."""
    from documents_data import summary_with_profile

    summary = summary_with_profile(tmp_path / "市")
    assert run("announce", summary, "-o", tmp_path / "公告.docx", "--number", "1").returncode == 0
    (tmp_path / "~$公告.docx").write_bytes(b"\x05Wang  " + b"\x00" * 50)  # someone opened it in Word
    proc = run("announce", summary, "-o", tmp_path / "公告.docx", "--number", "2", "--force")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "这个Word 文档正在 Word、WPS 或 LibreOffice 中打开" in proc.stderr, proc.stderr
    assert "工作簿" not in proc.stderr


def test_file_kinds_come_from_the_content(tmp_path):
    from fullemp_xl.writing.lock import file_kind

    docx = tmp_path / "名单.xlsx"  # a Word document named like a workbook
    from docx import Document

    Document().save(str(docx))
    assert file_kind(docx)[0] == "Word 文档"
    assert file_kind(tmp_path / "新的.xlsx")[0] == "工作簿"
    assert file_kind(tmp_path / "新的.docx")[0] == "Word 文档"


# ---------------------------------------------------------------- merge of a folder without forms
def no_forms_folders(tmp_path, zhangye):
    from test_fill import REGISTRY_ROWS
    from conftest import write_registry

    only_lists = tmp_path / "台账和名册"
    only_lists.mkdir()
    write_ledger(only_lists / "台账.xlsx", zhangye, persons()[:5])
    write_registry(only_lists / "社区名册.xlsx", zhangye, REGISTRY_ROWS[:2])
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    text = tmp_path / "说明"
    text.mkdir()
    (text / "说明.txt").write_text("请查收", encoding="utf-8")
    broken = tmp_path / "坏文件"
    broken.mkdir()
    (broken / "考评表.xlsx").write_bytes(b"PK\x03\x04 not really")
    return {"only lists": only_lists, "empty": empty, "text": text, "broken": broken}


@pytest.mark.parametrize("kind", ["only lists", "empty", "text", "broken"])
def test_a_folder_without_forms_is_refused_the_same_way(tmp_path, zhangye, kind):
    folder = no_forms_folders(tmp_path, zhangye)[kind]
    out = tmp_path / "汇总表.xlsx"
    proc = run("merge", folder, "-o", out)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith(f"错误：{folder.name}：没有可以汇总的考评表或申报表，未生成汇总表"), proc.stderr
    assert proc.stderr.count("\n") == 1 and not out.exists()
    if kind == "only lists":
        assert "台账.xlsx：本程序生成的实名制台账" in proc.stderr and "社区名册.xlsx：本程序生成的社区名册" in proc.stderr


# ---------------------------------------------------------------- printed sheets of the 汇总表
@pytest.mark.libreoffice
@pytest.mark.pdf
def test_summary_lists_print_uncrammed(tmp_path, zhangye):
    """Rendered: the “无” line of 未提交 / 名单外 on one line across the table, and long names of duplicate files
    wrapped inside their rows (they ran over the next row)."""
    import datetime as dt

    from lo_oracle import pdf, require_soffice
    from pdf_pages import pages
    from conftest import write_registry
    from test_merge import submission

    require_soffice()
    src = tmp_path / "in"
    for k, version in enumerate(["第一次报送，按县区要求修改前的版本", "第二次报送，修改了台账数据但还没有盖章的版本",
                                 "第三次报送，按县区要求修改后并已盖章的最终版本"]):
        submission(src / "甘州区" / f"第{k + 1}批", zhangye, saved=dt.datetime(2026, 5, 1 + k),
                   name=f"甘州区东街街道南关社区考评表（{version}）.xlsx")
    registry = write_registry(tmp_path / "名册.xlsx", zhangye, [("甘州区", "东街街道", "南关社区", "", "无", None, "否", "否")])
    out = tmp_path / "汇总表.xlsx"
    assert run("merge", src, "-o", out, "--registry", registry).returncode == 0
    found = pages(pdf([out], tmp_path / "pdf")[0])
    duplicates = next(p for p in found if p.has("重复提交（同一社区"))
    assert duplicates.has("第一次报送，按县区要求修改前的版本）.xlsx") and not duplicates.overlaps(), duplicates.overlaps()
    for title, line in [("未提交（名册中有", "名册中的社区都已提交"), ("名单外（提交了考评表", "没有名册外的提交")]:
        page = next(p for p in found if p.has(title))
        assert any(w[4] == line for w in page.words), [w[4] for w in page.words][-5:]  # one word: one line
