"""The templates: built from the rule set, committed, read back by defined name, robust to inserted rows."""
from __future__ import annotations

import re

import openpyxl
import pytest

from conftest import ROOT, make_assessment
from corpus import shift_rows
from fullemp_xl import api
from fullemp_xl.engine import formulas
from fullemp_xl.forms import names
from fullemp_xl.forms.book import OpenpyxlBook, locate
from fullemp_xl.builder.build import build_assessment
from fullemp_xl.builder.declaration import build_declaration
from fullemp_xl.builder.lists import build_ledger, build_registry
from fullemp_xl.rules import load_ruleset


def content(wb) -> dict:
    """What a template holds, independent of zip bytes and timestamps."""
    out = {"sheets": [(ws.title, ws.sheet_state) for ws in wb.worksheets],
           "names": sorted((n, d.attr_text) for n, d in wb.defined_names.items())}
    for ws in wb.worksheets:
        out[ws.title] = {
            "cells": {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted((str(d.sqref), d.type, d.formula1, d.prompt) for d in ws.data_validations.dataValidation),
            "protected": ws.protection.sheet,
            "print": (ws.page_setup.orientation, ws.page_setup.paperSize, str(ws.print_title_rows)),
        }
    return out


@pytest.mark.parametrize("rules, folder", [("zhangye-2023", ""), ("qiqihar-2022", "qiqihar-2022")])
@pytest.mark.parametrize("form, build", [("考评表", build_assessment), ("申报表", build_declaration),
                                         ("社区名册", build_registry), ("台账", build_ledger)])
def test_committed_templates_are_what_the_code_builds(rules, folder, form, build, tmp_path):
    committed = openpyxl.load_workbook(ROOT / "templates" / folder / f"{form}.xlsx")
    fresh_path = tmp_path / f"{form}.xlsx"
    build(load_ruleset(rules)).save(fresh_path)
    assert content(committed) == content(openpyxl.load_workbook(fresh_path)), \
        "templates/ is stale: run `fullemp templates build` and commit the result"


def test_every_field_has_a_defined_name(zhangye):
    book = OpenpyxlBook(build_assessment(zhangye))
    cells = book.cells()
    for stage in zhangye.stages:
        for fact in zhangye.facts:
            assert cells[names.fact(stage.id, fact)] is not None
        for item in zhangye.items:
            assert cells[names.reason(stage.id, item)] is not None
    for name, formula in formulas.all_formulas(zhangye).items():
        assert book.read(*cells[name]) == formula, name
    for name in [*names.IDENTITY, *names.META, names.PRIOR_TITLE, names.PRIOR_YEAR]:
        assert cells[name] is not None
    assert all(re.fullmatch(r"fe_[a-z0-9_]+", n) for n in cells)


def test_meta_sheet_is_hidden_and_records_versions(zhangye):
    wb = build_assessment(zhangye)
    meta = wb[names.META_SHEET]
    assert meta.sheet_state == "hidden"
    book = OpenpyxlBook(wb)
    assert book.read(*book.cells()["fe_meta_ruleset"]) == "zhangye-2023"
    assert book.read(*book.cells()["fe_meta_ruleset_version"]) == zhangye.version
    assert book.read(*book.cells()["fe_meta_template_version"]) == names.TEMPLATE_VERSION
    assert book.read(*book.cells()["fe_meta_form"]) == "考评表"


def test_official_layout(zhangye):
    wb = build_assessment(zhangye)
    ws = wb["考评表"]
    assert ws["A1"].value == "张掖市市级充分就业社区认定量化评分表"
    assert ws["A1"].font.name == "方正小标宋简体"
    heads = [ws[f"{c}3"].value for c in "ABCDFG"]
    assert heads == ["序号", "项目", "考核内容", "标准分", "评分标准", "考评成绩"]
    assert (ws["G4"].value, ws["H4"].value) == ("自评", "考评")
    # section cells merged across their items on each page: 服务工作标准 spans six rows over a page break,
    # labelled again (续) at the top of the next page, so no merged cell is cut by the break
    starts = {b.id + 1 for b in ws.row_breaks.brk}
    rows = [r for r in range(5, ws.max_row + 1) if ws.cell(r, 2).value in ("服务工作标准", "服务工作标准（续）")]
    pieces = [next((m for m in ws.merged_cells.ranges if m.min_col == 2 and m.min_row == r), None) for r in rows]
    covered = sum(1 if m is None else m.max_row - m.min_row + 1 for m in pieces)
    assert covered == 6 and len(rows) == 2 and rows[1] in starts
    assert ws.cell(rows[1], 2).value == "服务工作标准（续）" and ws.cell(rows[1], 1).value == "3"
    for m in ws.merged_cells.ranges:  # no merged cell spans a page break
        assert not any(m.min_row < r <= m.max_row for r in starts), m
    total_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "合计")
    assert ws.cell(total_row, 4).value == 100 and ws.cell(total_row, 5).value == 100
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert str(ws.print_title_rows) == "$3:$4"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1


