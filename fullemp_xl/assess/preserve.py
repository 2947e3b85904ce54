"""Guard every write: whatever fullemp does not own comes out exactly as it went in.

A patch names the parts it changed (`owned`). Every other part must be byte for byte what it was
(same decompressed bytes). In the parts we did change, what is not ours must still be there: the
worksheet around its cell table, every note someone else wrote, every existing cell format at its
index, every relationship and content type whose part still exists, every sheet of the workbook
that was not ours. A write that would break this is refused and the input stays as it was.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

from ..errors import UnusableFile
from ..ooxml.a1 import sheet_ref
from ..writing.notes import SHAPE, note_shapes
from ..ooxml.parts import resolve
from ..writing.package import EditablePackage
from ..writing.tags import DamagedPackage, attrs, elements, find_element

LEGACY_DRAWING = re.compile(r"<(?:[\w.-]+:)?legacyDrawing\b[^>]*/>")
DIMENSION = re.compile(r"<(?:[\w.-]+:)?dimension\b[^>]*/>")
ROOT = re.compile(r"^\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?<(?:[\w.-]+:)?([\w.-]+)")
WORKBOOK_OURS = ("sheets", "definedNames", "calcPr", "bookViews")


def _directory(data: bytes) -> dict[str, tuple[int, int]]:
    """name → (CRC-32 of the uncompressed bytes, size): equal for a part copied or recompressed unchanged."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: (i.CRC, i.file_size) for i in zf.infolist() if not i.is_dir()}


def _without(xml: str, locals_: tuple[str, ...]) -> str:
    for local in locals_:
        span = find_element(xml, local)
        if span is not None:
            xml = xml[:span[0]] + xml[span[2]:]
    return xml


def _outside_cells(xml: str) -> str:
    """A worksheet without its cell table, its extent, its page breaks (our forms' print layout) and its
    notes' drawing link: what we never change."""
    return LEGACY_DRAWING.sub("", DIMENSION.sub("", _without(xml, ("sheetData", "rowBreaks"))))


def _items(xml: str, section: str, item: str) -> list[str]:
    span = find_element(xml, section)
    return [] if span is None else [xml[s:e] for s, e in elements(xml, item, span[1], span[2])]


def _others_notes(xml: str, author: str) -> list[str]:
    span = find_element(xml, "authors")
    authors = [] if span is None else [xml[s:e] for s, e in elements(xml, "author", span[1], span[2])]
    ours = {str(k) for k, a in enumerate(authors) if author and f">{author}<" in a}
    return [xml[s:e] for s, e in elements(xml, "comment") if attrs(xml[s:xml.index(">", s) + 1]).get("authorId") not in ours]


def _part_problem(name: str, old: str, new: str, ours: set[str], note_author: str, sheet_parts: dict[str, str]) -> str | None:
    """Why an owned part lost something that is not ours (None: it did not).

    ours: the parts this write changed or removed (what points to them may change with them).
    """
    root = (ROOT.match(old) or ROOT.match(" <x")).group(1)
    if root == "worksheet" and _outside_cells(old) != _outside_cells(new):
        return "单元格以外的内容被改动"
    if root == "styleSheet":
        for section, item in (("fonts", "font"), ("fills", "fill"), ("borders", "border"), ("cellXfs", "xf")):
            before = _items(old, section, item)
            if _items(new, section, item)[:len(before)] != before:
                return f"已有的单元格格式（{section}）被改动"
    if root == "comments":
        kept = _others_notes(new, note_author)
        missing = [c for c in _others_notes(old, note_author) if c not in kept]
        if missing:
            return f"{len(missing)} 条他人的批注"
    if root == "Relationships":
        source = name.replace("_rels/", "").removesuffix(".rels")
        for s, e in elements(old, "Relationship"):
            a = attrs(old[s:e])
            target = a.get("Target", "")
            part = target if a.get("TargetMode") == "External" else resolve(source, target) if source else target.lstrip("/")
            if old[s:e] not in new and part not in ours:
                return f"关系 {a.get('Id')}（{target}）"
    if root == "Types":
        for s, e in elements(old, "Override"):
            if old[s:e] not in new and attrs(old[s:e]).get("PartName", "").lstrip("/") not in ours:
                return f"内容类型 {attrs(old[s:e]).get('PartName')}"
        if any(old[s:e] not in new for s, e in elements(old, "Default")):
            return "默认内容类型"
    if root == "workbook":
        if _without(old, WORKBOOK_OURS) != _without(new, WORKBOOK_OURS):
            return "工作簿设置"
        span = find_element(new, "sheets")
        new_sheets = new[span[0]:span[2]] if span else ""
        for s, e in elements(old, "sheet"):
            sheet = attrs(old[s:e]).get("name", "")
            if old[s:e] not in new_sheets and sheet_parts.get(sheet) not in ours:
                return f"工作表 {sheet}"
    return None


