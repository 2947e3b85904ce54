"""The 打分 / 校验 / 清除标记 / 填报 buttons on xlwings' remote engine agree with the command line."""
from __future__ import annotations

import openpyxl
import pytest

from conftest import good_values, make_assessment
from fullemp_xl.excel import handlers
from fullemp_xl.forms import names
from fullemp_xl.forms.book import OpenpyxlBook, locate
from fullemp_xl.builder.build import build_assessment
from fullemp_xl.forms.fill import fill_form
from fullemp_xl.assess.marking import RESULT_SHEET
from ledger_data import persons, write_ledger
from conftest import fill_key, run
from corpus import shift_rows
import xl_remote
from xl_remote import remote_book, run_handler

pytest.importorskip("xlwings")


def snapshot(path, *, sheets=None) -> dict:
    """Values, fills and notes of every cell: what a person sees."""
    wb = openpyxl.load_workbook(path)
    out = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        if sheets and ws.title not in sheets:
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None or c.comment is not None or c.fill.patternType:
                    out[(ws.title, c.coordinate)] = (c.value, fill_key(c.fill), c.comment.text if c.comment else None)
    return out


@pytest.fixture
def form(tmp_path, zhangye):
    good = good_values()
    return make_assessment(tmp_path / "考评表.xlsx", zhangye,
                           {"self": {**good, "qualified_staff": "九十", "disabled_registered": 35},
                            "assessed": {**good, "ledgers_missing": 2, "unemployed_unregistered": 1}})


def test_score_button_equals_cli(tmp_path, form):
    message, alerts = run_handler(handlers.score_book, form, tmp_path / "xl.xlsx")
    assert run("score", form, "--write", "-o", tmp_path / "cli.xlsx").returncode == 1
    assert snapshot(tmp_path / "xl.xlsx") == snapshot(tmp_path / "cli.xlsx")
    assert alerts == [message] and "考评合计 91 分：市级充分就业社区" in message
    wb = openpyxl.load_workbook(tmp_path / "xl.xlsx")
    loc = locate(OpenpyxlBook(wb), "fe_reason_assessed_3_2")
    assert wb[loc.sheet][loc.cell].value == "未登记失业人员1人，扣3分"


def test_validate_button_equals_cli_mark(tmp_path, form):
    message, _ = run_handler(handlers.validate_book, form, tmp_path / "xl.xlsx")
    assert run("validate", form, "--mark", "-o", tmp_path / "cli.xlsx").returncode == 1
    xl, cli = snapshot(tmp_path / "xl.xlsx"), snapshot(tmp_path / "cli.xlsx")
    assert xl == cli
    assert "2 个错误" in message and RESULT_SHEET in message
    wb = openpyxl.load_workbook(tmp_path / "xl.xlsx")
    assert wb[RESULT_SHEET]["C3"].value.startswith('=HYPERLINK("#')


def test_clear_button_removes_only_what_validate_added(tmp_path, form):
    run_handler(handlers.validate_book, form, tmp_path / "marked.xlsx")
    message, _ = run_handler(handlers.clear_book, tmp_path / "marked.xlsx", tmp_path / "cleared.xlsx")
    assert "已清除 3 处" in message
    assert snapshot(tmp_path / "cleared.xlsx") == snapshot(form)
    message, _ = run_handler(handlers.clear_book, tmp_path / "cleared.xlsx", tmp_path / "again.xlsx")
    assert "没有需要清除" in message


@pytest.mark.parametrize("handler", [handlers.score_book, handlers.validate_book])
def test_each_button_twice_equals_once(tmp_path, form, handler):
    once, twice = tmp_path / "once" / form.name, tmp_path / "twice" / form.name  # the same book (its name is in 校验结果)
    once.parent.mkdir(), twice.parent.mkdir()
    run_handler(handler, form, once)
    run_handler(handler, once, twice)
    assert snapshot(twice) == snapshot(once)


def test_fill_button_equals_cli(tmp_path, zhangye):
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons())
    form = tmp_path / "考评表.xlsx"
    book = OpenpyxlBook(build_assessment(zhangye), form.name)
    fill_form(book, {names.LEDGER_PATH: str(ledger), names.FILL_STAGE: "考评"})
    book.wb.save(form)
    message, _ = run_handler(handlers.fill_book, form, tmp_path / "xl.xlsx")
    assert "考评" in message and "205 人" in message
    assert run("fill", form, "--ledger", ledger, "--as", "assessed", "-o", tmp_path / "cli.xlsx").returncode == 0
    assert snapshot(tmp_path / "xl.xlsx") == snapshot(tmp_path / "cli.xlsx")
    run_handler(handlers.fill_book, tmp_path / "xl.xlsx", tmp_path / "xl2.xlsx")
    assert snapshot(tmp_path / "xl2.xlsx") == snapshot(tmp_path / "xl.xlsx")


