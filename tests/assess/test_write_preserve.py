"""Nothing lost: every command that writes changes only what fullemp owns, in workbooks saved by Excel-like
producers and by LibreOffice, full of what people put into workbooks; LibreOffice opens every result
and recalculates our formulas to the engine's scores."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from fullemp_xl import api
from fullemp_xl.forms.book import OpenpyxlBook
from fullemp_xl.writing.package import EditablePackage
from ledger_data import persons, write_ledger
from lo_oracle import recalculate, require_soffice
from rich_workbooks import SPARKLINES, USER_PARTS, excel_like, lo_saved, members
from conftest import run

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow,
              pytest.mark.xdist_group("write_preserve")]  # its module-scoped `sources` (a LibreOffice run) is built once

FORM_SHEETS = ("考评表", "基础数据")


def allowed_parts(path: Path) -> set[str]:
    """The parts a write of ours may change in `path`: our form sheets and what hangs off them, the result
    sheet, the workbook's lists (sheets, names, relationships, content types), styles and the calc chain."""
    pkg = EditablePackage(path.read_bytes())
    wb = pkg.workbook_part()
    out = {wb, "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml", "xl/calcChain.xml"}
    for sheet in pkg.sheets():
        if sheet["name"] in (*FORM_SHEETS, "校验结果"):
            out.add(sheet["part"])
            out.add(sheet["part"].replace("worksheets/", "worksheets/_rels/") + ".rels")
            for rel in pkg.relationships(sheet["part"]):
                if rel.get("Type", "").endswith(("/comments", "/vmlDrawing")):
                    out.add(rel["part"])
    return out


def assert_only_ours_changed(before: Path, after: Path) -> set[str]:
    old, new = members(before), members(after)
    ours = allowed_parts(before) | allowed_parts(after)
    for name, data in old.items():
        if name not in ours:
            assert name in new, f"{after.name}: {name} was dropped"
            assert new[name] == data, f"{after.name}: {name} changed"
    for name in USER_PARTS:
        if name in old:
            assert new.get(name) == old[name], name
    return {n for n in set(old) | set(new) if old.get(n) != new.get(n)}


def sheet_xml(path: Path, name: str) -> str:
    pkg = EditablePackage(path.read_bytes())
    return pkg.text(pkg.sheet_part(name))


@pytest.fixture(scope="module")
def sources(tmp_path_factory, zhangye):
    """(Excel-like workbook, the same saved by LibreOffice, a ledger)."""
    folder = tmp_path_factory.mktemp("sources")
    excel = excel_like(folder / "excel.xlsx", zhangye)
    require_soffice()
    libre = lo_saved(excel, folder / "libreoffice.xlsx")
    ledger = write_ledger(folder / "台账.xlsx", zhangye, persons())
    return excel, libre, ledger


def test_the_test_workbooks_hold_everything(sources):
    excel, libre, _ = sources
    parts = members(excel)
    assert all(p in parts for p in USER_PARTS)
    assert b"x14:sparklineGroups" in parts["xl/worksheets/sheet2.xml"]
    libre_parts = members(libre)
    assert any(b"<r>" in data for name, data in libre_parts.items() if name.endswith("sharedStrings.xml"))  # rich runs


@pytest.mark.parametrize("producer", ["excel", "libreoffice"])
def test_every_command_changes_only_what_is_ours(tmp_path, sources, producer):
    src = sources[0] if producer == "excel" else sources[1]
    ledger = sources[2]
    outputs = []
    for label, args in (("score", ["score", "--write"]), ("mark", ["validate", "--mark"]), ("fill", ["fill", "--ledger", ledger])):
        out = tmp_path / f"{label}.xlsx"
        proc = run(*args[:1], src, *args[1:], "-o", out)
        assert proc.returncode in (0, 1), proc.stderr
        changed = assert_only_ours_changed(src, out)
        assert changed, label
        outputs.append(out)
    # in place, one command after another on the same file, then the marks taken away again
    work = tmp_path / "in-place.xlsx"
    shutil.copy(src, work)
    steps = [["validate", "--mark"], ["validate", "--mark"], ["score", "--write"], ["fill", "--ledger", ledger],
             ["validate", "--unmark"]]
    for args in steps:
        before = tmp_path / "before.xlsx"
        shutil.copy(work, before)
        proc = run(args[0], work, *args[1:], "--in-place")
        assert proc.returncode in (0, 1), (args, proc.stderr)
        assert_only_ours_changed(before, work)
    outputs.append(work)
    # the data sheet keeps the sparklines and someone's note; after --unmark it is exactly as before marking
    data_xml = sheet_xml(work, "基础数据")
    if producer == "excel":
        assert SPARKLINES.split("<x14:sparklines>")[0].replace("{{", "{").replace("}}", "}") in data_xml
        wb = openpyxl.load_workbook(work)
        note = wb["基础数据"]["E17"].comment
        assert note.author == "王五" and "学历证明已复印存档" in note.text
        assert "校验结果" not in wb.sheetnames
    # every result opens in LibreOffice, and our formulas recalculate to the engine's scores
    recalculated = recalculate(outputs, tmp_path / "lo")
    for out, lo in zip(outputs, recalculated):
        card = api.score_file(out)
        wb = openpyxl.load_workbook(lo, data_only=True)
        book = OpenpyxlBook(wb)
        for stage in card.stages:
            value = book.read(*book.cells()[f"fe_total_{stage.stage}"])
            expected = None if stage.total is None else float(stage.total)
            assert (value if value != "" else None) == expected, (out.name, stage.stage)


def test_marking_a_user_note_keeps_it_and_its_thread(tmp_path, sources):
    excel = sources[0]
    out = tmp_path / "marked.xlsx"
    assert run("validate", excel, "--mark", "-o", out).returncode == 1
    old, new = members(excel), members(out)
    assert new["xl/threadedComments/threadedComment1.xml"] == old["xl/threadedComments/threadedComment1.xml"]
    comments = next(n for n in old if n.startswith("xl/comments") and b"\xe7\x8e\x8b\xe4\xba\x94" in old[n])  # 王五
    start = old[comments].index(b"<comment ")
    theirs = old[comments][start:old[comments].index(b"</comment>", start) + 10]
    assert theirs in new[comments]  # someone's rich-text note, byte for byte
    wb = openpyxl.load_workbook(out)
    assert wb["基础数据"]["E17"].fill.fgColor.rgb.endswith("FFC7CE")  # still marked
    records = [wb["校验结果"].cell(r, 10).value for r in range(2, 6)]
    assert any('"cell": "E17"' in r and '"kept_note": true' in r for r in records if r)


def test_guard_refuses_a_write_that_loses_something(tmp_path, sources):
    """The guard itself: a package missing a part, or with a note of someone else gone, is refused."""
    from fullemp_xl.assess.preserve import losses

    excel = sources[0]
    before = excel.read_bytes()
    parts = members(excel)
    for damage in ("xl/charts/style1.xml", "xl/comments"):
        broken = dict(parts)
        if damage == "xl/comments":
            name = next(n for n in parts if n.startswith("xl/comments"))
            broken[name] = parts[name].replace(parts[name][parts[name].index(b"<comment "):parts[name].index(b"</comment>") + 10], b"")
            owned = {name}
        else:
            del broken[damage]
            owned = set()
        path = tmp_path / "broken.xlsx"
        with zipfile.ZipFile(path, "w") as zf:
            for n, data in broken.items():
                zf.writestr(n, data)
        assert losses(before, path.read_bytes(), owned, note_author="fullemp校验"), damage
