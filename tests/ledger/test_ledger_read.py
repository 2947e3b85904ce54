"""The ledger reader: strict (a damaged sheet is refused, never read in part), sparse (far cells cost
nothing), bounded (limits on rows and cells), and reading what openpyxl reads, value for value —
on files openpyxl writes and on the same files saved by LibreOffice (shared strings, its own styles).
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from hostile import member_data_span, rewrite, sheet_of
from ledger_data import persons, write_ledger
from lo_oracle import recalculate
from fullemp_xl.ledger.read import ledger_rows, open_ledger, read_ledger
from fullemp_xl.errors import UnusableFile
from fullemp_xl.screening import LEDGER_LIMITS, Limits

VALUES = ["南关社区", 12, 0, 3.25, -7, 1e-3, True, False, dt.datetime(2023, 5, 1), dt.datetime(1999, 12, 31, 13, 30),
          "620702198506010018", "  空格  ", "=不是公式", "#N/A文字", "x" * 300, "第一行\n第二行"]


def openpyxl_rows(path: Path, sheet: str) -> list[tuple[int, dict]]:
    """What openpyxl reads, as sparse rows; formula cells by their cached value, as a ledger is read."""
    ws = openpyxl.load_workbook(path, data_only=True)[sheet]
    rows = {}
    for (r, c), cell in ws._cells.items():
        if cell.value not in (None, ""):
            rows.setdefault(r, {})[c] = cell.value
    return sorted(rows.items())


def sheet_rows(path: Path, sheet: str, limits: Limits = LEDGER_LIMITS) -> list[tuple[int, dict]]:
    """A ledger's sheet as the ledger reads it (the one reader, xlsx, with the ledger's limits)."""
    book = open_ledger(path, limits)
    try:
        return list(ledger_rows(book, sheet, limits))
    finally:
        book.close()


def varied_workbook(path: Path, *, far_cell: bool = True) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    for k, value in enumerate(VALUES):
        ws.cell(k + 1, 1 + k % 5, value)
        if isinstance(value, dt.datetime):
            ws.cell(k + 1, 1 + k % 5).number_format = "yyyy-mm-dd"
    ws["H3"] = CellRichText("富", TextBlock(InlineFont(b=True), "文本"))
    if far_cell:
        ws["XFD1048576"] = "最后一格"
    wb.save(path)
    return path


def test_values_are_openpyxls(tmp_path):
    path = varied_workbook(tmp_path / "v.xlsx")
    assert sheet_rows(path, "台账") == openpyxl_rows(path, "台账")


@pytest.mark.libreoffice
def test_values_are_openpyxls_after_a_libreoffice_round_trip(tmp_path):
    # without the sheet's last cell (read above): LibreOffice takes half a minute over a sheet that reaches it
    saved = recalculate([varied_workbook(tmp_path / "v.xlsx", far_cell=False)], tmp_path / "lo")[0]
    with zipfile.ZipFile(saved) as zf:
        assert "xl/sharedStrings.xml" in zf.namelist()  # LibreOffice writes shared strings
    assert sheet_rows(saved, "台账") == openpyxl_rows(saved, "台账")


@pytest.mark.libreoffice
def test_a_ledger_read_after_libreoffice_counts_the_same(tmp_path, zhangye):
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons())
    saved = recalculate([ledger], tmp_path / "lo")[0]
    ours, theirs = read_ledger(ledger, zhangye.ledger), read_ledger(saved, zhangye.ledger)
    assert ours.rows == theirs.rows and len(ours.rows) == len(persons())
    assert ours.findings == [] and theirs.findings == []


def test_every_cut_of_the_sheet_is_refused(tmp_path, zhangye):
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons()[:6])
    part = sheet_of(ledger, "台账")
    with zipfile.ZipFile(ledger) as zf:
        xml = zf.read(part)
    data_rows = xml.index(b'<row r="11"')  # the title, the header and the six persons; then empty formatted rows
    cuts = [m.end() for m in re.finditer(rb"</row>|</c>|<c |<v>|<is>|</t>", xml) if m.end() < data_rows]
    cuts.append(xml.index(b"</sheetData>"))
    assert len(cuts) > 100
    for n, at in enumerate(cuts):
        broken = rewrite(ledger, tmp_path / f"cut{n}.xlsx", change=lambda name, d: d[:at] if name == part else d)
        with pytest.raises(UnusableFile) as info:
            read_ledger(broken, zhangye.ledger)
        assert "损坏" in info.value.message
        broken.unlink()


def test_a_sheet_closed_early_but_well_formed_is_read_as_written(tmp_path, zhangye):
    """XML that closes its tags after a few rows is a complete, smaller sheet: nothing to detect,
    and nothing made up either (the rows read are exactly the rows present)."""
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons()[:6])
    part = sheet_of(ledger, "台账")

    def close_after_row_6(xml: bytes) -> bytes:
        end = xml.index(b"</row>", xml.index(b'<row r="6"')) + len(b"</row>")
        return xml[:end] + b"</sheetData></worksheet>"
    short = rewrite(ledger, tmp_path / "short.xlsx", change=lambda n, d: close_after_row_6(d) if n == part else d)
    assert [n for n, _ in read_ledger(short, zhangye.ledger).rows] == [4, 5, 6]


def test_a_value_in_the_last_cell_costs_nothing(tmp_path, zhangye):
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons()[:6])
    wb = openpyxl.load_workbook(ledger)
    wb["台账"]["XFD1048576"] = 1
    wb.save(ledger)
    rows = sheet_rows(ledger, "台账")
    assert rows[-1] == (1048576, {16384: 1})
    assert len(read_ledger(ledger, zhangye.ledger).rows) == 6  # the stray far cell is not a person


def test_row_and_cell_limits(tmp_path, zhangye):
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons()[:20])
    with pytest.raises(UnusableFile) as info:
        sheet_rows(ledger, "台账", Limits(rows=10, measure_sheets=False))
    assert "行" in info.value.message and "上限" in info.value.message
    with pytest.raises(UnusableFile) as info:
        sheet_rows(ledger, "台账", Limits(cells=50, measure_sheets=False))
    assert "单元格" in info.value.message
    assert LEDGER_LIMITS.rows >= 200_000 and LEDGER_LIMITS.cells >= 5_000_000


@pytest.mark.parametrize("edit, words", [
    (lambda d: re.sub(rb'(<c r="A5"[^>]*t=")inlineStr("[^>]*>)<is><t>[^<]*</t></is>', rb"\1s\2<v>99999</v>", d, count=1),
     "共享字符串"),
    (lambda d: d.replace(b'r="A5"', b'r="5A"', 1), "地址"),
    (lambda d: d.replace(b'<row r="5"', b'<row r="-5"', 1), "行号"),
    (lambda d: re.sub(rb"<v>\d+</v>", b"<v>12abc</v>", d, count=1), "数值"),
    (lambda d: re.sub(rb'(<c r="[A-Z]+\d+" )s="\d+"( t="n")?>(<v>)', rb'\1s="x"\2>\3', d, count=1), "格式编号"),
    (lambda d: d.replace(b'<c r="B5"', b'<c r="B9"', 1), "不在它所在的第 5 行"),
])
def test_damage_inside_well_formed_xml_is_refused(tmp_path, zhangye, edit, words):
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons()[:6])
    part = sheet_of(ledger, "台账")
    broken = rewrite(ledger, tmp_path / "b.xlsx", change=lambda n, d: edit(d) if n == part else d)
    with pytest.raises(UnusableFile) as info:
        read_ledger(broken, zhangye.ledger)
    assert words in info.value.message


def test_dates_in_the_1904_calendar(tmp_path):
    path = tmp_path / "mac.xlsx"
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "台账"
    ws["A1"] = dt.datetime(2023, 5, 1)
    ws["A1"].number_format = "yyyy-mm-dd"
    wb.save(path)
    assert sheet_rows(path, "台账") == [(1, {1: dt.datetime(2023, 5, 1)})]


def test_a_ledger_in_the_1904_calendar_reads_the_same_dates(tmp_path, zhangye):
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons())
    wb = openpyxl.load_workbook(ledger)
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904  # openpyxl writes the serial numbers of this calendar
    wb.save(mac := tmp_path / "mac.xlsx")
    with zipfile.ZipFile(mac) as zf:
        assert b'date1904="1"' in zf.read("xl/workbook.xml")
    ours, theirs = read_ledger(ledger, zhangye.ledger), read_ledger(mac, zhangye.ledger)
    assert any(isinstance(v, dt.date) for _, row in ours.rows for v in row.values())
    assert theirs.rows == ours.rows and theirs.findings == ours.findings == []


def _cells_in_lower_case(xml: bytes) -> bytes:
    return re.sub(rb'(<c r=")([A-Z]+)(\d+")', lambda m: m[1] + m[2].lower() + m[3], xml)


def _absolute_addresses(xml: bytes) -> bytes:
    return re.sub(rb'(<c r=")([A-Z]+)(\d+")', lambda m: m[1] + b"$" + m[2] + b"$" + m[3], xml)


def _column_a_without_address(xml: bytes) -> bytes:
    return re.sub(rb'<c r="A\d+"', b"<c", xml)  # the first cell of a row: column A, as Excel reads it


@pytest.mark.parametrize("edit", [_cells_in_lower_case, _absolute_addresses, _column_a_without_address])
def test_addresses_as_excel_accepts_them_read_the_same(tmp_path, zhangye, edit):
    """r="e49", r="$E$49" and a cell without r: the one reader normalises them for the ledger as for the forms."""
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons())
    part = sheet_of(ledger, "台账")
    odd = rewrite(ledger, tmp_path / "odd.xlsx", change=lambda n, d: edit(d) if n == part else d)
    with zipfile.ZipFile(odd) as zf:
        assert zf.read(part) != zipfile.ZipFile(ledger).read(part)
    ours, theirs = read_ledger(ledger, zhangye.ledger), read_ledger(odd, zhangye.ledger)
    assert theirs.rows == ours.rows and len(ours.rows) == len(persons())
    assert theirs.findings == ours.findings
    assert sheet_rows(odd, "台账") == sheet_rows(ledger, "台账")


def test_a_cell_whose_address_names_another_row_is_refused(tmp_path, zhangye):
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons()[:6])
    part = sheet_of(ledger, "台账")
    broken = rewrite(ledger, tmp_path / "b.xlsx", change=lambda n, d: d.replace(b'<c r="B5"', b'<c r="B9"', 1) if n == part else d)
    with pytest.raises(UnusableFile) as info:
        read_ledger(broken, zhangye.ledger)
    assert "损坏" in info.value.message and "B9" in info.value.message


def test_a_wrong_checksum_of_the_sheet_is_refused(tmp_path, zhangye):
    """The screening leaves a ledger's sheets to the reader, which checks the member's CRC when it ends:
    a changed digit in the last person's row keeps the XML well-formed, and the file is still refused."""
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons()[:6])
    part = sheet_of(ledger, "台账")
    stored = rewrite(ledger, tmp_path / "stored.xlsx", method=zipfile.ZIP_STORED)
    data = bytearray(stored.read_bytes())
    start, end = member_data_span(stored, part)
    at = data.rindex(b"<v>", start, data.index(b'<row r="10"', start, end)) + 3  # the last person's last number
    data[at] = ord("7") if data[at] != ord("7") else ord("8")
    (bad := tmp_path / "crc.xlsx").write_bytes(bytes(data))
    with pytest.raises(UnusableFile) as info:
        read_ledger(bad, zhangye.ledger)
    assert "损坏" in info.value.message and "解压失败" in info.value.message  # the member, not its XML