def test_fill_button_without_ledger_says_what_to_do(tmp_path, form):
    message, _ = run_handler(handlers.fill_book, form, tmp_path / "xl.xlsx")
    assert "台账文件" in message
    assert snapshot(tmp_path / "xl.xlsx") == snapshot(form)


def test_buttons_on_a_workbook_with_inserted_rows(tmp_path, form):
    wb = openpyxl.load_workbook(form)
    shift_rows(wb, "基础数据", 12, 2)
    shift_rows(wb, "考评表", 8, 1)
    moved = tmp_path / "moved.xlsx"
    wb.save(moved)
    message, _ = run_handler(handlers.score_book, moved, tmp_path / "xl.xlsx")
    assert "考评合计 91 分" in message
    run("score", moved, "--write", "-o", tmp_path / "cli.xlsx")
    assert snapshot(tmp_path / "xl.xlsx") == snapshot(tmp_path / "cli.xlsx")


@pytest.mark.parametrize("handler", [handlers.score_book, handlers.validate_book, handlers.clear_book, handlers.fill_book])
def test_a_workbook_that_is_not_ours_gets_a_message_and_no_changes(tmp_path, handler):
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "工资表"
    wb.save(path)
    book = remote_book(path)
    message = handler(book)
    actions = book.json()["actions"]
    if handler is handlers.clear_book:
        assert "没有需要清除" in message
    else:
        assert "不是 fullemp 生成的" in message
    assert [a["func"] for a in actions] == ["alert"]


def test_runpython_entry_points_use_the_caller(tmp_path, form):
    import xlwings as xw

    book = remote_book(form)
    book.set_mock_caller()
    try:
        handlers.score()
    finally:
        del xw.Book._mock_caller
    actions = book.json()["actions"]
    assert any(a["func"] == "setValues" for a in actions) and actions[-1]["func"] == "alert"


def test_template_fill_records_match_the_template_styles():
    from openpyxl.styles import PatternFill

    from fullemp_xl.builder.style import FORMULA_FILL, INPUT_FILL
    from fullemp_xl.assess.marking import fill_record

    assert handlers.INPUT_RECORD == fill_record(INPUT_FILL)
    assert handlers.FORMULA_RECORD == fill_record(FORMULA_FILL)
    assert handlers.NO_FILL_RECORD == fill_record(PatternFill())


def test_buttons_on_a_declaration(tmp_path, zhangye, declaration):
    message, _ = run_handler(handlers.validate_book, declaration, tmp_path / "xl.xlsx")
    assert "3 个错误" in message  # 县区, 街道, 社区 not filled
    assert run("validate", declaration, "--mark", "-o", tmp_path / "cli.xlsx").returncode == 1
    assert snapshot(tmp_path / "xl.xlsx") == snapshot(tmp_path / "cli.xlsx")
    message, _ = run_handler(handlers.score_book, declaration, tmp_path / "s.xlsx")
    assert "没有按月就业率监测" in message


def test_score_button_on_a_qiqihar_declaration_reports_the_months(tmp_path):
    from fullemp_xl.builder.declaration import build_declaration
    from fullemp_xl.rules import load_ruleset

    path = tmp_path / "申报表.xlsx"
    book = OpenpyxlBook(build_declaration(load_ruleset("qiqihar-2022")), path.name)
    fill_form(book, {names.monitor("employed", 1): 95, names.monitor("unemployed", 1): 5,
                     names.monitor("employed", 2): 90, names.monitor("unemployed", 2): 10})
    book.wb.save(path)
    message, _ = run_handler(handlers.score_book, path, tmp_path / "xl.xlsx")
    assert "已填 2 个月" in message and "2月" in message


def test_an_unexpected_error_becomes_a_message(tmp_path, form, monkeypatch):
    monkeypatch.setattr(handlers.api, "assess_book", lambda *a, **k: 1 / 0)
    message, _ = run_handler(handlers.score_book, form, tmp_path / "xl.xlsx")
    assert message.startswith("程序内部错误（ZeroDivisionError")


# ---------------------------------------------------------------- protection, as Excel enforces it
def overwrite_formula(path, out, name="fe_score_assessed_3_2", value=10):
    wb = openpyxl.load_workbook(path)
    loc = locate(OpenpyxlBook(wb), name)
    wb[loc.sheet][loc.cell].value = value
    wb.save(out)
    return out