def _others_note_cells(pkg: EditablePackage, sheet_part: str, author: str) -> set[tuple[int, int]]:
    cells = set()
    for rel in pkg.related(sheet_part, "comments"):
        if pkg.exists(rel.get("part", "")):
            xml = pkg.text(rel["part"])
            for comment in _others_notes(xml, author):
                ref = attrs(comment[:comment.index(">") + 1]).get("ref", "").replace("$", "")
                if ref:
                    cells.add(sheet_ref(ref))
    return cells


def _vml_losses(before: EditablePackage, after: EditablePackage, ours: set[str], author: str) -> list[str]:
    """Shapes of a notes drawing we changed: only our own notes may go (form controls and others' notes stay)."""
    lost = []
    for sheet in before.sheets():
        part = sheet["part"]
        if not part or not before.exists(part):
            continue
        for rel in before.related(part, "vmlDrawing"):
            vml = rel.get("part", "")
            if vml not in ours or not before.exists(vml):
                continue
            new = after.text(vml) if after.exists(vml) else ""
            others = _others_note_cells(after, part, author) if after.exists(part) else set()
            notes = {shape: (row, col) for row, col, shape in note_shapes(before.text(vml))}
            for m in SHAPE.finditer(before.text(vml)):
                shape = m.group(0)
                if shape not in new and (shape not in notes or notes[shape] in others):
                    lost.append(f"{vml}（图形或他人批注的框）")
                    break
    return lost


def losses(before: bytes, after: bytes, owned: set[str], *, note_author: str = "") -> list[str]:
    """What the write would lose or change that is not ours, in words (empty: nothing).

    Parts we do not own are compared by size and CRC-32 of their uncompressed bytes (a copy has both
    unchanged); only the parts we changed are unpacked and compared piece by piece.
    """
    old, new = _directory(before), _directory(after)
    gone = {n for n in old if n not in new}
    ours = set(owned) | gone
    lost = [f"{name}（{'被删除' if name in gone else '被改动'}）" for name in old
            if name not in owned and new.get(name) != old[name]]
    mine = [n for n in old if n in owned and n not in gone]
    if mine:
        sheet_parts = {s["name"]: s["part"] for s in EditablePackage(before).sheets()}
        with zipfile.ZipFile(io.BytesIO(before)) as a, zipfile.ZipFile(io.BytesIO(after)) as b:
            for name in mine:
                problem = _part_problem(name, a.read(name).decode("utf-8", "replace"), b.read(name).decode("utf-8", "replace"),
                                        ours, note_author, sheet_parts)
                if problem:
                    lost.append(f"{name}（{problem}）")
    return lost + _vml_losses(EditablePackage(before), EditablePackage(after), ours, note_author)


def check(before: bytes, after: bytes, owned: set[str], file: Path, *, note_author: str = "") -> None:
    """Raise UnusableFile when the write would lose anything that is not ours."""
    try:
        lost = losses(before, after, owned, note_author=note_author)
    except (zipfile.BadZipFile, zlib.error, EOFError, DamagedPackage):  # a member of the input was damaged already
        raise UnusableFile(file, "工作簿中有已损坏的部分，无法安全写入，已取消，原文件未改动：请用 Excel 打开后另存为 .xlsx 再试") from None
    if lost:
        raise UnusableFile(file, "写入会改动或丢失工作簿中不属于本程序的内容：" + "、".join(lost[:5]) +
                           ("等" if len(lost) > 5 else "") + "。已取消写入，原文件未改动；请把文件发给维护人员")