def test_protection_locks_formulas_and_leaves_inputs_open(zhangye):
    wb = build_assessment(zhangye)
    book = OpenpyxlBook(wb)
    assert wb["考评表"].protection.sheet and wb["基础数据"].protection.sheet
    assert not wb["考评表"].protection.password  # an office can lift it
    cells = book.cells()
    for name in formulas.all_formulas(zhangye):
        sheet, ref = cells[name]
        assert wb[sheet][ref].protection.locked, name
    for stage in zhangye.stages:
        for name in [names.fact(stage.id, f) for f in zhangye.facts] + [names.reason(stage.id, i) for i in zhangye.items] + [names.opinion(stage.id)]:
            sheet, ref = cells[name]
            assert not wb[sheet][ref].protection.locked, name


def test_data_validation_and_prompts(zhangye):
    wb = build_assessment(zhangye)
    ws = wb["基础数据"]
    book = OpenpyxlBook(wb)
    by_cell = {}
    for dv in ws.data_validations.dataValidation:
        for ref in str(dv.sqref).split():
            by_cell[ref] = dv
    count = by_cell[book.cells()["fe_self_qualified_staff"][1]]
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")
    assert "非负整数" in count.prompt
    flag = by_cell[book.cells()["fe_assessed_service_hall"][1]]
    assert (flag.type, flag.formula1) == ("list", '"是,否"')
    assert "是" in flag.prompt


def test_declaration_fields(zhangye):
    wb = build_declaration(zhangye)
    book = OpenpyxlBook(wb)
    ws = wb["申报表"]
    assert ws["A1"].value == "张掖市市级充分就业社区申报表"
    for name in [*names.DECLARATION_FIELDS, *names.IDENTITY, names.PRIOR_TITLE, names.PRIOR_YEAR]:
        assert book.cells()[name] is not None, name
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert texts.count("（盖章）") == 3
    assert {"社区名称", "社区基本情况", "社区工作情况"} <= set(texts)


def test_inserted_rows_still_read_correctly(tmp_path, zhangye, good):
    plain = make_assessment(tmp_path / "plain.xlsx", zhangye, {"self": good, "assessed": {**good, "ledgers_missing": 2}})
    wb = openpyxl.load_workbook(plain)
    shift_rows(wb, "基础数据", 12, 3)
    shift_rows(wb, "考评表", 7, 2)
    wb["基础数据"]["C12"] = "县区自加的说明行"
    moved = tmp_path / "moved.xlsx"
    wb.save(moved)
    assert locate(OpenpyxlBook(openpyxl.load_workbook(moved)), "fe_self_qualified_staff").cell != \
        locate(OpenpyxlBook(openpyxl.load_workbook(plain)), "fe_self_qualified_staff").cell
    a, b = api.score_file(plain), api.score_file(moved)
    assert [s.total for s in a.stages] == [s.total for s in b.stages] == [100, 94]
    assert [i.score for i in a.stages[1].items] == [i.score for i in b.stages[1].items]
    assert not [f for f in b.findings if f.severity == "error"]


@pytest.mark.parametrize("rules", ["zhangye-2023", "qiqihar-2022", *(str(p) for p in sorted((ROOT / "tests" / "rulesets").glob("*.toml")))])
def test_no_merged_cell_is_cut_by_a_page_break(rules):
    """Breaks fall between items; a section going on over a break is merged per page, labelled （续） on the
    next, so the write-back (which changes row heights and breaks, never merges) keeps every piece whole."""
    ws = build_assessment(load_ruleset(rules))["考评表"]
    starts = {b.id + 1 for b in ws.row_breaks.brk}
    for m in ws.merged_cells.ranges:
        assert not any(m.min_row < r <= m.max_row for r in starts), m
    for cell in ws["B"]:
        if isinstance(cell.value, str) and cell.value.endswith("（续）"):
            assert cell.row in starts, cell.value


def test_a_form_built_with_whole_section_merges_keeps_each_section_on_one_page(zhangye):
    """A 考评表 from before sections could break (序号/项目/标准分 merged over the whole section) keeps its
    sections whole when the write-back lays it out again: the merges in the file are the blocks."""
    from fullemp_xl.builder.layout import paginate

    wb = build_assessment(zhangye)
    ws = wb["考评表"]
    cells = OpenpyxlBook(wb).cells()
    rows = [int(cells[names.score("self", i)][1][1:]) for i in zhangye.sections[2].items]  # 服务工作标准
    top, bottom = min(rows), max(rows)
    assert any(top < r <= bottom for r in (b.id + 1 for b in ws.row_breaks.brk))  # as built, it goes on over a page
    for m in [m for m in list(ws.merged_cells.ranges) if m.min_row >= top and m.max_row <= bottom and m.min_col in (1, 2, 4)]:
        ws.unmerge_cells(m.coord)
    for col in "ABD":
        ws.merge_cells(f"{col}{top}:{col}{bottom}")  # the old layout: one merge over the section's six rows
    paginate(wb, zhangye)
    starts = {b.id + 1 for b in ws.row_breaks.brk}
    assert not any(top < r <= bottom for r in starts) and top in starts
