"""The merge's strict fast reader gives exactly what openpyxl gives, refuses what openpyxl cannot read,
and never reads a damaged sheet in part."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from conftest import good_values, make_assessment
from fullemp_xl.forms import names as N
from fullemp_xl.forms.book import OpenpyxlBook
from fullemp_xl.errors import UnusableFile
from fullemp_xl.screening.gate import load_workbook
from fullemp_xl.xlsx import open_book, open_screened
from lo_oracle import recalculate, require_soffice

from corpus import Patcher, base_files, write_corpus


def same_as_openpyxl(path: Path) -> int:
    """Every cell a defined name points at reads the same in both readers; cached values likewise."""
    fast = open_book(path)
    ours = OpenpyxlBook(openpyxl.load_workbook(path), path.name)
    cached = OpenpyxlBook(openpyxl.load_workbook(path, data_only=True), path.name)
    assert fast.cells() == ours.cells()
    n = 0
    for name, where in fast.cells().items():
        if where is None:
            continue
        assert fast.read(*where) == ours.read(*where), (path.name, name, where)
        assert type(fast.read(*where)) is type(ours.read(*where)), (path.name, name)
        assert fast.cached(*where) == cached.read(*where), (path.name, name, "cached")
        n += 1
    return n


@pytest.mark.slow
def test_equal_on_a_generated_corpus(tmp_path, zhangye):
    written = write_corpus(zhangye, good_values(), tmp_path, 60, damaged=0.15, inserted=0.3)
    checked = damaged = 0
    for path, spec in written:
        if spec.damage:
            with pytest.raises(UnusableFile):
                open_book(path).sheet("基础数据")
            with pytest.raises(UnusableFile):
                load_workbook(path)  # openpyxl cannot read them either
            damaged += 1
            continue
        checked += same_as_openpyxl(path)
    assert damaged >= 3 and checked > 50 * 200


@pytest.mark.libreoffice
def test_equal_after_libreoffice_saves_them(tmp_path, zhangye, good):
    """LibreOffice writes shared strings, cached values, shared formulas and its own styles."""
    require_soffice()
    plain = make_assessment(tmp_path / "a.xlsx", zhangye, {"self": good, "assessed": {**good, "qualified_staff": "３人"}})
    [saved] = recalculate([plain], tmp_path / "lo")
    assert same_as_openpyxl(saved) > 200
    book = open_book(saved)
    where = book.cells()["fe_total_self"]
    assert book.read(*where).startswith("=") and book.cached(*where) == 100


def test_values_of_every_kind(tmp_path):
    """Dates by number format (both epochs), rich and inline text, booleans, errors, merged cells."""
    for epoch1904 in (False, True):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "表 一"
        if epoch1904:
            wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
        values = {"A1": 12, "A2": 12.5, "A3": "文字", "A4": True, "A5": dt.datetime(2023, 5, 1, 8, 30),
                  "A6": dt.date(2022, 1, 2), "A7": "=SUM(A1:A2)", "A8": "#N/A", "A9": " 带空格 ", "A10": 1e-7,
                  "A11": CellRichText(["甲", TextBlock(InlineFont(b=True), "乙")]), "A12": "_x000D_", "B1": "合并"}
        for ref, value in values.items():
            ws[ref] = value
        ws.merge_cells("B1:C2")
        for ref in values:
            wb.defined_names[f"n_{ref}"] = openpyxl.workbook.defined_name.DefinedName(f"n_{ref}", attr_text=f"'表 一'!${ref[0]}${ref[1:]}")
        wb.defined_names["n_hidden"] = openpyxl.workbook.defined_name.DefinedName("n_hidden", attr_text="'表 一'!$C$2")
        wb.defined_names["n_range"] = openpyxl.workbook.defined_name.DefinedName("n_range", attr_text="'表 一'!$A$1:$A$2")
        path = tmp_path / f"v{epoch1904}.xlsx"
        wb.save(path)
        with zipfile.ZipFile(path) as zf:  # a value left under the merge, as other producers keep them
            members = {i.filename: zf.read(i) for i in zf.infolist()}
        sheet = members["xl/worksheets/sheet1.xml"].decode()
        sheet = sheet.replace('<c r="A2" t="n"><v>12.5</v></c>', '<c r="A2" t="n"><v>12.5</v></c><c r="C2" t="inlineStr"><is><t>藏</t></is></c>')
        assert "藏" in sheet
        members["xl/worksheets/sheet1.xml"] = sheet.encode()
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in members.items():
                zf.writestr(name, data)
        assert same_as_openpyxl(path) == len(values) + 1
        book = open_book(path)
        assert book.cells()["n_range"] is None
        assert book.read("表 一", "A5") == dt.datetime(2023, 5, 1, 8, 30)


def test_damaged_sheet_is_refused_never_read_in_part(tmp_path, zhangye, good):
    """python-calamine was measured returning such a sheet as if complete; we must not."""
    path = make_assessment(tmp_path / "k.xlsx", zhangye, {"self": good, "assessed": good})
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    for cut in (0.3, 0.6, 0.9):
        broken = dict(members)
        sheet = members["xl/worksheets/sheet2.xml"]
        broken["xl/worksheets/sheet2.xml"] = sheet[: int(len(sheet) * cut)]
        damaged = tmp_path / f"cut{cut}.xlsx"
        with zipfile.ZipFile(damaged, "w") as zf:
            for name, data in broken.items():
                zf.writestr(name, data)
        book = open_book(damaged)
        with pytest.raises(UnusableFile, match="损坏"):
            book.read("基础数据", "E15")


def test_bad_crc_and_entities_and_bombs_are_refused(tmp_path, zhangye, good):
    path = make_assessment(tmp_path / "k.xlsx", zhangye, {"self": good, "assessed": good})
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    # a changed byte inside a stored (uncompressed) member: the zip's checksum no longer matches
    crc = tmp_path / "crc.xlsx"
    with zipfile.ZipFile(crc, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    raw = bytearray(crc.read_bytes())
    at = raw.find(b"<sheetData")
    raw[at + 1] = ord("S")
    crc.write_bytes(bytes(raw))
    with pytest.raises(UnusableFile, match="解压失败"):
        book = open_book(crc)
        for sheet in book.sheetnames:
            book.sheet(sheet)
    # an entity declaration, far beyond the first 4 KiB and in UTF-16
    laughs = ('<?xml version="1.0" encoding="UTF-16"?><!--' + "x" * 6000 + '--><!DOCTYPE w [<!ENTITY a "aaaa">]>'
              '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>')
    ent = tmp_path / "ent.xlsx"
    with zipfile.ZipFile(ent, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, laughs.encode("utf-16") if name == "xl/workbook.xml" else data)
    with pytest.raises(UnusableFile, match="不安全"):
        open_book(ent)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data + (b" " * (80 * 1024 * 1024) if name == "xl/worksheets/sheet2.xml" else b""))
    with pytest.raises(UnusableFile, match="异常巨大"):
        open_book(bomb).read("基础数据", "E15")


def test_a_file_and_its_bytes_are_read_alike_on_the_one_read_path(tmp_path, zhangye, good):
    """open_screened reads a file once (the screening and the reader share its bytes); a submission inside a zip
    archive arrives as bytes. Both ways must give the same cells, and the same refusal in the same words."""
    path = make_assessment(tmp_path / "k.xlsx", zhangye, {"self": good, "assessed": {**good, "ledgers_missing": 1}})
    names = (N.COMMUNITY, N.total("assessed"), N.total("self"), N.fact("assessed", "ledgers_missing"))
    books = (open_screened(path), open_screened(tmp_path / "shown.xlsx", path.read_bytes()))
    try:
        seen = [{n: (b.read(*b.cells()[n]), b.cached(*b.cells()[n])) for n in names if b.cells().get(n)} for b in books]
    finally:
        for b in books:
            b.close()
    assert seen[0] == seen[1] and len(seen[0]) == len(names)
    assert seen[0][N.fact("assessed", "ledgers_missing")][0] == 1 and seen[0][N.COMMUNITY][0]
    assert books[0].file == "k.xlsx" and books[1].file == "shown.xlsx"
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(path.read_bytes()[:-200])  # the central directory broken off
    text = cut.with_suffix(".csv")
    text.write_text("县（区）,社区\n甘州区,幸福\n", encoding="utf-8")
    for damaged in (cut, text, tmp_path):  # a broken zip, a text file, a folder
        with pytest.raises(UnusableFile) as from_path:
            open_screened(damaged)
        if damaged.is_file():
            with pytest.raises(UnusableFile) as from_bytes:
                open_screened(damaged, damaged.read_bytes())
            assert from_bytes.value.message == from_path.value.message
    assert "文件夹" in from_path.value.message


@pytest.mark.parametrize("named", [True, False], ids=["named-cell-is-a-dependent", "only-other-cells-share"])
def test_shared_formulas_read_as_openpyxl_reads_them(tmp_path, zhangye, good, named):
    """Excel stores a copied formula once (the master) and refers to it from the copies. A copy among the cells the
    forms name is translated from its master, wherever that is (the whole sheet is read); copies elsewhere do not
    stop the reader from converting only the named cells."""
    from lxml import etree

    path = make_assessment(tmp_path / "k.xlsx", zhangye, {"self": good, "assessed": good})
    book = open_book(path)
    sheet, cell = book.cells()[N.total("self")]
    part = book.parts.sheets[sheet]
    book.close()
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    root = etree.fromstring(members[part])
    ns = root.nsmap[None]
    rows = {r.get("r"): r for r in root.iter(f"{{{ns}}}row")}
    def formula_cell(ref, attrs, text=None):
        c = etree.SubElement(rows[ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")], f"{{{ns}}}c", r=ref)
        f = etree.SubElement(c, f"{{{ns}}}f", attrs)
        f.text = text
    formula_cell("AZ1", {"t": "shared", "ref": "AZ1:AZ2", "si": "9"}, "SUM(BA1:BB1)")  # a master in row 1
    if named:  # the named total becomes a copy of it
        target = next(c for c in root.iter(f"{{{ns}}}c") if c.get("r") == cell)
        f = target.find(f"{{{ns}}}f")
        f.attrib.update({"t": "shared", "si": "9"})
        f.text = None
    else:
        formula_cell("AZ2", {"t": "shared", "si": "9"})
    members[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    shared = tmp_path / "shared.xlsx"
    with zipfile.ZipFile(shared, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    assert same_as_openpyxl(shared) > 200
    total = open_book(shared).read(sheet, cell)
    assert total.startswith("=SUM(") if named else total.startswith("=") and "AZ" not in total


def test_far_cells_cost_nothing(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = 1
    ws["XFD1048576"] = "最后一格"
    path = tmp_path / "far.xlsx"
    wb.save(path)
    book = open_book(path)
    book.named_only = False
    cells = book.sheet(ws.title)
    assert len(cells.values) == 2 and cells.values[(1048576, 16384)] == "最后一格"


def test_inserted_rows_base_reads_the_moved_cells(tmp_path, zhangye):
    bases = base_files(zhangye, tmp_path)
    plain, moved = Patcher(bases["plain"]), Patcher(bases["inserted"])
    assert plain.where["fe_self_qualified_staff"] != moved.where["fe_self_qualified_staff"]
    values = {"fe_self_qualified_staff": 3, "fe_community": "南关社区"}
    for patcher, name in ((plain, "p.xlsx"), (moved, "m.xlsx")):
        patcher.write(tmp_path / name, values)
        book = open_book(tmp_path / name)
        assert book.read(*book.cells()["fe_self_qualified_staff"]) == 3
