"""The pieces of the write path on their own: worksheet patches (shared formulas, prefixed namespaces, far
rows), formats that do not pile up, the stamp against openpyxl, and the zip writer against zipfile."""
from __future__ import annotations

import io
import zipfile

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from fullemp_xl.assess import marking
from fullemp_xl.writing.tags import esc_attr
from fullemp_xl.forms import names
from fullemp_xl.forms.book import OpenpyxlBook
from fullemp_xl.builder.build import build_assessment
from fullemp_xl.forms.fill import fill_form
from fullemp_xl.core.model import Finding, Location
from fullemp_xl.writing.sheet import SheetXml
from fullemp_xl.writing.stamp import Stamp
from fullemp_xl.writing.text import Formula, cell_xml
from fullemp_xl.writing.workbook import WorkbookPatch
from fullemp_xl.writing.zipout import ZipOut, directory

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_overwriting_a_shared_formula_master_keeps_its_dependents():
    xml = (f'<worksheet xmlns="{MAIN}"><sheetData>'
           '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2</f><v>2</v></c></row>'
           '<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/><v>4</v></c></row>'
           '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/><v>6</v></c></row>'
           "</sheetData></worksheet>")
    ws = SheetXml(xml)
    ws.set("B1", cell_xml("B1", None, 99))
    out = SheetXml(ws.to_xml())
    assert out.cell("B1").value() == 99 and out.cell("B1").formula() is None
    assert out.cell("B2").formula()[1] == "A2*2" and out.cell("B3").formula()[1] == "A3*2"


def test_a_sheet_with_a_prefixed_namespace_gets_prefixed_cells():
    xml = (f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="2"><x:c r="B2"><x:v>5</x:v></x:c></x:row>'
           "</x:sheetData></x:worksheet>")
    ws = SheetXml(xml)
    ws.set("C9", cell_xml("C9", None, "新", prefix=ws.p))
    text = ws.to_xml()
    assert '<x:row r="9"><x:c r="C9" t="inlineStr"><x:is><x:t>新</x:t></x:is></x:c></x:row>' in text
    assert text.index('r="2"') < text.index('r="9"')


def test_untouched_rows_keep_their_exact_text():
    rows = "".join(f'<row r="{r}" spans="1:2"  x14ac:dyDescent="0.25"><c r="A{r}" s="1"><v>{r}</v></c></row>\n' for r in range(1, 50))
    xml = f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData><pageMargins/></worksheet>'
    ws = SheetXml(xml)
    ws.set("A20", cell_xml("A20", "1", 0))
    out = ws.to_xml()
    assert out.replace('<row r="20" spans="1:2"  x14ac:dyDescent="0.25"><c r="A20" s="1"><v>0</v></c></row>',
                       '<row r="20" spans="1:2"  x14ac:dyDescent="0.25"><c r="A20" s="1"><v>20</v></c></row>') == xml


def test_marking_again_and_again_does_not_grow_the_formats(tmp_path, zhangye):
    wb = build_assessment(zhangye)
    data = io.BytesIO()
    wb.save(data)
    finding = Finding("value.invalid", "error", "请填写阿拉伯数字", Location("", "基础数据", "E17"), "人数")
    sizes = []
    raw = data.getvalue()
    for _ in range(4):
        patch = WorkbookPatch(raw)
        marking.apply_marks(patch, [finding])
        raw = patch.to_bytes()
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            sizes.append(len(zf.read("xl/styles.xml")))
    assert sizes[1:] == sizes[:1] * 3


def test_stamped_forms_equal_forms_built_with_openpyxl(zhangye):
    wb = build_assessment(zhangye)
    data = io.BytesIO()
    wb.save(data)
    cells = OpenpyxlBook(wb).cells()
    ids = (names.COUNTY, names.STREET, names.COMMUNITY, names.PRIOR_TITLE, names.PRIOR_YEAR)
    stamp = Stamp(data.getvalue(), {n: cells[n] for n in ids})
    values = {names.COUNTY: "甘州区", names.STREET: "东街 & <街道>", names.COMMUNITY: "-南关", names.PRIOR_TITLE: "无",
              names.PRIOR_YEAR: 2021}
    stamped = openpyxl.load_workbook(io.BytesIO(stamp.render(values)))
    built = build_assessment(zhangye)
    fill_form(OpenpyxlBook(built), values)
    for ws in built.worksheets:
        for row in ws.iter_rows():
            for c in row:
                expected = None if c.value == "" else c.value  # "" is not stored
                assert stamped[ws.title][c.coordinate].value == expected, (ws.title, c.coordinate)
    book = OpenpyxlBook(stamped)
    sheet, ref = book.cells()[names.COMMUNITY]
    assert stamped[sheet][ref].quotePrefix  # '-南关' starts like a formula: it keeps the quote prefix
    assert isinstance(stamp.render(values), bytes) and stamp.render(values) == stamp.render(dict(values))


def test_zip_writer_and_directory_reader_agree_with_zipfile():
    out = ZipOut()
    out.add("a.xml", b"<a/>" * 100)
    out.add("中文/b.bin", bytes(range(256)))
    data = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        assert zf.read("中文/b.bin") == bytes(range(256))
        assert directory(data) == {i.filename: (i.CRC, i.file_size) for i in zf.infolist()}
    assert directory(b"not a zip") is None


def test_formula_values_and_text_values_are_told_apart(tmp_path):
    wb = openpyxl.Workbook()
    book = OpenpyxlBook(wb)
    book.write("Sheet", "A1", Formula("=1+1"))
    book.write("Sheet", "A2", "=1+1")
    wb.save(tmp_path / "t.xlsx")
    back = openpyxl.load_workbook(tmp_path / "t.xlsx")["Sheet"]
    assert back["A1"].data_type == "f" and back["A2"].data_type == "s" and back["A2"].value == "=1+1"


@given(st.text())
def test_an_attribute_value_is_escaped_as_the_standard_library_escapes_it(value):
    """writing.tags.esc_attr replaces xml.sax.saxutils.escape (whose import costs 25 ms on the click path)."""
    from xml.sax.saxutils import escape

    assert esc_attr(value) == escape(value, {'"': "&quot;"})
