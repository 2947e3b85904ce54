"""The 校验结果 sheet prints like a form (A4, fit to width, header on every page, page numbers, nothing
internal on paper), a damaged record gives a clear message, marking costs nothing per empty cell,
--unmark gives the sheets back byte for byte, and text stays text wherever we write it."""
from __future__ import annotations

import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import make_assessment
from fullemp_xl import api
from fullemp_xl.assess import marking
from fullemp_xl.core.model import Finding, Location
from fullemp_xl.writing.sheet import SheetXml
from fullemp_xl.writing.text import Formula, cell_xml
from fullemp_xl.writing.workbook import WorkbookPatch
from lo_oracle import pdf, require_soffice
from rich_workbooks import form_with_findings
from conftest import ROOT, run

INTERNAL = re.compile(r"\b[a-z]+\.[a-z_]+\b|`|fullemp ")


def only_results(marked: Path, out: Path) -> Path:
    """The marked workbook with only its 校验结果 sheet, to print that sheet alone."""
    patch = WorkbookPatch(marked.read_bytes())
    for name in patch.sheet_names():
        if name != marking.RESULT_SHEET:
            patch.remove_sheet(name)
    out.write_bytes(patch.to_bytes())
    return out


def pages(path: Path) -> list[str]:
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"], capture_output=True,
                           text=True).stdout for n in range(1, count + 1)]


@pytest.fixture
def many(tmp_path, zhangye):
    """A 考评表 with a finding on every base-data cell (68 of them)."""
    values = {f: "约10" for f in zhangye.facts}
    return make_assessment(tmp_path / "many.xlsx", zhangye, {"self": values, "assessed": values})


def test_results_sheet_page_setup_and_content(tmp_path, many):
    out = tmp_path / "marked.xlsx"
    assert run("validate", many, "--mark", "-o", out).returncode == 1
    ws = openpyxl.load_workbook(out)[marking.RESULT_SHEET]
    assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "landscape")
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage) == (1, 0, True)
    assert ws.print_title_rows == "$1:$2" and ws.print_area == f"'{marking.RESULT_SHEET}'!$A$1:$E${ws.max_row}"
    assert ws.oddFooter.center.text == "校验结果　第 &P 页"
    assert ws.column_dimensions["J"].hidden and ws.freeze_panes == "A3"
    assert re.fullmatch(r"校验结果　甘州区 东街街道 南关社区　文件：many\.xlsx　校验日期：\d{4}年\d{1,2}月\d{1,2}日　共 68 条",
                        ws["A1"].value)
    assert [c.value for c in ws[2][:5]] == marking.HEADS
    for row in ws.iter_rows(min_row=3, max_col=5, values_only=True):
        for value in row:
            assert not (isinstance(value, str) and not value.startswith("=HYPERLINK") and INTERNAL.search(value)), value


def test_printed_messages_have_no_command_lines():
    assert marking.printable("公式被改动过；用 `fullemp score --write` 可恢复原公式") == "公式被改动过；用“打分”可恢复原公式"
    assert marking.printable("请用 `fullemp templates build` 生成的模板填写") == "请用本程序生成的模板填写"


@pytest.mark.libreoffice
@pytest.mark.pdf
def test_results_print_with_the_header_on_every_page(tmp_path, many):
    require_soffice()
    marked = tmp_path / "marked.xlsx"
    api.mark_file(many, out=marked)
    [printed] = pdf([only_results(marked, tmp_path / "results.xlsx")], tmp_path / "pdf")
    texts = pages(printed)
    assert len(texts) > 1
    numbers = set()
    for n, text in enumerate(texts, start=1):
        assert "严重程度" in text and re.search(rf"校验结果\s+第\s*{n}\s*页", text)
        assert re.search(r"校验结果\s+甘州区 东街街道 南关社区 文件：many\.xlsx 校验日期：\d{4}年\d+月\d+日\s+共 68 条", text), text[:300]
        numbers |= {int(m) for m in re.findall(r"^\s*(\d+)\s+错误", text, re.M)}
    assert numbers == set(range(1, 69))


@pytest.mark.libreoffice
@pytest.mark.pdf
def test_results_printed_with_the_form_carry_whose_they_are_and_their_own_page_numbers(tmp_path, many):
    """Printed with the whole workbook, the 校验结果 pages name the community, the file and the date and count from 1."""
    require_soffice()
    marked = tmp_path / "城关社区考评表.xlsx"
    api.mark_file(many, out=marked)
    [printed] = pdf([marked], tmp_path / "pdf")
    texts = [t for t in pages(printed) if "严重程度" in t]
    form_pages = len(pages(printed)) - len(texts)
    assert len(texts) > 1 and form_pages > 1
    for n, text in enumerate(texts, start=1):
        # the file checked (the community's form), whatever the marked copy is called
        assert re.search(r"校验结果\s+甘州区 东街街道 南关社区 文件：many\.xlsx 校验日期：\d{4}年\d+月\d+日\s+共 68 条", text)
        footer = [line for line in text.splitlines() if line.strip()][-1]
        assert re.fullmatch(rf"\s*校验结果\s+第\s*{n}\s*页\s*", footer), footer


