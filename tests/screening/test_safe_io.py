"""Submitted files that must be refused before openpyxl reads a byte, and writes that never half-happen."""
from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from fullemp_xl.screening import Limits
from fullemp_xl.errors import UnusableFile
from fullemp_xl.screening.gate import check_workbook_file, load_workbook
from fullemp_xl.writing.files import save_atomically, write_new


@pytest.fixture
def workbook(tmp_path) -> Path:
    path = tmp_path / "ok.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "南关社区"
    wb.save(path)
    return path


def rewrite(src: Path, dst: Path, *, add: dict | None = None, change=None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, change(info.filename, data) if change else data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def refused(path: Path, **limits) -> str:
    with pytest.raises(UnusableFile) as info:
        check_workbook_file(path, Limits(**limits))
    return info.value.message


def test_plain_workbook_loads(workbook):
    assert load_workbook(workbook).active["A1"].value == "南关社区"


def test_missing_empty_and_folder(tmp_path):
    assert "找不到" in refused(tmp_path / "none.xlsx")
    assert "文件夹" in refused(tmp_path)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert "空的" in refused(empty)


def test_encrypted_or_old_xls(tmp_path):
    path = tmp_path / "secret.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 1024)
    assert "加密" in refused(path) and ".xls" in refused(path)


def test_not_a_zip_and_zip_without_workbook(tmp_path):
    text = tmp_path / "notes.xlsx"
    text.write_text("这不是工作簿", encoding="utf-8")
    assert "不是 Excel 工作簿" in refused(text)
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("hello.txt", "hi")
    assert "不是 Excel 工作簿" in refused(other)


def test_macros_are_refused(workbook, tmp_path):
    macro = rewrite(workbook, tmp_path / "m.xlsx", add={"xl/vbaProject.bin": b"\0" * 100})
    assert "宏" in refused(macro)
    renamed = tmp_path / "m.xlsm"
    renamed.write_bytes(workbook.read_bytes())
    assert "宏" in refused(renamed)


def test_zip_bomb(workbook, tmp_path):
    bomb = rewrite(workbook, tmp_path / "bomb.xlsx", add={"xl/media/zeros.bin": b"\0" * (8 * 1024 * 1024)})
    assert "压缩炸弹" in refused(bomb)
    assert "压缩炸弹" in refused(workbook, unpacked_bytes=100)


def test_xml_entities(workbook, tmp_path):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>')

    def change(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return laughs + (data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data)
        return data

    evil = rewrite(workbook, tmp_path / "evil.xlsx", change=change)
    assert "DOCTYPE" in refused(evil)


def test_damaged_workbook_is_unusable_not_a_traceback(workbook, tmp_path):
    broken = rewrite(workbook, tmp_path / "broken.xlsx",
                     change=lambda n, d: b"<garbage" if n == "xl/workbook.xml" else d)
    with pytest.raises(UnusableFile) as info:
        load_workbook(broken)
    assert "损坏" in info.value.message


def test_save_atomically_with_backup(workbook):
    wb = openpyxl.load_workbook(workbook)
    wb.active["A1"] = "新内容"
    first = save_atomically(wb, workbook, backup=True)
    assert openpyxl.load_workbook(first).active["A1"].value == "南关社区"
    assert openpyxl.load_workbook(workbook).active["A1"].value == "新内容"
    second = save_atomically(wb, workbook, backup=True)
    assert second != first and second.exists() and first.exists()


class Exploding:
    def save(self, path):
        Path(path).write_bytes(b"half")
        raise OSError("disk full")


def test_failed_save_leaves_original_and_no_temp_files(workbook):
    before = workbook.read_bytes()
    with pytest.raises(UnusableFile):  # an OSError while writing becomes a clear message
        save_atomically(Exploding(), workbook, backup=True)
    assert workbook.read_bytes() == before
    assert sorted(p.name for p in workbook.parent.iterdir()) == ["ok.xlsx"]


def test_check_hook_can_veto_a_write(workbook):
    before = workbook.read_bytes()

    def veto(tmp):
        raise UnusableFile(tmp, "no")

    with pytest.raises(UnusableFile):
        save_atomically(openpyxl.Workbook(), workbook, backup=True, check=veto)
    assert workbook.read_bytes() == before and len(list(workbook.parent.iterdir())) == 1


def test_write_new_refuses_the_input(workbook, tmp_path):
    with pytest.raises(UnusableFile):
        write_new(openpyxl.Workbook(), workbook, inputs=[workbook])
    write_new(openpyxl.Workbook(), tmp_path / "sub" / "out.xlsx", inputs=[workbook])
    assert (tmp_path / "sub" / "out.xlsx").exists()