def test_score_restores_an_overwritten_formula_on_a_protected_sheet(tmp_path, form):
    broken = overwrite_formula(form, tmp_path / "broken.xlsx")
    message, _ = run_handler(handlers.score_book, broken, tmp_path / "xl.xlsx")  # replay fails on any 1004
    assert "已恢复 1 个被改动的公式" in message
    assert run("score", broken, "--write", "-o", tmp_path / "cli.xlsx").returncode == 1
    assert snapshot(tmp_path / "xl.xlsx") == snapshot(tmp_path / "cli.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "xl.xlsx")
    assert all(wb[s].protection.sheet for s in ("考评表", "基础数据"))


@pytest.mark.parametrize("handler,broken", [(handlers.validate_book, False), (handlers.score_book, True),
                                            (handlers.clear_book, False)])
def test_the_replay_fails_a_click_that_ignores_protection(tmp_path, form, monkeypatch, handler, broken):
    import contextlib

    from fullemp_xl.forms.xlwingsbook import XlwingsBook
    from xl_remote import ProtectionError

    path = overwrite_formula(form, tmp_path / "broken.xlsx") if broken else form
    if handler is handlers.clear_book:
        run_handler(handlers.validate_book, form, tmp_path / "marked.xlsx")
        path = tmp_path / "marked.xlsx"
    monkeypatch.setattr(XlwingsBook, "editing", lambda self: contextlib.nullcontext())
    with pytest.raises(ProtectionError, match="1004"):
        run_handler(handler, path, tmp_path / "x.xlsx")


def test_protection_is_put_back_after_an_error_half_way(tmp_path, form, monkeypatch):
    real = handlers.api.write_results

    def breaks_after_writing(book, card, ruleset):
        real(book, card, ruleset)
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(handlers.api, "write_results", breaks_after_writing)
    broken = overwrite_formula(form, tmp_path / "broken.xlsx")
    message, _ = run_handler(handlers.score_book, broken, tmp_path / "xl.xlsx")  # asserts protection restored
    assert message.startswith("程序内部错误（RuntimeError")


def test_a_password_protected_sheet_gets_a_message_and_no_changes(tmp_path, form):
    wb = openpyxl.load_workbook(form)
    wb["基础数据"].protection.password = "1234"
    wb.save(tmp_path / "locked.xlsx")
    book = xl_remote.desktop_book(tmp_path / "locked.xlsx")
    message = handlers.validate_book(book)
    assert "设有密码保护" in message and "撤销工作表保护" in message
    funcs = [a["func"] for a in book.json()["actions"]]
    assert "setRangeColor" not in funcs and funcs.count("unprotectSheet") == funcs.count("protectSheet")


def test_clear_gives_back_the_users_own_colour(tmp_path, form):
    wb = openpyxl.load_workbook(form)
    loc = locate(OpenpyxlBook(wb), "fe_self_disabled_registered")
    wb[loc.sheet][loc.cell].fill = openpyxl.styles.PatternFill("solid", fgColor="FF00B050")  # the user's green
    wb.save(tmp_path / "green.xlsx")
    run_handler(handlers.validate_book, tmp_path / "green.xlsx", tmp_path / "marked.xlsx")
    assert fill_key(cell_of(tmp_path / "marked.xlsx", loc).fill)[2] != "FF00B050"  # marked
    run_handler(handlers.clear_book, tmp_path / "marked.xlsx", tmp_path / "cleared.xlsx")
    assert cell_of(tmp_path / "cleared.xlsx", loc).fill.fgColor.rgb[-6:] == "00B050"
    # validating twice keeps the user's colour as what a mark replaces
    run_handler(handlers.validate_book, tmp_path / "marked.xlsx", tmp_path / "twice.xlsx")
    run_handler(handlers.clear_book, tmp_path / "twice.xlsx", tmp_path / "cleared2.xlsx")
    assert cell_of(tmp_path / "cleared2.xlsx", loc).fill.fgColor.rgb[-6:] == "00B050"


def cell_of(path, loc):
    return openpyxl.load_workbook(path)[loc.sheet][loc.cell]


def test_validate_says_when_it_could_not_check_formulas(tmp_path, form):
    broken = overwrite_formula(form, tmp_path / "broken.xlsx")
    desktop, _ = run_handler(handlers.validate_book, broken, tmp_path / "d.xlsx")
    results = "".join(str(c.value) for c in openpyxl.load_workbook(tmp_path / "d.xlsx")[RESULT_SHEET]["E"])
    assert "公式被改成了常数“10”" in results
    assert "读不到公式" not in desktop
    book = xl_remote.remote_book(broken)
    web = handlers.validate_book(book)
    assert "读不到公式，没有检查公式是否被改动" in web


def test_score_twice_writes_nothing_the_second_time(tmp_path, form):
    run_handler(handlers.score_book, form, tmp_path / "once.xlsx")
    book = xl_remote.desktop_book(tmp_path / "once.xlsx")
    with xl_remote.desktop_formulas():
        handlers.score_book(book)
    assert [a["func"] for a in book.json()["actions"]] == ["alert"]


def test_on_the_web_validate_cannot_colour_a_protected_template(tmp_path, form):
    """The documented limit of Excel on the web: Office.js gets no way to lift protection from xlwings,
    so 校验's colours on our protected sheets would be refused there (README: 网页版)."""
    from xl_remote import ProtectionError

    with pytest.raises(ProtectionError, match="设置单元格格式"):
        run_handler(handlers.validate_book, form, tmp_path / "web.xlsx", desktop=False)
    message, _ = run_handler(handlers.score_book, form, tmp_path / "web-score.xlsx", desktop=False)
    assert "考评合计 91 分" in message  # 打分 writes only unlocked cells: it works there