@pytest.mark.libreoffice
@pytest.mark.pdf
def test_results_without_findings_print_one_page(tmp_path, filled):
    require_soffice()
    marked = tmp_path / "marked.xlsx"
    findings, _, _ = api.mark_file(filled, out=marked)
    assert findings == []
    [printed] = pdf([only_results(marked, tmp_path / "results.xlsx")], tmp_path / "pdf")
    texts = pages(printed)
    assert len(texts) == 1 and "未发现问题" in texts[0]


def test_damaged_record_gives_a_clear_message(tmp_path, zhangye):
    src = form_with_findings(tmp_path / "k.xlsx", zhangye)
    assert run("validate", src, "--mark", "--in-place").returncode == 1
    wb = openpyxl.load_workbook(src)
    wb[marking.RESULT_SHEET]["J2"] = '{"sheet": "基础数据", "cell": "E1'  # someone edited the hidden record
    wb.save(src)
    before = src.read_bytes()
    for args in (["--mark"], ["--unmark"]):
        proc = run("validate", src, *args, "--in-place")
        assert proc.returncode == 2 and "恢复记录" in proc.stderr and "第2行" in proc.stderr
        assert "内部错误" not in proc.stderr and src.read_bytes() == before
    from fullemp_xl.excel import handlers
    from xl_remote import run_handler

    message, _ = run_handler(handlers.clear_book, src, tmp_path / "xl.xlsx")
    assert "恢复记录" in message and "内部错误" not in message


def test_unmark_gives_every_sheet_back_byte_for_byte(tmp_path, zhangye):
    src = form_with_findings(tmp_path / "k.xlsx", zhangye)
    marked, cleared = tmp_path / "marked.xlsx", tmp_path / "cleared.xlsx"
    assert run("validate", src, "--mark", "-o", marked).returncode == 1
    assert run("validate", marked, "--unmark", "-o", cleared).returncode == 0
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(cleared) as b:
        sheets = [n for n in a.namelist() if n.startswith("xl/worksheets/")]
        assert sorted(n for n in b.namelist() if n.startswith("xl/worksheets/")) == sorted(sheets)
        for name in sheets:
            assert a.read(name) == b.read(name), name
        assert not [n for n in b.namelist() if "comment" in n or n.endswith(".vml")]


def far_cell(path: Path) -> Path:
    """A small form with one formatted cell at the very end of the data sheet (XFD1048576)."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    name = "xl/worksheets/sheet2.xml"
    parts[name] = parts[name].replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="3"/></row></sheetData>')
    parts[name] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    return path


def test_marking_a_form_with_a_far_formatted_cell_is_cheap(tmp_path, zhangye):
    src = far_cell(form_with_findings(tmp_path / "far.xlsx", zhangye))
    assert src.stat().st_size < 40_000
    limit = 1_500 * 1024 * 1024

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    proc = subprocess.run([sys.executable, "-m", "fullemp_xl", "validate", str(src), "--mark", "-o", str(tmp_path / "m.xlsx")],
                          capture_output=True, text=True, cwd=ROOT, preexec_fn=cap, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert openpyxl.load_workbook(tmp_path / "m.xlsx")[marking.RESULT_SHEET]["E2"].value


def test_results_text_that_looks_like_a_formula_stays_text(tmp_path, filled):
    patch = WorkbookPatch(filled.read_bytes())
    finding = Finding("value.invalid", "error", "=HYPERLINK(\"http://x\",\"点我\")", Location(filled.name, "基础数据", "E17"),
                      "@SUM(A1)")
    marking.apply_marks(patch, [finding])
    out = tmp_path / "out.xlsx"
    out.write_bytes(patch.to_bytes())
    ws = openpyxl.load_workbook(out)[marking.RESULT_SHEET]
    assert ws["E3"].value == finding.message and ws["E3"].data_type == "s" and ws["E3"].quotePrefix
    assert ws["D3"].value == "@SUM(A1)" and ws["D3"].quotePrefix
    assert ws["C3"].value.startswith("=HYPERLINK(\"#'基础数据'!E17\"")  # our own link is a formula
    rows = marking.plan([finding], {"基础数据"}, lambda s, c: {}, lambda s, c: None).rows
    assert rows[2][4] == "'" + finding.message and isinstance(rows[2][2], Formula)  # for Excel through xlwings


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_any_text_comes_back_as_written(text):
    xml = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
           + cell_xml("A1", None, text) + "</row></sheetData></worksheet>")
    assert SheetXml(xml).cell("A1").value() == text