def test_damaged_compressed_data_in_the_sheet_is_refused(tmp_path, zhangye):
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons())
    part = sheet_of(ledger, "台账")
    data = bytearray(ledger.read_bytes())
    start, end = member_data_span(ledger, part)
    for k in range((start + end) // 2, (start + end) // 2 + 8):
        data[k] ^= 0x5A
    (bad := tmp_path / "deflate.xlsx").write_bytes(bytes(data))
    with pytest.raises(UnusableFile) as info:
        read_ledger(bad, zhangye.ledger)
    assert "损坏" in info.value.message


def test_a_doctype_in_the_sheet_is_refused_as_unsafe(tmp_path, zhangye):
    """The screening leaves a ledger's sheets to the reader: its streamed parse refuses a DTD as every parse does."""
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons()[:6])
    part = sheet_of(ledger, "台账")

    def with_doctype(xml: bytes) -> bytes:
        at = xml.index(b"<worksheet")
        return xml[:at] + b'<!DOCTYPE worksheet [<!ENTITY x "y">]>' + xml[at:]
    unsafe = rewrite(ledger, tmp_path / "dtd.xlsx", change=lambda n, d: with_doctype(d) if n == part else d)
    with pytest.raises(UnusableFile) as info:
        read_ledger(unsafe, zhangye.ledger)
    assert "DOCTYPE" in info.value.message
